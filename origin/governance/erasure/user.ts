/**
 * Erasing a user's personal data (issue 16 "Erasure"), asked by the user (a recent sign-in) or
 * an operator. Refused while the user is the only organization-wide owner of an organization
 * (transfer ownership or delete the organization first). One transaction:
 *
 *   - the audit rows they acted in keep their pseudonymous actor id (a UUID that, once the
 *     account is gone, names nobody) and lose their IP address and user agent: chain format 2
 *     rows hash a salted digest of those (origin/audit/audit.ts), so values and salt are nulled
 *     and the chain still verifies (rows written before migration 0016 hash the values and keep
 *     them until retention deletes them);
 *   - security events keep the user id and lose the address; sign-in attempts naming the
 *     account, invitations to their address, SCIM links and incident mail to them are deleted,
 *     and their address leaves organizations' security contacts;
 *   - the account row goes, and with it (foreign keys) sessions, emailed tokens, 2FA factor and
 *     recovery codes, memberships and data exports; API keys they created stay (the
 *     organization's), their creator set null; content revisions keep the pseudonymous id;
 *   - a signed erasure certificate and one `user.erased` row in the global chain.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { commitAccountWrite, type WriteActor } from '../../outbox/index.js';
import type { PersonalData } from '../../crypto/personal-data.js';
import { accountKeys, userEmail } from '../personal.js';
import { rowsOf } from '../sql.js';
import { writeCertificate } from './certificate.js';

export interface UserErasureContext {
  db: Db;
  authSecret: string;
  /** Finds the rows that name the user by a blind index of their address or id. */
  personal: PersonalData;
}

async function columnExists(db: Db, table: string, column: string): Promise<boolean> {
  const r = await rowsOf(db, sql`select 1 from information_schema.columns where table_schema = 'public' and table_name = ${table} and column_name = ${column}`);
  return r.length > 0;
}

/** Nulls `column` (the actor's sealed address) of the user's rows in `table`; returns how many. */
async function redactColumn(t: Db, table: string, column: string, userId: string): Promise<number> {
  if (!(await columnExists(t, table, column))) return 0;
  const c = sql.identifier(column);
  return (await rowsOf(t, sql`update ${sql.identifier(table)} set ${c} = null where actor_user_id = ${userId} and ${c} is not null returning 1`)).length;
}

export async function eraseUser(ctx: UserErasureContext, userId: string, requestedBy: WriteActor, now: Date): Promise<Result<{ certificateId: string; counts: Record<string, number> }>> {
  // The row recording the erasure must not hold the erased user's address either.
  return commitAccountWrite(ctx.db, { ...requestedBy, ip: null, userAgent: null }, async (w) => {
    const t = w.t;
    const [user] = await rowsOf<{ id: string; created_at: string }>(t, sql`select id, created_at from users where id = ${userId} for update`);
    if (!user) return { ok: false as const, error: 'not_found' as const, detail: 'User not found.' };
    const soleOwner = await rowsOf<{ organization_id: string }>(
      t,
      sql`select m.organization_id from memberships m where m.user_id = ${userId} and m.role = 'owner' and m.space_id is null
          and not exists (select 1 from memberships o where o.organization_id = m.organization_id and o.role = 'owner' and o.space_id is null and o.user_id <> ${userId})`,
    );
    if (soleOwner.length) {
      return { ok: false as const, error: 'conflict' as const, detail: 'You are the only owner of an organization: transfer ownership or delete the organization first.' };
    }
    const email = await userEmail(t, ctx.personal, userId);
    const keys = accountKeys(ctx.personal, email, userId);
    const count = async (statement: ReturnType<typeof sql>) => (await rowsOf(t, statement)).length;
    const counts: Record<string, number> = {
      audit_events_redacted: await count(
        sql`update audit_events set ip_enc = null, user_agent_enc = null, personal_salt = null where actor_user_id = ${userId} and personal_digest is not null and (ip_enc is not null or user_agent_enc is not null or personal_salt is not null) returning 1`,
      ),
      security_events_redacted: await redactColumn(t, 'security_events', 'actor_ip_enc', userId),
      auth_attempts: await count(sql`delete from auth_attempts where account in (${sql.join(keys.map((k) => sql`${k}`), sql`, `)}) returning 1`),
      scim_users: (await columnExists(t, 'scim_users', 'user_id')) ? await count(sql`delete from scim_users where user_id = ${userId} returning 1`) : 0,
    };
    const emailIndexes = email ? ctx.personal.blindIndexes('email', email) : [];
    counts.invitations = emailIndexes.length ? await count(sql`delete from invitations where email_bidx in (${sql.join(emailIndexes.map((k) => sql`${k}`), sql`, `)}) returning 1`) : 0;
    if (email) {
      // Mail to them queued or kept by the alert outbox (incident notices), and their address among an organization's security contacts.
      counts.alert_mail = await count(sql`delete from alert_outbox where channel = 'email' and lower(body->>'to') = lower(${email}) returning 1`);
      counts.security_contacts = await count(
        sql`update security_settings set security_contacts = coalesce((select jsonb_agg(c) from jsonb_array_elements(security_contacts) c where lower(c #>> '{}') <> lower(${email})), '[]'::jsonb)
            where exists (select 1 from jsonb_array_elements(security_contacts) c where lower(c #>> '{}') = lower(${email})) returning 1`,
      );
    }
    counts.users = await count(sql`delete from users where id = ${userId} returning 1`);
    const certificateId = await writeCertificate(t, ctx.authSecret, {
      subjectType: 'user',
      subjectId: userId,
      requestedBy: requestedBy.userId ?? null,
      requestedAt: now,
      erasedAt: now,
      summary: { rows: counts },
    });
    w.audit({ action: 'user.erased', target: { type: 'user', id: userId }, metadata: { certificate_id: certificateId } });
    return { ok: true as const, value: { certificateId, counts } };
  });
}
