/**
 * The process-wide error policy (origin/main.ts installProcessSafety, installed by origin/main.ts and
 * `npm start`): a database-unavailable rejection nobody awaited is logged and the process keeps
 * serving; an uncaught exception is a bug whose state no one can vouch for, so it is logged as
 * fatal and the process exits 1 for its supervisor. Neither log line carries statement parameters.
 */
import { describe, expect, it } from 'vitest';
import { spawnTs } from '../helpers/process.js';

describe('process-wide error policy', () => {
  it('an unhandled database-unavailable rejection is logged and the process keeps serving', async () => {
    const p = spawnTs('test/reliability/fixtures/process-safety.ts', {}, ['unavailable-rejection']);
    try {
      const port = (await p.waitFor(/listening (\d+)/, 20_000))[1]!;
      await p.waitFor(/unhandled rejection: database unavailable/, 10_000);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('alive');
      expect(p.child.exitCode).toBeNull();
      expect(p.stdout()).toContain('"code":"ECONNREFUSED"');
      expect(p.stdout() + p.stderr()).not.toContain('secret-param-value');
    } finally {
      p.kill('SIGKILL');
      await p.exited;
    }
  });

  it('an uncaught exception is logged as fatal, without the statement parameters, and the process exits 1', async () => {
    const p = spawnTs('test/reliability/fixtures/process-safety.ts', {}, ['uncaught-exception']);
    expect(await p.exited).toBe(1);
    const fatal = p
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"level":"fatal"'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain('uncaught exception; exiting');
    expect(fatal[0]).toContain('"error":"boom"'); // what failed, not the wrapper that carries the statement
    expect(p.stdout() + p.stderr()).not.toContain('secret-param-value');
    expect(p.stdout() + p.stderr()).not.toContain('password_hash');
  });
});
