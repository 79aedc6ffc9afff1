/// <reference types="@fastly/js-compute" />
/**
 * The floor of a keyed hit that keeps every behaviour the edge's hit must keep, for
 * bench/viceroy-hit.ts: the floor (bench/viceroy-floor-core.ts) plus the least each behaviour
 * costs on this runtime, written directly — not ghee's code paths, but the same stores,
 * hostcalls and checks:
 * - settings: the one Config Store document, parsed (no check that it was validated);
 * - HTTPS-only: the scheme against the setting;
 * - WAF: header count and size, target length, the edge's one-pass signature pre-check over
 *   path and query (edge/middleware/waf/rules.ts plainTargetMayMatch; a target it flags is
 *   refused here, where the edge would run the full pass), the IP blocklist (the ACL);
 * - rate limits: counted when the settings enable them (the bench disables them, as for the edge);
 * - the key's kind (its shape), the request id (a caller's checked, else minted), CORS (Origin
 *   against the allowed list, Vary: Origin).
 * Its rate against the floor bounds what any hit keeping these behaviours can reach here.
 */
import { Acl } from 'fastly:acl';
import { ConfigStore } from 'fastly:config-store';
import { apiKeyShape } from '../shared/api-key.js';
import { resolveRequestId } from '../shared/request-id.js';
import { plainTargetMayMatch } from '../edge/middleware/waf/rules.js';
import { floorHit } from './viceroy-floor-core.js';

interface Settings {
  https_only: boolean;
  waf: { max_url_length: number; max_header_count: number; max_header_bytes: number };
  rate_limits: { enabled: boolean };
  cors: { any: string[] };
}

const refuse = (status: number) => new Response('{"detail":"refused"}', { status });

async function handle(event: FetchEvent): Promise<Response> {
  const request = event.request;
  const settings = JSON.parse(new ConfigStore('ghee_config').get('settings') ?? 'null') as Settings | null;
  if (!settings) return refuse(503);
  const url = new URL(request.url);
  if (settings.https_only && url.protocol !== 'https:') return refuse(308);
  let count = 0;
  let bytes = 0;
  request.headers.forEach((value, name) => {
    count++;
    bytes += name.length + value.length;
  });
  if (count > settings.waf.max_header_count || bytes > settings.waf.max_header_bytes) return refuse(431);
  const query = url.search.slice(1);
  if (url.pathname.length + url.search.length > settings.waf.max_url_length || plainTargetMayMatch(url.pathname, query)) return refuse(403);
  const match = await Acl.open('ghee_blocklist').lookup(event.client.address);
  if (match && match.action === 'BLOCK') return refuse(403);
  if (settings.rate_limits.enabled) return refuse(501); // not measured here
  const token = url.searchParams.get('auth_token');
  if (token !== null && !apiKeyShape(token)) return refuse(401);
  const origin = request.headers.get('origin');
  const cors: [string, string][] = [['vary', 'Origin']];
  if (origin !== null && settings.cors.any.includes(origin)) cors.push(['access-control-allow-origin', origin]);
  return floorHit(url, resolveRequestId(request.headers.get('x-request-id')), cors);
}

addEventListener('fetch', (event) => event.respondWith(handle(event)));
