/**
 * The cache-hit fast path. A fresh hit is the common case at the edge; through the Hono chain
 * it costs a web Request, a Response, header objects rebuilt by each of seven middlewares and a
 * JSON decode of the key record, every time. This path serves exactly the same response for a
 * fresh hit — the same checks, the same headers in the same order, the same counters and log
 * line — from values computed once: per request target (URL parse, WAF verdict on the path and
 * query, cache-key parts), per token (parse and SHA-256, edge/request-info.ts), per stored key
 * record (decoded once) and per stored object (its final header list, with slots for the
 * per-request values).
 *
 * It serves only what it can prove is a plain fresh hit; for anything else it declines and the
 * platform hands the request to the Hono chain (edge/app.ts), which answers as it always did:
 * - declined before counting (not a GET, config not loaded, HTTPS redirect, anything the WAF
 *   would look at twice: blocklisted address, size limits, bodies, non-plain targets, signatures)
 *   — the chain sees an untouched request;
 * - declined after counting (rate limited, no/invalid/unknown key, key record or content not
 *   fresh, not a 200) — the counted checks travel with the request (`env.counted`) so the chain's
 *   rate limiter decides from them instead of counting the request a second time.
 *
 * Freshness and purges are the cache's: every request asks it (EdgeCache.lookupFresh) for the
 * key record and the content, so a revocation or content purge takes effect on the next request
 * exactly as on the chain. What is memoised is keyed by the stored object itself, which a
 * purge, expiry or refill replaces.
 *
 * The test edge/hit-path.test.ts serves every case both ways and compares the responses.
 */
import { extractToken } from '../shared/api-key.js';
import { assetCacheKey, contentCacheKeyFor, contentCacheKeySuffix, isPreview } from '../shared/cache-key.js';
import { REQUEST_ID_HEADER, resolveRequestId } from '../shared/request-id.js';
import { applySecureHeaders } from '../shared/secure-headers.js';
import type { EdgeConfig } from './config.js';
import { stringLru } from './lru.js';
import { admit, keyCacheKey, storedKeyRecord } from './middleware/api-key/index.js';
import { allowedOrigin, applyCorsHeaders, corsPolicy } from './middleware/cors/index.js';
import { policyOf } from './middleware/rate-limit/decide.js';
import { bindingCheck, countRequest, type CountedRequest } from './middleware/rate-limit/index.js';
import type { WafConfig } from './middleware/waf/config.js';
import { targetContentBlock, targetLengthBlock } from './middleware/waf/index.js';
import { splitTarget } from './middleware/waf/rules.js';
import type { CachedObject, Platform } from './platform/port.js';
import { presentToken } from './request-info.js';

/** A request as the platform received it: only what the chain would look at. */
export interface HitRequest {
  method: string;
  /** The request URL exactly as the chain sees it (`c.req.url`). */
  url: string;
  /** The request target as received, where the platform has it (Node; the WAF inspects it too). */
  rawTarget: string | undefined;
  /** A request header by lower-case name, as the chain's `c.req.header(name)` would return it. */
  header(name: string): string | undefined;
  /** Header fields and their total size (names + values), as the WAF counts them. */
  headerCount: number;
  headerBytes: number;
  clientIp: string | undefined;
}

export type HitOutcome =
  | {
      served: true;
      status: number;
      /** Response headers as a flat [name, value, …] list, in the order the chain sends them. */
      headers: string[];
      body: Uint8Array;
    }
  | {
      served: false;
      /** Why (for tests and diagnostics). */
      reason: string;
      /** Set when the request was already counted for rate limiting: pass it to the chain as `env.counted`. */
      counted?: CountedRequest;
    };

export interface HitPath {
  serve(req: HitRequest): Promise<HitOutcome>;
}

/** What a request target yields, computed once per target. */
interface Target {
  url: URL;
  rawTarget: string | undefined;
  cls: 'content' | 'assets';
  pathname: string;
  preview: boolean;
  /** contentCacheKeySuffix (content) or the asset cache key (assets). */
  cacheKeyPart: string;
  /** The last content cache key built from it, and for which space (a key string reused is hashed once). */
  spaceId: string | null;
  cacheKey: string;
  /** The WAF verdict on the target (length, encoding, parameter count, signatures) under one setting. */
  waf: { config: WafConfig; pass: boolean } | null;
}

const RATE_LIMIT_NAMES = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy'] as const;

/** A stored object's response headers, final but for the per-request values. */
interface Template {
  flat: readonly string[];
  /** Indexes in `flat` of the per-request values (-1: absent). */
  age: number;
  requestId: number;
  acao: number;
  rateLimit: readonly number[];
}

const NUMERIC_NAME = /^\d+$/;

/**
 * The headers the chain sends with a fresh hit of `object`: the stored headers, X-Cache and Age
 * (content cache), RateLimit-* (rate limit), CORS (Vary, ACAO and exposed headers when allowed),
 * X-Request-Id, then the secure header set — applied in the chain's order by the chain's own
 * functions to a Headers object, whose iteration order (sorted) is the order the Node adapter
 * writes. Null when the chain would send something this path does not reproduce (no
 * Content-Type, which the Node adapter would default; Set-Cookie; numeric header names, which
 * would reorder an object's keys).
 */
function buildTemplate(object: Readonly<CachedObject>, rateLimited: boolean, withAcao: boolean): Template | null {
  const h = new Headers(object.headers as [string, string][]);
  if (!h.has('content-type') || h.has('set-cookie')) return null;
  h.set('x-cache', 'HIT');
  h.set('age', '0');
  if (rateLimited) for (const name of RATE_LIMIT_NAMES) h.set(name, '0');
  applyCorsHeaders(h, withAcao ? '*' : null);
  h.set(REQUEST_ID_HEADER, '0');
  applySecureHeaders(h);
  const flat: string[] = [];
  let numeric = false;
  h.forEach((value, name) => {
    if (NUMERIC_NAME.test(name)) numeric = true;
    flat.push(name, value);
  });
  if (numeric) return null;
  const at = (name: string): number => {
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return i + 1;
    return -1;
  };
  return {
    flat,
    age: at('age'),
    requestId: at(REQUEST_ID_HEADER),
    acao: withAcao ? at('access-control-allow-origin') : -1,
    rateLimit: rateLimited ? RATE_LIMIT_NAMES.map(at) : [],
  };
}

const templates = new WeakMap<object, (Template | null | undefined)[]>();

function templateFor(object: Readonly<CachedObject>, rateLimited: boolean, withAcao: boolean): Template | null {
  let variants = templates.get(object);
  if (!variants) templates.set(object, (variants = []));
  const slot = (rateLimited ? 2 : 0) + (withAcao ? 1 : 0);
  let template = variants[slot];
  if (template === undefined) variants[slot] = template = buildTemplate(object, rateLimited, withAcao);
  return template;
}

/** The target's derived values, or null when the fast path never serves it (not content or assets). */
function targetOf(url: string, rawTarget: string | undefined): Target | null {
  const parsed = new URL(url);
  const pathname = parsed.pathname;
  const cls = pathname.startsWith('/v2/') ? 'content' : pathname.startsWith('/assets/') ? 'assets' : null;
  if (!cls) return null;
  return {
    url: parsed,
    rawTarget,
    cls,
    pathname,
    preview: isPreview(parsed.searchParams),
    cacheKeyPart: cls === 'content' ? contentCacheKeySuffix(parsed) : assetCacheKey(parsed),
    spaceId: null,
    cacheKey: '',
    waf: null,
  };
}

function wafPasses(target: Target, url: string, config: WafConfig): boolean {
  if (target.waf?.config === config) return target.waf.pass;
  const given = splitTarget(url);
  const rawParts = target.rawTarget === undefined ? null : splitTarget(target.rawTarget);
  const pass = !targetLengthBlock(given, rawParts, config) && !targetContentBlock(given, target.url, rawParts, config);
  target.waf = { config, pass };
  return pass;
}

function declined(reason: string, counted?: CountedRequest): HitOutcome {
  return counted ? { served: false, reason, counted } : { served: false, reason };
}

export interface HitPathOptions {
  /** The edge settings once loaded (the chain loads them), else null: then nothing is served here. */
  config: () => EdgeConfig | null;
  /** Distinct request targets remembered (URL parse, WAF verdict, cache-key parts). */
  maxTargets?: number;
}

export function createHitPath(platform: Platform, opts: HitPathOptions): HitPath {
  const targets = stringLru<Target | null>(opts.maxTargets ?? 2048, 4096);
  /** token hash → key-record cache key (the same string each time, so hashed once). */
  const keyRecordKeys = stringLru<string>(1024, 64);
  const lookupFresh = platform.cache.lookupFresh?.bind(platform.cache);

  return {
    async serve(req) {
      if (!lookupFresh) return declined('platform has no fresh lookup');
      if (req.method !== 'GET') return declined('not a GET');
      const config = opts.config();
      if (!config) return declined('config not loaded');
      const started = platform.now();

      let target = targets.get(req.url);
      if (target === undefined || (target !== null && target.rawTarget !== req.rawTarget)) {
        target = targetOf(req.url, req.rawTarget);
        targets.set(req.url, target);
      }
      if (!target) return declined('not a cached route');

      // HTTPS-only: a plain-HTTP request is redirected (or refused) by the chain.
      if (config.https_only && target.url.protocol !== 'https:') return declined('https-only');

      // WAF: the chain blocks, logs and answers every finding; here only requests it passes.
      const waf = config.waf;
      if (req.header('content-length') !== undefined || req.header('transfer-encoding') !== undefined) return declined('waf: body headers');
      if (req.headerCount > waf.max_header_count || req.headerBytes > waf.max_header_bytes) return declined('waf: header limits');
      if (!wafPasses(target, req.url, waf)) return declined('waf: target');
      if (req.clientIp) {
        let prefix: string | null;
        try {
          prefix = await platform.blocklist.lookup(req.clientIp);
        } catch {
          return declined('waf: blocklist lookup failed');
        }
        if (prefix !== null) return declined('waf: blocklisted');
      }

      // From here on the request may be counted: every decline carries the count.
      let counted: CountedRequest | undefined;
      try {
        const token = target.cls === 'content' ? extractToken(target.url, req.header('authorization')) : null;
        const presented = token ? presentToken(token) : null;

        // Rate limits (counted once, here).
        const rateLimits = config.rate_limits;
        if (rateLimits.enabled) {
          counted = { config: rateLimits, checks: countRequest(platform.rates, rateLimits, target.cls, req.method, req.clientIp, () => presented?.hash) };
          for (const check of counted.checks) if (!check.decision.allow) return declined('rate limited', counted);
        }

        // API key (content): a fresh record that admits the key.
        let spaceId: string | undefined;
        let cacheKey = target.cacheKeyPart;
        if (target.cls === 'content') {
          if (!presented?.parsed || !presented.hash) return declined('no valid key', counted);
          const fresh = lookupFresh(keyRecordKeys.getOrCompute(presented.hash, keyCacheKey));
          if (!fresh) return declined('key record not fresh', counted);
          const record = storedKeyRecord(fresh.object);
          if (!record) return declined('key record unreadable', counted);
          const key = admit(record, presented.parsed.kind, target.preview);
          if (typeof key === 'string') return declined(`key: ${key}`, counted);
          spaceId = key.spaceId;
          if (target.spaceId !== spaceId) {
            target.spaceId = spaceId;
            target.cacheKey = contentCacheKeyFor(spaceId, target.cacheKeyPart);
          }
          cacheKey = target.cacheKey;
        }

        // Content cache: a fresh 200.
        const hit = lookupFresh(cacheKey);
        if (!hit) return declined('content not fresh', counted);
        const object = hit.object;
        if (object.status !== 200) return declined('not a 200', counted);

        const origin = req.header('origin');
        const allowed = origin === undefined ? null : allowedOrigin(corsPolicy(config.cors), origin, spaceId);
        const template = templateFor(object, counted !== undefined, allowed !== null);
        if (!template) return declined('headers not reproducible', counted);

        const requestId = resolveRequestId(req.header(REQUEST_ID_HEADER));
        const headers = template.flat.slice();
        headers[template.age] = String(hit.age);
        headers[template.requestId] = requestId;
        if (allowed !== null) headers[template.acao] = allowed;
        if (counted) {
          const { decision, rule } = bindingCheck(counted.checks);
          const [limit, remaining, reset, policy] = template.rateLimit as [number, number, number, number];
          headers[limit] = String(decision.limit);
          headers[remaining] = String(decision.remaining);
          headers[reset] = String(decision.reset);
          headers[policy] = policyOf(rule);
        }
        platform.log('info', 'request', {
          request_id: requestId,
          method: req.method,
          path: target.pathname,
          status: object.status,
          cache: 'HIT',
          ms: platform.now() - started,
          vcpu_ms: platform.vCpuMs?.(),
        });
        return { served: true, status: object.status, headers, body: object.body };
      } catch {
        return declined('error', counted);
      }
    },
  };
}
