/**
 * The security jobs, each on the periodic runner (origin/jobs/periodic.ts):
 *  - resolver (SECURITY_INTERVAL_MS): closes events whose window passed (resolve alerts), sweeps memory;
 *  - audit verification (SECURITY_AUDIT_VERIFY_MS): `verifyAuditChain` over every chain; a break
 *    raises `audit_chain_broken` (critical: pages and opens an incident);
 *  - backup freshness (with the audit verification): a stale backup or a failed verify raises
 *    `backup_stale` (origin/ops/backup `backupFreshnessNow` when pgBackRest is configured, or the
 *    reader main.ts gives);
 *  - threat-list sync (THREAT_SYNC_INTERVAL_MS, when THREAT_LIST_URL or _FILE is set): threats.ts.
 */
import { verifyAuditChain } from '../../audit/index.js';
import type { OriginConfig } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { PeriodicRunner } from '../../jobs/periodic.js';
import type { SecurityEngine } from './engine.js';
import { installThreatList } from './install.js';
import { syncThreatList, threatListReader, type ThreatMatcher } from './threats.js';

/** Verifies every audit chain; a broken one is observed. Returns whether all verified. */
export async function checkAuditChains(db: Db, engine: SecurityEngine): Promise<boolean> {
  const v = await verifyAuditChain(db);
  if (v.ok || !v.broken) return true;
  const chain = v.broken.chain;
  engine.observe({
    rule: 'audit_chain_broken',
    windowKey: chain,
    organizationId: chain === 'global' ? null : chain,
    subject: { type: 'audit_chain', id: chain },
    actor: {},
    evidence: { seq: v.broken.seq, row_id: v.broken.id, reason: v.broken.reason, checked: v.checked },
  });
  return false;
}

export interface BackupFreshnessReading {
  stale: boolean;
  ageSeconds: number | null;
  lastVerifyFailed: boolean;
}

/** Observes a stale backup. Returns whether the backup is fresh (null reading: nothing to check). */
export function checkBackup(engine: SecurityEngine, reading: BackupFreshnessReading | null): boolean {
  if (reading === null || !reading.stale) return true;
  engine.observe({
    rule: 'backup_stale',
    windowKey: 'backup',
    organizationId: null,
    subject: { type: 'backup', id: 'newest' },
    actor: {},
    evidence: { age_seconds: reading.ageSeconds, last_verify_failed: reading.lastVerifyFailed },
  });
  return false;
}

export interface SecurityJobsOptions {
  db: Db;
  engine: SecurityEngine;
  config: OriginConfig;
  logger: Logger;
  /** Reads backup freshness (null: backups not configured here). */
  backupFreshness?: () => Promise<BackupFreshnessReading | null>;
}

/** Told of each threat list the sync installed (the Node edge twin in the same process replaces its blocklist: scripts/start.ts). */
export type ThreatListListener = (prefixes: readonly string[]) => void;

export class SecurityJobs {
  readonly #runners: { runner: PeriodicRunner; every: number }[] = [];
  readonly #threatListeners = new Set<ThreatListListener>();

  /** Registers a listener for each newly installed threat list. */
  onThreatList(listener: ThreatListListener): void {
    this.#threatListeners.add(listener);
  }

  constructor(o: SecurityJobsOptions) {
    const { db, engine, config, logger } = o;
    this.#runners.push({
      runner: new PeriodicRunner('security resolver', logger, async () => {
        await engine.resolveExpired();
        engine.sweep();
      }),
      every: config.SECURITY_INTERVAL_MS,
    });
    if (config.SECURITY_AUDIT_VERIFY_MS > 0) {
      this.#runners.push({
        runner: new PeriodicRunner('security checks', logger, async () => {
          await checkAuditChains(db, engine);
          if (o.backupFreshness) checkBackup(engine, await o.backupFreshness());
        }),
        every: config.SECURITY_AUDIT_VERIFY_MS,
      });
    }
    const read = threatListReader({ url: config.THREAT_LIST_URL, file: config.THREAT_LIST_FILE });
    if (read) {
      const fastly = config.FASTLY_ACL_ID && config.FASTLY_API_TOKEN ? { apiUrl: config.FASTLY_API_URL, token: config.FASTLY_API_TOKEN, aclId: config.FASTLY_ACL_ID } : undefined;
      this.#runners.push({
        runner: new PeriodicRunner('threat-list sync', logger, async () => {
          const install = (m: ThreatMatcher) => {
            installThreatList(m);
            for (const l of this.#threatListeners) l(m.prefixes);
          };
          const r = await syncThreatList({ db, read, install, ...(config.EDGE_BLOCKLIST_FILE ? { nodeBlocklistFile: config.EDGE_BLOCKLIST_FILE } : {}), ...(fastly ? { fastly } : {}) });
          if (r.ok) logger.info({ total: r.total, fastly_added: r.fastly?.added ?? null, fastly_removed: r.fastly?.removed ?? null }, 'threat list synced');
          else logger.warn({ error: r.error }, 'threat list sync failed; the previous list stays in force');
        }),
        every: config.THREAT_SYNC_INTERVAL_MS,
      });
    }
  }

  start(): void {
    for (const { runner, every } of this.#runners) runner.start(every);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#runners.map(({ runner }) => runner.stop()));
  }
}
