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
import { apiKeyDisplay, apiKeyShape, extractToken, type ApiKeyKind } from '../shared/api-key.js';
import { assetCacheKey, contentCacheKeyFor, contentCacheKeySuffix } from '../shared/cache-key.js';
import { parseReadRequest } from '../shared/content-request.js';
import { REQUEST_ID_HEADER, resolveRequestId } from '../shared/request-id.js';
import { flatHeaders, hitHeaderList, reproducible, type HitValues } from './hit-headers.js';
import type { EdgeSettings } from './config.js';
import { stringLru } from './lru.js';
import { admit, keyCacheKey, storedKeyRecord } from './middleware/api-key/index.js';
import { corsAllowedOrigin } from './middleware/cors/index.js';
import { httpsOnlyDecision } from './middleware/https-only/index.js';
import { bindingCheck, rateLimitValues, refusedCheck } from '../shared/rate-limit.js';
import { countRequest, type CountedRequest } from './middleware/rate-limit/index.js';
import { wafDecision, wafTargetVerdict, type WafTargetVerdict } from './middleware/waf/index.js';
import type { Platform } from './platform/port.js';
import { mark } from './profile.js';
import { routeClassOf } from './route-class.js';
import { hitRecord } from './request-record.js';
import { presentToken, type PresentedKey } from './request-info.js';

type WafConfig = EdgeSettings['waf'];

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
      /** The response headers as the chain sends them: a flat [name, value, …] list in its order (Node writes it as is). */
      headers(): string[];
      /** The same response headers as a list for a Response's init (Fastly): hitHeaderList. */
      headerList(): [string, string][];
      /** The stored body: bytes, or a stream of them on platforms that stream from the cache. */
      body: Uint8Array | ReadableStream<Uint8Array>;
    }
  | {
      served: false;
      /** Why (for tests and diagnostics). */
      reason: string;
      /** Set when the request was already counted for rate limiting: pass it to the chain as `env.counted`. */
      counted?: CountedRequest;
      /** Set when the presented token was already parsed and hashed: pass it to the chain as `env.presented`. */
      presented?: PresentedKey | null;
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
  /** The WAF's verdict on the target (length, encoding, parameter count, signatures) under one setting. */
  waf: { config: WafConfig; verdict: WafTargetVerdict } | null;
}

/**
 * The target's derived values, or null when the fast path never serves it: not content or assets,
 * or a request the shared parser refuses (the chain answers the refusal).
 */
function targetOf(url: string, rawTarget: string | undefined): Target | null {
  mark('t0');
  const parsed = new URL(url);
  const pathname = parsed.pathname;
  mark('target: new URL');
  // The chain's route class (the rate limiter counts by it), so both paths classify a target alike.
  const cls = routeClassOf(pathname);
  if (cls !== 'content' && cls !== 'assets') return null;
  const read = parseReadRequest(pathname, parsed.search);
  mark('target: parseReadRequest');
  if (!read.ok || (read.request.kind === 'asset') !== (cls === 'assets')) return null;
  const request = read.request;
  return {
    url: parsed,
    rawTarget,
    cls,
    pathname,
    preview: request.preview,
    cacheKeyPart: request.kind === 'content' ? contentCacheKeySuffix(request) : assetCacheKey(request),
    spaceId: null,
    cacheKey: '',
    waf: null,
  };
}

/** The WAF's verdict on the target under `config`, remembered with the target (a pure function of both). */
function wafVerdict(target: Target, url: string, config: WafConfig): WafTargetVerdict {
  if (target.waf?.config === config) return target.waf.verdict;
  const verdict = wafTargetVerdict(url, target.url, target.rawTarget, config);
  target.waf = { config, verdict };
  return verdict;
}

const NO_BODY = () => false;

function declined(reason: string, counted?: CountedRequest, presented?: PresentedKey | null): HitOutcome {
  const outcome: HitOutcome = { served: false, reason };
  if (counted) outcome.counted = counted;
  if (presented !== undefined) outcome.presented = presented;
  return outcome;
}

export interface HitPathOptions {
  /**
   * The edge settings, as the chain would use them for this request, or null when they are
   * not at hand without the chain's own loading and validation (then nothing is served here).
   */
  config: () => EdgeSettings | null | Promise<EdgeSettings | null>;
  /**
   * Where every request runs in a fresh instance (Fastly), memos do not outlive a request: then
   * the token is hashed with this, once, and its checksum is left to the key record (see
   * serveHit). Default: the token's parse and hash, memoised (edge/request-info.ts).
   */
  hashToken?: (token: string) => string | Promise<string>;
  /** Distinct request targets remembered (URL parse, WAF verdict, cache-key parts). */
  maxTargets?: number;
}

export function createHitPath(platform: Platform, opts: HitPathOptions): HitPath {
  const targets = stringLru<Target | null>(opts.maxTargets ?? 2048, 4096);
  /** token hash → key-record cache key (the same string each time, so hashed once). */
  const keyRecordKeys = stringLru<string>(1024, 64);
  const lookupFresh = platform.cache.lookupFresh?.bind(platform.cache);
  const singleHash = opts.hashToken;

  return {
    async serve(req) {
      try {
        return await serveHit(req);
      } catch {
        return declined('error'); // thrown before counting: the chain takes the request as it came
      }
    },
  };

  async function serveHit(req: HitRequest): Promise<HitOutcome> {
    if (!lookupFresh) return declined('platform has no fresh lookup');
    if (req.method !== 'GET') return declined('not a GET');
    let config = opts.config();
    if (config instanceof Promise) config = await config;
    if (!config) return declined('config not loaded');
    mark('settings');
    const started = platform.now();

    let target = targets.get(req.url);
    if (target === undefined || (target !== null && target.rawTarget !== req.rawTarget)) {
      target = targetOf(req.url, req.rawTarget);
      mark('target: parse');
      targets.set(req.url, target);
    }
    if (!target) return declined('not a cached route');
    mark('target');

    // HTTPS-only (its decision): a plain-HTTP request is redirected (or refused) by the chain.
    if (httpsOnlyDecision(config.https_only, target.url, req.method) !== 'pass') return declined('https-only');

    // WAF (its decision, edge/middleware/waf): the chain blocks, logs and answers every finding;
    // here only requests it passes, and only plain ones (no body headers at all).
    if (req.header('content-length') !== undefined || req.header('transfer-encoding') !== undefined) return declined('waf: body headers');
    const waf = config.waf;
    const verdict = wafVerdict(target, req.url, waf);
    mark('waf: verdict');
    const finding = wafDecision(
      verdict,
      { method: req.method, pathname: target.pathname, headerCount: req.headerCount, headerBytes: req.headerBytes, contentLength: undefined, transferEncoding: undefined, hasBody: NO_BODY },
      waf,
    );
    if (finding) return declined(finding === verdict.length || finding === verdict.content ? 'waf: target' : `waf: ${finding.rule}`);
    mark('waf: decision');
    if (req.clientIp) {
      let prefix: string | null;
      try {
        prefix = await platform.blocklist.lookup(req.clientIp);
      } catch {
        return declined('waf: blocklist lookup failed');
      }
      if (prefix !== null) return declined('waf: blocklisted');
    }
    mark('waf');

    // The key (content): a fresh record that admits it. Looked up before counting (a cache read
    // changes nothing), so every decline up to here hands the chain an uncounted request.
    let presented: PresentedKey | null | undefined;
    let spaceId: string | undefined;
    let cacheKey = target.cacheKeyPart;
    if (target.cls === 'content') {
      const token = extractToken(target.url, req.header('authorization'));
      if (!token) return declined('no valid key');
      let kind: ApiKeyKind;
      let hash: string;
      if (singleHash) {
        // One SHA-256 (the token's) instead of two: a token whose hash finds a valid record is a
        // key the origin issued, so its checksum is right by construction. Anything else is
        // declined and the chain checks it in full.
        const shape = apiKeyShape(token);
        if (!shape) return declined('no valid key');
        kind = shape.kind;
        mark('key: token');
        const hashed = singleHash(token);
        hash = typeof hashed === 'string' ? hashed : await hashed; // no extra job-queue turn for a synchronous hash
      } else {
        presented = presentToken(token);
        if (!presented.parsed || !presented.hash) return declined('no valid key', undefined, presented);
        kind = presented.parsed.kind;
        hash = presented.hash;
      }
      mark('key: hash');
      const fresh = lookupFresh(keyRecordKeys.getOrCompute(hash, keyCacheKey));
      mark('key: lookup');
      if (!fresh) return declined('key record not fresh', undefined, presented);
      const record = storedKeyRecord(fresh.object);
      if (!record) return declined('key record unreadable', undefined, presented);
      mark('key: decode');
      const admitted = admit(record, kind, target.preview, req.clientIp);
      if (typeof admitted === 'string') return declined(`key: ${admitted}`, undefined, presented);
      presented ??= Object.freeze({ token, parsed: Object.freeze(apiKeyDisplay(token, kind)), hash });
      spaceId = admitted.spaceId;
      if (target.spaceId !== spaceId) {
        target.spaceId = spaceId;
        target.cacheKey = contentCacheKeyFor(spaceId, target.cacheKeyPart);
      }
      cacheKey = target.cacheKey;
    } else {
      presented = null; // assets take no key
    }
    mark('key');

    // From here on the request is counted: every decline carries the count.
    let counted: CountedRequest | undefined;
    try {
      const key = presented;
      const rateLimits = config.rate_limits;
      if (rateLimits.enabled) {
        counted = { config: rateLimits, checks: countRequest(platform.rates, rateLimits, target.cls, req.method, req.clientIp, () => key?.hash ?? undefined) };
        if (refusedCheck(counted.checks)) return declined('rate limited', counted, presented);
      }
      mark('rate limits');

      // Content cache: a fresh 200.
      const hit = lookupFresh(cacheKey);
      mark('content: lookup');
      if (!hit) return declined('content not fresh', counted, presented);
      const object = hit.object;
      if (object.status !== 200) return declined('not a 200', counted, presented);

      if (!reproducible(object)) return declined('headers not reproducible', counted, presented);
      mark('content');
      const origin = req.header('origin');
      const allowed = corsAllowedOrigin(config.cors, origin, spaceId);
      let rateLimit: HitValues['rateLimit'] = null;
      if (counted) {
        rateLimit = rateLimitValues(bindingCheck(counted.checks));
      }
      mark('cors');
      const requestId = resolveRequestId(req.header(REQUEST_ID_HEADER));
      mark('request id');
      const values: HitValues = { age: String(hit.age), rateLimit, allowed, requestId };
      const rec = hitRecord(requestId, req.method, target.pathname, target.cls, platform.now() - started, platform.vCpuMs?.());
      mark('record');
      platform.request(rec);
      mark('cors, request id, log');
      return {
        served: true,
        status: object.status,
        headers: () => flatHeaders(object, values),
        headerList: () => hitHeaderList(object.headers, values),
        body: hit.stream ? hit.stream() : object.body,
      };
    } catch {
      return declined('error', counted, presented);
    }
  }
}
