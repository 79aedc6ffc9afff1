/**
 * Backups of the embedded database (PGlite, the zero-setup default): PGlite's own data directory
 * dump, sealed by archive.ts, written to BACKUP_DIR and copied to BACKUP_COPY_DIR; verified after
 * writing; older archives expired per location; restored through a temporary directory that is
 * checked against the archive's manifest before it replaces the live one.
 *
 * PGlite has no server: two processes opening one data directory would corrupt it, and PGlite does
 * not lock it. While a PGlite instance has the directory open it holds `postmaster.pid`; backup and
 * restore refuse to run while that file exists (stop the origin first), `--force` overrides when
 * a crashed process left it behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, openAsBlob } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { ARCHIVE_NAME, archiveName, openArchive, writeArchive, type Manifest } from './archive.js';

export type Out = (line: string) => void;

async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Schema version, and the row count and a content checksum of every table in `public`. */
export async function summarize(pg: PGlite, at = new Date()): Promise<Manifest> {
  const migrations = await pg.query<{ n: number; last_hash: string | null }>(
    `select count(*)::int as n, (select hash from drizzle.__drizzle_migrations order by created_at desc, id desc limit 1) as last_hash from drizzle.__drizzle_migrations`,
  ).catch(() => ({ rows: [{ n: 0, last_hash: null }] }));
  const tables = await pg.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const out: Manifest['tables'] = {};
  for (const { name } of tables.rows) {
    const r = await pg.query<{ rows: number; checksum: string }>(
      `select count(*)::int as rows, md5(coalesce(string_agg(h, '' order by h), '')) as checksum from (select md5(t::text) as h from public.${quoteIdent(name)} t) s`,
    );
    out[name] = { rows: r.rows[0]!.rows, checksum: r.rows[0]!.checksum };
  }
  return { created_at: at.toISOString(), schema: { migrations: migrations.rows[0]!.n, last_hash: migrations.rows[0]!.last_hash }, tables: out };
}

/** Differences between what an archive says and what a restored database holds (empty = equal). */
export function compareManifests(expected: Manifest, actual: Manifest): string[] {
  const diffs: string[] = [];
  if (expected.schema.migrations !== actual.schema.migrations || expected.schema.last_hash !== actual.schema.last_hash) {
    diffs.push(`schema version: expected ${expected.schema.migrations} migrations, found ${actual.schema.migrations}${expected.schema.last_hash !== actual.schema.last_hash ? ' (different newest migration)' : ''}`);
  }
  for (const name of new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)])) {
    const e = expected.tables[name];
    const a = actual.tables[name];
    if (!e) diffs.push(`table ${name}: not in the source`);
    else if (!a) diffs.push(`table ${name}: missing`);
    else if (e.rows !== a.rows) diffs.push(`table ${name}: ${e.rows} rows expected, ${a.rows} found`);
    else if (e.checksum !== a.checksum) diffs.push(`table ${name}: checksum differs (${e.rows} rows)`);
  }
  return diffs;
}

export function refuseIfOpen(pgliteDir: string, force: boolean): void {
  if (!force && existsSync(join(pgliteDir, 'postmaster.pid'))) {
    throw new Error(`${pgliteDir} is in use (postmaster.pid): stop the origin first; if no process has it open (a crash left the file), pass --force`);
  }
}

export interface Archive {
  name: string;
  path: string;
  bytes: number;
  createdAt: Date;
}

/** The archives in `dir`, newest first (by name, which sorts by time). */
export async function listArchives(dir: string): Promise<Archive[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: Archive[] = [];
  for (const name of names.filter((n) => ARCHIVE_NAME.test(n)).sort().reverse()) {
    const t = ARCHIVE_NAME.exec(name)![1]!;
    const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}.${t.slice(15, 18)}Z`;
    out.push({ name, path: join(dir, name), bytes: (await stat(join(dir, name))).size, createdAt: new Date(iso) });
  }
  return out;
}

/** Deletes all but the newest `keep` archives in `dir`; returns the names removed. */
export async function expire(dir: string, keep: number): Promise<string[]> {
  const removed: string[] = [];
  for (const a of (await listArchives(dir)).slice(keep)) {
    await rm(a.path, { force: true });
    removed.push(a.name);
  }
  return removed;
}

const mbps = (bytes: number, ms: number) => (bytes / 1e6 / Math.max(ms / 1000, 0.001)).toFixed(1);

export interface BackupResult {
  name: string;
  bytes: number;
  ms: number;
  manifest: Manifest;
}

/** One backup: dump + manifest under one open instance, sealed to `dir`, copied, verified in both places, expired. */
export async function backup(opts: { pgliteDir: string; dir: string; copyDir: string | null; keep: number; copyKeep: number; key: Buffer; force?: boolean; out: Out; now?: Date }): Promise<BackupResult> {
  const { out } = opts;
  refuseIfOpen(opts.pgliteDir, opts.force ?? false);
  if (!existsSync(join(opts.pgliteDir, 'PG_VERSION'))) throw new Error(`${opts.pgliteDir} holds no database`);
  const started = Date.now();
  const at = opts.now ?? new Date();
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  out(`dumping ${opts.pgliteDir} …`);
  const pg = await openPglite(resolve(opts.pgliteDir));
  let manifest: Manifest;
  let dump: Blob;
  try {
    manifest = await summarize(pg, at);
    dump = await pg.dumpDataDir('none');
  } finally {
    await pg.close();
  }
  const rows = Object.values(manifest.tables).reduce((n, t) => n + t.rows, 0);
  out(`dumped ${Object.keys(manifest.tables).length} tables, ${rows} rows, ${dump.size} bytes; compressing and encrypting …`);
  const name = archiveName(at);
  const path = join(opts.dir, name);
  const bytes = await writeArchive(path, opts.key, at, manifest, dump);
  out(`wrote ${path} (${bytes} bytes)`);
  const places = [{ dir: opts.dir, keep: opts.keep, path }];
  if (opts.copyDir) {
    await mkdir(opts.copyDir, { recursive: true, mode: 0o700 });
    const copy = join(opts.copyDir, name);
    await copyFile(path, `${copy}.partial`);
    await rename(`${copy}.partial`, copy);
    out(`copied to ${copy}`);
    places.push({ dir: opts.copyDir, keep: opts.copyKeep, path: copy });
  } else {
    out('warning: BACKUP_COPY_DIR unset: this backup has one copy only');
  }
  for (const p of places) await openArchive(p.path, opts.key);
  out(`verified ${places.length} ${places.length === 1 ? 'copy' : 'copies'}`);
  for (const p of places) {
    const removed = await expire(p.dir, p.keep);
    if (removed.length) out(`expired ${removed.length} in ${p.dir} (keep ${p.keep}): ${removed.join(', ')}`);
  }
  const ms = Date.now() - started;
  out(`backup ${name} done in ${ms} ms (${mbps(bytes, ms)} MB/s)`);
  return { name, bytes, ms, manifest };
}

export interface RestoredCopy {
  dataDir: string;
  manifest: Manifest;
  actual: Manifest;
  diffs: string[];
  ms: number;
  /** Removes the work directory (and the data directory in it, unless it was moved away). */
  cleanup(): Promise<void>;
}

/**
 * Authenticates `archivePath`, loads its dump into a fresh data directory inside a new work
 * directory under `parent`, opens it and compares it with the manifest. Nothing outside the work
 * directory is touched; the caller decides what to do with the result.
 */
export async function restoreToTemp(archivePath: string, key: Buffer, parent: string, out: Out): Promise<RestoredCopy> {
  const started = Date.now();
  await mkdir(parent, { recursive: true });
  const work = await mkdtemp(join(parent, `.ghee-restore-${randomBytes(3).toString('hex')}-`));
  const cleanup = () => rm(work, { recursive: true, force: true });
  try {
    const plain = join(work, 'payload');
    out(`decrypting and authenticating ${basename(archivePath)} …`);
    const { manifest, dumpOffset } = await openArchive(archivePath, key, plain);
    const dump = (await openAsBlob(plain)).slice(dumpOffset!);
    const dataDir = join(work, 'data');
    await mkdir(dataDir, { mode: 0o700 });
    out('loading the dump into a temporary directory …');
    const pg = await openPglite(dataDir, dump);
    let actual: Manifest;
    try {
      actual = await summarize(pg, new Date(manifest!.created_at));
    } finally {
      await pg.close();
    }
    await rm(plain, { force: true });
    return { dataDir, manifest: manifest!, actual, diffs: compareManifests(manifest!, actual), ms: Date.now() - started, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Replaces `pgliteDir` with the archive's content: restored and checked beside it first, then
 * swapped by two renames (the previous directory is kept as `<dir>.before-restore-<time>`). A
 * tampered or wrongly keyed archive, or a restored copy that does not match its manifest, throws
 * before the live directory is touched.
 */
export async function restore(opts: { pgliteDir: string; archivePath: string; key: Buffer; force?: boolean; out: Out }): Promise<{ previous: string | null; ms: number }> {
  const live = resolve(opts.pgliteDir);
  refuseIfOpen(live, opts.force ?? false);
  const copy = await restoreToTemp(opts.archivePath, opts.key, dirname(live), opts.out);
  try {
    if (copy.diffs.length) throw new Error(`the restored copy does not match the archive's manifest: ${copy.diffs.join('; ')}`);
    let previous: string | null = null;
    if (existsSync(live)) {
      previous = `${live}.before-restore-${new Date().toISOString().replace(/[-:.]/g, '')}`;
      await rename(live, previous);
    }
    await rename(copy.dataDir, live);
    const dir = await open(dirname(live), 'r');
    await dir.sync().finally(() => dir.close());
    return { previous, ms: copy.ms };
  } finally {
    await copy.cleanup();
  }
}

/** Restores into a temporary directory, compares, removes it. Mismatches are returned, not thrown. */
export async function drill(opts: { archivePath: string; key: Buffer; out: Out; tmp?: string }): Promise<{ diffs: string[]; ms: number; bytes: number }> {
  const bytes = (await stat(opts.archivePath)).size;
  const copy = await restoreToTemp(opts.archivePath, opts.key, opts.tmp ?? tmpdir(), opts.out);
  await copy.cleanup();
  return { diffs: copy.diffs, ms: copy.ms, bytes };
}

export { mbps };
