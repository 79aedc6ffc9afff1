/**
 * `npm start`: the whole of ghee on one machine with zero setup. Migrates, seeds the demo on
 * first start, runs the origin (PGlite unless DATABASE_URL) and the Node edge in front of it,
 * and prints where they are and the demo keys. `DEMO_SSO=true` also runs a local OpenID Provider
 * and connects the demo organization to it (scripts/demo-sso.ts).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { intSetting, parseConfig } from '../shared/config.js';
import { loadOriginConfig } from '../origin/config.js';
import { installProcessSafety, loadConfigOrExit, onShutdownSignal, originLogger, startOrigin } from '../origin/main.js';
import { startNodeEdge } from '../edge/node/server.js';
import { MemoryBlocklist } from '../edge/platform/memory/blocklist.js';
import { edgeStoresFromEnv } from '../edge/node/stores-from-env.js';
import { edgeObservabilityFromEnv } from '../edge/node/observability-env.js';
import { EdgePurger } from '../origin/outbox/purgers.js';
import { ensureDemo } from './demo.js';
import { securityEngineOf } from '../origin/ops/index.js';
import type { RequestRecord } from '../edge/platform/port.js';
import type { DemoSso } from './demo-sso.js';
import { MemoryTransport } from '../origin/identity/mail.js';
import { identityFromConfig } from '../origin/identity/context.js';

const started = performance.now();
const env = { ...process.env };
// One process runs both sides, so a fresh shared secret per start is enough locally.
env.EDGE_SHARED_SECRET ??= randomBytes(32).toString('base64url');
// The local edge listens on plain HTTP.
env.EDGE_HTTPS_ONLY ??= 'false';
// The demo OpenID Provider (DEMO_SSO=true) listens on loopback over http.
const demoSso = env.DEMO_SSO === 'true' || env.DEMO_SSO === '1';
if (demoSso) env.SSO_ALLOW_LOOPBACK ??= 'true';
const originConfig = loadConfigOrExit(() => loadOriginConfig(env));
const local = loadConfigOrExit(() =>
  parseConfig(
    z.object({
      EDGE_HOST: z.string().default('127.0.0.1'),
      EDGE_PORT: intSetting(0, 65535, 8788, 'a port number (0 = any free port)'),
      DEMO_KEYS_FILE: z.string().default('data/demo-keys.json'),
      EDGE_BLOCKLIST_FILE: z.string().optional(),
      DEMO_SSO: z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }).optional(),
      DEMO_SSO_PORT: intSetting(1, 65535, 8790, 'a port number'),
    }),
    env,
    'start',
  ),
);

const logger = originLogger(originConfig.LOG_LEVEL);
installProcessSafety(logger);
const origin = await startOrigin(originConfig, logger);
const { demo, seeded } = await ensureDemo(origin.database.db, local.DEMO_KEYS_FILE, identityFromConfig(originConfig, new MemoryTransport()));

const stores = edgeStoresFromEnv(env);
const blocklist = local.EDGE_BLOCKLIST_FILE ? MemoryBlocklist.fromFile(local.EDGE_BLOCKLIST_FILE) : new MemoryBlocklist();
// The threat-list sync (THREAT_LIST_URL / _FILE, origin/ops/security) replaces the Node edge's blocklist in place, as it updates the Fastly ACL.
origin.securityJobs.onThreatList((prefixes) => blocklist.replace(prefixes.map((prefix) => ({ prefix, action: 'BLOCK' }))));
// The edge's refusals of attacks and floods reach the origin's security rules (waf_burst, rate_limit_burst) in process.
const security = securityEngineOf(origin.database.db);
const onRequest = (r: RequestRecord) => {
  if (!security || r.client_ip === undefined) return;
  if (r.waf_rule !== undefined) security.observeEdge({ kind: 'waf_block', clientIp: r.client_ip, wafRule: r.waf_rule });
  else if (r.rate_limited) security.observeEdge({ kind: 'rate_limited', clientIp: r.client_ip });
};
const edge = await startNodeEdge({ originUrl: origin.server.url, host: local.EDGE_HOST, port: local.EDGE_PORT, blocklist, ...stores, ...loadConfigOrExit(() => edgeObservabilityFromEnv(env)), onRequest });
// Unless told otherwise, the local origin purges the local edge through its signed endpoint.
if (originConfig.PURGE_TARGET === 'none' && !env.PURGE_TARGET) origin.attachPurger(new EdgePurger({ edgeUrl: edge.url, secret: env.EDGE_SHARED_SECRET }));

const out = [
  '',
  `ghee is running (${origin.database.kind}) — ready in ${Math.round(performance.now() - started)} ms`,
  `  edge:   ${edge.url}`,
  `  origin: ${origin.server.url}`,
  `  web app: ${origin.server.url}/admin   (the editors' app: sign in, content, members, keys …)`,
  '',
];
if (demo) {
  out.push(
    seeded ? '  demo seeded (first start). Keys (also in ' + local.DEMO_KEYS_FILE + '):' : '  demo keys (from ' + local.DEMO_KEYS_FILE + '):',
    `    read:    ${demo.keys.read}`,
    `    preview: ${demo.keys.preview}`,
    `    write:   ${demo.keys.write}`,
    ...(demo.keys.admin ? [`    admin:   ${demo.keys.admin}   (organization; webhooks and management at the origin)`] : []),
    ...(demo.adminPassword ? ['', `  sign in (owner): ${demo.adminEmail} / ${demo.adminPassword}   (at ${origin.server.url}/admin, or POST ${origin.server.url}/v1/auth/login)`] : []),
    '',
    '  try:',
    `    curl "${edge.url}/v2/pages/*/home/?auth_token=${demo.keys.read}"`,
    '',
  );
} else {
  out.push('  demo data exists but its key file is gone; issue new keys through the origin.', '');
}
let sso: DemoSso | null = null;
if (demoSso && demo) {
  // Loaded only when asked for: the provider is a development dependency.
  const { DEMO_SSO_DOMAIN, startDemoSso } = await import('./demo-sso.js');
  sso = await startDemoSso({ db: origin.database.db, envelope: origin.envelope, organizationId: demo.organizationId, publicUrl: originConfig.PUBLIC_APP_URL.replace(/\/+$/, ''), port: local.DEMO_SSO_PORT });
  out.push(
    `  SSO demo: identity provider ${sso.issuer}`,
    `    sign in: ${sso.loginUrl}`,
    `    (any name at the provider signs in as <name>@${DEMO_SSO_DOMAIN}; "admin" is mapped to the admin role)`,
    '',
  );
}
process.stdout.write(out.join('\n'));

onShutdownSignal(async () => {
  await sso?.close();
  await edge.close();
  await origin.stop();
}, origin.logger);
