import type { Context } from 'hono';
import { extractToken, hashApiKey, parseApiKey, type ParsedApiKey } from '../shared/api-key.js';
import type { EdgeEnv } from './env.js';

/** The request URL, parsed once per request and shared by every middleware. */
export function requestUrl(c: Context<EdgeEnv>): URL {
  let url = c.get('url');
  if (!url) {
    url = new URL(c.req.url);
    c.set('url', url);
  }
  return url;
}

/** The API key a request presents, parsed and hashed once per request (rate limit and auth share it). */
export interface PresentedKey {
  token: string;
  /** null when the token is not a well-formed ghee key (format or checksum). */
  parsed: ParsedApiKey | null;
  /** SHA-256 of the token, only for well-formed keys. */
  hash: string | null;
}

export function presentedKey(c: Context<EdgeEnv>): PresentedKey | null {
  const memo = c.get('presented');
  if (memo !== undefined) return memo;
  const token = extractToken(requestUrl(c), c.req.header('authorization'));
  let presented: PresentedKey | null = null;
  if (token) {
    const parsed = parseApiKey(token);
    presented = { token, parsed, hash: parsed ? hashApiKey(token) : null };
  }
  c.set('presented', presented);
  return presented;
}
