/**
 * Outgoing HTTP to addresses a tenant chose (an OIDC issuer, a SAML metadata URL): the target is
 * vetted by the SSRF guard (origin/net/ssrf.ts — https only, public unicast addresses only,
 * no credentials in the URL) and the connection goes to exactly the vetted addresses (a custom
 * `lookup`), so a second, different DNS answer between the check and the connect is never used.
 * Redirects are not followed; the answer is limited in size and time. The shape is the subset of
 * `fetch` that openid-client's `customFetch` uses, and it returns a standard `Response`.
 */
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkOutboundTarget } from './ssrf.js';

export interface GuardedFetchOptions {
  allowLoopback: boolean;
  /** Largest answer body accepted (bytes). */
  maxBytes?: number;
  timeoutMs?: number;
}

export interface FetchInit {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: string | URLSearchParams | null;
  signal?: AbortSignal | null;
}

/** Thrown for a refused target, an oversized or slow answer; the message names no address. */
export class GuardedFetchError extends Error {}

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 5000;

export function guardedFetch(opts: GuardedFetchOptions): (url: string | URL, init?: FetchInit) => Promise<Response> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async (url, init = {}) => {
    const check = await checkOutboundTarget(String(url), { allowLoopback: opts.allowLoopback });
    if (!check.ok) throw new GuardedFetchError(`Refused target: ${check.reason}.`);
    // Aborted while the target was being checked: the listener below would never fire.
    if (init.signal?.aborted) throw new GuardedFetchError('Aborted.');
    const pinned: LookupAddress[] = check.addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const lookup: LookupFunction = (_hostname, options, callback) => {
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
      const list = family === 4 || family === 6 ? pinned.filter((p) => p.family === family) : pinned;
      const first = list[0];
      if (!first) callback(Object.assign(new Error('no vetted address of the requested family'), { code: 'ENOTFOUND' }), '', 0);
      else if (options.all) callback(null, list);
      else callback(null, first.address, first.family);
    };
    const target = check.url;
    const headers: Record<string, string> = {};
    new Headers(init.headers ?? {}).forEach((v, k) => (headers[k] = v));
    const body = init.body === undefined || init.body === null ? null : String(init.body);
    if (body !== null) headers['content-length'] = String(Buffer.byteLength(body, 'utf8'));
    if (init.body instanceof URLSearchParams && !headers['content-type']) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        init.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const request = (target.protocol === 'https:' ? https : http).request(
        {
          protocol: target.protocol,
          hostname: host,
          port: target.port === '' ? undefined : Number(target.port),
          path: `${target.pathname}${target.search}`,
          method: init.method ?? 'GET',
          headers,
          agent: false,
          lookup,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              request.destroy();
              finish(() => reject(new GuardedFetchError(`The answer is larger than ${maxBytes} bytes.`)));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            finish(() => {
              const h = new Headers();
              for (const [k, v] of Object.entries(res.headers)) {
                if (v === undefined) continue;
                for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
              }
              const status = res.statusCode ?? 502;
              const nullBody = status === 204 || status === 304 || (init.method ?? 'GET') === 'HEAD';
              resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: h }));
            }),
          );
          res.on('error', (err) => finish(() => reject(err)));
        },
      );
      const timer = setTimeout(() => {
        request.destroy();
        finish(() => reject(new GuardedFetchError(`No answer within ${timeoutMs} ms.`)));
      }, timeoutMs);
      const onAbort = () => {
        request.destroy();
        finish(() => reject(new GuardedFetchError('Aborted.')));
      };
      init.signal?.addEventListener('abort', onAbort);
      request.on('error', (err) => finish(() => reject(err)));
      if (body !== null) request.write(body);
      request.end();
    });
  };
}
