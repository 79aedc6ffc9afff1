/**
 * Servers for bench/edge-hit.ts, run in a child process so the load generator does not share
 * their event loop. Modes:
 *  - raw:  plain node:http answering with the exact bytes and headers of an edge cache hit
 *          (the limit on this runtime)
 *  - edge: origin (PGlite) + the Node edge with the whole middleware chain; requests are hits
 * Prints one JSON line {url, path} on stdout when ready.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { newApp } from '../origin/app.js';
import { loadOriginConfig } from '../origin/config.js';
import { createDatabase } from '../origin/db/client.js';
import { seedDemo } from '../origin/db/seed.js';
import { createLogger } from '../origin/logger.js';
import { listen } from '../origin/server.js';
import { startNodeEdge } from '../edge/node/server.js';

const mode = process.argv[2];
const secret = randomBytes(32).toString('hex');
const config = loadOriginConfig({ ORIGIN_PORT: '0', PGLITE_DIR: 'memory://', EDGE_SHARED_SECRET: secret, LOG_LEVEL: 'silent' });
const database = await createDatabase(config);
await database.migrate();
const seed = (await seedDemo(database.db))!;
const logger = createLogger('silent');
const origin = await listen(newApp({ config, database, logger, envelope: devEnvelope() }), config, logger);
const edge = await startNodeEdge({
  originUrl: origin.url,
  secrets: { edge_shared_secret: secret },
  config: { https_only: 'false', rate_limits: JSON.stringify({ content: { ip: { rps: 100_000 }, key: { rps: 100_000 } } }) },
  log: (level, message, fields) => {
    if (level === 'error') console.error(message, fields);
  },
});
const path = `/v2/pages/*/home/?auth_token=${seed.keys.read}`;
// Warm the cache and capture a hit's exact bytes and headers.
await fetch(`${edge.url}${path}`);
const hit = await fetch(`${edge.url}${path}`);
if (hit.headers.get('x-cache') !== 'HIT') throw new Error(`expected a cache hit, got ${hit.status} ${await hit.text()}`);
const body = Buffer.from(await hit.arrayBuffer());
const headers: Record<string, string> = {};
hit.headers.forEach((v, k) => {
  if (!['connection', 'keep-alive', 'date', 'transfer-encoding'].includes(k)) headers[k] = v;
});

if (mode === 'raw') {
  await edge.close();
  const server = createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, path }));
} else {
  console.log(JSON.stringify({ url: edge.url, path }));
}
process.on('SIGTERM', () => process.exit(0));
