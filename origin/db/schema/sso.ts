import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../../../shared/permissions.js';
import { organizations } from './organizations.js';

/**
 * SSO (origin/identity/sso/). An organization has any number of connections (SAML or OIDC);
 * each serves the organization's email domains, which route logins and link accounts only
 * once verified (a DNS TXT record). Secrets (the OIDC client secret, the SAML SP private key)
 * are envelope-encrypted (origin/crypto/envelope.ts, aad = the connection id).
 */
export const SSO_PROTOCOLS = ['oidc', 'saml'] as const;
export type SsoProtocol = (typeof SSO_PROTOCOLS)[number];
export const MAPPING_MODES = ['every_login', 'creation'] as const;
export type MappingMode = (typeof MAPPING_MODES)[number];

/** A group/attribute → role rule: the first rule whose claim has the value wins. */
export interface RoleMappingRule {
  claim: string;
  value: string;
  role: (typeof ROLES)[number];
}

export const ssoConnections = pgTable(
  'sso_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    protocol: text('protocol', { enum: SSO_PROTOCOLS }).notNull(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** The role of a member created at their first SSO login (JIT) when no mapping rule matches. */
    defaultRole: text('default_role', { enum: ROLES }).notNull().default('viewer'),
    mappingRules: jsonb('mapping_rules').$type<RoleMappingRule[]>().notNull().default([]),
    mappingMode: text('mapping_mode', { enum: MAPPING_MODES }).notNull().default('creation'),
    /** SAML: accept IdP-initiated logins (off: only answers to ghee's own requests). */
    allowIdpInitiated: boolean('allow_idp_initiated').notNull().default(false),
    /** Protocol settings without secrets (OIDC issuer, client id, scopes; SAML IdP entity id, SSO URL, certificates…). */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** The envelope-encrypted secret (OIDC client secret; SAML SP private key), aad = id. */
    secretEnc: text('secret_enc'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('sso_connections_protocol_check', sql`${t.protocol} in ('oidc','saml')`),
    check('sso_connections_mapping_mode_check', sql`${t.mappingMode} in ('every_login','creation')`),
    index('sso_connections_org_idx').on(t.organizationId),
  ],
);

/**
 * An email domain an organization claims. `verified_at` is set once the TXT record
 * `ghee-verification=<token>` was seen; only then does the domain route logins (discover) and
 * let a connection sign in or link its emails. A domain is verified for at most one organization.
 */
export const ssoDomains = pgTable(
  'sso_domains',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id').references(() => ssoConnections.id, { onDelete: 'set null' }),
    domain: text('domain').notNull(),
    verificationToken: text('verification_token').notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sso_domains_org_domain_unique').on(t.organizationId, t.domain),
    uniqueIndex('sso_domains_verified_unique')
      .on(t.domain)
      .where(sql`${t.verifiedAt} is not null`),
  ],
);

/**
 * A login in flight (single use, short-lived): OIDC state/nonce/PKCE verifier, or a SAML
 * request's id (InResponseTo). Keyed by the SHA-256 of the state (or request id).
 */
export const ssoLoginStates = pgTable('sso_login_states', {
  idHash: text('id_hash').primaryKey(),
  connectionId: uuid('connection_id')
    .notNull()
    .references(() => ssoConnections.id, { onDelete: 'cascade' }),
  /** OIDC: nonce and PKCE verifier (envelope-encrypted JSON). SAML: null. */
  secretEnc: text('secret_enc'),
  /** The same-origin path to land on after the login. */
  returnTo: text('return_to').notNull().default('/'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/** Assertion (or ID token jti) ids seen, kept until they expire: a replay is refused. */
export const ssoReplayCache = pgTable(
  'sso_replay_cache',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => ssoConnections.id, { onDelete: 'cascade' }),
    assertionId: text('assertion_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.assertionId] })],
);

/** Organization-wide SSO policy (one row per organization that set one). */
export const ssoPolicies = pgTable('sso_policies', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  /** Members sign in only through SSO (password login, reset and sessions refused), except `exemptUserIds` (break-glass owners). */
  enforced: boolean('enforced').notNull().default(false),
  exemptUserIds: jsonb('exempt_user_ids').$type<string[]>().notNull().default([]),
  /** Caps an SSO session's lifetime (minutes); null: the platform's session policy. */
  sessionMaxMinutes: integer('session_max_minutes'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
