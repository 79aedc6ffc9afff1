import type { Context } from 'hono';
import { MAX_KEY_LENGTH, extractToken, hashApiKey, parseApiKey } from '../shared/api-key.js';
import { parseReadRequest, type ParsedRead } from '../shared/content-request.js';
import type { EdgeEnv, PresentedKey } from './env.js';
import { stringLru } from './lru.js';

/** The request URL, parsed once per request and shared by every middleware. */
export function requestUrl(c: Context<EdgeEnv>): URL {
  let url = c.get('url');
  if (!url) {
    url = new URL(c.req.url);
    c.set('url', url);
  }
  return url;
}

/**
 * The request as the one shared parser reads it (shared/content-request.ts), once per request:
 * the cache key, the key check's preview decision and what is forwarded all come from it.
 */
export function readRequestOf(c: Context<EdgeEnv>): ParsedRead {
  let read = c.get('read');
  if (!read) {
    const url = requestUrl(c);
    read = parseReadRequest(url.pathname, url.search);
    c.set('read', read);
  }
  return read;
}

export type { PresentedKey } from './env.js';

/**
 * token → its parse and hash. Both are pure functions of the token, and each costs a SHA-256
 * (checksum, then the hash): remembered for the last tokens seen so a hit does no hashing.
 * Tokens longer than any well-formed key are not remembered (nor hashed).
 */
const presented = stringLru<PresentedKey>(1024, MAX_KEY_LENGTH);

/** The parse and hash of a presented token (memoised). */
export function presentToken(token: string): PresentedKey {
  let p = presented.get(token);
  if (!p) {
    const parsed = parseApiKey(token);
    // Shared by every request presenting the token: frozen, so none can change another's view.
    p = Object.freeze({ token, parsed: parsed && Object.freeze(parsed), hash: parsed ? hashApiKey(token) : null });
    presented.set(token, p);
  }
  return p;
}

export function presentedKey(c: Context<EdgeEnv>): PresentedKey | null {
  const memo = c.get('presented');
  if (memo !== undefined) return memo;
  const handed = c.env?.presented;
  if (handed !== undefined) {
    c.set('presented', handed);
    return handed;
  }
  const token = extractToken(requestUrl(c), c.req.header('authorization'));
  const result = token ? presentToken(token) : null;
  c.set('presented', result);
  return result;
}
