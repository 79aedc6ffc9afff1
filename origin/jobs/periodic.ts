import { describeDatabaseError } from '../db/client.js';
import type { Logger } from '../logger.js';

/**
 * Logs a failed background run: the database being unavailable is a warning (the next run
 * retries), anything else an error — with the driver's code and message only, never the failed
 * statement or its parameters (origin/db/client.ts describeDatabaseError).
 */
export function logRunFailure(logger: Logger, err: unknown, msg: string, fields: Record<string, unknown> = {}): void {
  const { unavailable, ...db } = describeDatabaseError(err);
  if (unavailable) logger.warn({ ...fields, ...db, database_unavailable: true }, msg);
  else logger.error({ ...fields, ...db }, msg);
}

/**
 * Runs a job's `runOnce` every `intervalMs` (measured from the end of a run, so runs never
 * overlap), logging failures instead of dying, and lets `stop()` wait for the run in flight.
 * The loop of the scheduler and the key revoker.
 */
export class PeriodicRunner {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #current: Promise<unknown> | null = null;
  #running = false;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly run: () => Promise<unknown>,
  ) {}

  start(intervalMs: number): void {
    if (this.#running) return;
    this.#running = true;
    const tick = async () => {
      this.#timer = null;
      if (!this.#running) return;
      this.#current = this.run().catch((err: unknown) => logRunFailure(this.logger, err, `${this.name} run failed`));
      await this.#current;
      this.#current = null;
      if (this.#running) {
        this.#timer = setTimeout(() => void tick(), intervalMs);
        this.#timer.unref();
      }
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#current;
  }
}
