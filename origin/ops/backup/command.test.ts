import { describe, expect, it } from 'vitest';
import { parseBackupArgs, runBackupCommand } from './command.js';

describe('npm run backup: arguments', () => {
  it('parses each command and its options', () => {
    expect(parseBackupArgs(['run'])).toMatchObject({ command: 'run', scheduled: false });
    expect(parseBackupArgs(['run', '--type', 'diff'])).toMatchObject({ command: 'run', type: 'diff' });
    expect(parseBackupArgs(['restore', '--target', '2026-12-06T10:00:00Z', '--repo', '2', '--to', '/srv/restore'])).toMatchObject({
      command: 'restore',
      target: new Date('2026-12-06T10:00:00Z'),
      repo: 2,
      to: '/srv/restore',
    });
    expect(parseBackupArgs(['restore', '--latest'])).toMatchObject({ command: 'restore', latest: true });
    expect(parseBackupArgs(['status', '--json'])).toMatchObject({ command: 'status', json: true });
    expect(parseBackupArgs(['--help'])).toEqual({ command: 'help' });
  });

  it('refuses bad usage with one line', () => {
    const bad: [string[], RegExp][] = [
      [[], /a command is required/],
      [['backup'], /unknown command "backup"/],
      [['run', '--type', 'weekly'], /--type must be full, diff or incr/],
      [['restore'], /exactly one of --target <time> or --latest/],
      [['restore', '--latest', '--target', '2026-12-06T10:00:00Z'], /exactly one of/],
      [['restore', '--target', 'yesterday'], /--target must be an ISO time with a zone/],
      [['restore', '--target', '2026-12-06T10:00:00'], /--target must be an ISO time with a zone/],
      [['restore', '--latest', '--repo', '3'], /--repo must be 1 or 2/],
      [['restore', '--latest', '--to', 'relative'], /--to must be an absolute path/],
      [['verify', '--type', 'full'], /verify takes no --type/],
      [['drill', 'now'], /unexpected argument "now"/],
      [['run', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [argv, re] of bad) {
      const r = parseBackupArgs(argv);
      expect('error' in r ? r.error : '', argv.join(' ')).toMatch(re);
    }
  });

  it('bad usage exits 2 with the usage line and opens no database', async () => {
    const io = { out: '', err: '' };
    let opened = false;
    const code = await runBackupCommand(['restore'], { out: (t) => void (io.out += t), err: (t) => void (io.err += t) }, {
      env: { DATABASE_URL: 'postgres://x@127.0.0.1:1/x' },
      openDb: async () => {
        opened = true;
        throw new Error('unexpected');
      },
    });
    expect(code).toBe(2);
    expect(io.err).toMatch(/^backup: restore needs exactly one of .*\(usage: npm run backup -- run/);
    expect(opened).toBe(false);
  });

  it('a bad setting is one line, no secret, exit 1 — and the failure is still audited', async () => {
    const io = { out: '', err: '' };
    const audited: string[] = [];
    const code = await runBackupCommand(['status'], { out: (t) => void (io.out += t), err: (t) => void (io.err += t) }, {
      env: { DATABASE_URL: 'postgres://x@127.0.0.1:1/x', BACKUP_PG_DATA: '/pg', BACKUP_REPO1_CIPHER_PASS: 'short-pass-visible' },
      openDb: async () => {
        audited.push('opened');
        throw new Error('database down');
      },
    });
    expect(code).toBe(1);
    expect(io.err).toContain('backup: backup config: BACKUP_REPO1_CIPHER_PASS must be a passphrase of at least 20 characters (got [redacted])\n');
    expect(io.err).not.toContain('short-pass-visible');
    expect(io.err).toContain('backup: the audit row was not written (database down)');
    expect(audited).toEqual(['opened']);
  });
});
