/**
 * The edge authenticates a client's API key and then forwards the request to the origin
 * *without* the raw token. Instead it sends who the caller is in headers, signed with the
 * edge↔origin shared secret (HMAC-SHA-256), timestamped so a captured assertion is useless
 * after ASSERTION_MAX_SKEW_S and bound to the method and path-with-query it was made for.
 */
import { hmacSha256Hex, timingSafeEqual } from './crypto.js';
import { API_KEY_KINDS, type ApiKeyKind } from './api-key.js';

export const ASSERTION_HEADERS = {
  keyId: 'x-ghee-key-id',
  spaceId: 'x-ghee-space-id',
  kind: 'x-ghee-key-kind',
  scopes: 'x-ghee-key-scopes',
  clientIp: 'x-ghee-client-ip',
  timestamp: 'x-ghee-assert-ts',
  signature: 'x-ghee-assert-sig',
} as const;

export const ASSERTION_MAX_SKEW_S = 60;
/** Scopes travel space-separated: at most 64 names of lower-case letters, dots and underscores. */
const SCOPE_NAME = /^[a-z_.]{1,64}$/;

function parseScopes(raw: string): string[] | null {
  if (raw === '') return [];
  const scopes = raw.split(' ');
  return scopes.length <= 64 && scopes.every((s) => SCOPE_NAME.test(s)) ? scopes : null;
}

export interface KeyAssertion {
  keyId: string;
  spaceId: string;
  kind: ApiKeyKind;
  /** The key's stored scopes ([] = its kind's defaults): the origin limits the key to them as the edge did. */
  scopes?: readonly string[];
  /** The client address the edge saw (the origin trusts it only inside a valid assertion). */
  clientIp?: string;
}

function canonical(a: KeyAssertion, ts: number, method: string, pathAndQuery: string): string {
  return ['ghee-edge-v3', String(ts), method.toUpperCase(), pathAndQuery, a.keyId, a.spaceId, a.kind, (a.scopes ?? []).join(' '), a.clientIp ?? ''].join('\n');
}

export function signAssertion(
  secret: string,
  a: KeyAssertion,
  method: string,
  pathAndQuery: string,
  nowSeconds: number,
): Record<string, string> {
  const ts = Math.floor(nowSeconds);
  const ip: Record<string, string> = a.clientIp ? { [ASSERTION_HEADERS.clientIp]: a.clientIp } : {};
  return {
    ...ip,
    [ASSERTION_HEADERS.keyId]: a.keyId,
    [ASSERTION_HEADERS.spaceId]: a.spaceId,
    [ASSERTION_HEADERS.kind]: a.kind,
    [ASSERTION_HEADERS.scopes]: (a.scopes ?? []).join(' '),
    [ASSERTION_HEADERS.timestamp]: String(ts),
    [ASSERTION_HEADERS.signature]: hmacSha256Hex(secret, canonical(a, ts, method, pathAndQuery)),
  };
}

export type VerifyResult =
  | { ok: true; assertion: KeyAssertion }
  | { ok: false; reason: 'absent' | 'malformed' | 'expired' | 'bad_signature' };

export function verifyAssertion(
  secret: string,
  get: (name: string) => string | null | undefined,
  method: string,
  pathAndQuery: string,
  nowSeconds: number,
): VerifyResult {
  const sig = get(ASSERTION_HEADERS.signature);
  if (!sig) return { ok: false, reason: 'absent' };
  const keyId = get(ASSERTION_HEADERS.keyId) ?? '';
  const spaceId = get(ASSERTION_HEADERS.spaceId) ?? '';
  const kind = get(ASSERTION_HEADERS.kind) ?? '';
  const tsRaw = get(ASSERTION_HEADERS.timestamp) ?? '';
  if (!/^\d{1,12}$/.test(tsRaw) || !keyId || !spaceId || !(API_KEY_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, reason: 'malformed' };
  }
  const ts = Number(tsRaw);
  if (Math.abs(nowSeconds - ts) > ASSERTION_MAX_SKEW_S) return { ok: false, reason: 'expired' };
  const clientIp = get(ASSERTION_HEADERS.clientIp) ?? undefined;
  const scopes = parseScopes(get(ASSERTION_HEADERS.scopes) ?? '');
  if (scopes === null) return { ok: false, reason: 'malformed' };
  const assertion: KeyAssertion = clientIp ? { keyId, spaceId, kind: kind as ApiKeyKind, scopes, clientIp } : { keyId, spaceId, kind: kind as ApiKeyKind, scopes };
  const expected = hmacSha256Hex(secret, canonical(assertion, ts, method, pathAndQuery));
  if (!timingSafeEqual(expected, sig)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, assertion };
}
