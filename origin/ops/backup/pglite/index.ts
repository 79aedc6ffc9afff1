/**
 * `npm run backup -- <command>` on the embedded database (DATABASE_URL unset). Each command prints
 * its progress and result to stdout and resolves with the process exit code:
 *   0 done · 1 failed (a refused archive, a drill mismatch, a stale or missing backup) · 2 usage or config.
 *
 *   run [--force]                     back up PGLITE_DIR to BACKUP_DIR + BACKUP_COPY_DIR, verify, expire
 *   verify                            authenticate every archive in both locations
 *   list                              archives in both locations, newest first
 *   restore [<archive>] [--from copy] [--force]
 *                                     replace PGLITE_DIR with an archive (default: the newest)
 *   drill [<archive>] [--from copy]   restore into a temporary directory and compare with the manifest
 *   status                            the newest good backup and its age (exit 1 when stale)
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../../../../shared/config.js';
import { ArchiveError, openArchive } from './archive.js';
import { loadPgliteBackupConfig, requireKey, type PgliteBackupConfig } from './config.js';
import { backup, drill, listArchives, mbps, restore, type Archive, type Out } from './engine.js';

export type BackupCommand = 'run' | 'verify' | 'list' | 'restore' | 'drill' | 'status';

const OPTIONS = {
  force: { type: 'boolean' },
  from: { type: 'string' },
} as const;

function parse(args: string[]) {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.from !== undefined && values.from !== 'local' && values.from !== 'copy') throw new ConfigError('--from must be local or copy');
  if (positionals.length > 1) throw new ConfigError('at most one archive name');
  return { force: values.force ?? false, from: (values.from ?? 'local') as 'local' | 'copy', archive: positionals[0] };
}

async function pick(config: PgliteBackupConfig, from: 'local' | 'copy', archive: string | undefined): Promise<Archive> {
  const dir = from === 'copy' ? config.copyDir : config.backupDir;
  if (!dir) throw new ConfigError('--from copy needs BACKUP_COPY_DIR');
  const all = await listArchives(dir);
  const found = archive ? all.find((a) => a.name === archive) : all[0];
  if (!found) throw new Error(archive ? `no archive ${archive} in ${dir}` : `no archive in ${dir}`);
  return found;
}

type Handler = (config: PgliteBackupConfig, args: string[], out: Out) => Promise<number>;

const handlers: Record<BackupCommand, Handler> = {
  async run(config, args, out) {
    const { force } = parse(args);
    await backup({ pgliteDir: config.pgliteDir, dir: config.backupDir, copyDir: config.copyDir, keep: config.keep, copyKeep: config.copyKeep, key: requireKey(config), force, out });
    return 0;
  },
  async verify(config, args, out) {
    parse(args);
    const key = requireKey(config);
    let bad = 0;
    let total = 0;
    for (const dir of [config.backupDir, config.copyDir].filter((d): d is string => d !== null)) {
      for (const a of await listArchives(dir)) {
        total++;
        try {
          await openArchive(a.path, key);
          out(`ok      ${a.path}`);
        } catch (err) {
          if (!(err instanceof ArchiveError)) throw err;
          bad++;
          out(`FAILED  ${err.message}`);
        }
      }
    }
    out(`${total - bad} of ${total} archives intact`);
    return bad === 0 && total > 0 ? 0 : 1;
  },
  async list(config, args, out) {
    parse(args);
    for (const [label, dir] of [['local', config.backupDir], ['copy', config.copyDir]] as const) {
      if (!dir) continue;
      const all = await listArchives(dir);
      out(`${label} (${dir}): ${all.length} archive${all.length === 1 ? '' : 's'}`);
      for (const a of all) out(`  ${a.name}  ${a.createdAt.toISOString()}  ${a.bytes} bytes`);
    }
    return 0;
  },
  async restore(config, args, out) {
    const { force, from, archive } = parse(args);
    const a = await pick(config, from, archive);
    const { previous, ms } = await restore({ pgliteDir: config.pgliteDir, archivePath: a.path, key: requireKey(config), force, out });
    out(`restored ${a.name} into ${config.pgliteDir} in ${ms} ms (${mbps(a.bytes, ms)} MB/s)${previous ? `; the previous data is kept at ${previous}` : ''}`);
    return 0;
  },
  async drill(config, args, out) {
    const { from, archive } = parse(args);
    const a = await pick(config, from, archive);
    const { diffs, ms, bytes } = await drill({ archivePath: a.path, key: requireKey(config), out });
    if (diffs.length) {
      for (const d of diffs) out(`MISMATCH  ${d}`);
      out(`drill FAILED: ${a.name} does not restore to what was backed up`);
      return 1;
    }
    out(`drill ok: ${a.name} restored and matches its source (schema version, row counts, checksums); RTO ${ms} ms (${mbps(bytes, ms)} MB/s)`);
    return 0;
  },
  async status(config, args, out) {
    parse(args);
    const key = requireKey(config);
    for (const a of await listArchives(config.backupDir)) {
      try {
        await openArchive(a.path, key);
      } catch (err) {
        if (!(err instanceof ArchiveError)) throw err;
        out(`skipping ${a.name}: ${err.message}`);
        continue;
      }
      const ageS = Math.max(0, Math.round((Date.now() - a.createdAt.getTime()) / 1000));
      const stale = ageS > config.maxAgeHours * 3600;
      out(`newest good backup: ${a.name}, age ${(ageS / 3600).toFixed(1)} h${stale ? ` — STALE (older than ${config.maxAgeHours} h)` : ''}`);
      out(`ghee_backup_last_success_timestamp_seconds ${Math.floor(a.createdAt.getTime() / 1000)}`);
      return stale ? 1 : 0;
    }
    out(`no good backup in ${config.backupDir} — STALE`);
    return 1;
  },
};

/** The commands over an explicit environment and output (tests); the CLI uses pgliteBackupCommands. */
export function makePgliteBackupCommands(env: () => Record<string, string | undefined>, out: Out): Record<BackupCommand, (args: string[]) => Promise<number>> {
  const wrap =
    (h: Handler) =>
    async (args: string[]): Promise<number> => {
      try {
        return await h(loadPgliteBackupConfig(env()), args, out);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        const usage = err instanceof ConfigError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
        out(`error: ${err instanceof Error ? err.message : String(err)}`);
        return usage ? 2 : 1;
      }
    };
  return {
    run: wrap(handlers.run),
    verify: wrap(handlers.verify),
    list: wrap(handlers.list),
    restore: wrap(handlers.restore),
    drill: wrap(handlers.drill),
    status: wrap(handlers.status),
  };
}

export const pgliteBackupCommands: Record<BackupCommand, (args: string[]) => Promise<number>> = makePgliteBackupCommands(
  () => process.env,
  (line) => process.stdout.write(`${line}\n`),
);
