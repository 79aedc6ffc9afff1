/**
 * What the write routes of pages, collection items and blog posts share about versions:
 * optimistic concurrency (`If-Match: "v<n>"`), scheduled publication in write bodies, and the
 * body of a rollback to a revision. (The revision history they answer is the content domain's,
 * origin/content/revisions.ts.)
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import type { OriginEnv } from '../env.js';
import type { WriteActor } from '../outbox/index.js';
import type { Actor } from './authorize.js';
import { timestampField } from './input.js';

/** `If-Match: "v3"` → 3; absent → null; anything else → 400. */
export function expectedVersion(c: Context<OriginEnv>): number | null {
  const h = c.req.header('if-match');
  if (h === undefined) return null;
  const m = /^(?:W\/)?"v(\d{1,9})"$/.exec(h.trim());
  if (!m) throw new ApiError('bad_request', 'If-Match must be an ETag from the management view, e.g. "v3".');
  return Number(m[1]);
}

/** The ETag of a resource's management view at `version`. */
export const versionTag = (version: number) => `"v${version}"`;

/**
 * Write bodies may schedule publication (a ghee extension; ButterCMS's Write API cannot):
 * `{ "status": "scheduled", "scheduled": "<ISO time in the future>" }`. Spread these into the
 * body's shape and refine the object with `scheduleProblems`.
 */
export const schedulable = {
  status: z.enum(['draft', 'published', 'scheduled'], { message: 'must be draft, published or scheduled' }),
  scheduled: timestampField(),
};

interface Scheduling {
  status?: string | undefined;
  scheduled?: string | undefined;
}

/** `scheduled` is required with status scheduled, and only then, and must be in the future. */
export function scheduleProblems(b: Scheduling, ctx: z.RefinementCtx): void {
  if ((b.status === 'scheduled') !== (b.scheduled !== undefined)) {
    ctx.addIssue({ code: 'custom', message: 'is required with status scheduled, and only then', path: ['scheduled'] });
  }
  if (b.scheduled !== undefined && !(Date.parse(b.scheduled) > Date.now())) {
    ctx.addIssue({ code: 'custom', message: 'must be in the future', path: ['scheduled'] });
  }
}

/** `scheduled` as a Date for the services, only when given. */
export const scheduledAt = (b: Scheduling): { scheduledAt?: Date } => (b.scheduled !== undefined ? { scheduledAt: new Date(b.scheduled) } : {});

/** Rollback to any revision: a new save with its content; status as given, else the revision's. */
export const rollbackBody = z
  .object({ version: z.number().int().min(1), status: z.enum(['draft', 'published'], { message: 'must be draft or published' }).optional() })
  .strict();

/**
 * The authorized actor of a write as the commit step (origin/outbox/commit.ts) records it in the
 * audit row: member or API key, organization (unknown for an edge-asserted key: the commit step
 * reads it from the space), client IP and user agent.
 */
export function writeActor(c: Context<OriginEnv>, actor: Actor): WriteActor {
  const support = c.get('support');
  return {
    userId: actor.userId,
    keyId: actor.keyId,
    organizationId: actor.organizationId || null,
    ip: c.get('clientIp') ?? null,
    userAgent: c.req.header('user-agent') ?? null,
    // An operator under a support grant: the write's audit row names both (origin/outbox/commit.ts).
    ...(support ? { support: { operatorId: support.operatorId, grantId: support.grantId } } : {}),
  };
}
