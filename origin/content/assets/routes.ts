import { and, desc, eq, lt } from 'drizzle-orm';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { sha256Hex } from '../../../shared/crypto.js';
import { ApiError } from '../../../shared/errors.js';
import { formatSurrogateControl, surrogateKeys } from '../../../shared/surrogate.js';
import type { AppContext } from '../../context.js';
import { assets } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authenticate } from '../../http/request-auth.js';
import { timestampParam } from '../../http/input.js';
import { authorizeContent, authorizeSpace, isUuid } from '../../http/authorize.js';
import { writeActor } from '../../http/revisions.js';
import { commitWrite } from '../../outbox/index.js';
import { ASSET_MAX_BYTES, ASSET_TYPES, assetPath, isFilename } from './store.js';
import { mediaImportRoutes } from './media-import-routes.js';
import { assetDoc, deleteAssetDoc, listAssetsDoc, uploadAssetDoc } from './docs.js';
import { unwrap, type Result } from '../../http/result.js';

export { ASSET_MAX_BYTES, ASSET_TYPES, assetPath } from './store.js';

/**
 * Media: upload with a write key (`POST /v2/assets/?filename=…`, raw body, Content-Type from the
 * allowlist), served publicly and immutably at /assets/<space>/<id>/<file name>. The media
 * library: `GET /v2/manage/spaces/{space}/assets/` (content.preview; newest first, `limit` 1–200,
 * `before` an ISO time for older ones) and `DELETE /v2/manage/spaces/{space}/assets/{id}/`
 * (content.delete; through the commit step: the row goes, `asset:<id>` is purged at the edge,
 * one asset.delete audit row; another space's or an unknown id answers 404).
 */
export function assetRoutes(ctx: AppContext) {
  const app = new Hono<OriginEnv>({ strict: false });

  app.post(
    '/v2/assets',
    uploadAssetDoc,
    authenticate(ctx),
    bodyLimit({ maxSize: ASSET_MAX_BYTES, onError: () => { throw new ApiError('payload_too_large', `Assets are limited to ${ASSET_MAX_BYTES} bytes.`, { connection: 'close' }); } }),
    async (c) => {
      const actor = await authorizeContent(ctx.database.db, c, 'assets.write');
      const { spaceId } = actor;
      const filename = c.req.query('filename') ?? '';
      if (!isFilename(filename)) throw new ApiError('bad_request', 'filename must be letters, digits, - or _ with an optional extension.');
      const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!ASSET_TYPES.has(contentType)) throw new ApiError('unsupported_media_type', `Content-Type must be one of: ${[...ASSET_TYPES].join(', ')}.`);
      const data = new Uint8Array(await c.req.arrayBuffer());
      if (data.byteLength === 0) throw new ApiError('bad_request', 'The asset is empty.');
      const digest = sha256Hex(data);
      // Through the commit step: the upload and its audit row commit together (a new asset makes nothing stale).
      // unwrap: a plan limit (origin/billing/, asset storage) refuses the upload inside its transaction.
      const row = unwrap(await commitWrite(ctx.database.db, writeActor(c, actor), spaceId, async (w): Promise<Result<{ id: string; createdAt: Date }>> => {
        const [inserted] = await w.t
          .insert(assets)
          .values({ spaceId, filename, contentType, size: data.byteLength, sha256: digest, data })
          .returning({ id: assets.id, createdAt: assets.createdAt });
        w.audit({ action: 'asset.upload', target: { type: 'asset', id: inserted!.id }, metadata: { filename, content_type: contentType, size: data.byteLength, sha256: digest } });
        return { ok: true as const, value: inserted! };
      }));
      return c.json(
        {
          data: {
            id: row.id,
            url: assetPath(spaceId, row.id, filename),
            filename,
            content_type: contentType,
            size: data.byteLength,
            sha256: digest,
            created: row.createdAt.toISOString(),
          },
        },
        201,
      );
    },
  );

  const library = '/v2/manage/spaces/:spaceId/assets';
  app.get(library, listAssetsDoc, authenticate(ctx), async (c) => {
    const actor = await authorizeSpace(ctx.database.db, c, c.req.param('spaceId'), 'content.preview');
    const limitRaw = c.req.query('limit');
    // Out of range is refused, not clamped: the document says 1–200 (schemathesis found 201 answered 200).
    const n = Number(limitRaw ?? 50);
    if ((limitRaw !== undefined && !/^\d{1,3}$/.test(limitRaw)) || n < 1 || n > 200) throw new ApiError('bad_request', 'limit must be a whole number from 1 to 200.');
    // The one timestamp rule of every query (new Date() took '0.5' as a time: schemathesis found it).
    const before = timestampParam(c, 'before');
    const rows = await ctx.database.db
      .select({ id: assets.id, filename: assets.filename, contentType: assets.contentType, size: assets.size, sha256: assets.sha256, createdAt: assets.createdAt })
      .from(assets)
      .where(and(eq(assets.spaceId, actor.spaceId), before ? lt(assets.createdAt, before) : undefined))
      .orderBy(desc(assets.createdAt), desc(assets.id))
      .limit(n);
    c.header('cache-control', 'no-store');
    return c.json({
      data: rows.map((r) => ({ id: r.id, url: assetPath(actor.spaceId, r.id, r.filename), filename: r.filename, content_type: r.contentType, size: r.size, sha256: r.sha256, created: r.createdAt.toISOString() })),
    });
  });

  app.delete(`${library}/:assetId`, deleteAssetDoc, authenticate(ctx), async (c) => {
    const actor = await authorizeSpace(ctx.database.db, c, c.req.param('spaceId'), 'content.delete');
    const id = c.req.param('assetId');
    if (!isUuid(id)) throw new ApiError('not_found', 'Asset not found.');
    const done = await commitWrite(ctx.database.db, writeActor(c, actor), actor.spaceId, async (w) => {
      const [row] = await w.t
        .delete(assets)
        .where(and(eq(assets.id, id), eq(assets.spaceId, actor.spaceId)))
        .returning({ id: assets.id, filename: assets.filename, size: assets.size });
      if (!row) return { ok: false as const };
      await w.changed({ purge: { keys: [surrogateKeys.asset(row.id)] } });
      w.audit({ action: 'asset.delete', target: { type: 'asset', id: row.id }, metadata: { filename: row.filename, size: row.size } });
      return { ok: true as const };
    });
    if (!done.ok) throw new ApiError('not_found', 'Asset not found.');
    return c.body(null, 204);
  });

  // Remote media imported into the store (media-import-worker.ts): its delivery log and queue.
  app.route('/', mediaImportRoutes(ctx));

  app.get('/assets/:spaceId/:assetId/:filename', assetDoc, async (c) => {
    const { spaceId, assetId, filename } = c.req.param();
    if (!isUuid(spaceId) || !isUuid(assetId) || !isFilename(filename)) throw new ApiError('not_found', 'Asset not found.');
    const [row] = await ctx.database.db
      .select()
      .from(assets)
      .where(and(eq(assets.id, assetId), eq(assets.spaceId, spaceId), eq(assets.filename, filename)))
      .limit(1);
    if (!row) throw new ApiError('not_found', 'Asset not found.');
    return c.body(new Uint8Array(row.data), 200, {
      'content-type': row.contentType,
      'content-disposition': 'inline',
      etag: `"${row.sha256}"`,
      'cache-control': 'public, max-age=31536000, immutable',
      'surrogate-key': `${surrogateKeys.space(row.spaceId)} ${surrogateKeys.asset(row.id)}`,
      'surrogate-control': formatSurrogateControl({ maxAge: 31_536_000, staleWhileRevalidate: 86_400, staleIfError: 31_536_000 }),
    });
  });

  return app;
}
