/**
 * Deleting an organization (issue 16 "Erasure"): an owner asks (a recent sign-in — password and
 * 2FA code, or SSO — plus a current 2FA code in the request), the deletion waits
 * ORG_DELETION_GRACE_DAYS (7) and can be cancelled until then; then every row of the
 * organization goes in one transaction — its audit chain and checkpoints, everything with its
 * organization_id (the cascade takes spaces, content, assets, keys, members, SSO, SCIM …) — its
 * keys, spaces and assets are queued for purging at the edge (purge_outbox keeps no organization
 * id), and a signed erasure certificate (./certificate.ts) is written, with the row counts and
 * the deleted chain's last seq and hash, plus one `organization.erased` row in the global chain.
 *
 * Billing first: when the grace period ends, the sweep ends the organization's Stripe subscription
 * (origin/billing `endOrganizationSubscription`: idempotent) before deleting anything; if Stripe
 * fails, the organization stays (its deletion row too) and the next sweep tries again — an
 * organization that still bills is never deleted. The certificate records what happened to it.
 */
import { sql } from 'drizzle-orm';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { Envelope } from '../../crypto/envelope.js';
import type { Db } from '../../db/client.js';
import { organizationDeletions } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import type { SubscriptionEnd } from '../../billing/index.js';
import { verifyTotp } from '../../identity/index.js';
import { commitAccountWrite, commitWrite, enqueuePurge, type WriteActor } from '../../outbox/index.js';
import { tablesWithColumn } from '../export/tables.js';
import { rowsOf } from '../sql.js';
import { writeCertificate } from './certificate.js';

export interface ErasureContext {
  db: Db;
  envelope: Envelope;
  authSecret: string;
  graceDays: number;
}

export interface DeletionView {
  organization_id: string;
  requested_by: string;
  requested_at: string;
  purge_after: string;
}

const view = (r: typeof organizationDeletions.$inferSelect): DeletionView => ({
  organization_id: r.organizationId,
  requested_by: r.requestedBy,
  requested_at: r.requestedAt.toISOString(),
  purge_after: r.purgeAfter.toISOString(),
});

/**
 * Checks a current 2FA code of `userId` and spends it (a code works once: the factor's last used
 * step moves forward in the caller's transaction).
 */
async function spendOtp(t: Db, envelope: Envelope, userId: string, otp: string | undefined, now: Date): Promise<'ok' | 'no_factor' | 'bad'> {
  const [f] = await rowsOf<{ secret_encrypted: string; last_used_step: number | null; confirmed_at: string | null }>(
    t,
    sql`select secret_encrypted, last_used_step, confirmed_at from totp_factors where user_id = ${userId} for update`,
  );
  if (!f?.confirmed_at) return 'no_factor';
  if (!otp) return 'bad';
  const r = verifyTotp(envelope.decrypt(f.secret_encrypted, `totp:${userId}`), otp, now.getTime(), f.last_used_step);
  if (!r.ok) return 'bad';
  await t.execute(sql`update totp_factors set last_used_step = ${r.step} where user_id = ${userId}`);
  return 'ok';
}

export async function getDeletion(db: Db, organizationId: string): Promise<DeletionView | null> {
  const [r] = await db.select().from(organizationDeletions).where(sql`${organizationDeletions.organizationId} = ${organizationId}`);
  return r ? view(r) : null;
}

/** An owner's request (the route checked the role and the recent sign-in). */
export async function requestDeletion(ctx: ErasureContext, actor: WriteActor & { userId: string; organizationId: string }, otp: string | undefined, now: Date): Promise<Result<DeletionView>> {
  return commitWrite(ctx.db, actor, null, async (w) => {
    const code = await spendOtp(w.t, ctx.envelope, actor.userId, otp, now);
    if (code === 'no_factor') return { ok: false as const, error: 'conflict' as const, detail: 'Deleting an organization needs two-factor authentication: enable it first.' };
    if (code === 'bad') {
      w.refused({ action: 'organization.deletion_request', target: { type: 'organization', id: actor.organizationId }, metadata: { reason: otp ? 'bad_otp' : 'otp_missing' } });
      return { ok: false as const, error: 'invalid_credentials' as const, detail: 'A current two-factor code (otp) is required.' };
    }
    const purgeAfter = new Date(now.getTime() + ctx.graceDays * 86_400_000);
    const [row] = await w.t
      .insert(organizationDeletions)
      .values({ organizationId: actor.organizationId, requestedBy: actor.userId, requestedAt: now, purgeAfter })
      .onConflictDoNothing()
      .returning();
    if (!row) return { ok: false as const, error: 'conflict' as const, detail: 'This organization is already scheduled for deletion.' };
    w.audit({ action: 'organization.deletion_request', target: { type: 'organization', id: actor.organizationId }, metadata: { purge_after: purgeAfter.toISOString() } });
    return { ok: true as const, value: view(row) };
  });
}

export async function cancelDeletion(ctx: ErasureContext, actor: WriteActor & { organizationId: string }): Promise<Result<null>> {
  return commitWrite(ctx.db, actor, null, async (w) => {
    const gone = await w.t.delete(organizationDeletions).where(sql`${organizationDeletions.organizationId} = ${actor.organizationId}`).returning();
    if (gone.length === 0) return { ok: false as const, error: 'not_found' as const, detail: 'No deletion is scheduled for this organization.' };
    w.audit({ action: 'organization.deletion_cancel', target: { type: 'organization', id: actor.organizationId } });
    return { ok: true as const, value: null };
  });
}

const SYSTEM: WriteActor = { userId: null, keyId: null, system: 'operator' };

/** Hard-deletes one organization now; returns the certificate's id. */
export async function eraseOrganization(
  ctx: ErasureContext,
  organizationId: string,
  request: { requestedBy: string | null; requestedAt: Date; subscription?: SubscriptionEnd },
  now: Date,
): Promise<string> {
  const withOrg = (await tablesWithColumn(ctx.db, 'organization_id')).filter((t) => t !== 'organizations');
  let certificate = '';
  await commitAccountWrite(ctx.db, SYSTEM, async (w) => {
    const t = w.t;
    // The edge forgets the organization's keys, spaces and assets.
    const spaces = (await rowsOf<{ id: string }>(t, sql`select id from spaces where organization_id = ${organizationId}`)).map((r) => r.id);
    const keys = (await rowsOf<{ id: string }>(t, sql`select id from api_keys where organization_id = ${organizationId}`)).map((r) => surrogateKeys.apiKey(r.id));
    if (keys.length) await enqueuePurge(t, keys, { soft: false });
    for (const s of spaces) {
      const assets = (await rowsOf<{ id: string }>(t, sql`select id from assets where space_id = ${s}`)).map((r) => surrogateKeys.asset(r.id));
      for (let i = 0; i <= assets.length; i += 200) await enqueuePurge(t, [...(i === 0 ? [surrogateKeys.space(s)] : []), ...assets.slice(i, i + 200)], { soft: false, spaceId: s });
    }
    const [head] = await rowsOf<{ seq: string | number; hash: string }>(t, sql`select seq, hash from audit_events where chain = ${organizationId} order by seq desc limit 1`);
    const counts: Record<string, number> = {};
    for (const table of withOrg) {
      const [c] = await rowsOf<{ n: number }>(t, sql`select count(*)::int as n from ${sql.identifier(table)} where organization_id = ${organizationId}`);
      if (Number(c?.n ?? 0) > 0) counts[table] = Number(c!.n);
    }
    await t.execute(sql`delete from audit_checkpoints where chain = ${organizationId}`);
    await t.execute(sql`delete from audit_events where chain = ${organizationId} or organization_id = ${organizationId}`);
    await t.execute(sql`delete from organizations where id = ${organizationId}`);
    // Tables whose organization_id has no cascading foreign key.
    for (const table of withOrg) await t.execute(sql`delete from ${sql.identifier(table)} where organization_id = ${organizationId}`);
    certificate = await writeCertificate(t, ctx.authSecret, {
      subjectType: 'organization',
      subjectId: organizationId,
      requestedBy: request.requestedBy,
      requestedAt: request.requestedAt,
      erasedAt: now,
      summary: {
        rows: counts,
        spaces: spaces.length,
        purged_keys: keys.length,
        audit_chain: head ? { last_seq: Number(head.seq), last_hash: head.hash } : null,
        ...(request.subscription ? { stripe_subscription: request.subscription } : {}),
      },
    });
    w.audit({
      action: 'organization.erased',
      target: { type: 'organization', id: organizationId },
      metadata: { certificate_id: certificate, ...(request.subscription ? { stripe_subscription: request.subscription } : {}) },
    });
    return { ok: true };
  });
  return certificate;
}

export interface SweepContext extends ErasureContext {
  /** Ends the organization's subscription (origin/billing `subscriptionEnder`); throws when it could not. */
  endSubscription: (organizationId: string) => Promise<SubscriptionEnd>;
  /** Told of an organization kept because its subscription could not be ended (retried next sweep). */
  onDelayed?: (organizationId: string, err: unknown) => void;
}

/**
 * Erases every organization whose grace period ended, each after its subscription ended; returns
 * the ids erased. One whose subscription could not be ended is kept for the next sweep.
 */
export async function eraseDueOrganizations(ctx: SweepContext, now: Date): Promise<string[]> {
  const due = await ctx.db.select().from(organizationDeletions).where(sql`${organizationDeletions.purgeAfter} <= ${now.toISOString()}::timestamptz`).orderBy(organizationDeletions.purgeAfter).limit(10);
  const erased: string[] = [];
  for (const d of due) {
    let subscription: SubscriptionEnd;
    try {
      subscription = await ctx.endSubscription(d.organizationId);
    } catch (err) {
      ctx.onDelayed?.(d.organizationId, err);
      continue;
    }
    await eraseOrganization(ctx, d.organizationId, { requestedBy: d.requestedBy, requestedAt: d.requestedAt, subscription }, now);
    erased.push(d.organizationId);
  }
  return erased;
}
