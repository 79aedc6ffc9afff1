/**
 * SSO connections of an organization: create, read, change, delete. Settings are validated
 * here (one zod schema per protocol); the secret (OIDC client secret) is envelope-encrypted with
 * the connection id as additional data and never returned — views say only whether one is set.
 * No connection may make owners: JIT's default role and the mapping rules stop at admin (owners
 * are made by owners, by hand). Deleting or disabling a connection ends the sessions made
 * through it.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Envelope } from '../../crypto/envelope.js';
import type { Db } from '../../db/client.js';
import { sessions, ssoConnections, ssoDomains, type RoleMappingRule } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';

/** Roles an SSO connection may hand out (never owner). */
export const SSO_ROLES = ['admin', 'publisher', 'author', 'viewer', 'billing'] as const;

const role = z.enum(SSO_ROLES, { message: `must be one of ${SSO_ROLES.join(', ')}` });
const rule = z.object({ claim: z.string().trim().min(1).max(100), value: z.string().max(256), role }).strict();
const httpsUrl = z
  .string()
  .max(2048)
  .url({ message: 'must be a URL' })
  .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http(s) URL' });

const common = {
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().optional(),
  default_role: role.optional(),
  mapping_rules: z.array(rule).max(50).optional(),
  mapping_mode: z.enum(['every_login', 'creation']).optional(),
};
/** The fields every protocol's creation schema shares (saml-connections.ts has SAML's). */
export const connectionCommon = common;

export const oidcCreate = z
  .object({
    protocol: z.literal('oidc'),
    ...common,
    issuer: httpsUrl,
    client_id: z.string().min(1).max(512),
    client_secret: z.string().min(1).max(1024),
    /** Extra scopes beyond `openid email profile`. */
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/, { message: 'must be a scope token' })).max(20).optional(),
  })
  .strict();

export const connectionPatch = z
  .object({
    name: common.name.optional(),
    enabled: z.boolean().optional(),
    default_role: role.optional(),
    mapping_rules: z.array(rule).max(50).optional(),
    mapping_mode: z.enum(['every_login', 'creation']).optional(),
    client_secret: z.string().min(1).max(1024).optional(),
    scopes: oidcCreate.shape.scopes,
    /** SAML only. */
    allow_idp_initiated: z.boolean().optional(),
  })
  .strict();

export type OidcCreate = z.infer<typeof oidcCreate>;
export type ConnectionPatch = z.infer<typeof connectionPatch>;
export type ConnectionRow = typeof ssoConnections.$inferSelect;

export interface OidcSettings {
  issuer: string;
  clientId: string;
  scopes: string[];
}

export interface ConnectionView {
  id: string;
  protocol: 'oidc' | 'saml';
  name: string;
  enabled: boolean;
  default_role: string;
  mapping_rules: RoleMappingRule[];
  mapping_mode: string;
  allow_idp_initiated: boolean;
  settings: Record<string, unknown>;
  has_secret: boolean;
  /** What to configure at the identity provider. */
  service_provider: Record<string, string>;
  created_at: string;
  updated_at: string;
}

/** The URLs ghee shows the IdP's administrator, built from PUBLIC_APP_URL. */
export function serviceProviderValues(publicUrl: string, row: Pick<ConnectionRow, 'id' | 'protocol'>): Record<string, string> {
  if (row.protocol === 'oidc') return { redirect_uri: `${publicUrl}/v1/auth/sso/oidc/callback`, login_url: `${publicUrl}/v1/auth/sso/login/${row.id}` };
  return {
    entity_id: `${publicUrl}/v1/auth/sso/saml/${row.id}/metadata`,
    acs_url: `${publicUrl}/v1/auth/sso/saml/${row.id}/acs`,
    metadata_url: `${publicUrl}/v1/auth/sso/saml/${row.id}/metadata`,
    login_url: `${publicUrl}/v1/auth/sso/login/${row.id}`,
  };
}

export function connectionView(publicUrl: string, r: ConnectionRow): ConnectionView {
  const s = r.settings;
  const settings =
    r.protocol === 'oidc'
      ? { issuer: s.issuer, client_id: s.clientId, scopes: s.scopes }
      : {
          idp_entity_id: s.idpEntityId,
          idp_sso_url: s.idpSsoUrl,
          idp_certificates: s.idpCerts,
          want_response_signed: s.wantResponseSigned,
          email_attribute: s.emailAttribute,
          groups_attribute: s.groupsAttribute,
          idp_metadata_url: s.metadataUrl,
          sp_certificate: s.spCert,
        };
  return {
    id: r.id,
    protocol: r.protocol,
    name: r.name,
    enabled: r.enabled,
    default_role: r.defaultRole,
    mapping_rules: r.mappingRules,
    mapping_mode: r.mappingMode,
    allow_idp_initiated: r.allowIdpInitiated,
    settings,
    has_secret: r.secretEnc !== null,
    service_provider: serviceProviderValues(publicUrl, r),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export async function listConnections(db: Db, organizationId: string): Promise<ConnectionRow[]> {
  return db.select().from(ssoConnections).where(eq(ssoConnections.organizationId, organizationId)).orderBy(ssoConnections.createdAt);
}

export async function findConnection(db: Db, organizationId: string, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .select()
    .from(ssoConnections)
    .where(and(eq(ssoConnections.id, id), eq(ssoConnections.organizationId, organizationId)))
    .limit(1);
  return row;
}

/** A connection by id alone (login flows, which start from the id in the URL). */
export async function connectionById(db: Db, id: string): Promise<ConnectionRow | undefined> {
  return (await loadSignInConnection(db, id))?.row;
}

/**
 * One value per root database handle, made on first use: the sign-in's hot statements are built
 * once (Drizzle) and run as named prepared statements (postgres.js keeps them per pooled
 * connection, so after the first use each is one round trip — an unnamed parameterized query
 * is two: Parse/Describe, then Bind/Execute). Only for statements on the root handle, never
 * inside a transaction (a statement built here runs outside it).
 */
export function perDatabase<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let v = made.get(db);
    if (v === undefined) made.set(db, (v = make(db)));
    return v;
  };
}

/**
 * A connection row's version: Postgres's `xmin` (the transaction that wrote the row as it is
 * now). Every UPDATE of the row makes a new one, whatever the columns changed and whoever
 * changed it (this process, another one, an operator by hand) — unlike `updated_at`, which
 * the app sets from its clock and two changes in one millisecond would share.
 */
export const connectionVersion = sql<string>`"sso_connections"."xmin"::text`;

/** A connection as sign-ins see it: the row and the version it was read at. */
export interface VersionedConnection {
  row: ConnectionRow;
  version: string;
  /** When it was read (ms): a cached row is read again after CACHE_TTL_MS whatever its version. */
  at: number;
}

/**
 * The sign-in's connection rows, cached per database handle and connection id with their
 * version. A cached row is used only where the sign-in's own statement proves it current: the
 * state insert at the login's start is conditional on the version, the state take at the
 * callback returns it (oidc.ts) — otherwise the row is read again. So a change takes effect
 * on the next sign-in, in every process, with no invalidation message.
 */
const cache = new WeakMap<Db, Map<string, VersionedConnection>>();
const CACHE_MAX = 10_000;
/** Bounds a cached row's age too: no transaction-id wraparound (2³² transactions) can bring an old version back within it. */
const CACHE_TTL_MS = 10 * 60_000;

const byIdStatement = perDatabase((db) =>
  db
    .select({ ...getTableColumns(ssoConnections), version: connectionVersion })
    .from(ssoConnections)
    .where(eq(ssoConnections.id, sql.placeholder('id')))
    .limit(1)
    .prepare('sso_connection_by_id'),
);

/** Reads the connection now (one statement) and caches it; undefined when there is none. */
export async function loadSignInConnection(db: Db, id: string): Promise<VersionedConnection | undefined> {
  let rows = cache.get(db);
  if (!rows) cache.set(db, (rows = new Map()));
  const [found] = await byIdStatement(db).execute({ id });
  if (!found) {
    rows.delete(id);
    return undefined;
  }
  const { version, ...row } = found;
  const v: VersionedConnection = { row, version, at: Date.now() };
  if (rows.size >= CACHE_MAX) rows.clear();
  rows.set(id, v);
  return v;
}

/** The cached connection, not yet checked against the database (the caller's statement checks its version). */
export function cachedSignInConnection(db: Db, id: string): VersionedConnection | undefined {
  const hit = cache.get(db)?.get(id);
  return hit && Date.now() - hit.at < CACHE_TTL_MS ? hit : undefined;
}

/**
 * Whether this process has read the connection (cached at any age; bounded by CACHE_MAX): enough
 * to give a sign-in step its connection's queue (admission.ts) — never to let it in.
 */
export function knownSignInConnection(db: Db, id: string): boolean {
  return cache.get(db)?.has(id) ?? false;
}

/** The connection as it is at `version` (a statement just read it): the cached row when it is that version, else read now. */
export async function signInConnectionAt(db: Db, id: string, version: string | null): Promise<ConnectionRow | undefined> {
  const hit = cachedSignInConnection(db, id);
  if (hit && version !== null && hit.version === version) return hit.row;
  return (await loadSignInConnection(db, id))?.row;
}

/** What every new connection names, whatever its protocol. */
export interface NewConnection {
  id: string;
  protocol: 'oidc' | 'saml';
  common: { name: string; enabled?: boolean | undefined; default_role?: ConnectionRow['defaultRole'] | undefined; mapping_rules?: RoleMappingRule[] | undefined; mapping_mode?: ConnectionRow['mappingMode'] | undefined };
  settings: Record<string, unknown>;
  /** The secret, encrypted here under the connection id. */
  secret: string;
  allowIdpInitiated?: boolean;
  /** The audit row's protocol details (never a secret). */
  auditDetails: Record<string, unknown>;
}

/** Writes a new connection (either protocol) and its one `sso.connection_create` row. */
export async function insertConnection(db: Db, envelope: Envelope, actor: WriteActor & { organizationId: string }, c: NewConnection): Promise<Result<ConnectionRow>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<ConnectionRow>> => {
    const [row] = await w.t
      .insert(ssoConnections)
      .values({
        id: c.id,
        organizationId: actor.organizationId,
        protocol: c.protocol,
        name: c.common.name,
        enabled: c.common.enabled ?? true,
        defaultRole: c.common.default_role ?? 'viewer',
        mappingRules: c.common.mapping_rules ?? [],
        mappingMode: c.common.mapping_mode ?? 'creation',
        allowIdpInitiated: c.allowIdpInitiated ?? false,
        settings: c.settings,
        secretEnc: envelope.encrypt(c.secret, `sso:${c.id}`),
      })
      .returning();
    w.audit({ action: 'sso.connection_create', target: { type: 'sso_connection', id: c.id }, metadata: { protocol: c.protocol, name: c.common.name, ...c.auditDetails } });
    return { ok: true, value: row! };
  });
}

export async function createOidcConnection(db: Db, envelope: Envelope, actor: WriteActor & { organizationId: string }, input: OidcCreate): Promise<Result<ConnectionRow>> {
  const settings: OidcSettings = { issuer: input.issuer.replace(/\/+$/, ''), clientId: input.client_id, scopes: input.scopes ?? [] };
  return insertConnection(db, envelope, actor, {
    id: randomUUID(),
    protocol: 'oidc',
    common: input,
    settings: settings as unknown as Record<string, unknown>,
    secret: input.client_secret,
    auditDetails: { issuer: settings.issuer },
  });
}

/** Ends the live sessions made through a connection (it was disabled or deleted). */
async function endConnectionSessions(t: Db, connectionId: string, now: Date): Promise<number> {
  const ended = await t
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.ssoConnectionId, connectionId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return ended.length;
}

export async function updateConnection(db: Db, envelope: Envelope, actor: WriteActor & { organizationId: string }, id: string, patch: ConnectionPatch, now: Date): Promise<Result<ConnectionRow>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<ConnectionRow>> => {
    const row = await findConnection(w.t, actor.organizationId, id);
    if (!row) return { ok: false, error: 'not_found', detail: 'SSO connection not found.' };
    if (patch.scopes !== undefined && row.protocol !== 'oidc') return { ok: false, error: 'invalid', detail: 'scopes: only OIDC connections have scopes' };
    if (patch.client_secret !== undefined && row.protocol !== 'oidc') return { ok: false, error: 'invalid', detail: 'client_secret: only OIDC connections have a client secret' };
    if (patch.allow_idp_initiated !== undefined && row.protocol !== 'saml') return { ok: false, error: 'invalid', detail: 'allow_idp_initiated: only SAML connections have IdP-initiated logins' };
    const settings = patch.scopes !== undefined ? { ...row.settings, scopes: patch.scopes } : row.settings;
    const [updated] = await w.t
      .update(ssoConnections)
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(patch.default_role !== undefined ? { defaultRole: patch.default_role } : {}),
        ...(patch.mapping_rules !== undefined ? { mappingRules: patch.mapping_rules } : {}),
        ...(patch.mapping_mode !== undefined ? { mappingMode: patch.mapping_mode } : {}),
        ...(patch.allow_idp_initiated !== undefined ? { allowIdpInitiated: patch.allow_idp_initiated } : {}),
        ...(patch.client_secret !== undefined ? { secretEnc: envelope.encrypt(patch.client_secret, `sso:${id}`) } : {}),
        settings,
        updatedAt: now,
      })
      .where(eq(ssoConnections.id, id))
      .returning();
    const ended = patch.enabled === false && row.enabled ? await endConnectionSessions(w.t, id, now) : 0;
    const changed = Object.keys(patch).filter((k) => k !== 'client_secret');
    w.audit({
      action: 'sso.connection_update',
      target: { type: 'sso_connection', id },
      metadata: { changed, secret_rotated: patch.client_secret !== undefined, sessions_ended: ended },
    });
    return { ok: true, value: updated! };
  });
}

export async function deleteConnection(db: Db, actor: WriteActor & { organizationId: string }, id: string, now: Date): Promise<Result<null>> {
  return commitWrite(db, actor, null, async (w): Promise<Result<null>> => {
    const row = await findConnection(w.t, actor.organizationId, id);
    if (!row) return { ok: false, error: 'not_found', detail: 'SSO connection not found.' };
    const ended = await endConnectionSessions(w.t, id, now);
    await w.t.update(ssoDomains).set({ connectionId: null }).where(eq(ssoDomains.connectionId, id));
    await w.t.delete(ssoConnections).where(eq(ssoConnections.id, id));
    w.audit({ action: 'sso.connection_delete', target: { type: 'sso_connection', id }, metadata: { protocol: row.protocol, name: row.name, sessions_ended: ended } });
    return { ok: true, value: null };
  });
}

/** The OIDC settings of a row (the shape createOidcConnection stored). */
export function oidcSettings(row: ConnectionRow): OidcSettings {
  return row.settings as unknown as OidcSettings;
}
