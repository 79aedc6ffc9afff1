/**
 * Backup, drill and restore throughput of the embedded database (origin/ops/backup/pglite) at a
 * given size (BENCH_MB, default 1024): a migrated, seeded PGlite directory grown with a table of
 * ~1 KB rows of random hex (about half compressible, as real content is), then one backup (dump,
 * manifest with checksums of every table, AES-256-GCM, copy, verify both), one drill (decrypt,
 * load into a temporary directory, compare) and one restore over the live directory.
 * `npx tsx bench/pglite-backup.ts` (BENCH_MB=256 for a quicker run). Needs ~4× BENCH_MB of disk
 * and ~3× of memory (PGlite dumps and loads the data directory as one in-memory tarball).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { loadOriginConfig } from '../origin/config.js';
import { createDatabase } from '../origin/db/client.js';
import { seedDemo } from '../origin/db/seed.js';
import { backup, drill, restore } from '../origin/ops/backup/pglite/engine.js';

const MB = Number(process.env.BENCH_MB ?? 1024);
const root = mkdtempSync(join(tmpdir(), 'ghee-bench-pglite-backup-'));
const pgliteDir = join(root, 'pglite');
const key = randomBytes(32);
const t0 = performance.now();
const out = (line: string) => process.stdout.write(`  [${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}\n`);

try {
  const database = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: undefined, PGLITE_DIR: pgliteDir });
  await database.migrate();
  await seedDemo(database.db);
  await database.close();

  let t = performance.now();
  const pg = await PGlite.create(pgliteDir);
  await pg.exec('create table bench_filler (id bigint primary key, body text not null)');
  const rows = MB * 1000; // ~1 KB of text per row (+ tuple overhead)
  const step = 20_000;
  for (let from = 0; from < rows; from += step) {
    await pg.exec(
      `insert into bench_filler select g, (select string_agg(md5(random()::text || g::text || s::text), '') from generate_series(1, 32) s) from generate_series(${from}, ${Math.min(rows, from + step) - 1}) g`,
    );
  }
  await pg.exec('checkpoint');
  const size = Number((await pg.query<{ n: string }>('select pg_database_size(current_database())::text as n')).rows[0]!.n);
  await pg.close();
  const sizeMB = size / 1e6;
  console.log(`database: ${sizeMB.toFixed(0)} MB (${rows} filler rows), built in ${((performance.now() - t) / 1000).toFixed(0)} s`);

  t = performance.now();
  const b = await backup({ pgliteDir, dir: join(root, 'backups'), copyDir: join(root, 'offsite'), keep: 2, copyKeep: 4, key, out });
  const backupS = (performance.now() - t) / 1000;
  console.log(`backup:  ${backupS.toFixed(1)} s → ${(sizeMB / backupS).toFixed(1)} MB/s of database (archive ${(b.bytes / 1e6).toFixed(0)} MB, two copies, both verified)`);

  const archivePath = join(root, 'backups', b.name);
  t = performance.now();
  const d = await drill({ archivePath, key, out, tmp: root });
  const drillS = (performance.now() - t) / 1000;
  if (d.diffs.length) throw new Error(`drill mismatch: ${d.diffs.join('; ')}`);
  console.log(`drill:   ${drillS.toFixed(1)} s (RTO) → ${(sizeMB / drillS).toFixed(1)} MB/s, schema + row counts + checksums of every table match`);

  t = performance.now();
  const r = await restore({ pgliteDir, archivePath, key, out });
  const restoreS = (performance.now() - t) / 1000;
  console.log(`restore: ${restoreS.toFixed(1)} s → ${(sizeMB / restoreS).toFixed(1)} MB/s (checked against the manifest, then swapped in; previous kept at ${r.previous})`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
