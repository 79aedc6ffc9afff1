import type { Context, MiddlewareHandler } from 'hono';
import type { EdgeEnv } from '../../env.js';
import type { WafConfig } from './config.js';
import { errorResponse } from '../../errors.js';
import { routeClassOf } from '../../route-class.js';
import {
  WAF_RULES,
  allowedMethods,
  countQueryParams,
  inspectPath,
  inspectQuery,
  matchSignature,
  plainTargetMayMatch,
  splitTarget,
  type WafRuleId,
} from './rules.js';
import { requestUrl } from '../../request-info.js';

export { WAF_RULES, SIGNATURE_RULE_IDS, type WafRuleId } from './rules.js';

/** Response header naming the rule that blocked a request. */
export const WAF_RULE_HEADER = 'x-waf-rule';

export interface WafOptions {
  /**
   * The request target exactly as received (`/a/../b?x`), before URL normalisation resolved dot
   * segments and backslashes. Default: Node's `IncomingMessage.url`, which @hono/node-server passes
   * as `env.incoming`; undefined on platforms that only expose the parsed URL (then the WAF checks
   * `c.req.url` as given and its normalised pathname).
   */
  rawTarget?: (c: Context<EdgeEnv>) => string | undefined;
}

/** Longest path written to a log line. */
const MAX_LOGGED_PATH = 256;
const NO_BODY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CONTENT_LENGTH = /^\d{1,15}$/;

/**
 * The edge WAF. Runs after request id and before rate limiting and API-key checks; a blocked
 * request never reaches the origin. In order: IP blocklist (Fastly ACL) → URL length → header
 * count and size → method allowlist per route class → body size → path and query encoding and
 * normalisation → query parameter count → attack signatures (SQLi, XSS, traversal, command
 * injection) on the decoded path and query.
 *
 * Every block answers the one error shape with the rule id in the detail and in `x-waf-rule`,
 * and logs `waf block` with the request id, rule, client IP, method and path — never the query,
 * which may carry an `auth_token`.
 */
export function waf(options: WafOptions = {}): MiddlewareHandler<EdgeEnv> {
  const rawTargetOf = options.rawTarget ?? nodeRawTarget;
  return async function wafHandler(c, next) {
    const config = c.get('config').waf;
    const platform = c.get('platform');
    const requestId = c.get('requestId');
    const clientIp = c.env?.clientIp;
    const url = requestUrl(c);
    const method = c.req.method;

    const block = (rule: WafRuleId, reason?: string, headers: Record<string, string> = {}): Response => {
      platform.log('warn', 'waf block', {
        request_id: requestId,
        rule,
        ip: clientIp ?? null,
        method: method.slice(0, 32),
        path: url.pathname.slice(0, MAX_LOGGED_PATH),
      });
      const detail = `Request blocked by WAF rule ${rule}.${reason ? ` ${reason}` : ''}`;
      return errorResponse(WAF_RULES[rule].code, detail, requestId, { ...headers, [WAF_RULE_HEADER]: rule });
    };

    // 1. IP blocklist.
    if (clientIp) {
      let prefix: string | null = null;
      try {
        prefix = await platform.blocklist.lookup(clientIp);
      } catch (err) {
        // A missing or broken ACL must not take every site offline: log loudly, serve.
        platform.log('error', 'waf blocklist lookup failed', { request_id: requestId, error: String(err) });
      }
      if (prefix !== null) return block('ip-blocklist');
    }

    // 2–7. The pure decision: the target's verdict, then the request's own facts.
    const target = wafTargetVerdict(c.req.url, url, rawTargetOf(c), config);
    let headerCount = 0;
    let headerBytes = 0;
    c.req.raw.headers.forEach((value, name) => {
      headerCount++;
      headerBytes += name.length + value.length;
    });
    const found = wafDecision(
      target,
      {
        method,
        pathname: url.pathname,
        headerCount,
        headerBytes,
        contentLength: c.req.header('content-length'),
        transferEncoding: c.req.header('transfer-encoding'),
        hasBody: () => c.req.raw.body !== null,
      },
      config,
    );
    if (found) return block(found.rule, found.reason, found.headers);

    return next();
  };
}

/** What a request target yields under the target checks: a pure function of the target and the settings (callers may remember it per target). */
export interface WafTargetVerdict {
  /** 2. The target (as given, and raw where the platform has it) longer than max_url_length. */
  readonly length: WafFinding | null;
  /** 5–7. Encoding and normalisation, parameter count, attack signatures (not looked at when `length` blocks). */
  readonly content: WafFinding | null;
}

/**
 * The WAF's target checks on a request target: `url` as the chain sees it (`c.req.url`), `parsed`
 * its URL, `rawTarget` the target as received where the platform has it. Pure.
 */
export function wafTargetVerdict(url: string, parsed: URL, rawTarget: string | undefined, config: WafConfig, onePass = true): WafTargetVerdict {
  const given = splitTarget(url);
  const rawParts = rawTarget === undefined ? null : splitTarget(rawTarget);
  const length = targetLengthBlock(given, rawParts, config);
  return { length, content: length ? null : targetContentBlock(given, parsed, rawParts, config, onePass) };
}

/** What the WAF looks at in a request besides its target (and the client address, which the caller looks up). */
export interface WafRequestFacts {
  method: string;
  /** The URL-normalised path (its route class decides the methods and body size allowed). */
  pathname: string;
  /** Header fields and their total size (names + values). */
  headerCount: number;
  headerBytes: number;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
  /** Whether the request has a body stream (asked only for methods that may carry one). */
  hasBody: () => boolean;
}

/**
 * The WAF's decision on a request, the IP blocklist aside (an ACL lookup, made first by the
 * caller): the first rule it breaks, in waf()'s order — target length, header count and size,
 * method allowlist per route class, body size, then the target's encoding, parameter count and
 * signatures — or null. Pure: the chain (waf()) and the hit path (edge/hit-path.ts) both decide
 * with it.
 */
export function wafDecision(target: WafTargetVerdict, req: WafRequestFacts, config: WafConfig): WafFinding | null {
  if (target.length) return target.length;
  if (req.headerCount > config.max_header_count) return { rule: 'limit-002', reason: `More than ${config.max_header_count} header fields.` };
  if (req.headerBytes > config.max_header_bytes) return { rule: 'limit-003', reason: `Headers larger than ${config.max_header_bytes} bytes.` };

  const routeClass = routeClassOf(req.pathname);
  const allowed = allowedMethods(routeClass, req.pathname);
  if (!allowed.includes(req.method)) {
    const allow = allowed.join(', ');
    return { rule: 'method-001', reason: `Allowed methods: ${allow}.`, headers: { allow } };
  }

  const maxBody = config.max_body_bytes[routeClass];
  const { contentLength, transferEncoding } = req;
  if (contentLength !== undefined) {
    const declared = contentLength.trim();
    if (transferEncoding !== undefined || !CONTENT_LENGTH.test(declared)) return { rule: 'limit-007', reason: 'Malformed Content-Length.' };
    if (Number(declared) > maxBody) return { rule: 'limit-005', reason: maxBody === 0 ? 'No request body is allowed here.' : `The body is larger than ${maxBody} bytes.` };
  } else if (transferEncoding !== undefined || (!NO_BODY_METHODS.has(req.method) && req.hasBody())) {
    return { rule: 'limit-006', reason: maxBody === 0 ? 'No request body is allowed here.' : 'A request body needs a Content-Length.' };
  }

  return target.content;
}

/** A rule that blocks, with its public reason (and headers for the answer). */
export interface WafFinding {
  rule: WafRuleId;
  reason?: string | undefined;
  headers?: Record<string, string>;
}

/** Path and query of a request target (see splitTarget). */
interface TargetParts {
  path: string;
  query: string;
}

/** 2. The request target (as given, and raw where the platform has it) within max_url_length. */
function targetLengthBlock(given: TargetParts, rawParts: TargetParts | null, config: WafConfig): WafFinding | null {
  const targetLength = Math.max(lengthOf(given), rawParts ? lengthOf(rawParts) : 0);
  if (targetLength > config.max_url_length) return { rule: 'limit-001', reason: `The request URL is longer than ${config.max_url_length} characters.` };
  return null;
}

const disabledSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * 5–7. The path and query (every view: as given, URL-normalised, raw): encoding and
 * normalisation, the query parameter count, then attack signatures on the decoded texts.
 * A pure function of the target and the settings. `onePass` (default; tests turn it off to
 * compare): a plain target none of whose texts can trip a signature (plainTargetMayMatch) skips
 * building them.
 */
function targetContentBlock(given: TargetParts, url: URL, rawParts: TargetParts | null, config: WafConfig, onePass: boolean): WafFinding | null {
  // The common case — every view identical and made of characters that percent-decoding leaves
  // unchanged, with no `..` — needs no decoding work at all.
  const plain = isPlainTarget(given, url, rawParts);
  const texts = new Set<string>();
  if (plain) {
    if (countQueryParams(given.query) > config.max_query_params) return { rule: 'limit-004', reason: `More than ${config.max_query_params} query parameters.` };
    if (onePass && !plainTargetMayMatch(given.path, given.query)) return null;
    texts.add(given.path);
    // The same texts inspectQuery yields (each name and value), without decoding work.
    for (const pair of given.query.split('&')) {
      const eq = pair.indexOf('=');
      for (const part of eq === -1 ? [pair] : [pair.slice(0, eq), pair.slice(eq + 1)]) if (part) texts.add(part);
    }
  } else {
    // 5. Path: every view (as given, URL-normalised, raw), decoded once and twice.
    for (const path of new Set([given.path, url.pathname, ...(rawParts ? [rawParts.path] : [])])) {
      const inspected = inspectPath(path);
      if (!inspected.ok) return { rule: inspected.rule, reason: publicReason(inspected.rule) };
      for (const t of inspected.texts) texts.add(t);
    }

    // 6. Query: parameter count, then encoding of every name and value.
    const queries = new Set([given.query, url.search.slice(1), ...(rawParts ? [rawParts.query] : [])]);
    for (const query of queries) {
      if (countQueryParams(query) > config.max_query_params) return { rule: 'limit-004', reason: `More than ${config.max_query_params} query parameters.` };
    }
    for (const query of queries) {
      const inspected = inspectQuery(query);
      if (!inspected.ok) return { rule: inspected.rule, reason: publicReason(inspected.rule) };
      for (const t of inspected.texts) texts.add(t);
    }
  }

  // 7. Attack signatures on the decoded path and query.
  let disabled = disabledSets.get(config.disabled_rules);
  if (!disabled) disabledSets.set(config.disabled_rules, (disabled = new Set<string>(config.disabled_rules)));
  const signature = matchSignature([...texts], disabled);
  return signature ? { rule: signature } : null;
}

/** Characters that percent-decoding, URL normalisation and the raw target all leave as they are. */
const PLAIN_TARGET = /^[A-Za-z0-9/_.,*=&~-]*$/;

function isPlainTarget(given: { path: string; query: string }, url: URL, raw: { path: string; query: string } | null): boolean {
  if (given.path !== url.pathname || given.query !== url.search.slice(1)) return false;
  if (raw && (raw.path !== given.path || raw.query !== given.query)) return false;
  const target = given.query ? `${given.path}?${given.query}` : given.path;
  return !target.includes('..') && PLAIN_TARGET.test(given.path) && PLAIN_TARGET.test(given.query);
}

function lengthOf(parts: { path: string; query: string }): number {
  return parts.path.length + (parts.query ? parts.query.length + 1 : 0);
}

/** A short public explanation for protocol-level rules (signature rules get none). */
function publicReason(rule: WafRuleId): string | undefined {
  switch (rule) {
    case 'enc-001':
      return 'Malformed percent-encoding.';
    case 'enc-002':
      return 'Percent-encoding is not valid UTF-8.';
    case 'enc-003':
    case 'enc-004':
      return 'Control characters are not allowed in the URL.';
    default:
      return undefined;
  }
}

/** The raw request target on Node: @hono/node-server passes `{ incoming, outgoing }` as env. */
function nodeRawTarget(c: Context<EdgeEnv>): string | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming: unknown = env.incoming;
  if (typeof incoming !== 'object' || incoming === null || !('url' in incoming)) return undefined;
  return typeof incoming.url === 'string' ? incoming.url : undefined;
}
