/**
 * The data-lifecycle jobs (origin/main.ts starts them): the daily retention run
 * (RETENTION_INTERVAL_MS), the export builder (kicked when an export is queued, and every
 * 30 s for what a dead process left), and the organization-deletion sweep with the expiry of
 * undownloaded archives (hourly; a deletion whose Stripe subscription could not be cancelled
 * waits for the next sweep).
 */
import type { OriginConfig } from '../config.js';
import type { Envelope } from '../crypto/envelope.js';
import { personalDataFromConfig } from '../crypto/personal-data.js';
import type { Db } from '../db/client.js';
import { logRunFailure, PeriodicRunner } from '../jobs/periodic.js';
import type { Logger } from '../logger.js';
import { subscriptionEnder } from '../billing/index.js';
import { eraseDueOrganizations } from './erasure/organization.js';
import { buildNextExport, expireExports } from './export/exports.js';
import { onExportQueued } from './lifecycle-routes.js';
import { runRetention } from './retention/retention.js';
import { retentionSettingsFrom } from './retention/policy.js';

export interface LifecycleJobsDeps {
  db: Db;
  config: OriginConfig;
  envelope: Envelope;
  /** The app's (identity context's) AUTH_SECRET, signing download URLs and certificates. */
  authSecret: string;
  publicAppUrl: string;
  logger: Logger;
  now?: () => Date;
}

export class LifecycleJobs {
  readonly #retention: PeriodicRunner;
  readonly #exports: PeriodicRunner;
  readonly #sweep: PeriodicRunner;
  #building: Promise<void> | null = null;

  constructor(private readonly deps: LifecycleJobsDeps) {
    const now = deps.now ?? (() => new Date());
    const { db, logger } = deps;
    this.#retention = new PeriodicRunner('retention', logger, async () => {
      const r = await runRetention(db, retentionSettingsFrom(deps.config), now());
      const orgs = Object.keys(r.organizations).length;
      logger.info({ organizations: orgs, global: r.global, audit_skipped: r.auditSkipped }, 'retention run finished');
      if (r.auditSkipped) logger.warn('audit rows are due for deletion but AUTH_SECRET is unset (checkpoints cannot be signed): the audit trail was kept');
    });
    const endSubscription = subscriptionEnder(db, deps.config);
    const ctx = this.#exportContext();
    this.#exports = new PeriodicRunner('exports', logger, () => this.#buildAll(ctx, now));
    this.#sweep = new PeriodicRunner('lifecycle-sweep', logger, async () => {
      const erased = await eraseDueOrganizations(
        {
          db,
          envelope: deps.envelope,
          authSecret: deps.authSecret,
          graceDays: deps.config.ORG_DELETION_GRACE_DAYS,
          // Its Stripe subscription ends first; a Stripe failure keeps the organization for the next sweep.
          endSubscription,
          onDelayed: (organizationId, err) =>
            logger.warn({ organization_id: organizationId, error: err instanceof Error ? err.name : 'unknown', stripe_code: (err as { code?: string } | null)?.code ?? null }, 'organization deletion delayed: its subscription could not be ended'),
        },
        now(),
      );
      if (erased.length) logger.info({ organizations: erased.length }, 'organizations erased after their grace period');
      await expireExports(db, now());
    });
    onExportQueued(db, () => this.kick());
  }

  #exportContext() {
    const { db, envelope, authSecret, publicAppUrl, config } = this.deps;
    // The same personal-data keys as the app's (MASTER_KEYS, else the development key).
    return { db, envelope, authSecret, publicAppUrl, personal: personalDataFromConfig(config.MASTER_KEYS) };
  }

  #buildAll(ctx: Parameters<typeof buildNextExport>[0], now: () => Date): Promise<void> {
    this.#building ??= (async () => {
      try {
        while (await buildNextExport(ctx, now));
      } finally {
        this.#building = null;
      }
    })();
    return this.#building;
  }

  /** Builds queued exports now (after the answer that queued them). */
  kick(): void {
    const ctx = this.#exportContext();
    setImmediate(() => void this.#buildAll(ctx, this.deps.now ?? (() => new Date())).catch((err: unknown) => logRunFailure(this.deps.logger, err, 'export build failed')));
  }

  start(): void {
    if (this.deps.config.RETENTION_INTERVAL_MS > 0) this.#retention.start(this.deps.config.RETENTION_INTERVAL_MS);
    this.#exports.start(30_000);
    this.#sweep.start(3_600_000);
  }

  async stop(): Promise<void> {
    await Promise.all([this.#retention.stop(), this.#exports.stop(), this.#sweep.stop(), this.#building]);
  }
}
