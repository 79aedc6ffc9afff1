/**
 * OpenID Connect relying party, with openid-client 6 (oauth4webapi + jose): discovery through
 * the SSRF guard (origin/net/guarded-fetch.ts), authorization code + PKCE S256 + `state` +
 * `nonce`, the ID token checked by the library (signature against the issuer's JWKS, `iss`,
 * `aud`, `azp`, `exp`, `iat`, `nonce`) with an algorithm allowlist pinned per connection:
 * asymmetric algorithms only (never `none`, never HS* — a public key is never an HMAC secret).
 *
 * The login state (state → nonce + PKCE verifier, envelope-encrypted) lives in Postgres, single
 * use (taken with one DELETE … RETURNING), ten minutes; the state is also bound to the browser
 * that started the login (a `__Host-` cookie), so a callback URL replayed in another browser is
 * refused (login CSRF). Both state statements also check the connection's version, so a sign-in
 * uses a cached connection row only when it is current (connections.ts).
 */
import { createHash } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import * as client from 'openid-client';
import type { Envelope } from '../../crypto/envelope.js';
import type { Db } from '../../db/client.js';
import { ssoConnections, ssoLoginStates } from '../../db/schema/index.js';
import { guardedFetch } from '../../net/guarded-fetch.js';
import { connectionVersion, oidcSettings, perDatabase, type ConnectionRow, type VersionedConnection } from './connections.js';
import type { AssertedIdentity } from './login.js';

export const STATE_TTL_MS = 10 * 60_000;
export const SSO_STATE_COOKIE = '__Host-ghee_sso';
/** Asymmetric JWS algorithms an ID token may use. */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'RS384', 'PS384', 'ES384', 'RS512', 'PS512', 'ES512', 'EdDSA', 'Ed25519'] as const;
const DISCOVERY_TTL_MS = 10 * 60_000;

export interface OidcDeps {
  envelope: Envelope;
  allowLoopback: boolean;
  /** PUBLIC_APP_URL without a trailing slash. */
  publicUrl: string;
}

export const redirectUri = (publicUrl: string) => `${publicUrl}/v1/auth/sso/oidc/callback`;
const stateHash = (state: string) => createHash('sha256').update(`oidc-state:${state}`).digest('hex');
/**
 * A state names its connection (`<connection id>.<random>`) so the callback can take its turn
 * in that connection's queue (admission.ts, routes.ts) before its state is taken — a callback
 * refused under a surge consumed nothing and can be retried. Only a queue key: the state row
 * decides which connection the callback belongs to.
 */
const newState = (connectionId: string) => `${connectionId}.${client.randomState()}`;
export const stateConnection = (state: string) => {
  const dot = state.indexOf('.');
  return dot > 0 && dot <= 64 ? state.slice(0, dot) : '';
};

/** Why an OIDC exchange failed (audited as the reason code). */
export type OidcFailure = 'idp_unreachable' | 'idp_misconfigured' | 'idp_error' | 'state_invalid' | 'token_invalid' | 'claims_missing';

export class OidcError extends Error {
  constructor(readonly reason: OidcFailure, readonly connectionId: string | null, detail: string) {
    super(detail);
  }
}

/** Keyed by the row object: sign-ins share one object per connection version (connections.ts), a changed connection is a new object. */
const configs = new WeakMap<ConnectionRow, { at: number; config: client.Configuration }>();

/**
 * The connection's client configuration: discovery (cached ten minutes per connection version),
 * then a client pinned to the first asymmetric algorithm the issuer supports.
 */
async function configurationFor(row: ConnectionRow, deps: OidcDeps, now: number): Promise<client.Configuration> {
  const hit = configs.get(row);
  if (hit && now - hit.at < DISCOVERY_TTL_MS) return hit.config;
  const s = oidcSettings(row);
  const fetchImpl = guardedFetch({ allowLoopback: deps.allowLoopback, maxBytes: 512 * 1024, timeoutMs: 5000 }) as unknown as client.CustomFetch;
  const secret = deps.envelope.decrypt(row.secretEnc ?? '', `sso:${row.id}`);
  let discovered: client.Configuration;
  try {
    discovered = await client.discovery(new URL(s.issuer), s.clientId, secret, undefined, {
      [client.customFetch]: fetchImpl,
      ...(deps.allowLoopback ? { execute: [client.allowInsecureRequests] } : {}),
    });
  } catch (err) {
    throw new OidcError('idp_unreachable', row.id, `The identity provider's discovery document could not be read (${errorCode(err)}).`);
  }
  const server = discovered.serverMetadata();
  const offered = server.id_token_signing_alg_values_supported ?? ['RS256'];
  const alg = ID_TOKEN_ALGORITHMS.find((a) => offered.includes(a));
  if (!alg) throw new OidcError('idp_misconfigured', row.id, 'The identity provider offers no asymmetric ID-token signing algorithm.');
  const config = new client.Configuration(server, s.clientId, { client_secret: secret, id_token_signed_response_alg: alg });
  config[client.customFetch] = fetchImpl;
  if (deps.allowLoopback) client.allowInsecureRequests(config);
  // By default openid-client trusts an ID token from the token endpoint on the strength of TLS
  // alone; ghee checks its signature against the issuer's JWKS as well (defence in depth: a
  // proxy, a compromised TLS terminator or a crafted IdP answer cannot forge an identity).
  client.enableNonRepudiationChecks(config);
  configs.set(row, { at: now, config });
  return config;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'error';
}

/** The state row, written only while the connection is enabled and still at the version the login was built from. */
const insertState = perDatabase((db) =>
  db
    .insert(ssoLoginStates)
    .select(
      db
        .select({
          idHash: sql<string>`${sql.placeholder('hash')}::text`.as('id_hash'),
          connectionId: ssoConnections.id,
          secretEnc: sql<string>`${sql.placeholder('secret')}::text`.as('secret_enc'),
          returnTo: sql<string>`${sql.placeholder('returnTo')}::text`.as('return_to'),
          expiresAt: sql<Date>`${sql.placeholder('expiresAt')}::timestamptz`.as('expires_at'),
          usedAt: sql<Date | null>`null::timestamptz`.as('used_at'),
        })
        .from(ssoConnections)
        .where(and(eq(ssoConnections.id, sql.placeholder('id')), eq(ssoConnections.enabled, true), sql`${connectionVersion} = ${sql.placeholder('version')}`)),
    )
    .returning({ idHash: ssoLoginStates.idHash })
    .prepare('sso_state_insert'),
);

/**
 * Starts a login: stores the state, answers the IdP's authorization URL and the state for the
 * browser cookie — or null, storing nothing, when the connection is no longer at `connection`'s
 * version or no longer enabled (the caller reads it again).
 */
export async function beginOidcLogin(db: Db, connection: VersionedConnection, deps: OidcDeps, returnTo: string, now: Date): Promise<{ url: string; state: string } | null> {
  const row = connection.row;
  const config = await configurationFor(row, deps, now.getTime());
  const state = newState(row.id);
  const nonce = client.randomNonce();
  const verifier = client.randomPKCECodeVerifier();
  const hash = stateHash(state);
  const stored = await insertState(db).execute({
    hash,
    id: row.id,
    version: connection.version,
    secret: deps.envelope.encrypt(JSON.stringify({ nonce, verifier }), `sso-state:${hash}`),
    returnTo,
    expiresAt: new Date(now.getTime() + STATE_TTL_MS).toISOString(),
  });
  if (stored.length === 0) return null;
  const scopes = ['openid', 'email', 'profile', ...oidcSettings(row).scopes.filter((x) => !['openid', 'email', 'profile'].includes(x))];
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(deps.publicUrl),
    scope: scopes.join(' '),
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, state };
}

/** Takes (deletes) a live state row, answering with it the connection's current version. */
const takeStateStatement = perDatabase((db) =>
  db
    .delete(ssoLoginStates)
    .where(and(eq(ssoLoginStates.idHash, sql.placeholder('hash')), isNull(ssoLoginStates.usedAt), sql`${ssoLoginStates.expiresAt} > ${sql.placeholder('now')}::timestamptz`))
    .returning({
      connectionId: ssoLoginStates.connectionId,
      secretEnc: ssoLoginStates.secretEnc,
      returnTo: ssoLoginStates.returnTo,
      connectionVersion: sql<string | null>`(select c.xmin::text from sso_connections c where c.id = "sso_login_states"."connection_id")`,
    })
    .prepare('sso_state_take'),
);

/**
 * The login in flight for a state, consumed (single use: the row is deleted); null when unknown,
 * used or expired. `connectionVersion`: the connection's version at this moment (connections.ts).
 */
export async function takeState(
  db: Db,
  envelope: Envelope,
  state: string,
  now: Date,
): Promise<{ connectionId: string; connectionVersion: string | null; nonce: string; verifier: string; returnTo: string } | null> {
  if (state.length < 16 || state.length > 256) return null;
  const hash = stateHash(state);
  const [row] = await takeStateStatement(db).execute({ hash, now: now.toISOString() });
  if (!row || !row.secretEnc) return null;
  const { nonce, verifier } = JSON.parse(envelope.decrypt(row.secretEnc, `sso-state:${hash}`)) as { nonce: string; verifier: string };
  return { connectionId: row.connectionId, connectionVersion: row.connectionVersion, nonce, verifier, returnTo: row.returnTo };
}

/** Redeems the code at the IdP and checks the ID token; the asserted identity, or an OidcError. */
export async function finishOidcLogin(
  row: ConnectionRow,
  deps: OidcDeps,
  callbackQuery: string,
  checks: { state: string; nonce: string; verifier: string },
  now: Date,
): Promise<AssertedIdentity> {
  const config = await configurationFor(row, deps, now.getTime());
  const current = new URL(redirectUri(deps.publicUrl));
  current.search = callbackQuery;
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: checks.verifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    const code = errorCode(err);
    const reason: OidcFailure = err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError ? 'idp_error' : code === 'ECONNREFUSED' || err instanceof TypeError ? 'idp_unreachable' : 'token_invalid';
    throw new OidcError(reason, row.id, `The identity provider's answer was refused (${code}).`);
  }
  const idClaims = tokens.claims();
  if (!idClaims || typeof idClaims.sub !== 'string') throw new OidcError('token_invalid', row.id, 'The identity provider sent no ID token.');
  let claims: Record<string, unknown> = { ...idClaims };
  if (typeof claims.email !== 'string' && config.serverMetadata().userinfo_endpoint) {
    // Many providers put only `sub` in the ID token and the rest behind the UserInfo endpoint
    // (OIDC Core 5.4); its answer must name the same subject (checked by the library).
    try {
      const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...info, ...idClaims };
    } catch (err) {
      throw new OidcError('token_invalid', row.id, `The identity provider's UserInfo answer was refused (${errorCode(err)}).`);
    }
  }
  const email = typeof claims.email === 'string' ? claims.email : null;
  if (!email) throw new OidcError('claims_missing', row.id, 'The identity provider sent no email claim (ask for the email scope).');
  return {
    email,
    // Only a JSON true counts: a string "true" is not a verified email.
    emailVerified: claims.email_verified === true,
    subject: idClaims.sub,
    name: typeof claims.name === 'string' ? claims.name : null,
    claims,
  };
}
