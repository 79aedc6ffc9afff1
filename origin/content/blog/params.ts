/**
 * The blog API's query and path parameters (page, page_size, slugs, booleans, include), the
 * caller's space and preview mode, the cache headers of a read and ButterCMS's pagination meta,
 * for origin/content/blog/routes.ts. A bad parameter throws the route's 400 (a bad path slug 404).
 */
import type { Context } from 'hono';
import { ApiError } from '../../../shared/errors.js';
import { surrogateKeys } from '../../../shared/surrogate.js';
import type { OriginEnv } from '../../env.js';
import { contentReader } from '../../http/content-read.js';
import { CONTENT_BROWSER_CACHE_CONTROL, CONTENT_SURROGATE_CONTROL } from '../pages/read-route.js';
import { blogKeys } from './render.js';

/** Beyond this, per-post keys are dropped from Surrogate-Key (the list key still covers them). */
const MAX_SURROGATE_HEADER = 16_384;

export const SLUG_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;
/** True when `v` holds a C0 control character or DEL (not wanted in one-line text). */
export function hasControlChars(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

export function intParam(c: Context<OriginEnv>, name: string, def: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return def;
  if (!/^\d{1,9}$/.test(raw)) throw new ApiError('bad_request', `${name} must be an integer between ${min} and ${max}.`);
  const n = Number(raw);
  if (n < min || n > max) throw new ApiError('bad_request', `${name} must be an integer between ${min} and ${max}.`);
  return n;
}

export function slugParam(c: Context<OriginEnv>, name: string): string | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  if (!SLUG_RE.test(raw)) throw new ApiError('bad_request', `${name} must be a slug.`);
  return raw;
}

export function boolParam(c: Context<OriginEnv>, name: string): boolean {
  const raw = c.req.query(name);
  if (raw === undefined) return false;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0' || raw === '') return false;
  throw new ApiError('bad_request', `${name} must be true or false.`);
}

export function includeRecent(c: Context<OriginEnv>): boolean {
  const raw = c.req.query('include');
  if (raw === undefined || raw === '') return false;
  if (raw === 'recent_posts') return true;
  throw new ApiError('bad_request', 'include must be recent_posts.');
}

/** The caller's space and preview mode; `preview=1` with a read key is refused. */
export const reader = (c: Context<OriginEnv>): { spaceId: string; preview: boolean } => contentReader(c);

export function pathSlug(c: Context<OriginEnv>, notFound: string): string {
  const s = c.req.param('slug') ?? '';
  if (!SLUG_RE.test(s)) throw new ApiError('not_found', notFound);
  return s;
}


/** Cacheable read: Surrogate-Key (space first), Surrogate-Control, short browser cache. */
export function cacheable(c: Context<OriginEnv>, spaceId: string, keys: string[], postIds: string[] = []): void {
  const base = [surrogateKeys.space(spaceId), ...keys];
  const all = [...new Set([...base, ...postIds.map(blogKeys.post)])].join(' ');
  c.header('surrogate-key', all.length <= MAX_SURROGATE_HEADER ? all : [...new Set(base)].join(' '));
  c.header('surrogate-control', CONTENT_SURROGATE_CONTROL);
  c.header('cache-control', CONTENT_BROWSER_CACHE_CONTROL);
}

export function paginationMeta(count: number, page: number, pageSize: number) {
  return { count, next_page: page * pageSize < count ? page + 1 : null, previous_page: page > 1 ? page - 1 : null };
}
