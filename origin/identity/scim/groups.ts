/**
 * SCIM Groups of one organization: list, get, create, replace, patch, delete. Members are SCIM
 * users of the same organization (a value naming anything else is refused, 400). A group's name
 * matters to roles only through the SSO mapping rules on `groups` (see provisioning.ts); every
 * change re-applies them to the users whose groups changed. Writes go through the commit step
 * with one `scim.group_create|update|delete` row naming the SCIM token.
 */
import { personalAad, type PersonalData } from '../../crypto/personal-data.js';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { scimGroupMembers, scimGroups, scimUsers } from '../../db/schema/index.js';
import { isUuid } from '../../http/authorize.js';
import type { Result } from '../../http/result.js';
import { commitWrite, type WriteScope } from '../../outbox/index.js';
import { applyPatch } from './patch.js';
import { reapplyGroupRoles, scimUsersAmong, type ScimActor } from './provisioning.js';
import { groupBody, SCHEMA, zodDetail } from './resources.js';

type Row = typeof scimGroups.$inferSelect;

export interface GroupListing {
  row: Row;
  members: { id: string; display: string }[];
}

export interface GroupInput {
  displayName: string;
  externalId: string | null;
  members: string[];
}

export function groupInput(raw: unknown): Result<GroupInput> {
  const parsed = groupBody.safeParse(raw);
  if (!parsed.success) return { ok: false, error: 'invalid', detail: zodDetail(parsed.error) };
  const b = parsed.data;
  return { ok: true, value: { displayName: b.displayName, externalId: b.externalId ?? null, members: [...new Set((b.members ?? []).map((m) => m.value))] } };
}

export function groupResource(base: string, g: GroupListing, withMembers = true): Record<string, unknown> {
  return {
    schemas: [SCHEMA.group],
    id: g.row.id,
    ...(g.row.externalId !== null ? { externalId: g.row.externalId } : {}),
    displayName: g.row.displayName,
    ...(withMembers ? { members: g.members.map((m) => ({ value: m.id, display: m.display, $ref: `${base}/Users/${m.id}` })) } : {}),
    meta: { resourceType: 'Group', created: g.row.createdAt.toISOString(), lastModified: g.row.updatedAt.toISOString(), location: `${base}/Groups/${g.row.id}` },
  };
}

async function withMembers(db: Db, pd: PersonalData, rows: Row[]): Promise<GroupListing[]> {
  if (rows.length === 0) return [];
  const links = await db
    .select({ groupId: scimGroupMembers.groupId, id: scimUsers.id, userNameEnc: scimUsers.userNameEnc })
    .from(scimGroupMembers)
    .innerJoin(scimUsers, eq(scimUsers.id, scimGroupMembers.scimUserId))
    .where(inArray(scimGroupMembers.groupId, rows.map((r) => r.id)));
  return rows.map((row) => ({ row, members: links.filter((l) => l.groupId === row.id).map((l) => ({ id: l.id, display: pd.open(l.userNameEnc, personalAad('scim_users', 'user_name', l.id)) })) }));
}

export async function listGroups(db: Db, pd: PersonalData, organizationId: string, narrow: { displayName?: string; externalId?: string } = {}): Promise<GroupListing[]> {
  const rows = await db
    .select()
    .from(scimGroups)
    .where(
      and(
        eq(scimGroups.organizationId, organizationId),
        ...(narrow.displayName !== undefined ? [sql`lower(${scimGroups.displayName}) = ${narrow.displayName.toLowerCase()}`] : []),
        ...(narrow.externalId !== undefined ? [eq(scimGroups.externalId, narrow.externalId)] : []),
      ),
    )
    .orderBy(asc(scimGroups.createdAt), asc(scimGroups.id));
  return withMembers(db, pd, rows);
}

export async function getGroup(db: Db, pd: PersonalData, organizationId: string, id: string): Promise<GroupListing | null> {
  const [row] = await db.select().from(scimGroups).where(and(eq(scimGroups.id, id), eq(scimGroups.organizationId, organizationId))).limit(1);
  return row ? (await withMembers(db, pd, [row]))[0]! : null;
}

const meta = (actor: ScimActor, extra: Record<string, unknown>) => ({ scim_token_id: actor.tokenId, ...extra });

/** Sets the group's members to `wanted`; the users whose groups changed. */
async function setMembers(t: Db, actor: ScimActor, groupId: string, wanted: string[]): Promise<Result<{ userId: string; scimUserId: string }[]>> {
  if (wanted.some((v) => !isUuid(v))) return { ok: false, error: 'invalid', detail: 'members: each value is the id of a SCIM user of this organization.' };
  const found = await scimUsersAmong(t, actor.organizationId, wanted);
  if (found.length !== wanted.length) return { ok: false, error: 'invalid', detail: 'members: each value is the id of a SCIM user of this organization.' };
  const before = await t.select({ id: scimGroupMembers.scimUserId }).from(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId));
  const had = new Set(before.map((b) => b.id));
  const want = new Set(wanted);
  const removed = [...had].filter((id) => !want.has(id));
  const added = wanted.filter((id) => !had.has(id));
  if (removed.length) await t.delete(scimGroupMembers).where(and(eq(scimGroupMembers.groupId, groupId), inArray(scimGroupMembers.scimUserId, removed)));
  if (added.length) await t.insert(scimGroupMembers).values(added.map((scimUserId) => ({ groupId, scimUserId })));
  return { ok: true, value: await scimUsersAmong(t, actor.organizationId, [...added, ...removed]) };
}

async function nameTaken(t: Db, organizationId: string, displayName: string, exceptId: string | null): Promise<boolean> {
  const [row] = await t
    .select({ id: scimGroups.id })
    .from(scimGroups)
    .where(and(eq(scimGroups.organizationId, organizationId), sql`lower(${scimGroups.displayName}) = ${displayName.toLowerCase()}`, ...(exceptId ? [ne(scimGroups.id, exceptId)] : [])))
    .limit(1);
  return Boolean(row);
}

export function createGroup(db: Db, actor: ScimActor, raw: unknown, now: Date): Promise<Result<GroupListing>> {
  const parsed = groupInput(raw);
  if (!parsed.ok) return Promise.resolve(parsed);
  const input = parsed.value;
  return commitWrite(db, actor, null, async (w): Promise<Result<GroupListing>> => {
    if (await nameTaken(w.t, actor.organizationId, input.displayName, null)) return { ok: false, error: 'duplicate', detail: 'A group with this displayName already exists.' };
    const [row] = await w.t.insert(scimGroups).values({ organizationId: actor.organizationId, displayName: input.displayName, externalId: input.externalId, createdAt: now, updatedAt: now }).returning();
    const changed = await setMembers(w.t, actor, row!.id, input.members);
    if (!changed.ok) return changed;
    const roles = await reapplyGroupRoles(w.t, actor.organizationId, changed.value);
    w.audit({ action: 'scim.group_create', target: { type: 'scim_group', id: row!.id }, metadata: meta(actor, { display_name: input.displayName, members: input.members.length, roles_changed: roles }) });
    return { ok: true, value: (await withMembers(w.t, actor.personalData, [row!]))[0]! };
  });
}

async function writeGroup(w: WriteScope, actor: ScimActor, id: string, next: (current: GroupListing) => Result<GroupInput>, now: Date): Promise<Result<GroupListing>> {
  const [row] = await w.t.select().from(scimGroups).where(and(eq(scimGroups.id, id), eq(scimGroups.organizationId, actor.organizationId))).for('update');
  if (!row) return { ok: false, error: 'not_found', detail: 'Group not found.' };
  const [current] = await withMembers(w.t, actor.personalData, [row]);
  const r = next(current!);
  if (!r.ok) return r;
  const input = r.value;
  if (await nameTaken(w.t, actor.organizationId, input.displayName, id)) return { ok: false, error: 'duplicate', detail: 'A group with this displayName already exists.' };
  const [updated] = await w.t.update(scimGroups).set({ displayName: input.displayName, externalId: input.externalId, updatedAt: now }).where(eq(scimGroups.id, id)).returning();
  const changed = await setMembers(w.t, actor, id, input.members);
  if (!changed.ok) return changed;
  // A renamed group may now match another rule: every member is re-checked.
  const affected = input.displayName !== row.displayName ? await scimUsersAmong(w.t, actor.organizationId, input.members) : changed.value;
  const roles = await reapplyGroupRoles(w.t, actor.organizationId, affected);
  w.audit({ action: 'scim.group_update', target: { type: 'scim_group', id }, metadata: meta(actor, { display_name: input.displayName, members: input.members.length, members_changed: changed.value.length, roles_changed: roles }) });
  return { ok: true, value: (await withMembers(w.t, actor.personalData, [updated!]))[0]! };
}

export function replaceGroup(db: Db, actor: ScimActor, id: string, raw: unknown, now: Date): Promise<Result<GroupListing>> {
  const parsed = groupInput(raw);
  if (!parsed.ok) return Promise.resolve(parsed);
  return commitWrite(db, actor, null, (w) => writeGroup(w, actor, id, () => parsed, now));
}

export function patchGroup(db: Db, actor: ScimActor, base: string, id: string, ops: unknown, now: Date): Promise<Result<GroupListing>> {
  return commitWrite(db, actor, null, (w) =>
    writeGroup(
      w,
      actor,
      id,
      (current) => {
        // eslint-disable-next-line @typescript-eslint/no-unused-vars
        const { meta: m, ...resource } = groupResource(base, current);
        return groupInput(applyPatch(resource, memberRemovals(ops, new Set(current.members.map((x) => x.id)))));
      },
      now,
    ),
  );
}

/**
 * Entra ID removes members as `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}`:
 * rewritten to one `members[value eq "<id>"]` removal per current member named (scim-patch
 * would compare whole member objects, which carry display and $ref here); ids that are not
 * members are dropped (removing a non-member changes nothing), ids that are not UUIDs refused.
 */
export function memberRemovals(raw: unknown, current: Set<string>): unknown {
  if (!raw || typeof raw !== 'object' || !Array.isArray((raw as { Operations?: unknown }).Operations)) return raw;
  const body = raw as { Operations: unknown[] };
  const Operations = body.Operations.flatMap((o) => {
    const op = o as { op?: unknown; path?: unknown; value?: unknown };
    if (typeof op.op !== 'string' || op.op.toLowerCase() !== 'remove' || typeof op.path !== 'string' || op.path.toLowerCase() !== 'members' || !Array.isArray(op.value)) return [o];
    const ids = op.value.map((v) => (v && typeof v === 'object' ? (v as { value?: unknown }).value : undefined));
    if (ids.some((id) => typeof id !== 'string' || !isUuid(id))) return [o];
    return (ids as string[]).filter((id) => current.has(id)).map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` }));
  });
  // Every removal named non-members: a no-op replace keeps the body valid (at least one operation).
  return { ...body, Operations: Operations.length ? Operations : [{ op: 'add', path: 'members', value: [] }] };
}

export function deleteGroup(db: Db, actor: ScimActor, id: string): Promise<Result<null>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<null>> => {
    const [row] = await w.t.select().from(scimGroups).where(and(eq(scimGroups.id, id), eq(scimGroups.organizationId, actor.organizationId))).for('update');
    if (!row) return { ok: false, error: 'not_found', detail: 'Group not found.' };
    const members = await w.t.select({ id: scimGroupMembers.scimUserId }).from(scimGroupMembers).where(eq(scimGroupMembers.groupId, id));
    await w.t.delete(scimGroups).where(eq(scimGroups.id, id));
    const roles = await reapplyGroupRoles(w.t, actor.organizationId, await scimUsersAmong(w.t, actor.organizationId, members.map((m) => m.id)));
    w.audit({ action: 'scim.group_delete', target: { type: 'scim_group', id }, metadata: meta(actor, { display_name: row.displayName, members: members.length, roles_changed: roles }) });
    return { ok: true, value: null };
  });
}
