/**
 * `npm run dev:fastly`: the compiled worker under Viceroy in front of a local origin.
 * Builds bin/main.wasm, starts the origin (PGlite under data/ unless DATABASE_URL, seeded like
 * `npm start`), writes a Viceroy config with a fresh shared secret, and runs Viceroy on
 * EDGE_PORT (default 7676).
 */
import { randomBytes } from 'node:crypto';
import { loadOriginConfig } from '../origin/config.js';
import { loadConfigOrExit, onShutdownSignal, startOrigin } from '../origin/main.js';
import { EdgePurger } from '../origin/outbox/purgers.js';
import { MemoryTransport } from '../origin/identity/mail.js';
import { identityFromConfig } from '../origin/identity/context.js';
import { ensureDemo } from './demo.js';
import { buildEdge, findViceroy, startViceroy, writeViceroyConfig } from './viceroy.js';

const viceroy = findViceroy();
if (!viceroy) {
  process.stderr.write('viceroy not found: cargo install viceroy --locked --version 0.20.1\n');
  process.exit(1);
}
buildEdge();
const secret = randomBytes(32).toString('base64url');
const origin = await startOrigin(loadConfigOrExit(() => loadOriginConfig({ ...process.env, EDGE_SHARED_SECRET: secret })));
const { demo } = await ensureDemo(origin.database.db, process.env.DEMO_KEYS_FILE ?? 'data/demo-keys.json', identityFromConfig(origin.config, new MemoryTransport()));
const edge = await startViceroy({ viceroy, configFile: writeViceroyConfig({ originUrl: origin.server.url, secret }), port: Number(process.env.EDGE_PORT ?? 7676) });
origin.attachPurger(new EdgePurger({ edgeUrl: edge.url, secret }));
edge.child.stdout?.pipe(process.stdout);
edge.child.stderr?.pipe(process.stderr);
process.stdout.write(
  [
    '',
    `ghee edge under Viceroy: ${edge.url}  (origin ${origin.server.url})`,
    demo ? `  curl "${edge.url}/v2/pages/*/home/?auth_token=${demo.keys.read}"` : '  (demo key file missing: issue keys through the origin)',
    '',
  ].join('\n'),
);
onShutdownSignal(async () => {
  await edge.stop();
  await origin.stop();
}, origin.logger);
