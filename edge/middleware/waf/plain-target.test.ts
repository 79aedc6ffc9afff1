/**
 * The WAF's one precompiled pass over a plain target (plainTargetMayMatch) is exact: with it and
 * without it (every text built and matched as before) the target verdict is the same — on the
 * attack corpus of the guard tests turned into request targets, and on generated plain targets
 * mixing every trigger literal that plain characters can spell with ordinary path and query text.
 */
import { describe, expect, it } from 'vitest';
import { wafConfigSchema } from './config.js';
import { wafTargetVerdict } from './index.js';
import { SIGNATURE_NEEDLES, SIGNATURE_RULE_IDS, plainTargetMayMatch } from './rules.js';

const config = wafConfigSchema.parse({ max_query_params: 1000, max_url_length: 16_384 });

function xorshift(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** What plain targets can hold: the trigger's keywords and needles spelled in plain characters, separators, filler. */
const PLAIN = /^[A-Za-z0-9/_.,*=&~-]*$/;
const NEEDLES = SIGNATURE_NEEDLES.flat().filter((n) => PLAIN.test(n));
const PIECES = [
  ...NEEDLES,
  'union', 'UNION', 'waitfor', 'dbms_pipe', 'information_schema', 'sysobjects', 'sys.objects', 'mysql.user', 'pg_catalog.', 'sqlite_master', 'xp_cmdshell',
  'document.cookie', 'window.location', 'win.ini', 'system32', 'id_rsa', '/etc/passwd', '/proc/self/', '/.git/', '/.env', '/bin/sh', '/usr/bin/env', 'cmd.exe',
  '/*', '*/', '/*!50000', '*', '/', '=', '&', '==', '&&', 'or', 'and', 'OR', '1', '42', '-', '--', '.', ',', '~', '_', 'select', 'from', 'pages', 'home',
  'auth_token', 'ghee_read_', 'locale', 'en', 'fields.headline', 'a', 'b', 'x', 'Abc',
];

function* plainTargets(count: number, seed: number): Generator<string> {
  const next = xorshift(seed);
  const piece = () => PIECES[Math.floor(next() * PIECES.length)]!;
  const text = (max: number) => {
    let t = '';
    for (let i = 0, n = 1 + Math.floor(next() * max); i < n; i++) t += piece();
    return t;
  };
  for (let i = 0; i < count; i++) {
    let path = `/v2/pages/${next() < 0.5 ? '*' : text(2)}/${text(3)}/`;
    if (next() < 0.2) path = `/assets/${text(2)}/${text(2)}`;
    const params: string[] = [];
    for (let p = 0, n = Math.floor(next() * 4); p < n; p++) params.push(next() < 0.8 ? `${text(2)}=${text(3)}` : text(2));
    yield params.length ? `${path}?${params.join('&')}` : path;
  }
}

/** The attack corpus of the signature tests, each piece as a query value and as a path segment. */
function* attackTargets(): Generator<string> {
  for (const needle of SIGNATURE_NEEDLES.flat()) {
    yield `/v2/pages/*/home/?q=${encodeURIComponent(needle)}`;
    yield `/v2/pages/*/${encodeURIComponent(needle)}/`;
    if (PLAIN.test(needle)) yield `/v2/pages/*/home/?${needle}=1&x=${needle}`;
  }
  for (const raw of ["' or 1=1 --", '1 union select password from users', '<script>alert(1)</script>', '../../etc/passwd', '$(id)', '`whoami`', ';cat /etc/passwd', 'a|nc 1.2.3.4 9', 'onload=alert(1)']) {
    yield `/v2/pages/*/home/?q=${encodeURIComponent(raw)}`;
  }
}

const verdicts = (target: string) => {
  const url = `https://edge.example${target}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return { fast: wafTargetVerdict(url, parsed, target, config), full: wafTargetVerdict(url, parsed, target, config, false) };
};

describe('the one-pass plain-target check', () => {
  it('gives the verdict of the per-text pass on generated plain targets (matching and not)', () => {
    let findings = 0;
    let skipped = 0;
    for (const target of plainTargets(20_000, 0x2545f491)) {
      const v = verdicts(target);
      if (!v) continue;
      if (JSON.stringify(v.fast) !== JSON.stringify(v.full)) expect({ target, ...v }).toEqual({ target, fast: v.full, full: v.full });
      if (v.full.content) findings++;
      const [path, query = ''] = target.split('?');
      if (!plainTargetMayMatch(path!, query)) skipped++;
    }
    // The corpus both trips signatures and holds plenty of clean targets the pass lets through.
    expect(findings).toBeGreaterThan(2000);
    expect(skipped).toBeGreaterThan(200);
  });

  it('gives the verdict of the per-text pass on the attack corpus, with every signature rule disabled in turn', () => {
    const targets = [...attackTargets()];
    for (const id of [null, ...SIGNATURE_RULE_IDS]) {
      const cfg = id ? { ...config, disabled_rules: [id] } : config;
      for (const target of targets) {
        const url = `https://edge.example${target}`;
        const fast = wafTargetVerdict(url, new URL(url), target, cfg);
        const full = wafTargetVerdict(url, new URL(url), target, cfg, false);
        expect(fast, `${id ?? 'all'} ${target}`).toEqual(full);
      }
    }
  });

  it('lets the common hit through without building texts, and never clears = or & inside a text', () => {
    expect(plainTargetMayMatch('/v2/pages/*/home/', 'auth_token=ghee_read_0123456789abcdefghijklmnopqrstuv_abcdef&locale=en')).toBe(false);
    expect(plainTargetMayMatch('/assets/s1/a1/logo.png', '')).toBe(false);
    expect(plainTargetMayMatch('/v2/pages/*/a=b/', '')).toBe(true);
    expect(plainTargetMayMatch('/v2/pages/*/home/', 'q=a=b')).toBe(true);
    expect(plainTargetMayMatch('/v2/pages/*/home/', 'q=union')).toBe(true);
    expect(plainTargetMayMatch('/v2/pages/*/home/', 'q=/*x*/or/**/1')).toBe(true); // the SQL view: "or " appears once comments are spaces
  });
});
