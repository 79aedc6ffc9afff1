import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../logger.js';
import type { IdentityLogger } from '../logger.js';
import { checkBreached, checkPassword, commonPasswordCount, isCommonPassword, type PasswordCheck } from './password-policy.js';

const codes = (r: PasswordCheck) => (r.ok ? [] : r.reasons.map((x) => x.code));
const def = (pw: string, extra: Record<string, string> = {}) => checkPassword(pw, { policy: 'default', ...extra });
const nist = (pw: string, extra: Record<string, string> = {}) => checkPassword(pw, { policy: 'nist', ...extra });

describe('checkPassword: default policy', () => {
  it('accepts 8 characters with a letter, a number and a special character; refuses 7', () => {
    expect(def('kX9#mQ2!').ok).toBe(true);
    expect(codes(def('kX9#mQ2'))).toEqual(['too_short']);
  });

  it('requires each character class', () => {
    expect(codes(def('kXv#mQz!wr'))).toEqual(['missing_number']);
    expect(codes(def('kX9vmQ2zwr'))).toEqual(['missing_special']);
    expect(codes(def('83#61-77!94'))).toEqual(['missing_letter']);
    expect(codes(def('kx9 mq2 zw'))).toEqual([]); // a space is a special character
    expect(codes(def('ŝkłódź#42'))).toEqual([]); // any Unicode letter counts
  });

  it('counts code points: 7 emoji-padded characters are 7', () => {
    expect(codes(def('a1🔑🔑🔑🔑🔑'))).toEqual(['too_short']);
    expect(def('a1🔑🔑🔑🔑🔑🔑').ok).toBe(true);
  });

  it('accepts 256 characters and refuses 257 with a clear reason (never truncates)', () => {
    const base = 'kX9#mQ2!vB7$';
    const pw256 = base.repeat(22).slice(0, 256);
    expect(pw256.length).toBe(256);
    expect(def(pw256).ok).toBe(true);
    const r = def(pw256 + 'z');
    expect(codes(r)).toEqual(['too_long']);
    expect(r.ok ? '' : r.reasons[0]!.message).toMatch(/at most 256 characters/);
    // 256 emoji are 256 characters (512 UTF-16 units).
    expect(codes(nist('🔑'.repeat(256)))).toEqual([]);
    expect(codes(nist('🔑'.repeat(257)))).toEqual(['too_long']);
    // A megabyte is refused without scanning it.
    expect(codes(def('a1!'.repeat(400_000)))).toEqual(['too_long']);
  });

  it('refuses common passwords, also with a trivial suffix or different case', () => {
    expect(codes(def('p@ssw0rd'))).toEqual(['common_password']);
    expect(codes(def('Password1!'))).toEqual(['common_password']);
    expect(codes(def('Dragon2024!'))).toEqual(['common_password']);
    expect(codes(def('!!Iloveyou99'))).toEqual(['common_password']);
    expect(isCommonPassword('QWERTYUIOP')).toBe(true);
    expect(isCommonPassword('kX9#mQ2!')).toBe(false);
  });

  it('bundles at least 10,000 common passwords', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
  });

  it('refuses the product name, with a suffix, any case, or with separators', () => {
    expect(codes(def('Ghee2024!'))).toEqual(['contains_product_name']);
    expect(codes(def('myGHEEpass#1'))).toEqual(['contains_product_name']);
    expect(codes(def('G.h.e.e-2024!x'))).toEqual(['contains_product_name']);
  });

  it('refuses the email, its local part, the name and the organization name', () => {
    const ctx = { email: 'Jane.Doe@example.com', name: 'Jane Doe', organizationName: 'Acme Widgets Corp' };
    expect(codes(def('jane.doe@example.com1', ctx))).toEqual(['contains_email', 'contains_name']);
    expect(codes(def('JaneDoe#2024', ctx))).toEqual(['contains_email', 'contains_name']);
    expect(codes(def('x!Acme-Widgets9', ctx))).toEqual(['contains_organization']);
    expect(codes(def('widgets4Ever!', ctx))).toEqual(['contains_organization']);
    // "Corp" alone is too generic to refuse.
    expect(codes(def('corp0rate!Zebra9', ctx))).toEqual([]);
    expect(codes(def('kX9#mQ2!', ctx))).toEqual([]);

    expect(codes(def('Xq!bartholomew7', { email: 'bartholomew1987@mail.test' }))).toEqual(['contains_email']);
    expect(codes(def('Xq!1987abc', { email: 'bartholomew1987@mail.test' }))).toEqual([]);
    expect(codes(def('Xq!Smithers77', { name: 'Waylon Smithers' }))).toEqual(['contains_name']);
    expect(codes(def('Xq!Globex77', { organizationName: 'Globex' }))).toEqual(['contains_organization']);
  });

  it('reports every failing rule at once', () => {
    expect(codes(def('ghee'))).toEqual(['too_short', 'missing_number', 'missing_special', 'contains_product_name']);
  });
});

describe('checkPassword: nist policy', () => {
  it('requires 15 characters and no composition', () => {
    expect(codes(nist('zebra lamp cove'))).toEqual([]);
    expect(codes(nist('zebra lamp cov'))).toEqual(['too_short']);
    expect(codes(nist('passwordpassword'))).toEqual(['common_password']);
  });

  it('still refuses common passwords and personal information', () => {
    expect(codes(nist('1QAZ2wsx3edc4RFV'))).toEqual(['common_password']);
    expect(codes(nist('qwertyuiop12345!!!'))).toEqual(['common_password']);
    expect(codes(nist('our ghee kitchen stove'))).toEqual(['contains_product_name']);
    expect(codes(nist('bartholomew is my name', { name: 'Bartholomew' }))).toEqual(['contains_name']);
  });
});

describe('checkPassword: strength', () => {
  it('stays fast on long inputs (zxcvbn sees a bounded prefix)', () => {
    def('warm-up#1');
    for (const pw of ['p@ssw0rd!1$3'.repeat(22).slice(0, 256), '4@3$1!0|7+'.repeat(26).slice(0, 256), 'a1!'.repeat(400_000)]) {
      const started = performance.now();
      def(pw);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('scores with zxcvbn and gives feedback', () => {
    const weak = def('Password1!');
    expect(weak.strength.score).toBeLessThanOrEqual(1);
    expect(weak.strength.feedback.warning).toEqual(expect.any(String));
    expect(Array.isArray(weak.strength.feedback.suggestions)).toBe(true);
    const strong = nist('violet submarine tangerine orbit');
    expect(strong.strength.score).toBe(4);
    expect(strong.strength.feedback.warning).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// HIBP range protocol against a real local HTTP server

const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex').toUpperCase();
const BREACHED = new Map([['password123', 251_682], ['hunter2', 17_043], ['Tr0ub4dor&3', 3]]);

interface Seen { url: string; headers: IncomingHttpHeaders }

function hibpServer(mode: { status: number }, seen: Seen[]): Server {
  return createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (mode.status !== 200) {
      res.writeHead(mode.status).end('nope');
      return;
    }
    const m = /^\/range\/([0-9A-F]{5})$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(400).end('The hash prefix was not in a valid format');
      return;
    }
    const prefix = m[1]!;
    const lines: string[] = [];
    for (const [pw, count] of BREACHED) {
      const h = sha1(pw);
      if (h.startsWith(prefix)) lines.push(`${h.slice(5)}:${count}`);
    }
    // Unrelated real-looking entries plus padding (count 0), like the real service.
    for (let i = 0; i < 20; i++) lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:${1 + i}`);
    if (req.headers['add-padding'] === 'true') {
      for (let i = 0; i < 200; i++) lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:0`);
    }
    lines.sort();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
  });
}

describe('checkBreached (HIBP range API, real local server)', () => {
  const seen: Seen[] = [];
  const mode = { status: 200 };
  let server: Server;
  let endpoint: string;
  const warnings: Array<{ obj: object; msg: string }> = [];
  const logger = { warn: (obj: object, msg: string) => warnings.push({ obj, msg }), info: () => undefined };

  beforeAll(async () => {
    server = hibpServer(mode, seen);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('detects breached passwords with their count', async () => {
    for (const [pw, count] of BREACHED) {
      expect(await checkBreached(pw, { endpoint, logger, timeoutMs: 2000 })).toEqual({ breached: true, count });
    }
  });

  it('reports a password that is not in the range as not breached', async () => {
    expect(await checkBreached('violet submarine tangerine orbit 7', { endpoint: `${endpoint}/`, logger })).toEqual({ breached: false, count: 0 });
  });

  it('ignores padding entries (count 0) even when the suffix matches', async () => {
    const pw = 'only-in-padding';
    const h = sha1(pw);
    const fakeFetch: typeof fetch = async () => new Response(`${h.slice(5).toLowerCase()}:0\r\n${'A'.repeat(35)}:5`, { status: 200 });
    expect(await checkBreached(pw, { endpoint, logger, fetch: fakeFetch })).toEqual({ breached: false, count: 0 });
    const lower: typeof fetch = async () => new Response(`${h.slice(5).toLowerCase()}:9`, { status: 200 });
    expect(await checkBreached(pw, { endpoint, logger, fetch: lower })).toEqual({ breached: true, count: 9 });
  });

  it('sends only the 5-character prefix, with Add-Padding', async () => {
    seen.length = 0;
    const pw = 'a very private passphrase';
    await checkBreached(pw, { endpoint, logger });
    expect(seen).toHaveLength(1);
    const h = sha1(pw);
    expect(seen[0]!.url).toBe(`/range/${h.slice(0, 5)}`);
    expect(seen[0]!.headers['add-padding']).toBe('true');
    const everything = JSON.stringify(seen);
    expect(everything).not.toContain(h.slice(5, 15));
    expect(everything.toLowerCase()).not.toContain(h.slice(5, 15).toLowerCase());
    expect(everything).not.toContain('private');
  });

  it('fails open with a warning (no password material) when the server answers 500', async () => {
    warnings.length = 0;
    mode.status = 500;
    try {
      expect(await checkBreached('password123', { endpoint, logger })).toEqual({ breached: false, unavailable: true });
    } finally {
      mode.status = 200;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toEqual({ breachCheck: { host: new URL(endpoint).host, status: 500 } });
    expectNoSecrets(JSON.stringify(warnings), 'password123');
  });

  it('logs through the real pino logger (type-compatible), still without password material', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const pinoLogger: IdentityLogger = createLogger('warn', sink);
    mode.status = 503;
    try {
      expect(await checkBreached('Tr0ub4dor&3', { endpoint, logger: pinoLogger })).toEqual({ breached: false, unavailable: true });
    } finally {
      mode.status = 200;
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', breachCheck: { status: 503 } });
    expectNoSecrets(lines.join(''), 'Tr0ub4dor&3');
  });

  it('fails open with a warning when the server is down', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    warnings.length = 0;
    expect(await checkBreached('hunter2', { endpoint: `http://127.0.0.1:${port}`, logger })).toEqual({ breached: false, unavailable: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/fail-open/);
    expect(JSON.stringify(warnings[0]!.obj)).toContain('ECONNREFUSED');
    expectNoSecrets(JSON.stringify(warnings), 'hunter2');
  });

  it('fails open when the server does not answer in time', async () => {
    const slow = createServer(() => undefined); // never responds
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    warnings.length = 0;
    try {
      const started = Date.now();
      const r = await checkBreached('hunter2', { endpoint: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`, logger, timeoutMs: 200 });
      expect(r).toEqual({ breached: false, unavailable: true });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(warnings[0]!.obj).toMatchObject({ breachCheck: { error: 'timeout' } });
      expectNoSecrets(JSON.stringify(warnings), 'hunter2');
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});

function expectNoSecrets(logged: string, password: string): void {
  const h = sha1(password);
  expect(logged).not.toContain(password);
  expect(logged.toUpperCase()).not.toContain(h.slice(0, 5));
  expect(logged.toUpperCase()).not.toContain(h.slice(5));
}
