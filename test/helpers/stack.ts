/**
 * Real servers for integration tests: the origin app on an ephemeral port over a real
 * database, and the Node edge in front of it.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { newApp } from '../../origin/app.js';
import { devEnvelope, type Envelope } from '../../origin/crypto/envelope.js';
import { personalDataFromConfig } from '../../origin/crypto/personal-data.js';
import { loadOriginConfig, type OriginConfig } from '../../origin/config.js';
import { seedDemo, type DemoSeed } from '../../origin/db/seed.js';
import type { MailTransport } from '../../origin/identity/mail.js';
import { originLogger } from '../../origin/main.js';
import { listen, type RunningServer } from '../../origin/server.js';
import type { BlocklistEntry } from '../../edge/platform/memory/blocklist.js';
import { startNodeEdge, type RunningEdge } from '../../edge/node/server.js';
import { createTestDatabase, type TestDatabase } from './db.js';

/** Collects the origin's JSON log lines so tests can assert on what was (not) logged. */
export class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface OriginUnderTest {
  config: OriginConfig;
  database: TestDatabase;
  server: RunningServer;
  logs: LogSink;
  seed: DemoSeed;
  secret: string;
  envelope: Envelope;
  stop(): Promise<void>;
}

/**
 * The origin on a fresh database with the demo seed. Breach checks are off unless the test
 * points HIBP_URL at its own stand-in; mail goes to `opts.mail` (default: the log).
 */
export async function startTestOrigin(env: Record<string, string> = {}, opts: { mail?: MailTransport } = {}): Promise<OriginUnderTest> {
  const secret = randomBytes(32).toString('hex');
  // The origin's own rate limits are off unless a test is about them (it passes ORIGIN_RATE_LIMIT).
  const config = loadOriginConfig({ ORIGIN_PORT: '0', LOG_LEVEL: 'info', EDGE_SHARED_SECRET: secret, SHUTDOWN_TIMEOUT_MS: '2000', HIBP_URL: 'off', ORIGIN_RATE_LIMIT: 'false', ...env });
  const database = await createTestDatabase();
  const seed = (await seedDemo(database.db, new Date(), personalDataFromConfig(config.MASTER_KEYS)))!;
  const logs = new LogSink();
  // The origin's own logger (redaction paths from the data classification), writing to `logs`.
  const logger = originLogger('info', logs);
  const envelope = devEnvelope();
  const server = await listen(newApp({ config, database, logger, envelope, ...(opts.mail ? { mail: opts.mail } : {}) }), config, logger);
  return {
    config,
    database,
    server,
    logs,
    seed,
    secret,
    envelope,
    stop: async () => {
      await server.close();
      await database.dispose();
    },
  };
}

export async function startTestEdge(
  origin: OriginUnderTest,
  config: Record<string, string> = {},
  now?: () => number,
  blocklist: BlocklistEntry[] = [],
): Promise<RunningEdge> {
  return startNodeEdge({
    blocklist,
    originUrl: origin.server.url,
    secrets: { edge_shared_secret: origin.secret },
    config: { https_only: 'false', ...config },
    log: () => {},
    ...(now ? { now } : {}),
  });
}
