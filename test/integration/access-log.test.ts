/**
 * The origin's access log honours LOG_LEVEL and ACCESS_LOG on both of its paths (the fast page
 * read and the Hono chain): request lines counted under N requests. And the process entry point
 * starts the metrics listener only when METRICS_PORT is set, on 127.0.0.1 unless told otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../origin/app.js';
import { loadOriginConfig } from '../../origin/config.js';
import { devEnvelope } from '../../origin/crypto/envelope.js';
import { createLogger } from '../../origin/logger.js';
import { startOrigin } from '../../origin/main.js';
import { listen } from '../../origin/server.js';
import { seedDemo } from '../../origin/db/seed.js';
import { freePort } from '../../scripts/viceroy.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { LogSink } from '../helpers/stack.js';

let database: TestDatabase;
let readKey: string;
const N = 30;

beforeAll(async () => {
  database = await createTestDatabase();
  readKey = (await seedDemo(database.db))!.keys.read;
}, 60_000);

afterAll(() => database?.dispose());

async function requestLines(level: string, accessLog: string): Promise<number> {
  const config = loadOriginConfig({ ORIGIN_PORT: '0', LOG_LEVEL: level, ACCESS_LOG: accessLog, EDGE_SHARED_SECRET: 'c'.repeat(40), ORIGIN_RATE_LIMIT: 'false', HIBP_URL: 'off' });
  const logs = new LogSink();
  const logger = createLogger(level, logs);
  const server = await listen(newApp({ config, database, logger, envelope: devEnvelope() }), config, logger);
  try {
    for (let i = 0; i < N; i++) {
      // Alternately the fast read path (plain read) and the chain (levels=1 is not plain).
      const path = i % 2 === 0 ? '/v2/pages/*/home/' : '/v2/pages/*/home/?levels=1';
      const res = await fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}auth_token=${readKey}`);
      expect(res.status).toBe(200);
    }
    await fetch(`${server.url}/v1/nothing-here`); // a 404: a request line too
  } finally {
    await server.close();
  }
  return logs.lines.filter((l) => l.includes('"msg":"request"')).length;
}

describe('origin access log', () => {
  it(`LOG_LEVEL=warn: no request line under ${N + 1} requests, whatever ACCESS_LOG says`, async () => {
    expect(await requestLines('warn', 'all')).toBe(0);
  });

  it('LOG_LEVEL=info: ACCESS_LOG all (the default) writes every request on both paths, sample:0.5 half on each path, off none', async () => {
    expect(await requestLines('info', 'all')).toBe(N + 1);
    // Each path samples its own requests: 15 fast reads → 8, 15 chain reads + the 404 → 8.
    expect(await requestLines('info', 'sample:0.5')).toBe(16);
    expect(await requestLines('info', 'off')).toBe(0);
  });

  it('refuses an ACCESS_LOG it cannot read, naming the setting', () => {
    expect(() => loadOriginConfig({ ACCESS_LOG: 'sometimes' })).toThrow(/ACCESS_LOG/);
    expect(() => loadOriginConfig({ ACCESS_LOG: 'sample:2' })).toThrow(/ACCESS_LOG/);
    expect(() => loadOriginConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});

describe('metrics listener of the origin process', () => {
  it('none by default (METRICS_PORT 0); with a port, on 127.0.0.1, serving the exposition', async () => {
    const base = { LOG_LEVEL: 'silent', ORIGIN_PORT: '0', PGLITE_DIR: 'memory://', HIBP_URL: 'off' };
    const off = await startOrigin(loadOriginConfig(base), createLogger('silent', new LogSink()));
    try {
      expect(off.metrics).toBeNull();
    } finally {
      await off.stop();
    }
    const port = await freePort();
    const on = await startOrigin(loadOriginConfig({ ...base, METRICS_PORT: String(port) }), createLogger('silent', new LogSink()));
    try {
      expect(on.metrics?.url).toBe(`http://127.0.0.1:${port}`);
      const res = await fetch(`${on.metrics!.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE ghee_http_request_duration_seconds histogram');
      // Not on the API port without a token.
      expect((await fetch(`${on.server.url}/metrics`)).status).toBe(404);
    } finally {
      await on.stop();
    }
  }, 60_000);
});
