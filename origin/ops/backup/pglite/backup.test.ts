/**
 * Backups of the embedded database, against real PGlite data directories on disk (migrated and
 * seeded like `npm start`'s): the archive round trip, refusal of tampered, renamed and wrongly
 * keyed archives with the live data untouched, retention in both locations, the drill (and a
 * drill that must fail), status, and the refusal to touch a database that is open.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../db/client.js';
import { loadOriginConfig } from '../../../config.js';
import { seedDemo } from '../../../db/seed.js';
import { archiveName, keyId, writeArchive, type Manifest } from './archive.js';
import { summarize } from './engine.js';
import { makePgliteBackupCommands } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'ghee-pglite-backup-'));
const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('base64');

afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Env {
  PGLITE_DIR: string;
  BACKUP_DIR: string;
  BACKUP_COPY_DIR: string;
  BACKUP_KEY?: string;
  BACKUP_KEEP?: string;
  BACKUP_COPY_KEEP?: string;
}

function cli(env: Env) {
  const lines: string[] = [];
  const commands = makePgliteBackupCommands(() => ({ ...env }), (l) => lines.push(l));
  return { commands, lines, text: () => lines.join('\n') };
}

let n = 0;
async function site(): Promise<Env> {
  const dir = join(root, `site${++n}`);
  const database = await createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: undefined, PGLITE_DIR: join(dir, 'pglite') });
  await database.migrate();
  await seedDemo(database.db);
  await database.close();
  return { PGLITE_DIR: join(dir, 'pglite'), BACKUP_DIR: join(dir, 'backups'), BACKUP_COPY_DIR: join(dir, 'offsite'), BACKUP_KEY: KEY };
}

async function withDb<T>(dir: string, fn: (pg: PGlite) => Promise<T>): Promise<T> {
  const pg = await PGlite.create(dir);
  try {
    return await fn(pg);
  } finally {
    await pg.close();
  }
}

const stateOf = (dir: string) => withDb(dir, (pg) => summarize(pg, new Date(0)));
const archives = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.gbak')).sort() : []);

describe('PGlite backups', () => {
  let env: Env;
  let atBackup: Manifest;

  beforeAll(async () => {
    env = await site();
    atBackup = await stateOf(env.PGLITE_DIR);
  }, 60_000);

  it('run writes an encrypted archive to both locations; restore brings the data back after a change', async () => {
    const c = cli(env);
    expect(await c.commands.run([]), c.text()).toBe(0);
    expect(c.text()).toMatch(/verified 2 copies/);
    const [name] = archives(env.BACKUP_DIR);
    expect(archives(env.BACKUP_DIR)).toEqual([name]);
    expect(archives(env.BACKUP_COPY_DIR)).toEqual([name]);
    expect(statSync(join(env.BACKUP_DIR, name!)).mode & 0o777).toBe(0o600);
    // Ciphertext: nothing of the content is readable in the archive.
    const bytes = readFileSync(join(env.BACKUP_DIR, name!));
    expect(bytes.includes(Buffer.from('Demo Organization'))).toBe(false);
    expect(bytes.includes(Buffer.from('admin@demo.ghee.local'))).toBe(false);
    expect(bytes.includes(Buffer.from(KEY))).toBe(false);

    // A change after the backup…
    await withDb(env.PGLITE_DIR, (pg) => pg.exec(`update organizations set name = 'Changed' ; delete from api_keys`));
    expect(await stateOf(env.PGLITE_DIR)).not.toEqual(atBackup);

    const r = cli(env);
    expect(await r.commands.restore([]), r.text()).toBe(0);
    expect(r.text()).toMatch(/restored ghee-pglite-\d{8}T\d{9}Z\.gbak .*previous data is kept at (\S+)/);
    // …is gone: the live directory is exactly what was backed up (schema, rows, checksums).
    expect(await stateOf(env.PGLITE_DIR)).toEqual(atBackup);
    const previous = /kept at (\S+)$/.exec(r.text())![1]!;
    expect(await withDb(previous, async (pg) => (await pg.query<{ name: string }>('select name from organizations')).rows[0]!.name)).toBe('Changed');
    rmSync(previous, { recursive: true, force: true });
    // No work directory is left behind.
    expect(readdirSync(join(env.PGLITE_DIR, '..')).filter((f) => f.startsWith('.ghee-restore'))).toEqual([]);
  }, 60_000);

  it('restore refuses a tampered archive (one flipped byte anywhere) and leaves the data untouched', async () => {
    const [name] = archives(env.BACKUP_DIR);
    const path = join(env.BACKUP_DIR, name!);
    const original = readFileSync(path);
    await withDb(env.PGLITE_DIR, (pg) => pg.exec(`update spaces set name = 'Live data'`));
    const live = await stateOf(env.PGLITE_DIR);
    // In the ciphertext, in the tag, in the authenticated header.
    const headerEnd = 12 + original.readUInt32BE(8);
    const created = original.indexOf(Buffer.from('"created_at":"')) + 20;
    for (const [where, offset] of [['ciphertext', Math.floor(original.length / 2)], ['tag', original.length - 3], ['header', created]] as const) {
      expect(offset).toBeLessThan(where === 'header' ? headerEnd : original.length);
      const tampered = Buffer.from(original);
      tampered[offset] = where === 'header' ? tampered[offset]! ^ 0x01 : tampered[offset]! ^ 0x40;
      writeFileSync(path, tampered);
      const c = cli(env);
      expect(await c.commands.restore([]), where).toBe(1);
      expect(c.text(), where).toMatch(/failed authentication: the archive was altered or damaged; refusing it/);
      expect(await stateOf(env.PGLITE_DIR), where).toEqual(live);
      const v = cli(env);
      expect(await v.commands.verify([])).toBe(1);
      expect(v.text()).toMatch(/FAILED .*failed authentication[\s\S]*1 of 2 archives intact/);
    }
    // A truncated archive and a renamed one are refused too.
    writeFileSync(path, original.subarray(0, original.length - 100));
    const t = cli(env);
    expect(await t.commands.restore([])).toBe(1);
    expect(t.text()).toMatch(/failed authentication/);
    writeFileSync(path, original);
    const renamed = join(env.BACKUP_DIR, archiveName(new Date(Date.now() + 60_000)));
    renameSync(path, renamed);
    const rn = cli(env);
    expect(await rn.commands.restore([])).toBe(1);
    expect(rn.text()).toMatch(/the archive was renamed/);
    renameSync(renamed, path);
    expect(await stateOf(env.PGLITE_DIR)).toEqual(live);
    expect(readdirSync(join(env.PGLITE_DIR, '..')).filter((f) => f.startsWith('.ghee-restore') || f.includes('before-restore'))).toEqual([]);
    // The intact archive still restores.
    const ok = cli(env);
    expect(await ok.commands.verify([]), ok.text()).toBe(0);
  }, 90_000);

  it('restore refuses an archive sealed with another key, also when its header claims the configured key', async () => {
    const live = await stateOf(env.PGLITE_DIR);
    const wrong = cli({ ...env, BACKUP_KEY: OTHER_KEY });
    expect(await wrong.commands.restore([])).toBe(1);
    expect(wrong.text()).toMatch(/sealed with another BACKUP_KEY .*refusing it/);
    expect(wrong.text()).not.toContain(KEY);
    expect(wrong.text()).not.toContain(OTHER_KEY);

    // Forge the key id to the other key's: the tag still fails.
    const [name] = archives(env.BACKUP_DIR);
    const path = join(env.BACKUP_DIR, name!);
    const original = readFileSync(path);
    const forged = Buffer.from(original.toString('latin1').replace(keyId(Buffer.from(KEY, 'base64')), keyId(Buffer.from(OTHER_KEY, 'base64'))), 'latin1');
    expect(forged.length).toBe(original.length);
    writeFileSync(path, forged);
    const w2 = cli({ ...env, BACKUP_KEY: OTHER_KEY });
    expect(await w2.commands.restore([])).toBe(1);
    expect(w2.text()).toMatch(/failed authentication/);
    writeFileSync(path, original);
    expect(await stateOf(env.PGLITE_DIR)).toEqual(live);

    const none = cli({ ...env, BACKUP_KEY: undefined });
    expect(await none.commands.restore([])).toBe(2);
    expect(none.text()).toMatch(/BACKUP_KEY is required/);
    const bad = cli({ ...env, BACKUP_KEY: 'c2hvcnQta2V5LXZhbHVl' });
    expect(await bad.commands.run([])).toBe(2);
    expect(bad.text()).toMatch(/BACKUP_KEY must be 32 random bytes/);
    expect(bad.text()).not.toContain('c2hvcnQta2V5LXZhbHVl');
  }, 60_000);

  it('drill restores into a temporary directory and matches; a drill that finds a mismatch exits 1', async () => {
    const d = cli(env);
    expect(await d.commands.drill([]), d.text()).toBe(0);
    expect(d.text()).toMatch(/drill ok: .* matches its source .* RTO \d+ ms/);
    expect(await d.commands.drill(['--from', 'copy'])).toBe(0);

    // An archive whose data does not match its manifest (what a broken dump or restore would give).
    const pg = await PGlite.create(env.PGLITE_DIR);
    let manifest: Manifest;
    let dump: Blob;
    try {
      manifest = await summarize(pg);
      dump = await pg.dumpDataDir('none');
    } finally {
      await pg.close();
    }
    const at = new Date(Date.now() + 1000);
    const lied: Manifest = { ...manifest, tables: { ...manifest.tables, pages: { ...manifest.tables.pages!, rows: manifest.tables.pages!.rows + 1 } } };
    await writeArchive(join(env.BACKUP_DIR, archiveName(at)), Buffer.from(KEY, 'base64'), at, lied, dump);
    const m = cli(env);
    expect(await m.commands.drill([archiveName(at)])).toBe(1);
    expect(m.text()).toMatch(/MISMATCH {2}table pages: \d+ rows expected, \d+ found[\s\S]*drill FAILED/);
    const changed: Manifest = { ...manifest, tables: { ...manifest.tables, spaces: { ...manifest.tables.spaces!, checksum: '0'.repeat(32) } } };
    await writeArchive(join(env.BACKUP_DIR, archiveName(at)), Buffer.from(KEY, 'base64'), at, changed, dump);
    expect(await m.commands.drill([archiveName(at)])).toBe(1);
    expect(m.text()).toMatch(/table spaces: checksum differs/);
    // restore refuses it too, before touching the live directory.
    const live = await stateOf(env.PGLITE_DIR);
    expect(await m.commands.restore([archiveName(at)])).toBe(1);
    expect(m.text()).toMatch(/does not match the archive's manifest/);
    expect(await stateOf(env.PGLITE_DIR)).toEqual(live);
    rmSync(join(env.BACKUP_DIR, archiveName(at)));
  }, 90_000);

  it('keeps BACKUP_KEEP archives locally and BACKUP_COPY_KEEP in the copy, expiring after each backup; status gives the newest good one', async () => {
    const e = { ...env, BACKUP_KEEP: '2', BACKUP_COPY_KEEP: '3' };
    for (let i = 0; i < 3; i++) {
      const c = cli(e);
      expect(await c.commands.run([]), c.text()).toBe(0);
    }
    const local = archives(e.BACKUP_DIR);
    const copy = archives(e.BACKUP_COPY_DIR);
    expect(local).toHaveLength(2);
    expect(copy).toHaveLength(3);
    expect(copy.slice(1)).toEqual(local);
    const s = cli(e);
    expect(await s.commands.status([])).toBe(0);
    expect(s.text()).toContain(`newest good backup: ${local[1]}, age 0.0 h`);
    expect(s.text()).toMatch(/ghee_backup_last_success_timestamp_seconds \d{10}/);
    // The newest damaged: status names the one before it.
    const newest = join(e.BACKUP_DIR, local[1]!);
    const bytes = readFileSync(newest);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(newest, bytes);
    const s2 = cli(e);
    expect(await s2.commands.status([])).toBe(0);
    expect(s2.text()).toContain(`newest good backup: ${local[0]}`);
    const l = cli(e);
    expect(await l.commands.list([])).toBe(0);
    expect(l.text()).toMatch(/local \(.*\): 2 archives[\s\S]*copy \(.*\): 3 archives/);
  }, 120_000);

  it('status is stale (exit 1) when the newest good backup is older than BACKUP_MAX_AGE_HOURS, or there is none', async () => {
    const e = await site();
    const none = cli(e);
    expect(await none.commands.status([])).toBe(1);
    expect(none.text()).toMatch(/no good backup .* STALE/);
    const c = cli({ ...e, BACKUP_MAX_AGE_HOURS: '1' } as Env);
    expect(await c.commands.run([])).toBe(0);
    const [name] = archives(e.BACKUP_DIR);
    // Re-seal it as written 2 h ago (the time is authenticated: renaming alone would be refused).
    const old = new Date(Date.now() - 2 * 3600_000);
    const pg = await PGlite.create(e.PGLITE_DIR);
    try {
      await writeArchive(join(e.BACKUP_DIR, archiveName(old)), Buffer.from(KEY, 'base64'), old, await summarize(pg, old), await pg.dumpDataDir('none'));
    } finally {
      await pg.close();
    }
    rmSync(join(e.BACKUP_DIR, name!));
    expect(await c.commands.status([])).toBe(1);
    expect(c.text()).toMatch(/age 2\.0 h — STALE \(older than 1 h\)/);
  }, 90_000);

  it('refuses to back up or restore a database that is open (postmaster.pid), unless --force', async () => {
    const pg = await PGlite.create(env.PGLITE_DIR);
    try {
      const c = cli(env);
      expect(await c.commands.run([])).toBe(1);
      expect(c.text()).toMatch(/is in use \(postmaster.pid\): stop the origin first/);
      expect(await c.commands.restore([])).toBe(1);
      expect(await c.commands.restore(['--bogus'])).toBe(2);
    } finally {
      await pg.close();
    }
  }, 60_000);
});
