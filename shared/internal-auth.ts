/**
 * Signed, timestamped internal calls between edge and origin (key introspection, purges):
 * HMAC-SHA-256 over a purpose label, a timestamp and the payload, with the shared secret
 * kept in Fastly's Secret Store / the origin's environment. Replays outside the skew window
 * are refused; the purpose label stops a signature for one call being reused for another.
 */
import { bytesToHex, hmacSha256Hex, randomBytes, timingSafeEqual } from './crypto.js';

export const INTERNAL_TS_HEADER = 'x-ghee-ts';
export const INTERNAL_SIG_HEADER = 'x-ghee-sig';
export const INTERNAL_MAX_SKEW_S = 60;

export function signInternal(secret: string, purpose: string, payload: string, nowSeconds: number): Record<string, string> {
  const ts = String(Math.floor(nowSeconds));
  return {
    [INTERNAL_TS_HEADER]: ts,
    [INTERNAL_SIG_HEADER]: hmacSha256Hex(secret, `${purpose}\n${ts}\n${payload}`),
  };
}

export function verifyInternal(
  secret: string,
  purpose: string,
  payload: string,
  ts: string | null | undefined,
  sig: string | null | undefined,
  nowSeconds: number,
): boolean {
  if (!ts || !sig || !/^\d{1,12}$/.test(ts) || !/^[0-9a-f]{64}$/.test(sig)) return false;
  if (Math.abs(nowSeconds - Number(ts)) > INTERNAL_MAX_SKEW_S) return false;
  return timingSafeEqual(hmacSha256Hex(secret, `${purpose}\n${ts}\n${payload}`), sig);
}

export interface KeyIntrospection {
  valid: boolean;
  id?: string;
  kind?: 'read' | 'preview' | 'write' | 'admin';
  space_id?: string | null;
  organization_id?: string;
  scopes?: string[];
  expires_at?: string | null;
  /** Set when the key's organization holds reads to its IP allowlist: the CIDRs its key reads may come from. */
  read_cidrs?: string[];
}

export const INTROSPECT_PATH = '/internal/v1/keys/introspect';
export const INTROSPECT_PURPOSE = 'ghee-introspect-v1';

/** The edge's internal purge endpoint (local edge purger, Viceroy tests). */
export const PURGE_PATH = '/.edge/purge';
export const PURGE_PURPOSE = 'ghee-purge-v1';
export const PURGE_MAX_KEYS = 256;

export interface PurgeRequest {
  keys: string[];
  soft: boolean;
}

/**
 * A signed purge call: the body and the headers to POST to PURGE_PATH. A random nonce makes
 * every call unique, so two identical purges in the same second are not mistaken for a replay.
 */
export function signedPurge(secret: string, request: PurgeRequest, nowSeconds: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ ...request, nonce: bytesToHex(randomBytes(16)) });
  return { body, headers: { 'content-type': 'application/json', ...signInternal(secret, PURGE_PURPOSE, body, nowSeconds) } };
}
