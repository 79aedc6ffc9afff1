/**
 * Work done once at build time. On Fastly every request runs in a fresh instance of the
 * module, but top-level code runs under Wizer at build time and its heap is snapshotted: lazy
 * initialisation done here (zod's schema internals, Hono's router, compiled regular
 * expressions, functions compiled on first call, the runtime's SHA-256) is not repeated per
 * request. Pure computation only — no env, stores or I/O (and no Request or Response objects,
 * which js-compute refuses before request handling).
 *
 * Nothing here initialises zod (the settings schemas, shared/config.ts): what module
 * initialisation leaves in the snapshot is paid on every request, and only a miss that meets a
 * new settings document validates (edge/config-load.ts). The warm-up's settings are therefore a
 * document already in canonical form (WARM_SETTINGS, checked by edge/warmup.test.ts) whose
 * verdict is stored as the chain would store it.
 */
import type { Hono } from 'hono';
import { contentCacheKey, assetCacheKey } from '../shared/cache-key.js';
import { parseReadRequest, type AssetRequest, type ContentRequest } from '../shared/content-request.js';
import { parseApiKey, generateApiKey, hashApiKey } from '../shared/api-key.js';
import { SETTINGS_KEY, cachedEdgeSettings, loadEdgeConfig, settingsCacheKey } from './config-load.js';
import type { SettingsDocument } from './settings.js';
import type { EdgeEnv } from './env.js';
import { createHitPath, type HitRequest } from './hit-path.js';
import { keyCacheKey } from './middleware/api-key/index.js';
import { SIGNATURE_RULE_IDS, wafTargetVerdict } from './middleware/waf/index.js';
import { createBuildTimePlatform } from './platform/fastly/build-time.js';

const WARM_SPACE = 'warm-space';

/**
 * The warm-up's settings: a valid document in canonical form (every default present, the
 * schema's order) — what `npm run edge -- config push` would store for these values.
 */
export const WARM_SETTINGS: SettingsDocument = {
  format: 1,
  https_only: false,
  waf: { max_url_length: 2048, max_header_count: 64, max_header_bytes: 16384, max_query_params: 32, max_body_bytes: { content: 0, assets: 0, internal: 65536, other: 0 }, disabled_rules: [] },
  rate_limits: {
    enabled: true,
    penalty_box_ttl: 60,
    content: { ip: { rps: 1000, window: 10 }, key: { rps: 1000, window: 10 } },
    assets: { ip: { rps: 1000, window: 10 } },
    internal: { ip: { rps: 20, window: 10 } },
    purge: { ip: { rps: 100, window: 10 } },
    other: { ip: { rps: 10, window: 10 } },
  },
  cors: { any: ['https://warm.example'], spaces: { [WARM_SPACE]: ['*'] }, max_age: 600 },
  key_cache_ttl: 300,
  key_stale_if_error: 86400,
  not_found_ttl: 10,
  negative_key_cache_ttl: 30,
  origin_timeout_ms: 10000,
};

export function warmUp(app: Hono<EdgeEnv>): void {
  for (const method of ['GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE']) {
    for (const path of ['/v2/pages/*/home/', '/assets/a/b/c.png', '/.edge/health', '/.edge/purge', '/']) app.router.match(method, path);
  }
  // The WAF's target checks with every signature rule on its own (the others disabled), on
  // benign and hostile text: every expression compiled.
  for (const id of SIGNATURE_RULE_IDS) {
    const waf = { ...WARM_SETTINGS.waf, disabled_rules: SIGNATURE_RULE_IDS.filter((other) => other !== id) };
    for (const query of ['', 'auth_token=ghee_read_0123456789abcdefghijABCDEFGHIJklmnopqr_abcdef', `q=${encodeURIComponent("' or 1=1 -- <script> ../ $( union select sleep( `id` ; cat /etc/passwd onload= javascript:")}`]) {
      const url = `https://edge/v2/pages/*/home/${query ? `?${query}` : ''}`;
      wafTargetVerdict(url, new URL(url), undefined, waf);
    }
  }
  const key = generateApiKey('read');
  parseApiKey(key);
  hashApiKey(key);
  contentCacheKey('space', readOf('https://edge/v2/pages/*/home/?levels=1&locale=en') as ContentRequest);
  JSON.parse(JSON.stringify({ warm: true }));
}

/** A warm-up URL as the shared parser reads it (they are all valid reads). */
function readOf(url: string): ContentRequest | AssetRequest {
  const parsed = new URL(url);
  const read = parseReadRequest(parsed.pathname, parsed.search);
  if (!read.ok) throw new Error(`warm-up URL refused: ${url}`);
  return read.request;
}

const encoder = new TextEncoder();

/**
 * Runs the hit fast path (edge/hit-path.ts) end to end over the build-time platform
 * (edge/platform/fastly/build-time.ts: items stored and read as the Fastly adapter stores and
 * reads them; no in-memory twin enters the Fastly bundle) — settings from the edge cache, the
 * token's hash (with `hashToken`, as the platform's hit path hashes it), WAF, rate limits, key
 * record, content, CORS, headers, log — for content and assets, with and without CORS, request
 * ids and the Authorization header, and a few declines. Best effort: never throws. Returns how many requests it served from the hit path.
 */
export async function warmUpHits(hashToken?: (token: string) => string): Promise<number> {
  let served = 0;
  try {
    const document = JSON.stringify(WARM_SETTINGS);
    const settings: Record<string, string> = { [SETTINGS_KEY]: document };
    const platform = createBuildTimePlatform({ settings, secret: 'w'.repeat(32), now: 1_700_000_000_000 });
    const cache = platform.cache;
    // The verdict the chain stores for a canonical document (an empty body), so the chain's loading runs without validating.
    cache.store(settingsCacheKey(document), { status: 200, headers: [], body: new Uint8Array(0) });
    await loadEdgeConfig(platform);
    const token = generateApiKey('read');
    const hash = hashApiKey(token);
    cache.store(keyCacheKey(hash), { status: 200, headers: [], body: encoder.encode(JSON.stringify({ valid: true, id: 'warm-key', kind: 'read', space_id: WARM_SPACE })) });
    const base = 'https://edge.example';
    const page = `${base}/v2/pages/*/home/?locale=en&auth_token=${token}`;
    const pageByHeader = `${base}/v2/pages/*/home/?locale=en`;
    const asset = `${base}/assets/${WARM_SPACE}/a1/logo.png`;
    const stored: [string, string][] = [
      ['content-type', 'application/json'],
      ['cache-control', 'max-age=60'],
      ['vary', 'Accept-Encoding'],
    ];
    cache.store(contentCacheKey(WARM_SPACE, readOf(page) as ContentRequest), { status: 200, headers: stored, body: encoder.encode('{"data":{}}') });
    cache.store(assetCacheKey(readOf(asset) as AssetRequest), { status: 200, headers: [['content-type', 'image/png']], body: new Uint8Array(8) });

    const hits = createHitPath(platform, { config: () => cachedEdgeSettings(platform), ...(hashToken ? { hashToken } : {}) });
    const request = (url: string, headers: Record<string, string>): HitRequest => ({
      method: 'GET',
      url,
      rawTarget: undefined,
      header: (name) => headers[name],
      headerCount: Object.keys(headers).length + 2,
      headerBytes: 80,
      clientIp: '192.0.2.1',
    });
    const variants: [string, Record<string, string>][] = [
      [page, {}],
      [page, { origin: 'https://warm.example', 'x-request-id': 'warm-request-0001' }],
      [pageByHeader, { authorization: `Token ${token}` }],
      [asset, { origin: 'https://elsewhere.example' }],
      [asset, {}],
      [`${base}/v2/pages/*/missing/?auth_token=${token}`, {}], // declined: not cached
      [`${base}/v2/pages/*/home/?auth_token=nope`, {}], // declined: not a key
    ];
    for (let round = 0; round < 2; round++) {
      for (const [url, headers] of variants) {
        const outcome = await hits.serve(request(url, headers));
        if (!outcome.served) continue;
        served++;
        outcome.headers(); // Node's rendering
        outcome.headerList(); // Fastly's
      }
    }
  } catch {
    // Warm-up is an optimisation only.
  }
  return served;
}
