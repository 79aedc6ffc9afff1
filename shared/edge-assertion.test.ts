import { describe, it, expect } from 'vitest';
import { ASSERTION_HEADERS, ASSERTION_MAX_SKEW_S, signAssertion, verifyAssertion, type KeyAssertion, type VerifyResult } from './edge-assertion.js';
import {
  INTERNAL_MAX_SKEW_S,
  INTERNAL_SIG_HEADER,
  INTERNAL_TS_HEADER,
  INTROSPECT_PURPOSE,
  signInternal,
  verifyInternal,
} from './internal-auth.js';

const SECRET = 'edge-origin-shared-secret-0123456789abcdef';
const OTHER_SECRET = 'another-shared-secret-0123456789abcdefghij';
const NOW = 1_750_000_000;
const ASSERTION: KeyAssertion = { keyId: 'key_01HXYZ', spaceId: 'space_42', kind: 'read', scopes: ['content.read'] };
const METHOD = 'GET';
const PATH = '/v2/pages/*/home/?locale=en&preview=0';

type HeaderMap = Record<string, string>;

function getter(h: HeaderMap): (name: string) => string | undefined {
  return (name) => h[name];
}

function sign(overrides: { secret?: string; a?: KeyAssertion; method?: string; path?: string; now?: number } = {}): HeaderMap {
  return signAssertion(overrides.secret ?? SECRET, overrides.a ?? ASSERTION, overrides.method ?? METHOD, overrides.path ?? PATH, overrides.now ?? NOW);
}

function verify(h: HeaderMap, overrides: { secret?: string; method?: string; path?: string; now?: number } = {}): VerifyResult {
  return verifyAssertion(overrides.secret ?? SECRET, getter(h), overrides.method ?? METHOD, overrides.path ?? PATH, overrides.now ?? NOW);
}

function reason(r: VerifyResult): string {
  return r.ok ? 'ok' : r.reason;
}

describe('signAssertion', () => {
  it('emits exactly the six assertion headers (seven with a client address)', () => {
    const h = sign();
    const withoutIp = Object.values(ASSERTION_HEADERS).filter((n) => n !== ASSERTION_HEADERS.clientIp);
    expect(Object.keys(h).sort()).toEqual(withoutIp.sort());
    const withIp = signAssertion(SECRET, { ...ASSERTION, clientIp: '203.0.113.5' }, 'GET', '/v2/pages/*/home/', NOW);
    expect(Object.keys(withIp).sort()).toEqual(Object.values(ASSERTION_HEADERS).sort());
    expect(withIp[ASSERTION_HEADERS.clientIp]).toBe('203.0.113.5');
    expect(h[ASSERTION_HEADERS.keyId]).toBe(ASSERTION.keyId);
    expect(h[ASSERTION_HEADERS.spaceId]).toBe(ASSERTION.spaceId);
    expect(h[ASSERTION_HEADERS.kind]).toBe(ASSERTION.kind);
    expect(h[ASSERTION_HEADERS.timestamp]).toBe(String(NOW));
    expect(h[ASSERTION_HEADERS.signature]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('binds the client address: a changed or added address fails verification', () => {
    const h = signAssertion(SECRET, { ...ASSERTION, clientIp: '203.0.113.5' }, 'GET', '/p', NOW);
    const get = (over: Record<string, string>) => (n: string) => ({ ...h, ...over })[n];
    expect(verifyAssertion(SECRET, get({}), 'GET', '/p', NOW)).toMatchObject({ ok: true, assertion: { clientIp: '203.0.113.5' } });
    expect(verifyAssertion(SECRET, get({ [ASSERTION_HEADERS.clientIp]: '6.6.6.6' }), 'GET', '/p', NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    const plain = signAssertion(SECRET, ASSERTION, 'GET', '/p', NOW);
    const added = (n: string) => ({ ...plain, [ASSERTION_HEADERS.clientIp]: '6.6.6.6' })[n];
    expect(verifyAssertion(SECRET, added, 'GET', '/p', NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('floors a fractional clock to whole seconds', () => {
    expect(sign({ now: NOW + 0.999 })[ASSERTION_HEADERS.timestamp]).toBe(String(NOW));
  });

  it('is deterministic for the same inputs and differs when any input differs', () => {
    const base = sign()[ASSERTION_HEADERS.signature];
    expect(sign()[ASSERTION_HEADERS.signature]).toBe(base);
    const variants = [
      sign({ secret: OTHER_SECRET }),
      sign({ a: { ...ASSERTION, keyId: 'key_other' } }),
      sign({ a: { ...ASSERTION, spaceId: 'space_43' } }),
      sign({ a: { ...ASSERTION, kind: 'preview' } }),
      sign({ a: { ...ASSERTION, scopes: [] } }),
      sign({ a: { ...ASSERTION, scopes: ['content.read', 'content.preview'] } }),
      sign({ method: 'POST' }),
      sign({ path: '/v2/pages/*/home/' }),
      sign({ now: NOW + 1 }),
    ];
    for (const v of variants) expect(v[ASSERTION_HEADERS.signature]).not.toBe(base);
  });

  it('never carries a raw API key', () => {
    const h = sign();
    expect(JSON.stringify(h)).not.toMatch(/ghee_(read|preview|write|admin)_/);
  });
});

describe('verifyAssertion', () => {
  it('round-trips', () => {
    expect(verify(sign())).toEqual({ ok: true, assertion: ASSERTION });
  });

  it.each(['read', 'preview', 'write', 'admin'] as const)('round-trips kind %s', (kind) => {
    const a = { ...ASSERTION, kind };
    expect(verify(sign({ a }))).toEqual({ ok: true, assertion: a });
  });

  it('reads an absent scopes header as the empty list (signed as such), and refuses a malformed one', () => {
    const h = sign({ a: { ...ASSERTION, scopes: [] } });
    expect(verify(h)).toMatchObject({ ok: true, assertion: { scopes: [] } });
    const { [ASSERTION_HEADERS.scopes]: _dropped, ...without } = h;
    expect(verify(without)).toMatchObject({ ok: true, assertion: { scopes: [] } });
    for (const bad of [' content.read', 'content.read  content.preview', 'content.read\ncontent.preview', 'x'.repeat(65), 'CONTENT.READ']) {
      expect(reason(verify({ ...sign(), [ASSERTION_HEADERS.scopes]: bad })), bad).toBe('malformed');
    }
  });

  it('treats the method case-insensitively', () => {
    expect(verify(sign({ method: 'get' }), { method: 'GET' }).ok).toBe(true);
  });

  it('accepts clock skew up to the limit in both directions', () => {
    const h = sign();
    expect(verify(h, { now: NOW + ASSERTION_MAX_SKEW_S }).ok).toBe(true);
    expect(verify(h, { now: NOW - ASSERTION_MAX_SKEW_S }).ok).toBe(true);
  });

  it('refuses a tampered signature', () => {
    const h = sign();
    const sig = h[ASSERTION_HEADERS.signature]!;
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    expect(reason(verify({ ...h, [ASSERTION_HEADERS.signature]: flipped }))).toBe('bad_signature');
    expect(reason(verify({ ...h, [ASSERTION_HEADERS.signature]: sig.toUpperCase() }))).toBe('bad_signature');
    expect(reason(verify({ ...h, [ASSERTION_HEADERS.signature]: sig.slice(0, 63) }))).toBe('bad_signature');
    expect(reason(verify({ ...h, [ASSERTION_HEADERS.signature]: sig + '0' }))).toBe('bad_signature');
    expect(reason(verify({ ...h, [ASSERTION_HEADERS.signature]: '0'.repeat(64) }))).toBe('bad_signature');
  });

  it.each([
    ['key id', ASSERTION_HEADERS.keyId, 'key_attacker'],
    ['space', ASSERTION_HEADERS.spaceId, 'space_victim'],
    ['kind', ASSERTION_HEADERS.kind, 'admin'],
    ['kind (to write)', ASSERTION_HEADERS.kind, 'write'],
    ['kind (to preview)', ASSERTION_HEADERS.kind, 'preview'],
    ['scopes (widened)', ASSERTION_HEADERS.scopes, 'content.read content.preview'],
    ['scopes (emptied: the kind defaults would widen them)', ASSERTION_HEADERS.scopes, ''],
  ])('refuses a %s changed after signing', (_label, header, value) => {
    expect(reason(verify({ ...sign(), [header]: value }))).toBe('bad_signature');
  });

  it('refuses a timestamp changed after signing (within the window)', () => {
    expect(reason(verify({ ...sign(), [ASSERTION_HEADERS.timestamp]: String(NOW + 1) }))).toBe('bad_signature');
  });

  it('refuses an assertion replayed with another method', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) expect(reason(verify(sign(), { method }))).toBe('bad_signature');
  });

  it('refuses an assertion replayed on another path or query', () => {
    for (const path of ['/v2/pages/*/other/?locale=en&preview=0', '/v2/pages/*/home/?locale=en&preview=1', '/v2/pages/*/home/', `${PATH}&x=1`]) {
      expect(reason(verify(sign(), { path })), path).toBe('bad_signature');
    }
  });

  it('refuses the wrong secret', () => {
    expect(reason(verify(sign(), { secret: OTHER_SECRET }))).toBe('bad_signature');
    expect(reason(verify(sign({ secret: OTHER_SECRET })))).toBe('bad_signature');
  });

  it('refuses an assertion older than the skew window (replay)', () => {
    expect(reason(verify(sign(), { now: NOW + ASSERTION_MAX_SKEW_S + 1 }))).toBe('expired');
    expect(reason(verify(sign(), { now: NOW + 3600 }))).toBe('expired');
  });

  it('refuses an assertion from the future beyond the skew window', () => {
    expect(reason(verify(sign({ now: NOW + ASSERTION_MAX_SKEW_S + 1 })))).toBe('expired');
    expect(reason(verify(sign({ now: NOW + 86_400 })))).toBe('expired');
  });

  it('uses a 60 second window', () => {
    expect(ASSERTION_MAX_SKEW_S).toBe(60);
  });

  it.each(['', 'abc', '-5', '+1750000000', '1750000000.5', '1e9', ' 1750000000', '1750000000 ', '0x68000000', '1234567890123'])(
    'refuses malformed timestamp %j',
    (ts) => {
      expect(reason(verify({ ...sign(), [ASSERTION_HEADERS.timestamp]: ts }))).toBe('malformed');
    },
  );

  it.each(['root', 'READ', 'Read', '', 'read ', 'superadmin'])('refuses kind %j not in the allowed list', (kind) => {
    expect(reason(verify({ ...sign(), [ASSERTION_HEADERS.kind]: kind }))).toBe('malformed');
  });

  it('refuses missing key id, space or timestamp as malformed', () => {
    for (const header of [ASSERTION_HEADERS.keyId, ASSERTION_HEADERS.spaceId, ASSERTION_HEADERS.kind, ASSERTION_HEADERS.timestamp]) {
      const h = sign();
      delete h[header];
      expect(reason(verify(h)), header).toBe('malformed');
      expect(reason(verify({ ...sign(), [header]: '' })), header).toBe('malformed');
    }
  });

  it("reports 'absent' when there is no signature at all", () => {
    expect(reason(verify({}))).toBe('absent');
    const h = sign();
    delete h[ASSERTION_HEADERS.signature];
    expect(reason(verify(h))).toBe('absent');
    expect(reason(verify({ ...sign(), [ASSERTION_HEADERS.signature]: '' }))).toBe('absent');
  });

  it('works with a Headers-like getter returning null', () => {
    const real = new Headers(sign());
    expect(verifyAssertion(SECRET, (n) => real.get(n), METHOD, PATH, NOW).ok).toBe(true);
    const empty = new Headers();
    expect(reason(verifyAssertion(SECRET, (n) => empty.get(n), METHOD, PATH, NOW))).toBe('absent');
  });

  it('does not leak the computed signature in the result', () => {
    const h = { ...sign(), [ASSERTION_HEADERS.keyId]: 'key_attacker' };
    const expected = sign({ a: { ...ASSERTION, keyId: 'key_attacker' } })[ASSERTION_HEADERS.signature]!;
    expect(JSON.stringify(verify(h))).not.toContain(expected);
  });
});

describe('signInternal / verifyInternal', () => {
  const PURPOSE = INTROSPECT_PURPOSE;
  const PAYLOAD = JSON.stringify({ key_hash: 'ab'.repeat(32) });

  function signed(overrides: { secret?: string; purpose?: string; payload?: string; now?: number } = {}): { ts: string; sig: string } {
    const h = signInternal(overrides.secret ?? SECRET, overrides.purpose ?? PURPOSE, overrides.payload ?? PAYLOAD, overrides.now ?? NOW);
    return { ts: h[INTERNAL_TS_HEADER]!, sig: h[INTERNAL_SIG_HEADER]! };
  }

  function check(
    s: { ts: string | null | undefined; sig: string | null | undefined },
    overrides: { secret?: string; purpose?: string; payload?: string; now?: number } = {},
  ): boolean {
    return verifyInternal(overrides.secret ?? SECRET, overrides.purpose ?? PURPOSE, overrides.payload ?? PAYLOAD, s.ts, s.sig, overrides.now ?? NOW);
  }

  it('emits exactly the timestamp and signature headers', () => {
    const h = signInternal(SECRET, PURPOSE, PAYLOAD, NOW + 0.7);
    expect(Object.keys(h).sort()).toEqual([INTERNAL_SIG_HEADER, INTERNAL_TS_HEADER].sort());
    expect(h[INTERNAL_TS_HEADER]).toBe(String(NOW));
    expect(h[INTERNAL_SIG_HEADER]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('round-trips', () => {
    expect(check(signed())).toBe(true);
    expect(check(signed({ payload: '' }), { payload: '' })).toBe(true);
  });

  it('refuses a different purpose label', () => {
    expect(check(signed(), { purpose: 'ghee-purge-v1' })).toBe(false);
    expect(check(signed({ purpose: 'ghee-purge-v1' }))).toBe(false);
    expect(check(signed(), { purpose: `${PURPOSE} ` })).toBe(false);
  });

  it('refuses a changed payload', () => {
    expect(check(signed(), { payload: `${PAYLOAD} ` })).toBe(false);
    expect(check(signed(), { payload: JSON.stringify({ key_hash: 'cd'.repeat(32) }) })).toBe(false);
  });

  it('refuses the wrong secret', () => {
    expect(check(signed(), { secret: OTHER_SECRET })).toBe(false);
  });

  it('refuses a tampered signature', () => {
    const s = signed();
    expect(check({ ts: s.ts, sig: (s.sig[0] === 'f' ? 'e' : 'f') + s.sig.slice(1) })).toBe(false);
    expect(check({ ts: s.ts, sig: s.sig.toUpperCase() })).toBe(false);
    expect(check({ ts: s.ts, sig: s.sig.slice(0, 63) })).toBe(false);
    expect(check({ ts: s.ts, sig: `${s.sig}0` })).toBe(false);
    expect(check({ ts: s.ts, sig: 'z'.repeat(64) })).toBe(false);
  });

  it('refuses a changed timestamp', () => {
    const s = signed();
    expect(check({ ts: String(NOW + 1), sig: s.sig })).toBe(false);
  });

  it('accepts skew up to the window and refuses beyond it (replay and future)', () => {
    const s = signed();
    expect(INTERNAL_MAX_SKEW_S).toBe(60);
    expect(check(s, { now: NOW + INTERNAL_MAX_SKEW_S })).toBe(true);
    expect(check(s, { now: NOW - INTERNAL_MAX_SKEW_S })).toBe(true);
    expect(check(s, { now: NOW + INTERNAL_MAX_SKEW_S + 1 })).toBe(false);
    expect(check(s, { now: NOW - INTERNAL_MAX_SKEW_S - 1 })).toBe(false);
    expect(check(signed({ now: NOW + 3600 }))).toBe(false);
    expect(check(signed({ now: NOW - 3600 }))).toBe(false);
  });

  it.each(['', 'abc', '-1', '1.5', '1e9', ' 1750000000', '+1750000000', '1234567890123'])('refuses malformed timestamp %j', (ts) => {
    expect(check({ ts, sig: signed().sig })).toBe(false);
  });

  it('refuses absent headers', () => {
    const s = signed();
    expect(check({ ts: null, sig: s.sig })).toBe(false);
    expect(check({ ts: s.ts, sig: null })).toBe(false);
    expect(check({ ts: undefined, sig: undefined })).toBe(false);
    expect(check({ ts: '', sig: '' })).toBe(false);
  });
});
