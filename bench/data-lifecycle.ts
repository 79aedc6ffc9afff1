/**
 * Data lifecycle throughput (issue 16, origin/governance): one organization with BENCH_PAGES
 * pages (default 20 000, ~1 KB of fields each, half of them soft-deleted 31 days ago, each with
 * 4 revisions) on a scratch Postgres database (BENCH_DATABASE_URL, else TEST_DATABASE_URL):
 * the export build (rows/s, MB/s of archive, archive size) and one retention run (rows deleted
 * per second, at the default batch size), then a second, idempotent run (its cost when nothing is due).
 * `npx tsx bench/data-lifecycle.ts` (BENCH_PAGES=5000 for a quicker run).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { loadOriginConfig } from '../origin/config.js';
import { devEnvelope } from '../origin/crypto/envelope.js';
import { personalDataFromConfig } from '../origin/crypto/personal-data.js';
import { createDatabase } from '../origin/db/client.js';
import { seedDemo } from '../origin/db/seed.js';
import { buildNextExport, retentionSettingsFrom, runRetention } from '../origin/governance/index.js';
import { scratchDatabase } from './scratch-db.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 20_000);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) throw new Error('set BENCH_DATABASE_URL or TEST_DATABASE_URL (a Postgres server where a scratch database may be created)');
const scratch = await scratchDatabase(adminUrl);
const t0 = performance.now();
const out = (line: string) => process.stdout.write(`  [${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}\n`);
try {
  const config = loadOriginConfig({ LOG_LEVEL: 'silent', DATABASE_URL: scratch.url, DATABASE_SSLMODE: 'disable' });
  const database = await createDatabase(config);
  await database.migrate();
  const seed = (await seedDemo(database.db))!;
  const db = database.db;
  const space = seed.spaceId;
  out(`loading ${PAGES} pages (half soft-deleted 31 days ago), 4 revisions each`);
  for (let i = 0; i < PAGES; i += 1000) {
    const n = Math.min(1000, PAGES - i);
    await db.execute(sql`
      with p as (
        insert into pages (space_id, slug, locale, name, fields, deleted_at, version)
        select ${space}, 'bench-' || (${i} + g), 'en', 'Bench ' || g, jsonb_build_object('body', repeat(md5(g::text || ${randomBytes(4).toString('hex')}), 32)),
               case when g % 2 = 0 then now() - interval '31 days' end, 4
        from generate_series(1, ${n}) g returning id)
      insert into page_revisions (page_id, version, name, status, fields, created_at)
      select p.id, v, 'r', 'draft', '{}'::jsonb, now() - interval '200 days' from p, generate_series(1, 4) v`);
  }
  const [{ n: rows } = { n: 0 }] = (await db.execute(sql`select (select count(*) from pages) + (select count(*) from page_revisions) as n`)) as unknown as { n: number }[];
  // As autovacuum would have, before anyone asks for an export of a loaded database.
  await db.execute(sql`analyze pages`);
  await db.execute(sql`analyze page_revisions`);
  out(`${rows} content rows`);

  const id = randomUUID();
  const envelope = devEnvelope();
  const key = randomBytes(32);
  await db.execute(sql`insert into data_exports (id, organization_id, requested_by, key_encrypted) values (${id}, ${seed.organizationId}, ${randomUUID()}, ${envelope.encrypt(key.toString('base64'), `data_exports:${id}`)})`);
  let t = performance.now();
  await buildNextExport({ db, envelope, personal: personalDataFromConfig(undefined), authSecret: 'x'.repeat(32), publicAppUrl: 'https://ghee.example' }, () => new Date());
  const exportS = (performance.now() - t) / 1000;
  const [e] = (await db.execute(sql`select archive_bytes, progress from data_exports where id = ${id}`)) as unknown as { archive_bytes: number; progress: { rows: number } }[];
  out(`export: ${e!.progress.rows} rows in ${exportS.toFixed(1)} s = ${Math.round(e!.progress.rows / exportS)} rows/s; archive ${(e!.archive_bytes / 1e6).toFixed(1)} MB (${(e!.archive_bytes / 1e6 / exportS).toFixed(1)} MB/s)`);

  const settings = { ...retentionSettingsFrom(config), maxRowsPerRun: 10_000_000 };
  t = performance.now();
  const r = await runRetention(db, settings, new Date());
  const retS = (performance.now() - t) / 1000;
  const deleted = Object.values(r.organizations[seed.organizationId] ?? {}).reduce((a, b) => a + b, 0);
  out(`retention: ${deleted} rows deleted (${JSON.stringify(r.organizations[seed.organizationId])}) in ${retS.toFixed(1)} s = ${Math.round(deleted / retS)} rows/s (batch ${settings.batchSize})`);
  t = performance.now();
  await runRetention(db, settings, new Date());
  out(`second retention run (nothing due): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  await database.close();
} finally {
  await scratch.drop();
}
