/**
 * An organization's email domains for SSO. A domain is claimed (pending) with a random token and
 * verified once the TXT record `ghee-verification=<token>` is published at the domain itself;
 * only a verified domain routes logins (discover) and lets a connection sign in or link an email
 * (stops account takeover through a matching email). A domain is verified for at most one
 * organization (a partial unique index); a claim by a second organization stays pending.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ssoConnections, ssoDomains } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';
import type { TxtLookup } from './dns.js';

export const VERIFICATION_PREFIX = 'ghee-verification=';

export interface DomainView {
  id: string;
  domain: string;
  connection_id: string | null;
  verified: boolean;
  verified_at: string | null;
  /** The TXT record to publish at the domain. */
  txt_record: string;
}

type DomainRow = typeof ssoDomains.$inferSelect;

export function domainView(r: DomainRow): DomainView {
  return {
    id: r.id,
    domain: r.domain,
    connection_id: r.connectionId,
    verified: r.verifiedAt !== null,
    verified_at: r.verifiedAt?.toISOString() ?? null,
    txt_record: `${VERIFICATION_PREFIX}${r.verificationToken}`,
  };
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * The canonical form of an email domain: lower case, no trailing dot, IDNs in punycode (the
 * WHATWG URL parser's IDNA), at least two labels, not an IP address. Null: not a domain.
 */
export function canonicalDomain(input: string): string | null {
  const raw = input.trim().replace(/\.$/, '');
  if (raw.length === 0 || raw.length > 253 || /[/:@?#\s\\[\]%]/.test(raw)) return null;
  let host: string;
  try {
    host = new URL(`http://${raw}/`).hostname;
  } catch {
    return null;
  }
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (/^\d+$/.test(labels[labels.length - 1]!)) return null;
  return host;
}

/** The domain part of an email address, canonical; null when there is none. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  return at > 0 ? canonicalDomain(email.slice(at + 1)) : null;
}

export async function listDomains(db: Db, organizationId: string): Promise<DomainView[]> {
  const rows = await db.select().from(ssoDomains).where(eq(ssoDomains.organizationId, organizationId)).orderBy(ssoDomains.domain);
  return rows.map(domainView);
}

async function connectionOf(t: Db, organizationId: string, connectionId: string | null): Promise<boolean> {
  if (connectionId === null) return true;
  const [c] = await t.select({ id: ssoConnections.id }).from(ssoConnections).where(and(eq(ssoConnections.id, connectionId), eq(ssoConnections.organizationId, organizationId))).limit(1);
  return Boolean(c);
}

export async function addDomain(db: Db, actor: WriteActor & { organizationId: string }, input: { domain: string; connectionId: string | null }): Promise<Result<DomainView>> {
  const domain = canonicalDomain(input.domain);
  if (!domain) return { ok: false, error: 'invalid', detail: 'domain: must be a domain name such as example.com' };
  return commitWrite(db, actor, null, async (w): Promise<Result<DomainView>> => {
    if (!(await connectionOf(w.t, actor.organizationId, input.connectionId))) return { ok: false, error: 'not_found', detail: 'SSO connection not found.' };
    const [row] = await w.t
      .insert(ssoDomains)
      .values({ organizationId: actor.organizationId, domain, connectionId: input.connectionId, verificationToken: randomBytes(24).toString('base64url') })
      .onConflictDoNothing()
      .returning();
    if (!row) return { ok: false, error: 'duplicate', detail: `The domain ${domain} is already listed.` };
    w.audit({ action: 'sso.domain_add', target: { type: 'sso_domain', id: row.id }, metadata: { domain, connection_id: input.connectionId } });
    return { ok: true, value: domainView(row) };
  });
}

async function domainRow(t: Db, organizationId: string, id: string): Promise<DomainRow | undefined> {
  const [row] = await t.select().from(ssoDomains).where(and(eq(ssoDomains.id, id), eq(ssoDomains.organizationId, organizationId))).limit(1);
  return row;
}

/** Which connection logs in this domain's emails (null: none). */
export async function assignDomain(db: Db, actor: WriteActor & { organizationId: string }, id: string, connectionId: string | null): Promise<Result<DomainView>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<DomainView>> => {
    const row = await domainRow(w.t, actor.organizationId, id);
    if (!row) return { ok: false, error: 'not_found', detail: 'Domain not found.' };
    if (!(await connectionOf(w.t, actor.organizationId, connectionId))) return { ok: false, error: 'not_found', detail: 'SSO connection not found.' };
    const [updated] = await w.t.update(ssoDomains).set({ connectionId }).where(eq(ssoDomains.id, id)).returning();
    w.audit({ action: 'sso.domain_assign', target: { type: 'sso_domain', id }, metadata: { domain: row.domain, connection_id: connectionId } });
    return { ok: true, value: domainView(updated!) };
  });
}

export async function removeDomain(db: Db, actor: WriteActor & { organizationId: string }, id: string): Promise<Result<null>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<null>> => {
    const row = await domainRow(w.t, actor.organizationId, id);
    if (!row) return { ok: false, error: 'not_found', detail: 'Domain not found.' };
    await w.t.delete(ssoDomains).where(eq(ssoDomains.id, id));
    w.audit({ action: 'sso.domain_remove', target: { type: 'sso_domain', id }, metadata: { domain: row.domain } });
    return { ok: true, value: null };
  });
}

/**
 * Looks the TXT record up and marks the domain verified when it is there. Refused (conflict)
 * when the record is missing or another organization verified the domain first; a resolver
 * failure is a conflict too ("try again"), never a 5xx. A failed check is audited as a failure.
 */
export async function verifyDomain(db: Db, actor: WriteActor & { organizationId: string }, id: string, lookup: TxtLookup, now: Date): Promise<Result<DomainView>> {
  const row = await domainRow(db, actor.organizationId, id);
  if (!row) return { ok: false, error: 'not_found', detail: 'Domain not found.' };
  if (row.verifiedAt) return { ok: true, value: domainView(row) };
  const expected = `${VERIFICATION_PREFIX}${row.verificationToken}`;
  let found: boolean;
  let reason: string | null = null;
  try {
    found = (await lookup(row.domain)).some((txt) => txt.trim() === expected);
    if (!found) reason = 'record_missing';
  } catch {
    found = false;
    reason = 'dns_unavailable';
  }
  return commitWrite(db, actor, null, async (w): Promise<Result<DomainView>> => {
    const target = { type: 'sso_domain', id };
    if (!found) {
      w.refused({ action: 'sso.domain_verify', target, metadata: { domain: row.domain, reason } });
      return reason === 'dns_unavailable'
        ? { ok: false, error: 'conflict', detail: `The DNS lookup of ${row.domain} failed; try again in a moment.` }
        : { ok: false, error: 'conflict', detail: `The TXT record "${expected}" was not found at ${row.domain}. DNS changes can take a while to appear; try again later.` };
    }
    const [taken] = await w.t
      .select({ id: ssoDomains.id })
      .from(ssoDomains)
      .where(and(eq(ssoDomains.domain, row.domain), isNotNull(ssoDomains.verifiedAt)))
      .limit(1);
    if (taken) {
      w.refused({ action: 'sso.domain_verify', target, metadata: { domain: row.domain, reason: 'verified_elsewhere' } });
      return { ok: false, error: 'conflict', detail: `The domain ${row.domain} is verified by another organization.` };
    }
    const [updated] = await w.t.update(ssoDomains).set({ verifiedAt: now }).where(eq(ssoDomains.id, id)).returning();
    w.audit({ action: 'sso.domain_verify', target, metadata: { domain: row.domain } });
    return { ok: true, value: domainView(updated!) };
  });
}

/** The verified domain row for an email's domain (any organization), or undefined. */
export async function verifiedDomainOf(db: Db, email: string): Promise<DomainRow | undefined> {
  const domain = emailDomain(email);
  if (!domain) return undefined;
  const [row] = await db
    .select()
    .from(ssoDomains)
    .where(and(eq(ssoDomains.domain, domain), isNotNull(ssoDomains.verifiedAt)))
    .limit(1);
  return row;
}
