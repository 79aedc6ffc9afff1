import type { Context } from 'hono';
import type { Action } from '../../shared/permissions.js';
import type { Db } from '../db/client.js';
import type { OriginEnv } from '../env.js';
import { authorizeSpace } from './authorize.js';

/**
 * The tenant check of the management API's space routes: the `:spaceId` in the path must be
 * a space the caller may perform `action` in (an admin key of its organization, or a member
 * whose role allows it); a space of another organization answers 404, exactly as one that does
 * not exist. `what` is kept for the callers' readability.
 */
export async function ownedSpace(db: Db, c: Context<OriginEnv>, _what: string, action: Action = 'schema.manage'): Promise<string> {
  return (await authorizeSpace(db, c, c.req.param('spaceId'), action)).spaceId;
}
