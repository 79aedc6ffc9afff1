/**
 * The one record of an answered request (edge/platform/port.ts RequestRecord), built the same
 * way for the chain (edge/app.ts) and the hit fast path (edge/hit-path.ts): the platform counts
 * and logs it (Node: Prometheus counters and the sampled access log; Fastly: one JSON line to
 * the `ghee_requests` log endpoint). Everything in it is bounded or an identifier: the path
 * without its query, the route class, the status, the X-Cache state, the WAF rule id, the key
 * refusal reason — never a token, a query or a header value. The client address is recorded only
 * for a request the edge refused as an attack or a flood (a WAF block, a 429): the evidence the
 * security rules (origin/ops/security: waf_burst, rate_limit_burst) count per client.
 */
import type { KeyRefusalReason } from './env.js';
import { WAF_RULE_HEADER } from './middleware/waf/index.js';
import type { RequestRecord } from './platform/port.js';

/** The record of a request the chain answered. */
export function chainRecord(
  requestId: string,
  method: string,
  path: string,
  route: string,
  res: Response,
  keyRefusal: KeyRefusalReason | undefined,
  ms: number,
  vcpuMs: number | undefined,
  clientIp?: string,
): RequestRecord {
  const record: RequestRecord = { request_id: requestId, method, path, route, status: res.status, rate_limited: res.status === 429, ms };
  const cache = res.headers.get('x-cache');
  if (cache !== null) record.cache = cache;
  const rule = res.headers.get(WAF_RULE_HEADER);
  if (rule !== null) record.waf_rule = rule;
  if (keyRefusal !== undefined) record.key_refusal = keyRefusal;
  if (clientIp !== undefined && (rule !== null || record.rate_limited)) record.client_ip = clientIp;
  if (vcpuMs !== undefined) record.vcpu_ms = vcpuMs;
  return record;
}

/** The record of a fresh hit served by the hit fast path (always a 200 HIT). */
export function hitRecord(requestId: string, method: string, path: string, route: string, ms: number, vcpuMs: number | undefined): RequestRecord {
  const record: RequestRecord = { request_id: requestId, method, path, route, status: 200, cache: 'HIT', rate_limited: false, ms };
  if (vcpuMs !== undefined) record.vcpu_ms = vcpuMs;
  return record;
}
