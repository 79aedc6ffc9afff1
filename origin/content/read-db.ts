/**
 * Which database a content read runs on: a published read may lag, so it goes through
 * `database.read` (a fresh replica when DATABASE_REPLICA_URLS names any, origin/db/replicas.ts);
 * a preview (drafts) stays on the primary, as do writes, management reads and everything about
 * keys, sessions and auth, which never come here.
 */
import type { AppContext } from '../context.js';
import type { Db } from '../db/client.js';

export function contentRead<T>(ctx: AppContext, reader: { spaceId: string; preview: boolean }, fn: (db: Db) => Promise<T>): Promise<T> {
  return reader.preview ? fn(ctx.database.db) : ctx.database.read(fn, { spaceId: reader.spaceId });
}
