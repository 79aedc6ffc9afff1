import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { ApiError } from '../../shared/errors.js';
import type { Db } from '../db/client.js';
import { spaces } from '../db/schema/index.js';
import type { OriginEnv } from '../env.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The one tenant check of the management API: the caller must hold an admin key (else 403
 * naming `what`), and the `:spaceId` in the path must belong to that key's organization — a
 * space of another organization answers 404, exactly as one that does not exist.
 */
export async function ownedSpace(db: Db, c: Context<OriginEnv>, what: string): Promise<string> {
  const p = c.get('principal')!;
  if (p.kind !== 'admin' || !p.organizationId) throw new ApiError('forbidden', `Managing ${what} needs an admin key.`);
  const spaceId = c.req.param('spaceId') ?? '';
  if (!UUID_RE.test(spaceId)) throw new ApiError('not_found', 'Space not found.');
  const [row] = await db
    .select({ id: spaces.id })
    .from(spaces)
    .where(and(eq(spaces.id, spaceId), eq(spaces.organizationId, p.organizationId)))
    .limit(1);
  if (!row) throw new ApiError('not_found', 'Space not found.');
  return row.id;
}
