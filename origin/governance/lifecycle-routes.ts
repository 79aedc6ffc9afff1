/**
 * Data lifecycle over HTTP (issue 16: retention, export, erasure). Organization routes are for
 * signed-in owners and admins (`org.manage`; no API key carries it, and an operator under a
 * support grant is refused): creating an export needs a recent sign-in; deleting the
 * organization is the owners' alone and needs a recent sign-in plus a current 2FA code.
 *
 *   GET|PUT /v1/orgs/:orgId/retention               the effective policy / the organization's overrides
 *   POST    /v1/orgs/:orgId/exports                  queue an export: 202 with the archive key, shown once
 *   GET     /v1/orgs/:orgId/exports[/:id]            progress; `download_url` while ready
 *   GET|POST|DELETE /v1/orgs/:orgId/deletion         the scheduled deletion / schedule it / cancel it
 *   POST    /v1/auth/me/exports, GET …/:id           a user's own personal data
 *   POST    /v1/auth/me/erase                        erase my account and personal data
 *   GET     /v1/exports/:id/download?expires&signature   the archive, once (no session: the signed URL is the credential)
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ApiError } from '../../shared/errors.js';
import type { Action } from '../../shared/permissions.js';
import type { AppContext } from '../context.js';
import type { OriginEnv } from '../env.js';
import { authorizeOrg, isUuid, type Actor } from '../http/authorize.js';
import { parseBody } from '../http/body.js';
import { authenticate } from '../http/request-auth.js';
import { writeActor } from '../http/revisions.js';
import { unwrap } from '../http/result.js';
import { requireRecentReauthentication, verifyingAuthSecrets } from '../identity/index.js';
import { setAuditCheckpointKey, setAuditPersonalData } from '../audit/index.js';
import { commitWrite } from '../outbox/index.js';
import { retentionPolicies } from '../db/schema/index.js';
import { sql } from 'drizzle-orm';
import { cancelDeletion, getDeletion, requestDeletion, type ErasureContext } from './erasure/organization.js';
import { eraseUser } from './erasure/user.js';
import { downloadExport, getExport, listExports, requestExport, type ExportContext } from './export/exports.js';
import { applyOverrides, policyOverrides, policyView, retentionSettingsFrom } from './retention/policy.js';
import * as docs from './docs.js';

/** Told when an export was queued (the worker builds it at once). */
export type ExportKick = () => void;
const kicks = new WeakMap<object, ExportKick>();
/** The lifecycle jobs register here to hear of new exports (per database handle). */
export function onExportQueued(db: object, kick: ExportKick): void {
  kicks.set(db, kick);
}

export function lifecycleRoutes(ctx: AppContext) {
  // Retention checkpoints are signed and verified under AUTH_SECRET — only a configured one (a
  // process-random secret would make them unverifiable after a restart; retention then keeps
  // the audit trail).
  const previous = verifyingAuthSecrets(ctx.identity).slice(1);
  setAuditCheckpointKey(ctx.config.AUTH_SECRET, ctx.config.AUTH_SECRET ? previous : []);
  // Audit rows' client address and user agent are sealed and opened under the app's MASTER_KEYS.
  setAuditPersonalData(ctx.identity.personalData);
  const app = new Hono<OriginEnv>({ strict: false });
  const db = () => ctx.database.db;
  const now = () => new Date(ctx.now() * 1000);
  const exportCtx = (): ExportContext => ({ db: db(), envelope: ctx.envelope, personal: ctx.identity.personalData, authSecret: ctx.identity.authSecret, publicAppUrl: ctx.identity.publicAppUrl });
  const erasureCtx = (): ErasureContext => ({ db: db(), envelope: ctx.envelope, authSecret: ctx.identity.authSecret, graceDays: ctx.config.ORG_DELETION_GRACE_DAYS });
  const signedIn = authenticate(ctx);
  const kick = () => kicks.get(db())?.();

  /** A signed-in member (never an API key or an operator under a grant). */
  const member = (c: Context<OriginEnv>) => {
    const user = c.get('user');
    if (!user || c.get('support') || c.get('principal')) throw new ApiError('forbidden', 'This needs a signed-in member of the organization (not an API key or support access).');
    return user;
  };
  const manager = async (c: Context<OriginEnv>, opts: { recent?: boolean; action?: Action } = {}): Promise<Actor & { userId: string }> => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), opts.action ?? 'org.manage');
    const user = member(c);
    if (opts.recent) await requireRecentReauthentication(db(), user.sessionId, now(), ctx.identity.reauthMaxAgeMs);
    return { ...actor, userId: user.userId };
  };
  const id = (c: Context<OriginEnv>) => {
    const v = c.req.param('id');
    if (!isUuid(v)) throw new ApiError('not_found', 'Export not found.');
    return v;
  };
  // The answers hold the archive key (once) and signed download links: never stored by a cache.
  for (const path of ['/v1/orgs/:orgId/exports', '/v1/orgs/:orgId/exports/*', '/v1/auth/me/exports', '/v1/auth/me/exports/*']) {
    app.use(path, async (c, next) => {
      await next();
      c.header('cache-control', 'no-store');
    });
  }

  // --- retention ------------------------------------------------------------------------------
  const settings = () => retentionSettingsFrom(ctx.config);
  const policyOf = async (org: string) => {
    const [row] = await db().select().from(retentionPolicies).where(sql`${retentionPolicies.organizationId} = ${org}`);
    return { overrides: row?.overrides ?? {}, effective: policyView(applyOverrides(settings().defaults, row?.overrides ?? {})) };
  };
  app.get('/v1/orgs/:orgId/retention', docs.getRetentionDoc, signedIn, async (c) => {
    const actor = await manager(c);
    return c.json({ data: await policyOf(actor.organizationId) });
  });
  app.put('/v1/orgs/:orgId/retention', docs.putRetentionDoc(policyOverrides), signedIn, async (c) => {
    const actor = await manager(c);
    const overrides = await parseBody(c, policyOverrides);
    await commitWrite(db(), writeActor(c, actor), null, async (w) => {
      await w.t
        .insert(retentionPolicies)
        .values({ organizationId: actor.organizationId, overrides, updatedAt: now() })
        .onConflictDoUpdate({ target: retentionPolicies.organizationId, set: { overrides, updatedAt: now() } });
      w.audit({ action: 'retention.policy_update', target: { type: 'organization', id: actor.organizationId }, metadata: { overrides } });
      return { ok: true };
    });
    return c.json({ data: await policyOf(actor.organizationId) });
  });

  // --- organization exports -------------------------------------------------------------------
  const emptyBody = z.strictObject({});
  app.post('/v1/orgs/:orgId/exports', docs.requestOrgExportDoc, signedIn, async (c) => {
    const actor = await manager(c, { recent: true });
    if (c.req.header('content-length') && c.req.header('content-length') !== '0') await parseBody(c, emptyBody);
    const r = unwrap(await requestExport(exportCtx(), { organizationId: actor.organizationId }, writeActor(c, actor), now()));
    kick();
    return c.json({ data: { ...r.view, key: r.key, key_format: 'base64url AES-256-GCM key: shown once, needed to decrypt the archive' } }, 202);
  });
  app.get('/v1/orgs/:orgId/exports', docs.listOrgExportsDoc, signedIn, async (c) => {
    const actor = await manager(c);
    return c.json({ data: await listExports(exportCtx(), { organizationId: actor.organizationId }, now()) });
  });
  app.get('/v1/orgs/:orgId/exports/:id', docs.getOrgExportDoc, signedIn, async (c) => {
    const actor = await manager(c);
    return c.json({ data: unwrap(await getExport(exportCtx(), { organizationId: actor.organizationId }, id(c), now())) });
  });

  // --- personal-data export and erasure -------------------------------------------------------
  const me = async (c: Context<OriginEnv>, recent: boolean) => {
    const user = member(c);
    if (recent) await requireRecentReauthentication(db(), user.sessionId, now(), ctx.identity.reauthMaxAgeMs);
    return user;
  };
  const meActor = (c: Context<OriginEnv>, userId: string) => ({ userId, keyId: null, ip: c.get('clientIp') ?? null, userAgent: c.req.header('user-agent') ?? null });
  app.post('/v1/auth/me/exports', docs.requestMyExportDoc, signedIn, async (c) => {
    const user = await me(c, true);
    if (c.req.header('content-length') && c.req.header('content-length') !== '0') await parseBody(c, emptyBody);
    const r = unwrap(await requestExport(exportCtx(), { userId: user.userId }, meActor(c, user.userId), now()));
    kick();
    return c.json({ data: { ...r.view, key: r.key, key_format: 'base64url AES-256-GCM key: shown once, needed to decrypt the archive' } }, 202);
  });
  app.get('/v1/auth/me/exports/:id', docs.getMyExportDoc, signedIn, async (c) => {
    const user = await me(c, false);
    return c.json({ data: unwrap(await getExport(exportCtx(), { userId: user.userId }, id(c), now())) });
  });
  const eraseBody = z.strictObject({ confirm: z.literal(true) });
  app.post('/v1/auth/me/erase', docs.eraseMeDoc(eraseBody), signedIn, async (c) => {
    const user = await me(c, true);
    await parseBody(c, eraseBody);
    const r = unwrap(await eraseUser({ db: db(), authSecret: ctx.identity.authSecret, personal: ctx.identity.personalData }, user.userId, meActor(c, user.userId), now()));
    // The session is gone with the account: clear the cookie.
    c.header('set-cookie', '__Host-ghee_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax');
    return c.json({ data: { erased: true, certificate_id: r.certificateId } });
  });

  // --- the download -----------------------------------------------------------------------------
  app.get('/v1/exports/:id/download', docs.downloadExportDoc, async (c) => {
    const r = unwrap(
      await downloadExport({ ...exportCtx(), verifyingSecrets: verifyingAuthSecrets(ctx.identity) }, id(c), c.req.query('expires'), c.req.query('signature'), { ip: c.get('clientIp') ?? null, userAgent: c.req.header('user-agent') ?? null }, now()),
    );
    return c.body(new Uint8Array(r.archive), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${r.filename}"`,
      'cache-control': 'no-store',
    });
  });

  // --- organization deletion ------------------------------------------------------------------
  const deletionBody = z.strictObject({ otp: z.string().max(16).optional() });
  app.get('/v1/orgs/:orgId/deletion', docs.getDeletionDoc, signedIn, async (c) => {
    const actor = await manager(c);
    const d = await getDeletion(db(), actor.organizationId);
    if (!d) throw new ApiError('not_found', 'No deletion is scheduled for this organization.');
    return c.json({ data: d });
  });
  app.post('/v1/orgs/:orgId/deletion', docs.requestDeletionDoc(deletionBody), signedIn, async (c) => {
    const actor = await manager(c, { action: 'org.delete', recent: true });
    const body = await parseBody(c, deletionBody);
    const r = unwrap(await requestDeletion(erasureCtx(), { ...writeActor(c, actor), userId: actor.userId, organizationId: actor.organizationId }, body.otp, now()));
    return c.json({ data: r }, 202);
  });
  app.delete('/v1/orgs/:orgId/deletion', docs.cancelDeletionDoc, signedIn, async (c) => {
    const actor = await manager(c, { action: 'org.delete' });
    unwrap(await cancelDeletion(erasureCtx(), { ...writeActor(c, actor), organizationId: actor.organizationId }));
    return c.body(null, 204);
  });
  return app;
}
