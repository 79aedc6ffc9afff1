/**
 * OpenID Connect relying party, with openid-client 6 (oauth4webapi + jose): discovery through
 * the SSRF guard (origin/net/guarded-fetch.ts), authorization code + PKCE S256 + `state` +
 * `nonce`, the ID token checked by the library (signature against the issuer's JWKS, `iss`,
 * `aud`, `azp`, `exp`, `iat`, `nonce`) with an algorithm allowlist pinned per connection:
 * asymmetric algorithms only (never `none`, never HS* — a public key is never an HMAC secret).
 *
 * The login state (state → nonce + PKCE verifier, envelope-encrypted) lives in Postgres, single
 * use, ten minutes; the state is also bound to the browser that started the login (a
 * `__Host-` cookie), so a callback URL replayed in another browser is refused (login CSRF).
 */
import { createHash } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import * as client from 'openid-client';
import type { Envelope } from '../../crypto/envelope.js';
import type { Db } from '../../db/client.js';
import { ssoLoginStates } from '../../db/schema/index.js';
import { guardedFetch } from '../../net/guarded-fetch.js';
import { oidcSettings, type ConnectionRow } from './connections.js';
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

/** Why an OIDC exchange failed (audited as the reason code). */
export type OidcFailure = 'idp_unreachable' | 'idp_misconfigured' | 'idp_error' | 'state_invalid' | 'token_invalid' | 'claims_missing';

export class OidcError extends Error {
  constructor(readonly reason: OidcFailure, readonly connectionId: string | null, detail: string) {
    super(detail);
  }
}

const configs = new Map<string, { at: number; config: client.Configuration }>();

/**
 * The connection's client configuration: discovery (cached ten minutes per connection version),
 * then a client pinned to the first asymmetric algorithm the issuer supports.
 */
async function configurationFor(row: ConnectionRow, deps: OidcDeps, now: number): Promise<client.Configuration> {
  const cacheKey = `${row.id}:${row.updatedAt.getTime()}`;
  const hit = configs.get(cacheKey);
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
  configs.set(cacheKey, { at: now, config });
  return config;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'error';
}

/** Starts a login: stores the state, answers the IdP's authorization URL and the state for the browser cookie. */
export async function beginOidcLogin(db: Db, row: ConnectionRow, deps: OidcDeps, returnTo: string, now: Date): Promise<{ url: string; state: string }> {
  const config = await configurationFor(row, deps, now.getTime());
  const state = client.randomState();
  const nonce = client.randomNonce();
  const verifier = client.randomPKCECodeVerifier();
  const hash = stateHash(state);
  await db.insert(ssoLoginStates).values({
    idHash: hash,
    connectionId: row.id,
    secretEnc: deps.envelope.encrypt(JSON.stringify({ nonce, verifier }), `sso-state:${hash}`),
    returnTo,
    expiresAt: new Date(now.getTime() + STATE_TTL_MS),
  });
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

/** The login in flight for a state, consumed (single use); null when unknown, used or expired. */
export async function takeState(db: Db, envelope: Envelope, state: string, now: Date): Promise<{ connectionId: string; nonce: string; verifier: string; returnTo: string } | null> {
  if (state.length < 16 || state.length > 256) return null;
  const hash = stateHash(state);
  const [row] = await db
    .update(ssoLoginStates)
    .set({ usedAt: now })
    .where(and(eq(ssoLoginStates.idHash, hash), isNull(ssoLoginStates.usedAt), gt(ssoLoginStates.expiresAt, now)))
    .returning();
  if (!row || !row.secretEnc) return null;
  const { nonce, verifier } = JSON.parse(envelope.decrypt(row.secretEnc, `sso-state:${hash}`)) as { nonce: string; verifier: string };
  return { connectionId: row.connectionId, nonce, verifier, returnTo: row.returnTo };
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
