/**
 * Stripe for tests: stripe-mock (github.com/stripe/stripe-mock v0.203.0, a Go binary:
 * STRIPE_MOCK_BIN, else ~/go/bin/stripe-mock — `go install github.com/stripe/stripe-mock@v0.203.0`)
 * started as a real process on free ports, behind a small recording proxy:
 *
 * - every request reaches stripe-mock, which validates its method, path and parameters against
 *   Stripe's OpenAPI spec (an unknown or malformed parameter answers 400), and is recorded
 *   (method, path, form body, Idempotency-Key) for the tests' shape assertions;
 * - stripe-mock is stateless (it answers fixtures), so the proxy plays Stripe's memory where a
 *   flow needs it: a created customer gets a unique id, and GET /v1/subscriptions/{id} answers
 *   stripe-mock's fixture with the state the test scripted for that id (status, Price, period
 *   end, customer, metadata) — what Stripe would answer after the events the test sends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../origin/net/free-port.js';

export const STRIPE_MOCK_BIN = process.env.STRIPE_MOCK_BIN ?? join(homedir(), 'go/bin/stripe-mock');

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: URLSearchParams;
  idempotencyKey: string | null;
  status: number;
}

export interface ScriptedSubscription {
  status: string;
  price: string;
  customer: string;
  currentPeriodEnd?: number;
  metadata?: Record<string, string>;
}

export interface StripeMock {
  /** The proxy's base URL: STRIPE_API_BASE. */
  url: string;
  requests: RecordedRequest[];
  /** What GET /v1/subscriptions/{id} answers for `id` from now on (absent: 404 resource_missing). */
  subscriptions: Map<string, ScriptedSubscription>;
  stop(): Promise<void>;
}

async function waitForListening(child: ChildProcess, ms: number): Promise<void> {
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stripe-mock did not start (${STRIPE_MOCK_BIN}): ${out}`)), ms);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/Listening for HTTP at address/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stripe-mock exited (${code}): ${out}`));
    });
  });
}

export async function startStripeMock(): Promise<StripeMock> {
  const [httpPort, httpsPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(STRIPE_MOCK_BIN, ['-http-addr', `127.0.0.1:${httpPort}`, '-https-addr', `127.0.0.1:${httpsPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForListening(child, 30_000);
  const upstream = `http://127.0.0.1:${httpPort}`;
  const requests: RecordedRequest[] = [];
  const subscriptions = new Map<string, ScriptedSubscription>();
  let customers = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', upstream);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        const up = await fetch(url, { method: req.method ?? 'GET', headers, ...(raw && req.method !== 'GET' ? { body: raw } : {}) });
        let text = await up.text();
        let status = up.status;
        const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(url.pathname);
        if (up.ok && req.method === 'POST' && url.pathname === '/v1/customers') {
          const json = JSON.parse(text) as Record<string, unknown>;
          json.id = `cus_test${++customers}${Date.now().toString(36)}`;
          text = JSON.stringify(json);
        } else if (up.ok && req.method === 'GET' && sub) {
          const scripted = subscriptions.get(decodeURIComponent(sub[1]!));
          if (!scripted) {
            status = 404;
            text = JSON.stringify({ error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such subscription: '${sub[1]}'`, param: 'id' } });
          } else {
            const json = JSON.parse(text) as { id: string; status: string; customer: string; metadata: Record<string, string>; items: { data: { price: { id: string; lookup_key: string | null }; current_period_end: number }[] } };
            json.status = scripted.status;
            json.customer = scripted.customer;
            json.metadata = scripted.metadata ?? {};
            const item = json.items.data[0]!;
            item.price.id = scripted.price;
            item.price.lookup_key = null;
            item.current_period_end = scripted.currentPeriodEnd ?? Math.floor(Date.now() / 1000) + 30 * 86_400;
            text = JSON.stringify(json);
          }
        }
        requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body: new URLSearchParams(raw), idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null, status });
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': up.headers.get('request-id') ?? 'req_mock' });
        res.end(text);
      })().catch((err: unknown) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: String(err) } }));
      });
    });
  });
  await new Promise<void>((r) => server.listen(proxyPort, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    requests,
    subscriptions,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      child.kill('SIGTERM');
    },
  };
}
