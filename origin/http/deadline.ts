/**
 * The origin's bound on one request (ORIGIN_REQUEST_TIMEOUT_MS). Postgres's statement_timeout
 * (DATABASE_STATEMENT_TIMEOUT_MS) bounds a statement's time on the server only: a slow network to
 * the database, or every pooled connection busy behind it, keeps a request waiting with no
 * statement running long. Past the deadline the request is answered 503 in the error shape with
 * Retry-After, and whatever its handler does later is discarded: a write it commits after that is
 * whole (the commit step is one transaction), the client was told to retry, and a retry of a
 * write that did commit meets the usual version check.
 *
 * The deadline runs from the request's arrival: the page read path (origin/content/pages/read-path.ts)
 * notes it, bounds its own lookup by it (`withinDeadline`, then declines to the chain), and the
 * chain's middleware gives the request only what is left.
 */
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../shared/errors.js';
import type { OriginEnv } from '../env.js';

/** Seconds a client is told to wait after a request ran out of time. */
export const DEADLINE_RETRY_AFTER_S = 5;

const arrivals = new WeakMap<IncomingMessage, number>();

/** Notes when a request arrived (performance.now()), for the chain's deadline. */
export function markArrival(incoming: IncomingMessage, at: number): void {
  if (!arrivals.has(incoming)) arrivals.set(incoming, at);
}

export class DeadlineError extends Error {
  constructor() {
    super('request deadline reached');
    this.name = 'DeadlineError';
  }
}

/** `work`, or a DeadlineError once `ms` have passed (work's own outcome is then ignored). */
export function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError()), Math.max(0, ms));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

function unavailable(): ApiError {
  return new ApiError('unavailable', 'The request did not complete in time; retry shortly.', { 'retry-after': String(DEADLINE_RETRY_AFTER_S) });
}

export function requestDeadline(ms: number): MiddlewareHandler<OriginEnv> {
  return async function deadline(c, next) {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const arrived = incoming ? arrivals.get(incoming) : undefined;
    const left = arrived === undefined ? ms : ms - (performance.now() - arrived);
    if (left <= 0) {
      c.get('logger')?.warn({ deadline_ms: ms }, 'request deadline reached');
      throw unavailable();
    }
    try {
      await withinDeadline(next(), left);
    } catch (err) {
      if (!(err instanceof DeadlineError)) throw err;
      c.get('logger')?.warn({ deadline_ms: ms }, 'request deadline reached');
      throw unavailable();
    }
  };
}
