/**
 * The signature guards are only a shortcut: on any text, every rule answers the same with and
 * without them. Checked on a large generated corpus mixing every literal the rules look for
 * (quotes, separators, comment markers, keywords, whitespace) with filler, in both cases, so that
 * each guarded rule both matches and misses many times.
 */
import { describe, expect, it } from 'vitest';
import { SIGNATURE_GUARDS, SIGNATURE_NEEDLES, SIGNATURE_RULE_IDS, SIGNATURE_TRIGGER, matchSignature, type SignatureRuleId } from './rules.js';

const PIECES = [
  "'", '"', '`', ' ', '  ', '\t', '\n', '\u00a0', '/*', '*/', '/*!50000', '/', '*', '!', '(', ')', ';', '; ', '&&', '||', '&', '|', '<', '>', '=', ' = ', '--', '-- ', '#', '@@',
  'or', 'and', 'xor', 'union', 'select', ' all', ' distinct', 'sleep', 'benchmark', 'randomblob', 'pg_sleep', 'waitfor', ' delay', ' time', "'", 'dbms_pipe', '.receive_message',
  'drop table', 'delete from', 'update', ' set', 'from', 'order', 'group', ' by ', '1', '42', 'like', 'true', 'false', 'null', 'exec', 'declare @',
  'script', 'svg', 'img', 'iframe', 'onload', 'onerror', 'onmouseover', 'cat', 'ls', 'id', 'wget', 'curl', 'nc', 'sh', 'bash', 'whoami', 'python3', 'perl',
  '$(', '${', 'alert(', 'a', 'b', 'x', 'home', 'pages', 'ghee_read_', 'Abc', 'UNION', 'SeLeCt', 'OR', 'Sleep', 'ONLOAD', 'SCRIPT',
  '$', ':', '.', '..', '../', '\\', 'document', '.cookie', '/etc/passwd', 'javascript:', 'file://', 'cmd.exe', 'cmd /c', '/bin/sh', 'information_schema',
  'or 1', 'and 2', ' like ', '>1', '2>1', 'into', ' outfile', 'system32', 'win.ini', 'xp_cmdshell', 'eval(', '<script', 'data:text/html', '/.git/', 'id_rsa',
];

function* corpus(count: number): Generator<string> {
  let seed = 0x9e3779b9;
  const next = () => {
    // xorshift32: deterministic, so a failure is reproducible
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(next() * 9);
    let text = '';
    for (let j = 0; j < length; j++) text += PIECES[Math.floor(next() * PIECES.length)]!;
    yield text;
  }
}

describe('signature guards', () => {
  it('never change a rule’s verdict (each rule matches and misses on the corpus)', () => {
    expect(Object.keys(SIGNATURE_GUARDS).length).toBeGreaterThan(5);
    const guarded: readonly SignatureRuleId[] = SIGNATURE_RULE_IDS;
    const matched = new Map<string, number>();
    const others = new Map(SIGNATURE_RULE_IDS.map((id) => [id, new Set<string>(SIGNATURE_RULE_IDS.filter((o) => o !== id))]));
    for (const text of corpus(30_000)) {
      for (const id of guarded) {
        const only = others.get(id)!;
        const fast = matchSignature([text], only, true);
        const full = matchSignature([text], only, false);
        if (fast !== full) expect({ text, id, fast, full }).toEqual({ text, id, fast: full, full });
        if (full) matched.set(id, (matched.get(id) ?? 0) + 1);
      }
      // All rules together: same first match.
      const all = matchSignature([text]);
      if (all !== matchSignature([text], new Set(), false)) expect(all).toBe(matchSignature([text], new Set(), false));
    }
    for (const id of guarded) expect(matched.get(id) ?? 0, id).toBeGreaterThan(3);
  });

  it('skip the expressions on ordinary text', () => {
    // Plain request texts: no guarded rule can match, so none of their expressions runs.
    const prepared = { lower: '/v2/pages/*/home/', sql: '/v2/pages home/' };
    for (const [id, guard] of Object.entries(SIGNATURE_GUARDS)) {
      if (id === 'sqli-001') continue; // the path's comment-like `/*` becomes a space in the SQL view
      expect(guard(prepared), id).toBe(false);
    }
    const token = { lower: 'ghee_read_0123456789abcdefghijklmnopqrstuv_abcdef', sql: 'ghee_read_0123456789abcdefghijklmnopqrstuv_abcdef' };
    for (const [id, guard] of Object.entries(SIGNATURE_GUARDS)) expect(guard(token), id).toBe(false);
  });
});

describe('signature trigger (one test that lets ordinary text skip every rule)', () => {
  it('is tripped by every needle of every substring rule', () => {
    for (const list of SIGNATURE_NEEDLES) for (const needle of list) expect(SIGNATURE_TRIGGER.test(needle), needle).toBe(true);
  });

  it('is not tripped by ordinary request texts', () => {
    for (const text of ['/v2/pages/*/home/', '/v2/pages home/', 'auth_token', 'ghee_read_0123456789abcdefghijklmnopqrstuv_abcdef', 'locale', 'en', 'fields.headline', 'page_size', '10', '/assets/s1/a1/logo.png']) {
      expect(SIGNATURE_TRIGGER.test(text), text).toBe(false);
    }
  });
});
