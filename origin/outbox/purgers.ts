/**
 * Purge targets for the purge worker: the Fastly purge API (production) and the edge's signed
 * internal purge endpoint (npm start, Viceroy and Node-edge tests). A purger resolves only when
 * the target acknowledged every key; otherwise it throws a PurgeError saying whether a retry may
 * succeed. Neither ever puts a credential in an error message.
 */
import type { OriginConfig } from '../config.js';
import { PURGE_MAX_KEYS, PURGE_PATH, signedPurge } from '../../shared/internal-auth.js';
import { isValidSurrogateKey } from './purge-outbox.js';

/** Fastly's limit for one batch surrogate-key purge. */
export const FASTLY_MAX_KEYS_PER_CALL = 256;
const DEFAULT_TIMEOUT_MS = 10_000;
const ERROR_BODY_CHARS = 200;

export interface Purger {
  readonly name: string;
  /** Resolves once the target acknowledged all `keys`; throws PurgeError otherwise. */
  purge(keys: string[], soft: boolean): Promise<void>;
}

export class PurgeError extends Error {
  /** True for outages, timeouts, 429 and 5xx; false for answers a retry will not change (bad token, 4xx). */
  readonly retryable: boolean;
  readonly status: number | null;
  /** The wait the target asked for (Retry-After on a 429 or 503), in ms; null when it named none. */
  readonly retryAfterMs: number | null;
  constructor(message: string, opts: { retryable: boolean; status?: number | null; retryAfterMs?: number | null }) {
    super(message);
    this.name = 'PurgeError';
    this.retryable = opts.retryable;
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  // HTTP dates (IMF-fixdate and the two obsolete forms) start with the day's name.
  if (!/^[A-Za-z]{3}/.test(v)) return null;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export type FetchFn = typeof globalThis.fetch;

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** 408, 429 and 5xx may succeed later; other non-2xx answers (3xx included: never followed) will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[REDACTED]');
  return out;
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return `network error (${cause.code})`;
  if (cause && typeof cause.message === 'string') return `network error (${cause.message})`;
  return `network error (${err instanceof Error ? err.message : String(err)})`;
}

/**
 * One POST with a timeout covering the whole exchange. Redirects are not followed (a redirect
 * would carry the credential header to wherever it points). Error messages carry the status and
 * a short, printable, credential-redacted excerpt of the body, never the request headers.
 */
async function postOnce(
  fetchFn: FetchFn,
  label: string,
  url: string,
  init: { headers: Record<string, string>; body?: string },
  timeoutMs: number,
  secrets: readonly string[],
): Promise<void> {
  let res: Response;
  try {
    res = await fetchFn(url, { method: 'POST', headers: init.headers, body: init.body ?? null, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new PurgeError(redact(`${label}: ${describeFetchError(err, timeoutMs)}`, secrets), { retryable: true });
  }
  let text = '';
  try {
    text = await res.text();
  } catch (err) {
    if (res.status >= 200 && res.status < 300) {
      // Acknowledged, but the body did not arrive in time: the purge happened; do not resend.
      return;
    }
    text = `(body unreadable: ${describeFetchError(err, timeoutMs)})`;
  }
  if (res.status >= 200 && res.status < 300) return;
  const excerpt = redact(text, secrets)
    .replace(/[^\x20-\x7e]+/g, ' ')
    .slice(0, ERROR_BODY_CHARS)
    .trim();
  throw new PurgeError(redact(`${label}: HTTP ${res.status}${excerpt ? ` ${excerpt}` : ''}`, secrets), {
    retryable: isRetryableStatus(res.status),
    status: res.status,
    retryAfterMs: res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get('retry-after')) : null,
  });
}

function assertKeys(label: string, keys: readonly string[]): void {
  for (const key of keys) {
    if (!isValidSurrogateKey(key)) throw new PurgeError(`${label}: invalid surrogate key ${JSON.stringify(key.slice(0, 80))}`, { retryable: false });
  }
}

/** A purger's configured base URL, parsed; `what` names the setting in the error. */
function baseUrl(what: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(`${what} must be a URL`);
  }
}

function stripTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--;
  return path.slice(0, end);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface FastlyApiPurgerOptions {
  /** https://api.fastly.com in production; a plain-http loopback URL is allowed for tests. */
  baseUrl: string;
  serviceId: string;
  apiToken: string;
  fetch?: FetchFn;
  timeoutMs?: number;
}

/**
 * Fastly batch surrogate-key purge: POST {baseUrl}/service/{id}/purge with the keys in the
 * `Surrogate-Key` header (≤ 256 a call), `Fastly-Soft-Purge: 1` for soft purges, `Fastly-Key`.
 */
export class FastlyApiPurger implements Purger {
  readonly name = 'fastly';
  readonly #endpoint: string;
  readonly #token: string;
  readonly #fetch: FetchFn;
  readonly #timeoutMs: number;

  constructor(opts: FastlyApiPurgerOptions) {
    const base = baseUrl('FastlyApiPurger: baseUrl', opts.baseUrl);
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && LOOPBACK_HOSTS.has(base.hostname))) {
      // The API token travels in a header: never over plain HTTP off this machine.
      throw new Error('FastlyApiPurger: baseUrl must be https:// (plain http only on loopback, for tests)');
    }
    if (base.username || base.password || base.search || base.hash) throw new Error('FastlyApiPurger: baseUrl must not carry credentials, a query or a fragment');
    if (!/^[A-Za-z0-9]{1,64}$/.test(opts.serviceId)) throw new Error('FastlyApiPurger: serviceId must be a Fastly service id');
    if (!opts.apiToken || !/^[\x21-\x7e]+$/.test(opts.apiToken)) throw new Error('FastlyApiPurger: apiToken must be a non-empty printable token');
    this.#endpoint = `${base.origin}${stripTrailingSlashes(base.pathname)}/service/${opts.serviceId}/purge`;
    this.#token = opts.apiToken;
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async purge(keys: string[], soft: boolean): Promise<void> {
    assertKeys('fastly purge', keys);
    for (const chunk of chunked([...new Set(keys)], FASTLY_MAX_KEYS_PER_CALL)) {
      const headers: Record<string, string> = {
        'Fastly-Key': this.#token,
        'Surrogate-Key': chunk.join(' '),
        Accept: 'application/json',
      };
      if (soft) headers['Fastly-Soft-Purge'] = '1';
      await postOnce(this.#fetch, 'fastly purge', this.#endpoint, { headers }, this.#timeoutMs, [this.#token]);
    }
  }
}

export interface EdgePurgerOptions {
  /** Base URL of the edge, e.g. http://127.0.0.1:7676 */
  edgeUrl: string;
  /** The edge↔origin shared secret (EDGE_SHARED_SECRET). */
  secret: string;
  fetch?: FetchFn;
  timeoutMs?: number;
  /** Clock for the signature timestamp, in ms. */
  now?: () => number;
}

/** The local purger: an HMAC-signed, timestamped POST to the edge's /.edge/purge. */
export class EdgePurger implements Purger {
  readonly name = 'edge';
  readonly #endpoint: string;
  readonly #secret: string;
  readonly #fetch: FetchFn;
  readonly #timeoutMs: number;
  readonly #now: () => number;

  constructor(opts: EdgePurgerOptions) {
    const base = baseUrl('EdgePurger: edgeUrl', opts.edgeUrl);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error('EdgePurger: edgeUrl must be http(s)://');
    if (!opts.secret) throw new Error('EdgePurger: secret is required');
    this.#endpoint = `${base.origin}${stripTrailingSlashes(base.pathname)}${PURGE_PATH}`;
    this.#secret = opts.secret;
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#now = opts.now ?? (() => Date.now());
  }

  async purge(keys: string[], soft: boolean): Promise<void> {
    assertKeys('edge purge', keys);
    for (const chunk of chunked([...new Set(keys)], PURGE_MAX_KEYS)) {
      const { body, headers } = signedPurge(this.#secret, { keys: chunk, soft }, this.#now() / 1000);
      await postOnce(this.#fetch, 'edge purge', this.#endpoint, { headers, body }, this.#timeoutMs, [this.#secret]);
    }
  }
}

/** The purger PURGE_TARGET names, or null for `none`. */
export function createPurger(config: OriginConfig): Purger | null {
  switch (config.PURGE_TARGET) {
    case 'none':
      return null;
    case 'edge':
      if (!config.EDGE_PURGE_URL) throw new Error('PURGE_TARGET=edge requires EDGE_PURGE_URL');
      if (!config.EDGE_SHARED_SECRET) throw new Error('PURGE_TARGET=edge requires EDGE_SHARED_SECRET');
      return new EdgePurger({ edgeUrl: config.EDGE_PURGE_URL, secret: config.EDGE_SHARED_SECRET });
    case 'fastly':
      if (!config.FASTLY_SERVICE_ID || !config.FASTLY_API_TOKEN) throw new Error('PURGE_TARGET=fastly requires FASTLY_SERVICE_ID and FASTLY_API_TOKEN');
      return new FastlyApiPurger({ baseUrl: config.FASTLY_API_URL, serviceId: config.FASTLY_SERVICE_ID, apiToken: config.FASTLY_API_TOKEN });
  }
}
