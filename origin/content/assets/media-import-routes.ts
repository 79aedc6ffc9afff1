/**
 * The media import's delivery log and queue over HTTP (write key of the space, `assets.write`):
 *   GET  /v2/manage/media-imports/?status=pending|retrying|done|failed&url=&page=&page_size=
 *        → { meta: { count, next_page, previous_page }, data: [ view ] }, newest first
 *   POST /v2/manage/media-imports/  { "urls": [ "https://…", … ] } (≤ 100) → 202 { data: [ view ] }
 *        queues imports not tied to content (the ButterCMS importer uses it to bring media over
 *        before it writes the content that names them); a URL already queued is not queued twice
 *   POST /v2/manage/media-imports/{id}/retry/  a `failed` import is queued again → 202 { data: view }
 * A view: { id, url, status, attempts, last_error, next_attempt, asset: { id, url } | null,
 * created, updated, completed }.
 */
import { and, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { assets, mediaImports } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authorizeContent, isUuid } from '../../http/authorize.js';
import { parseBody } from '../../http/body.js';
import { authenticate } from '../../http/request-auth.js';
import { writeActor } from '../../http/revisions.js';
import { commitWrite } from '../../outbox/index.js';
import { isImportableUrl, MAX_URLS_PER_SAVE, queueMediaImports } from './media-queue.js';
import { assetPath } from './store.js';
import { listMediaImportsDoc, queueMediaImportsDoc, retryMediaImportDoc } from './media-import-docs.js';

export const MEDIA_IMPORT_STATUSES = ['pending', 'retrying', 'done', 'failed'] as const;

const queueBody = z
  .object({
    urls: z
      .array(z.string().refine(isImportableUrl, { message: 'must be an absolute http(s) URL (≤ 2048 characters, no credentials)' }))
      .min(1)
      .max(MAX_URLS_PER_SAVE),
  })
  .strict();

export interface MediaImportView {
  id: string;
  url: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt: string | null;
  asset: { id: string; url: string } | null;
  created: string;
  updated: string;
  completed: string | null;
}

const columns = {
  id: mediaImports.id,
  spaceId: mediaImports.spaceId,
  url: mediaImports.url,
  status: mediaImports.status,
  attempts: mediaImports.attempts,
  lastError: mediaImports.lastError,
  nextAttemptAt: mediaImports.nextAttemptAt,
  createdAt: mediaImports.createdAt,
  updatedAt: mediaImports.updatedAt,
  completedAt: mediaImports.completedAt,
  assetId: assets.id,
  filename: assets.filename,
};

/** Imports with their assets, newest first. */
function selectImports(db: Db, where: SQL | undefined) {
  return db.select(columns).from(mediaImports).leftJoin(assets, eq(assets.id, mediaImports.assetId)).where(where).orderBy(desc(mediaImports.createdAt), desc(mediaImports.id));
}
type Row = Awaited<ReturnType<typeof selectImports>>[number];

function view(r: Row): MediaImportView {
  const waiting = r.status === 'pending' || r.status === 'retrying';
  return {
    id: r.id,
    url: r.url,
    status: r.status,
    attempts: r.attempts,
    last_error: r.lastError,
    next_attempt: waiting ? r.nextAttemptAt.toISOString() : null,
    asset: r.assetId && r.filename ? { id: r.assetId, url: assetPath(r.spaceId, r.assetId, r.filename) } : null,
    created: r.createdAt.toISOString(),
    updated: r.updatedAt.toISOString(),
    completed: r.completedAt?.toISOString() ?? null,
  };
}

async function listImports(db: Db, spaceId: string, q: { status?: string; url?: string; page: number; pageSize: number }) {
  const where = and(eq(mediaImports.spaceId, spaceId), q.status ? eq(mediaImports.status, q.status) : undefined, q.url ? eq(mediaImports.url, q.url) : undefined);
  const [total] = await db.select({ n: count() }).from(mediaImports).where(where);
  const rows = await selectImports(db, where)
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return { count: total?.n ?? 0, rows };
}

const positive = (v: string | undefined, name: string, dflt: number, max: number): number => {
  if (v === undefined) return dflt;
  if (!/^[1-9]\d{0,5}$/.test(v) || Number(v) > max) throw new ApiError('bad_request', `${name} must be an integer from 1 to ${max}.`);
  return Number(v);
};

export function mediaImportRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });
  const db = () => ctx.database.db;
  const base = '/v2/manage/media-imports';

  app.get(base, listMediaImportsDoc, authenticate(ctx), async (c) => {
    const { spaceId } = await authorizeContent(db(), c, 'assets.write');
    const status = c.req.query('status');
    if (status !== undefined && !(MEDIA_IMPORT_STATUSES as readonly string[]).includes(status)) {
      throw new ApiError('bad_request', `status must be one of ${MEDIA_IMPORT_STATUSES.join(', ')}.`);
    }
    const url = c.req.query('url');
    const page = positive(c.req.query('page'), 'page', 1, 100_000);
    const pageSize = positive(c.req.query('page_size'), 'page_size', 20, 100);
    const list = await listImports(db(), spaceId, { ...(status ? { status } : {}), ...(url ? { url } : {}), page, pageSize });
    return c.json({
      meta: { count: list.count, next_page: page * pageSize < list.count ? page + 1 : null, previous_page: page > 1 ? page - 1 : null },
      data: list.rows.map(view),
    });
  });

  app.post(base, queueMediaImportsDoc(queueBody), authenticate(ctx), bodyLimit({ maxSize: 256 * 1024, onError: () => { throw new ApiError('payload_too_large', 'The body is limited to 256 KB.'); } }), async (c) => {
    const actor = await authorizeContent(db(), c, 'assets.write');
    const body = await parseBody(c, queueBody);
    const { value: ids } = await commitWrite(db(), writeActor(c, actor), actor.spaceId, async (w) => {
      const queued = await queueMediaImports(w.t, actor.spaceId, body.urls);
      // One row for the batch: it names the first import and lists them all (≤ 100).
      w.audit({ action: 'media_import.queue', target: { type: 'media_import', id: [...queued.values()][0] ?? null }, metadata: { count: queued.size, import_ids: [...queued.values()] } });
      return { ok: true as const, value: [...queued.values()] };
    });
    const rows = ids.length ? await selectImports(db(), and(eq(mediaImports.spaceId, actor.spaceId), inArray(mediaImports.id, ids))) : [];
    return c.json({ data: rows.map(view) }, 202);
  });

  app.post(`${base}/:id/retry`, retryMediaImportDoc, authenticate(ctx), async (c) => {
    const actor = await authorizeContent(db(), c, 'assets.write');
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError('not_found', 'Media import not found.');
    const result = await commitWrite(db(), writeActor(c, actor), actor.spaceId, async (w) => {
      const [row] = await w.t
        .update(mediaImports)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(), lockedUntil: null, updatedAt: new Date() })
        .where(and(eq(mediaImports.id, id), eq(mediaImports.spaceId, actor.spaceId), eq(mediaImports.status, 'failed')))
        .returning({ id: mediaImports.id });
      if (!row) return { ok: false as const };
      w.audit({ action: 'media_import.retry', target: { type: 'media_import', id } });
      return { ok: true as const };
    });
    if (!result.ok) throw new ApiError('not_found', 'No failed media import with that id.');
    const [row] = await selectImports(db(), eq(mediaImports.id, id));
    return c.json({ data: view(row!) }, 202);
  });

  return app;
}
