/**
 * Exports (issue 16 "Export and erasure"): an organization's data (owners and admins, a recent
 * sign-in) or one user's own personal data, built in the background into one encrypted archive
 * (./archive.ts). At creation the requester gets the archive key, once; ghee keeps it
 * envelope-encrypted (MASTER_KEYS) only until the archive is built, then drops it — from then on
 * ghee holds only ciphertext it cannot read. A ready archive is downloaded once, through a URL
 * signed with a key derived from AUTH_SECRET and valid 24 h; the download drops the archive
 * (a second one answers 404), as does expiry (the worker's sweep).
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { hmacSha256Hex, timingSafeEqual } from '../../../shared/crypto.js';
import type { Envelope } from '../../crypto/envelope.js';
import type { PersonalData } from '../../crypto/personal-data.js';
import type { Db } from '../../db/client.js';
import { dataExports } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { commitAccountWrite, commitWrite, type WriteActor } from '../../outbox/index.js';
import { accountKeys, openSealed, userEmail } from '../personal.js';
import { rowsOf } from '../sql.js';
import { ArchiveWriter, newExportKey } from './archive.js';
import { organizationTables, streamRows, userTables, type ExportTable } from './tables.js';

export const DOWNLOAD_VALID_MS = 24 * 3_600_000;
/** A run that has not finished in this long (its process died) is started again. */
const STALE_RUN_MS = 3_600_000;

export interface ExportContext {
  db: Db;
  envelope: Envelope;
  /** Opens the sealed personal data the archive holds (users' addresses and names, …). */
  personal: PersonalData;
  /** Signs download URLs (derived from AUTH_SECRET). */
  authSecret: string;
  /** Accepted on a download link: AUTH_SECRET, and a previous one in its rotation window (default: AUTH_SECRET). */
  verifyingSecrets?: readonly string[];
  publicAppUrl: string;
}

export type ExportSubject = { organizationId: string } | { userId: string };

type Row = typeof dataExports.$inferSelect;

export interface ExportView {
  id: string;
  kind: 'organization' | 'user';
  status: string;
  progress: Record<string, number>;
  created_at: string;
  finished_at: string | null;
  expires_at: string | null;
  archive_bytes: number | null;
  archive_sha256: string | null;
  error: string | null;
  /** Present while the archive can be downloaded (once). */
  download_url?: string;
}

const keyAad = (id: string) => `data_exports:${id}`;
const urlKey = (authSecret: string) => hmacSha256Hex(authSecret, 'ghee export download v1');
const signature = (authSecret: string, id: string, expires: number) => hmacSha256Hex(urlKey(authSecret), `export-download:${id}:${expires}`);

export function downloadUrl(ctx: ExportContext, id: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${ctx.publicAppUrl}/v1/exports/${id}/download?expires=${expires}&signature=${signature(ctx.authSecret, id, expires)}`;
}

export function exportView(ctx: ExportContext, r: Row, now: Date): ExportView {
  const view: ExportView = {
    id: r.id,
    kind: r.organizationId ? 'organization' : 'user',
    status: r.status === 'ready' && r.expiresAt && r.expiresAt <= now ? 'expired' : r.status,
    progress: r.progress,
    created_at: r.createdAt.toISOString(),
    finished_at: r.finishedAt?.toISOString() ?? null,
    expires_at: r.expiresAt?.toISOString() ?? null,
    archive_bytes: r.archiveBytes,
    archive_sha256: r.archiveSha256,
    error: r.error,
  };
  if (view.status === 'ready' && r.expiresAt) view.download_url = downloadUrl(ctx, r.id, r.expiresAt);
  return view;
}

const subjectWhere = (s: ExportSubject) => ('organizationId' in s ? sql`organization_id = ${s.organizationId}` : sql`user_id = ${s.userId}`);
const commitFor = <R extends { ok: boolean }>(db: Db, s: ExportSubject, actor: WriteActor, work: Parameters<typeof commitWrite<R>>[3]) =>
  'organizationId' in s ? commitWrite(db, { ...actor, organizationId: s.organizationId }, null, work) : commitAccountWrite(db, actor, work);

/** Queues an export; answers its view and the archive key (base64url), shown this once. */
export async function requestExport(ctx: ExportContext, subject: ExportSubject, actor: WriteActor, now: Date): Promise<Result<{ view: ExportView; key: string }>> {
  return commitFor(ctx.db, subject, actor, async (w) => {
    const [busy] = await rowsOf(w.t, sql`select id from data_exports where ${subjectWhere(subject)} and status in ('pending', 'running') limit 1`);
    if (busy) return { ok: false as const, error: 'conflict' as const, detail: 'An export is already in progress: wait for it to finish.' };
    const id = randomUUID();
    const key = newExportKey();
    const [row] = await w.t
      .insert(dataExports)
      .values({
        id,
        ...('organizationId' in subject ? { organizationId: subject.organizationId } : { userId: subject.userId }),
        requestedBy: actor.userId!,
        keyEncrypted: ctx.envelope.encrypt(key.toString('base64'), keyAad(id)),
        createdAt: now,
      })
      .returning();
    w.audit({ action: 'export.request', target: { type: 'export', id }, metadata: { kind: 'organizationId' in subject ? 'organization' : 'user' } });
    return { ok: true as const, value: { view: exportView(ctx, row!, now), key: key.toString('base64url') } };
  });
}

export async function getExport(ctx: ExportContext, subject: ExportSubject, id: string, now: Date): Promise<Result<ExportView>> {
  const [row] = await rowsOf<{ id: string }>(ctx.db, sql`select id from data_exports where id = ${id} and ${subjectWhere(subject)}`);
  if (!row) return { ok: false, error: 'not_found', detail: 'Export not found.' };
  const [r] = await ctx.db.select().from(dataExports).where(sql`${dataExports.id} = ${id}`);
  return { ok: true, value: exportView(ctx, r!, now) };
}

export async function listExports(ctx: ExportContext, subject: ExportSubject, now: Date): Promise<ExportView[]> {
  const rows = await ctx.db
    .select()
    .from(dataExports)
    .where('organizationId' in subject ? sql`${dataExports.organizationId} = ${subject.organizationId}` : sql`${dataExports.userId} = ${subject.userId}`)
    .orderBy(sql`${dataExports.createdAt} desc`)
    .limit(50);
  return rows.map((r) => exportView(ctx, r, now));
}

/**
 * The download: the signature and expiry checked, then the archive taken and dropped in one
 * statement (so two concurrent downloads get it once), audited in the export's chain.
 */
export async function downloadExport(
  ctx: ExportContext,
  id: string,
  expires: string | undefined,
  sig: string | undefined,
  actor: { ip: string | null; userAgent: string | null },
  now: Date,
): Promise<Result<{ archive: Buffer; filename: string }>> {
  const gone = { ok: false as const, error: 'not_found' as const, detail: 'This download link is invalid, expired or already used.' };
  if (!expires || !/^\d{1,12}$/.test(expires) || !sig || !/^[0-9a-f]{64}$/.test(sig)) return gone;
  if (!(ctx.verifyingSecrets ?? [ctx.authSecret]).some((s) => timingSafeEqual(signature(s, id, Number(expires)), sig))) return gone;
  if (Number(expires) * 1000 <= now.getTime()) return gone;
  const [meta] = await ctx.db.select({ organizationId: dataExports.organizationId, userId: dataExports.userId }).from(dataExports).where(sql`${dataExports.id} = ${id}`);
  if (!meta) return gone;
  const who: WriteActor = { userId: null, keyId: null, anonymous: true, ip: actor.ip, userAgent: actor.userAgent };
  const subject: ExportSubject = meta.organizationId ? { organizationId: meta.organizationId } : { userId: meta.userId! };
  return commitFor(ctx.db, subject, meta.organizationId ? who : { ...who, anonymous: false, userId: meta.userId }, async (w) => {
    const [taken] = await rowsOf<{ archive: unknown }>(
      w.t,
      sql`with old as (select id, archive from data_exports where id = ${id} and status = 'ready' and expires_at > ${now.toISOString()}::timestamptz for update)
          update data_exports d set status = 'downloaded', downloaded_at = ${now.toISOString()}::timestamptz, archive = null from old where d.id = old.id returning encode(old.archive, 'base64') as archive`,
    );
    if (!taken) return gone;
    w.audit({ action: 'export.download', target: { type: 'export', id } });
    return { ok: true as const, value: { archive: Buffer.from(taken.archive as string, 'base64'), filename: `ghee-export-${id}.ghx` } };
  });
}

/** Claims the oldest pending export (or one whose run died) and builds it; false when none. */
export async function buildNextExport(ctx: ExportContext, now: () => Date): Promise<boolean> {
  const stale = new Date(now().getTime() - STALE_RUN_MS).toISOString();
  const [claimed] = await rowsOf<{ id: string }>(
    ctx.db,
    sql`update data_exports set status = 'running', started_at = ${now().toISOString()}::timestamptz
        where id = (select id from data_exports where status = 'pending' or (status = 'running' and started_at < ${stale}::timestamptz)
                    order by created_at limit 1 for update skip locked)
        returning id`,
  );
  if (!claimed) return false;
  const [row] = await ctx.db.select().from(dataExports).where(sql`${dataExports.id} = ${claimed.id}`);
  try {
    await buildExport(ctx, row!, now);
  } catch (err) {
    await ctx.db
      .update(dataExports)
      .set({ status: 'failed', error: 'The export could not be built; request a new one.', keyEncrypted: null, finishedAt: now() })
      .where(sql`${dataExports.id} = ${row!.id}`);
    throw err;
  }
  return true;
}

async function buildExport(ctx: ExportContext, row: Row, now: () => Date): Promise<void> {
  const key = Buffer.from(ctx.envelope.decrypt(row.keyEncrypted!, keyAad(row.id)), 'base64');
  let tables: ExportTable[];
  if (row.organizationId) tables = await organizationTables(ctx.db, row.organizationId);
  else {
    // auth_attempts name an account by the blind index of its address (or of the user id).
    tables = userTables(row.userId!, accountKeys(ctx.personal, await userEmail(ctx.db, ctx.personal, row.userId!), row.userId!));
  }
  const out = new ArchiveWriter(key, row.id);
  const counts: Record<string, number> = {};
  await out.line({ type: 'manifest', format: 'ghee-export/1', export_id: row.id, kind: row.organizationId ? 'organization' : 'user', subject_id: row.organizationId ?? row.userId, created_at: now().toISOString(), tables: tables.map((t) => t.table) });
  let done = 0;
  for (const t of tables) {
    const decode = (table: string, r: Record<string, unknown>) => openSealed(ctx.personal, table, r);
    counts[t.table] = (counts[t.table] ?? 0) + (await streamRows(ctx.db, t, (r) => out.line({ type: t.table, row: r }), decode));
    done += 1;
    await ctx.db.update(dataExports).set({ progress: { tables_done: done, tables_total: tables.length, rows: Object.values(counts).reduce((a, b) => a + b, 0) } }).where(sql`${dataExports.id} = ${row.id}`);
  }
  await out.line({ type: 'end', counts });
  const archive = await out.finish();
  const finished = now();
  await ctx.db
    .update(dataExports)
    .set({
      status: 'ready',
      archive,
      archiveBytes: archive.length,
      archiveSha256: createHash('sha256').update(archive).digest('hex'),
      keyEncrypted: null,
      finishedAt: finished,
      expiresAt: new Date(finished.getTime() + DOWNLOAD_VALID_MS),
    })
    .where(sql`${dataExports.id} = ${row.id}`);
}

/** Drops archives nobody downloaded in time; returns how many. */
export async function expireExports(db: Db, now: Date): Promise<number> {
  const rows = await rowsOf(
    db,
    sql`update data_exports set status = 'expired', archive = null, key_encrypted = null where status = 'ready' and expires_at <= ${now.toISOString()}::timestamptz returning id`,
  );
  return rows.length;
}
