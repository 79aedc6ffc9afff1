/**
 * Standalone origin process: config → database (+ migrations) → HTTP(S) server, with
 * graceful shutdown on SIGTERM/SIGINT. `npm start` uses scripts/start.ts instead, which also
 * seeds the demo and starts the Node edge in front.
 */
import { ConfigError } from '../shared/config.js';
import { newApp } from './app.js';
import { loadOriginConfig, type OriginConfig } from './config.js';
import { envelopeFromConfig, type Envelope } from './crypto/envelope.js';
import { personalDataFromConfig } from './crypto/personal-data.js';
import { convertPersonalData, logRedactionPaths } from './governance/index.js';
import { createDatabase, describeDatabaseError, isDatabaseUnavailable, type Database } from './db/client.js';
import { createPurger, type Purger } from './outbox/index.js';
import { PurgeWorker } from './outbox/index.js';
import { KeyRevoker } from './identity/index.js';
import { MediaImportWorker, Scheduler } from './content/index.js';
import { SmtpTransport } from './identity/index.js';
import { AfterResponseQueue } from './identity/index.js';
import { LogTransport } from './identity/index.js';
import { randomBytes } from 'node:crypto';
import { LifecycleJobs } from './governance/index.js';
import { KeyUsageRecorder } from './identity/index.js';
import { WebhookWorker } from './outbox/index.js';
import { createLogger, type Logger } from './logger.js';
import type { DestinationStream } from 'pino';
import { listen, type RunningServer } from './server.js';
import { startMetricsListener, type RunningMetricsListener } from './ops/routes.js';
import { AlertWorker, BackupSchedule, backupFreshnessNow, loadBackupSettings, SecurityJobs, securityEngineOf } from './ops/index.js';

export interface StartedOrigin {
  config: OriginConfig;
  database: Database;
  logger: Logger;
  server: RunningServer;
  /** The Prometheus metrics listener (METRICS_PORT), null when it is 0. */
  metrics: RunningMetricsListener | null;
  /** Encrypts secrets at rest (the process's, so local tooling can store secrets the app reads). */
  envelope: Envelope;
  /** Drains the purge outbox (null when PURGE_TARGET=none and no purger was attached). */
  readonly purgeWorker: PurgeWorker | null;
  webhookWorker: WebhookWorker;
  /** The security jobs (origin/ops/security): `onThreatList` tells an in-process Node edge each synced threat list. */
  securityJobs: SecurityJobs;
  /** Starts draining the outbox to `purger` (for targets known only after start, e.g. the local edge). */
  attachPurger(purger: Purger): void;
  stop(): Promise<void>;
}

/**
 * The origin's logger: the logger's own redaction baseline plus every path the data
 * classification derives (personal data and secrets under their column names and the names they
 * are logged by — origin/governance/classification.ts). Use it wherever an origin logs.
 */
export function originLogger(level: string, destination?: DestinationStream): Logger {
  return createLogger(level, destination, { redactPaths: logRedactionPaths() });
}

export async function startOrigin(config: OriginConfig, logger = originLogger(config.LOG_LEVEL)): Promise<StartedOrigin> {
  const database = await createDatabase(config, logger);
  await database.migrate();
  // Personal data written before migration 0015 is sealed before anything is served (idempotent, batched).
  await convertPersonalData(database.db, personalDataFromConfig(config.MASTER_KEYS));
  // Refuses to start on master keys it cannot use (the config check is only syntactic).
  const envelope = envelopeFromConfig(config.MASTER_KEYS);
  if (!config.MASTER_KEYS) logger.warn('MASTER_KEYS unset: secrets are encrypted with a process-random key (local use only)');
  if (!config.PASSWORD_PEPPERS) logger.warn('PASSWORD_PEPPERS unset: passwords are peppered with a fixed development key (local use only)');
  let purgeWorker: PurgeWorker | null = null;
  const keyUsage = new KeyUsageRecorder({ db: database.db, logger: logger.child({ job: 'key-usage' }), flushIntervalMs: 30_000 });
  keyUsage.start();
  const mail = config.SMTP_URL ? new SmtpTransport({ url: config.SMTP_URL, from: config.MAIL_FROM }) : undefined;
  const afterResponse = new AfterResponseQueue();
  const server = await listen(
    newApp({ config, database, logger, envelope, keyUsage, afterResponse, onPurgeQueued: () => purgeWorker?.kick(), ...(mail ? { mail } : {}) }),
    config,
    logger,
  );
  // With read replicas, a purge or a webhook leaves only once they hold the write it announces (origin/db/replicas.ts fence).
  const replicas = database.replicas;
  const replicaFence = replicas ? { beforeSend: () => replicas.fence() } : {};
  // Never on the API listener: a listener of its own, loopback by default (origin/ops/metrics).
  const metrics = await startMetricsListener(config, logger);
  const attachPurger = (purger: Purger) => {
    if (purgeWorker) throw new Error('a purger is already attached');
    purgeWorker = new PurgeWorker({ db: database.db, purger, logger: logger.child({ job: 'purge' }), leaseMs: config.PURGE_LEASE_MS, maxDelayMs: config.PURGE_RETRY_MAX_MS, ...replicaFence });
    purgeWorker.start(config.PURGE_INTERVAL_MS);
  };
  const configured = createPurger(config);
  if (configured) attachPurger(configured);
  // Security operations (origin/ops/security): the alert outbox drained to PagerDuty / the security webhook / mail, and the periodic checks.
  const alertWorker = new AlertWorker({
    db: database.db,
    logger: logger.child({ job: 'alerts' }),
    maxDelayMs: config.ALERT_RETRY_MAX_MS,
    channels: {
      ...(config.PAGERDUTY_ROUTING_KEY ? { pagerDuty: { url: config.PAGERDUTY_URL, routingKey: config.PAGERDUTY_ROUTING_KEY } } : {}),
      ...(config.SECURITY_WEBHOOK_URL && config.SECURITY_WEBHOOK_SECRET ? { webhook: { url: config.SECURITY_WEBHOOK_URL, secret: config.SECURITY_WEBHOOK_SECRET, allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK } } : {}),
      // Without SMTP_URL mail is logged (as the app's is): never lost, never sent.
      mail: mail ?? new LogTransport({ logger: logger.child({ job: 'alerts' }), logLinks: false }),
    },
  });
  alertWorker.start(config.ALERT_INTERVAL_MS);
  const securityEngine = securityEngineOf(database.db)!;
  securityEngine.onAlertsQueued = () => alertWorker.kick();
  const securityJobs = new SecurityJobs({
    db: database.db,
    engine: securityEngine,
    config,
    logger: logger.child({ job: 'security' }),
    ...(process.env.BACKUP_PG_DATA ? { backupFreshness: () => backupFreshnessNow(loadBackupSettings()) } : {}),
  });
  securityJobs.start();
  const webhookWorker = new WebhookWorker({ db: database.db, envelope, logger: logger.child({ job: 'webhooks' }), allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK, ...replicaFence });
  webhookWorker.start(config.WEBHOOK_INTERVAL_MS);
  const scheduler = new Scheduler({ db: database.db, logger: logger.child({ job: 'scheduler' }), onPurgeQueued: () => purgeWorker?.kick() });
  scheduler.start(config.SCHEDULER_INTERVAL_MS);
  // Remote media named by content, downloaded into the asset store through the SSRF guard (origin/content/assets/media-import-worker.ts).
  const mediaImports = new MediaImportWorker({ db: database.db, logger: logger.child({ job: 'media-import' }), allowLoopback: config.MEDIA_IMPORT_ALLOW_LOOPBACK });
  mediaImports.start(config.MEDIA_IMPORT_INTERVAL_MS);
  const keyRevoker = new KeyRevoker({ db: database.db, logger: logger.child({ job: 'key-revoker' }) }); // its commits kick the purge worker (the app registered it for database.db)
  keyRevoker.start(60_000);
  // Retention (login attempts after RETENTION_LOGIN_ATTEMPTS_DAYS among the rest), exports and organization deletions (origin/governance).
  const lifecycle = new LifecycleJobs({
    db: database.db,
    config,
    envelope,
    authSecret: config.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    publicAppUrl: config.PUBLIC_APP_URL.replace(/\/+$/, ''),
    logger: logger.child({ job: 'lifecycle' }),
  });
  lifecycle.start();
  // Scheduled backups of a Postgres deployment (BACKUP_SCHEDULER=origin): `npm run backup -- run --scheduled`'s code, one instance at a time (advisory lock).
  const backups =
    process.env.BACKUP_SCHEDULER === 'origin' && database.kind === 'postgres'
      ? new BackupSchedule({ db: database.db, settings: loadBackupSettings(process.env), env: process.env, logger: logger.child({ job: 'backup' }) })
      : null;
  backups?.start();
  let stopping: Promise<void> | null = null;
  return {
    config,
    database,
    logger,
    server,
    metrics,
    envelope,
    get purgeWorker() {
      return purgeWorker;
    },
    webhookWorker,
    securityJobs,
    attachPurger,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all([server.close(), metrics?.close()]);
        // Mail queued after the last answers (password reset, sign-up) is sent before the pool closes, within the shutdown bound.
        await Promise.race([afterResponse.idle(), new Promise((r) => setTimeout(r, config.SHUTDOWN_TIMEOUT_MS).unref())]);
        await Promise.all([purgeWorker?.stop(), webhookWorker.stop(), alertWorker.stop(), securityJobs.stop(), scheduler.stop(), mediaImports.stop(), keyRevoker.stop(), keyUsage.stop(), backups?.stop(), lifecycle.stop()]);
        await database.close();
      })()),
  };
}

/** Stops `stop` once on SIGTERM/SIGINT; a second signal exits at once. */
export function onShutdownSignal(stop: () => Promise<void>, logger: Logger): void {
  let signalled = false;
  const handler = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/**
 * The process-wide policy for errors nobody handled. Database and socket errors are handled where
 * they arise (the request's onError answers 503; each background job logs and retries), so what
 * reaches here is a bug:
 * - an uncaught exception leaves the code that threw half-done, with state no one can vouch for:
 *   it is logged (fatal, without statement parameters) and the process exits 1 for its
 *   supervisor to restart — never kept alive;
 * - an unhandled rejection of a database-unavailable error is a promise nobody awaited failing for
 *   a reason already answered elsewhere: logged as a warning, the process keeps serving (under
 *   `npm start` the edge goes on serving cached content); any other unhandled rejection is treated
 *   as an uncaught exception.
 */
export function installProcessSafety(logger: Logger): void {
  const fatal = (err: unknown, kind: string) => {
    try {
      logger.fatal({ ...describeDatabaseError(err), type: err instanceof Error ? err.constructor.name : typeof err, stack: stackFrames(err) }, `${kind}; exiting`);
    } finally {
      process.exit(1);
    }
  };
  process.on('uncaughtException', (err) => fatal(err, 'uncaught exception'));
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) logger.warn({ ...describeDatabaseError(reason), database_unavailable: true }, 'unhandled rejection: database unavailable');
    else fatal(reason, 'unhandled rejection');
  });
}

/** The stack's frames without its first line (the message, which for a failed query carries its parameters). */
function stackFrames(err: unknown): string | undefined {
  if (!(err instanceof Error) || !err.stack) return undefined;
  return err.stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 15)
    .join('\n');
}

/** Loads config or prints the one clear line and exits 1. */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfigOrExit(() => loadOriginConfig());
  // The backup settings are checked up front (one line on a bad value) when the origin runs the backup schedule.
  if (process.env.BACKUP_SCHEDULER === 'origin') loadConfigOrExit(() => loadBackupSettings(process.env));
  const logger = originLogger(config.LOG_LEVEL);
  installProcessSafety(logger);
  const origin = await startOrigin(config, logger);
  onShutdownSignal(origin.stop, origin.logger);
}
