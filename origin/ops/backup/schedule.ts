/**
 * The scheduled backups run by the origin (BACKUP_SCHEDULER=origin): every few minutes each
 * instance asks whether a backup is due (BACKUP_AT, UTC, has passed and no good backup was taken
 * since); one instance at a time — the one holding a Postgres advisory lock for the whole run —
 * runs `npm run backup -- run --scheduled` through the same code as the CLI (and so the same
 * audit row). The type is the schedule's: full weekly (BACKUP_FULL_WEEKDAY, or when the newest
 * full is a week old), differential on the other days. Deployments without a long-running
 * origin use the systemd timer in the README, which runs the same command.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { PeriodicRunner } from '../../jobs/periodic.js';
import type { Logger } from '../../logger.js';
import { runBackupCommand } from './command.js';
import { info, scheduledBackupDue } from './operations.js';
import type { BackupSettings } from './settings.js';

/** The advisory lock key (hashtextextended of this text) that one backup runner holds. */
export const BACKUP_LOCK = 'ghee:backup-runner';

export class BackupSchedule {
  readonly #runner: PeriodicRunner;

  constructor(
    private readonly opts: { db: Db; settings: BackupSettings; env: Record<string, string | undefined>; logger: Logger; now?: () => Date },
  ) {
    this.#runner = new PeriodicRunner('backup', opts.logger, () => this.runOnce());
  }

  /**
   * One tick: under the advisory lock (skipped when another instance holds it), a backup if one
   * is due. Returns what happened: 'busy' (another runner), 'not-due', or the CLI's exit status.
   */
  async runOnce(): Promise<'busy' | 'not-due' | number> {
    const { db, settings, env, logger } = this.opts;
    const now = this.opts.now?.() ?? new Date();
    // A transaction holds the lock for as long as the backup runs (a session lock would need a
    // dedicated connection of the pool); it never holds a snapshot, so it does not hold back vacuum.
    return db.transaction(async (tx) => {
      await tx.execute(sql`set local idle_in_transaction_session_timeout = 0`);
      const got = await tx.execute(sql`select pg_try_advisory_xact_lock(hashtextextended(${BACKUP_LOCK}, 0)) as locked`);
      const row = (got as unknown as { locked: boolean }[])[0] ?? (got as unknown as { rows: { locked: boolean }[] }).rows?.[0];
      if (!row?.locked) return 'busy' as const;
      const backups = (await info(settings)).backups;
      if (!scheduledBackupDue(settings, backups, now)) return 'not-due' as const;
      logger.info('scheduled backup due: running npm run backup -- run --scheduled');
      const lines: string[] = [];
      const code = await runBackupCommand(['run', '--scheduled'], { out: (t) => lines.push(t), err: (t) => lines.push(t) }, {
        env,
        openDb: async () => ({ db, close: async () => {} }),
      });
      const summary = lines.join('').trim().split('\n').filter((l) => !l.startsWith('backup: ')).join(' ').slice(0, 500);
      if (code === 0) logger.info({ outcome: summary }, 'scheduled backup done');
      else logger.error({ outcome: lines.join('').trim().split('\n').slice(-3).join(' ').slice(0, 500) }, 'scheduled backup failed');
      return code;
    });
  }

  start(intervalMs = 300_000): void {
    this.#runner.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }
}

