/**
 * SCIM Users of one organization: list (filter, pagination), get, create, replace, patch, delete.
 * Every write goes through the commit step as an organization-level write of the SCIM token
 * (actor: neither member nor key; `scim_token_id` in the row's metadata), with one
 * `scim.user_create|update|deactivate|delete` row (+ the `key.revoke` rows of a deprovisioning).
 *
 * A user's ghee email is their primary email (else the work one, else the first, else the
 * userName when it is an address). It must be in one of the organization's VERIFIED domains
 * (origin/identity/sso/domains.ts): a SCIM token can never create, link or rename an account of
 * another domain (refused 400, with a failure row as evidence). An existing ghee account with
 * that email is linked (the organization proved it owns the domain), as an SSO login would.
 *
 * Lists: `userName eq` and `externalId eq` (what IdPs send before creating) are narrowed in SQL;
 * any other filter is evaluated over the organization's SCIM users in memory (bounded by the
 * organization's size; fine for thousands, a query translation would be the next step).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, ne, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { personalAad, type PersonalData } from '../../crypto/personal-data.js';
import type { Db } from '../../db/client.js';
import { openUserEmail, sealUser, sealUserEmail, sealUserName, userEmailIs } from '../people.js';
import { scimGroupMembers, scimGroups, scimUsers, users } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { commitWrite, type WriteScope } from '../../outbox/index.js';
import { verifiedDomainOf } from '../sso/domains.js';
import { applyPatch } from './patch.js';
import { deprovision, ensureMembership, isOwner, type Deprovisioned, type ScimActor } from './provisioning.js';
import { MAX_ATTRIBUTES, SCHEMA, userBody, zodDetail, type UserBody } from './resources.js';

type StoredRow = typeof scimUsers.$inferSelect;
/** A SCIM user as the code sees it: userName and attributes decrypted (they are personal data, sealed at rest). */
type Row = Omit<StoredRow, 'userNameEnc' | 'userNameBidx' | 'attributesEnc'> & { userName: string; attributes: Record<string, unknown> };

function openRow(pd: PersonalData, r: StoredRow): Row {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { userNameEnc, userNameBidx, attributesEnc, ...rest } = r;
  return {
    ...rest,
    userName: pd.open(userNameEnc, personalAad('scim_users', 'user_name', r.id)),
    attributes: JSON.parse(pd.open(attributesEnc, personalAad('scim_users', 'attributes', r.id))) as Record<string, unknown>,
  };
}

/** The stored columns of a SCIM user's userName and attributes. */
function sealRow(pd: PersonalData, id: string, input: { userName: string; attributes: Record<string, unknown> }) {
  return {
    userNameEnc: pd.seal(input.userName, personalAad('scim_users', 'user_name', id)),
    userNameBidx: pd.blindIndex('scim_user_name', input.userName),
    attributesEnc: pd.seal(JSON.stringify(input.attributes), personalAad('scim_users', 'attributes', id)),
  };
}

const userNameIs = (pd: PersonalData, userName: string) => inArray(scimUsers.userNameBidx, pd.blindIndexes('scim_user_name', userName));

export interface UserInput {
  userName: string;
  externalId: string | null;
  active: boolean;
  email: string;
  displayName: string;
  attributes: Record<string, unknown>;
}

const email = z.string().email();

/** A validated User body as ghee stores it; `invalid` naming the problem otherwise. */
export function userInput(raw: unknown): Result<UserInput> {
  const parsed = userBody.safeParse(raw);
  if (!parsed.success) return { ok: false, error: 'invalid', detail: zodDetail(parsed.error) };
  const b: UserBody = parsed.data;
  // Read-only or never stored: ids, meta, groups (the Groups resource owns them), passwords.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { schemas, id, meta, groups, password, userName, externalId, active, ...attributes } = b as UserBody & Record<string, unknown>;
  const emails = b.emails ?? [];
  const chosen = emails.find((e) => e.primary === true) ?? emails.find((e) => e.type?.toLowerCase() === 'work') ?? emails[0];
  const address = (chosen?.value ?? (userName.includes('@') ? userName : '')).trim().toLowerCase();
  if (!email.safeParse(address).success) return { ok: false, error: 'invalid', detail: 'emails: a user needs an email address (emails[].value, or a userName that is one).' };
  if (JSON.stringify(attributes).length > MAX_ATTRIBUTES) return { ok: false, error: 'invalid', detail: `The user's attributes exceed ${MAX_ATTRIBUTES} bytes.` };
  const given = [b.name?.givenName, b.name?.familyName].filter(Boolean).join(' ');
  const displayName = (b.displayName || b.name?.formatted || given || address).slice(0, 200);
  return { ok: true, value: { userName, externalId: externalId ?? null, active: active ?? true, email: address, displayName, attributes } };
}

export interface UserListing {
  row: Row;
  groups: { id: string; displayName: string }[];
}

export function userResource(base: string, u: UserListing): Record<string, unknown> {
  const { row } = u;
  return {
    ...row.attributes,
    schemas: [SCHEMA.user, ...(row.attributes[SCHEMA.enterprise] ? [SCHEMA.enterprise] : [])],
    id: row.id,
    ...(row.externalId !== null ? { externalId: row.externalId } : {}),
    userName: row.userName,
    active: row.active,
    groups: u.groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${base}/Groups/${g.id}` })),
    meta: { resourceType: 'User', created: row.createdAt.toISOString(), lastModified: row.updatedAt.toISOString(), location: `${base}/Users/${row.id}` },
  };
}

async function withGroups(db: Db, rows: Row[]): Promise<UserListing[]> {
  if (rows.length === 0) return [];
  const links = await db
    .select({ userId: scimGroupMembers.scimUserId, id: scimGroups.id, displayName: scimGroups.displayName })
    .from(scimGroupMembers)
    .innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId))
    .where(inArray(scimGroupMembers.scimUserId, rows.map((r) => r.id)));
  return rows.map((row) => ({ row, groups: links.filter((l) => l.userId === row.id).map((l) => ({ id: l.id, displayName: l.displayName })) }));
}

/** The organization's SCIM users, optionally narrowed in SQL (the common `userName eq` / `externalId eq` filters). */
export async function listUsers(db: Db, pd: PersonalData, organizationId: string, narrow: { userName?: string; externalId?: string } = {}): Promise<UserListing[]> {
  const where: SQL[] = [eq(scimUsers.organizationId, organizationId)];
  if (narrow.userName !== undefined) where.push(userNameIs(pd, narrow.userName));
  if (narrow.externalId !== undefined) where.push(eq(scimUsers.externalId, narrow.externalId));
  const rows = await db.select().from(scimUsers).where(and(...where)).orderBy(asc(scimUsers.createdAt), asc(scimUsers.id));
  return withGroups(db, rows.map((r) => openRow(pd, r)));
}

export async function getUser(db: Db, pd: PersonalData, organizationId: string, id: string): Promise<UserListing | null> {
  const [row] = await db.select().from(scimUsers).where(and(eq(scimUsers.id, id), eq(scimUsers.organizationId, organizationId))).limit(1);
  return row ? (await withGroups(db, [openRow(pd, row)]))[0]! : null;
}

const meta = (actor: ScimActor, extra: Record<string, unknown>) => ({ scim_token_id: actor.tokenId, ...extra });
/** A refused creation names no user yet. */
const NO_USER = null as unknown as string;

/** The verified-domain rule, as evidence when broken (a token trying another domain's accounts). */
async function domainRefusal(w: WriteScope, actor: ScimActor, action: string, targetId: string, address: string): Promise<Result<never> | null> {
  const domain = await verifiedDomainOf(w.t, address);
  if (domain && domain.organizationId === actor.organizationId) return null;
  const at = address.slice(address.lastIndexOf('@') + 1);
  w.refused({ action, target: { type: 'user', id: targetId }, metadata: meta(actor, { reason: 'domain_not_verified', domain: at }) });
  return { ok: false, error: 'invalid', detail: `The email domain ${at} is not a verified domain of this organization.` };
}

async function uniquenessClash(t: Db, pd: PersonalData, organizationId: string, input: UserInput, exceptId: string | null): Promise<Result<never> | null> {
  const same = input.externalId === null ? userNameIs(pd, input.userName) : or(userNameIs(pd, input.userName), eq(scimUsers.externalId, input.externalId))!;
  const [clash] = await t
    .select({ id: scimUsers.id })
    .from(scimUsers)
    .where(and(eq(scimUsers.organizationId, organizationId), same, ...(exceptId ? [ne(scimUsers.id, exceptId)] : [])))
    .limit(1);
  return clash ? { ok: false, error: 'duplicate', detail: 'A user with this userName or externalId already exists.' } : null;
}

/** Deprovisions unless the user is an owner (refused, with its failure row). */
async function deprovisionChecked(w: WriteScope, actor: ScimActor, action: string, row: Pick<Row, 'id' | 'userId'>, now: Date): Promise<Result<Deprovisioned>> {
  if (await isOwner(w.t, actor.organizationId, row.userId)) {
    w.refused({ action, target: { type: 'user', id: row.userId }, metadata: meta(actor, { scim_id: row.id, reason: 'owner' }) });
    return { ok: false, error: 'forbidden', detail: "An owner's membership is changed by the organization's owners only, never through SCIM." };
  }
  return { ok: true, value: await deprovision(w, actor, row.userId, now) };
}

export function createUser(db: Db, actor: ScimActor, raw: unknown, now: Date): Promise<Result<UserListing>> {
  const parsed = userInput(raw);
  if (!parsed.ok) return Promise.resolve(parsed);
  const input = parsed.value;
  return commitWrite(db, actor, null, async (w): Promise<Result<UserListing>> => {
    const domain = await domainRefusal(w, actor, 'scim.user_create', NO_USER, input.email);
    if (domain) return domain;
    const clash = await uniquenessClash(w.t, actor.personalData, actor.organizationId, input, null);
    if (clash) return clash;
    let [user] = await w.t.select({ id: users.id }).from(users).where(userEmailIs(actor.personalData, input.email)).limit(1);
    const userCreated = !user;
    if (user) {
      const [linked] = await w.t.select({ id: scimUsers.id }).from(scimUsers).where(and(eq(scimUsers.organizationId, actor.organizationId), eq(scimUsers.userId, user.id))).limit(1);
      if (linked) return { ok: false, error: 'duplicate', detail: 'This email is already provisioned as another SCIM user.' };
    } else {
      [user] = await w.t.insert(users).values({ ...sealUser(actor.personalData, { email: input.email, name: input.displayName }), passwordHash: null, emailVerifiedAt: now }).returning({ id: users.id });
    }
    const scimId = randomUUID();
    const [stored] = await w.t
      .insert(scimUsers)
      .values({ id: scimId, organizationId: actor.organizationId, userId: user!.id, externalId: input.externalId, ...sealRow(actor.personalData, scimId, input), active: input.active, createdAt: now, updatedAt: now })
      .returning();
    const row = openRow(actor.personalData, stored!);
    let outcome: Record<string, unknown>;
    if (input.active) {
      const m = await ensureMembership(w.t, actor.organizationId, { userId: row!.userId, scimUserId: row!.id });
      outcome = { role: m.role, membership_created: m.created };
    } else {
      const d = await deprovisionChecked(w, actor, 'scim.user_create', row!, now);
      if (!d.ok) return d;
      outcome = { ...d.value };
    }
    w.audit({ action: 'scim.user_create', target: { type: 'user', id: row!.userId }, metadata: meta(actor, { scim_id: row!.id, user_created: userCreated, active: input.active, ...outcome }) });
    return { ok: true, value: { row: row!, groups: [] } };
  });
}

/** PUT: the body replaces the user (the email re-checked against the verified domains when it changes). */
export function replaceUser(db: Db, actor: ScimActor, id: string, raw: unknown, now: Date): Promise<Result<UserListing>> {
  const parsed = userInput(raw);
  if (!parsed.ok) return Promise.resolve(parsed);
  return commitWrite(db, actor, null, (w) => writeUser(w, actor, id, () => parsed, now));
}

/** PATCH: the operations applied to the user as ghee shows it, then written as a PUT. */
export function patchUser(db: Db, actor: ScimActor, base: string, id: string, ops: unknown, now: Date): Promise<Result<UserListing>> {
  return commitWrite(db, actor, null, (w) =>
    writeUser(
      w,
      actor,
      id,
      (current) => {
        // eslint-disable-next-line @typescript-eslint/no-unused-vars
        const { groups, meta: m, ...resource } = userResource(base, current);
        return userInput(applyPatch(resource, ops));
      },
      now,
    ),
  );
}

async function writeUser(w: WriteScope, actor: ScimActor, id: string, next: (current: UserListing) => Result<UserInput>, now: Date): Promise<Result<UserListing>> {
  const [stored] = await w.t.select().from(scimUsers).where(and(eq(scimUsers.id, id), eq(scimUsers.organizationId, actor.organizationId))).for('update');
  if (!stored) return { ok: false, error: 'not_found', detail: 'User not found.' };
  const pd = actor.personalData;
  const row = openRow(pd, stored);
  const [current] = await withGroups(w.t, [row]);
  const r = next(current!);
  if (!r.ok) return r;
  const input = r.value;
  const clash = await uniquenessClash(w.t, actor.personalData, actor.organizationId, input, id);
  if (clash) return clash;
  const [user] = await w.t.select({ id: users.id, emailEnc: users.emailEnc }).from(users).where(eq(users.id, row.userId));
  const emailChanged = openUserEmail(pd, user!).toLowerCase() !== input.email;
  if (emailChanged) {
    const domain = await domainRefusal(w, actor, 'scim.user_update', row.userId, input.email);
    if (domain) return domain;
    const [taken] = await w.t.select({ id: users.id }).from(users).where(and(userEmailIs(pd, input.email), ne(users.id, row.userId))).limit(1);
    if (taken) return { ok: false, error: 'duplicate', detail: 'Another account already uses this email.' };
  }
  await w.t.update(users).set({ ...sealUserName(pd, row.userId, input.displayName), ...(emailChanged ? sealUserEmail(pd, row.userId, input.email) : {}) }).where(eq(users.id, row.userId));
  const [updated] = await w.t
    .update(scimUsers)
    .set({ ...sealRow(pd, id, input), externalId: input.externalId, active: input.active, updatedAt: now })
    .where(eq(scimUsers.id, id))
    .returning();
  const deactivating = row.active && !input.active;
  let outcome: Record<string, unknown> = {};
  if (deactivating) {
    const d = await deprovisionChecked(w, actor, 'scim.user_deactivate', row, now);
    if (!d.ok) return d;
    outcome = { ...d.value };
  } else if (input.active) {
    const m = await ensureMembership(w.t, actor.organizationId, { userId: row.userId, scimUserId: row.id });
    outcome = { role: m.role, membership_created: m.created };
  }
  w.audit({
    action: deactivating ? 'scim.user_deactivate' : 'scim.user_update',
    target: { type: 'user', id: row.userId },
    metadata: meta(actor, { scim_id: id, active: input.active, email_changed: emailChanged, ...outcome }),
  });
  return { ok: true, value: { row: openRow(pd, updated!), groups: current!.groups } };
}

/** DELETE: deprovisioned (sessions, membership, keys) and unlinked; the ghee account itself stays (it may belong to other organizations). */
export function deleteUser(db: Db, actor: ScimActor, id: string, now: Date): Promise<Result<null>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<null>> => {
    const [row] = await w.t.select().from(scimUsers).where(and(eq(scimUsers.id, id), eq(scimUsers.organizationId, actor.organizationId))).for('update');
    if (!row) return { ok: false, error: 'not_found', detail: 'User not found.' };
    const d = await deprovisionChecked(w, actor, 'scim.user_delete', row, now);
    if (!d.ok) return d;
    await w.t.delete(scimUsers).where(eq(scimUsers.id, id));
    w.audit({ action: 'scim.user_delete', target: { type: 'user', id: row.userId }, metadata: meta(actor, { scim_id: id, ...d.value }) });
    return { ok: true, value: null };
  });
}
