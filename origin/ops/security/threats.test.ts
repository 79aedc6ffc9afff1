/**
 * The threat list: parsing (strict), matching, and the sync job against a local HTTP server
 * posing as the Fastly API (Compute ACL entries: cursor-paged list, batch PATCH of ≤ 1000
 * operations, Fastly-Key checked): only the difference is sent, a second sync sends nothing,
 * a large list goes in batches, an API failure or an empty/invalid list is refused and audited,
 * the Node blocklist file is written, and the token appears nowhere but in the request header.
 */
import { timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { loadOriginConfig } from '../../config.js';
import { auditEvents } from '../../db/schema/index.js';
import { createLogger } from '../../logger.js';
import { checkOutboundTarget } from '../../net/ssrf.js';
import { installSecurityOps, installThreatList } from './install.js';
import { SecurityJobs } from './jobs.js';
import { FASTLY_ACL_BATCH, parseThreats, syncThreatList, ThreatMatcher } from './threats.js';

describe('parseThreats', () => {
  it('canonicalises and de-duplicates; IPv4-mapped addresses become IPv4', () => {
    expect(parseThreats('# feed\n192.0.2.1\n198.51.100.0/24 # net\n\n2001:DB8:BAD::/48\n::ffff:203.0.113.7\n192.0.2.1/32\n').prefixes).toEqual([
      '192.0.2.1/32',
      '198.51.100.0/24',
      '2001:db8:bad::/48',
      '203.0.113.7/32',
    ]);
  });
  it('reports bad lines with their numbers: not an address, host bits set, length out of range', () => {
    const r = parseThreats('192.0.2.1\nexample.com\n10.0.0.1/8\n10.0.0.0/33\nfe80::1%eth0');
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
    expect(r.errors[1]!.reason).toContain('did you mean 10.0.0.0/8');
  });
});

describe('ThreatMatcher', () => {
  const m = new ThreatMatcher(['192.0.2.1/32', '198.51.100.0/24', '2001:db8:bad::/48', '10.0.0.0/8']);
  it.each([
    ['192.0.2.1', '192.0.2.1/32'],
    ['192.0.2.2', null],
    ['198.51.100.77', '198.51.100.0/24'],
    ['10.200.3.4', '10.0.0.0/8'],
    ['::ffff:198.51.100.9', '198.51.100.0/24'],
    ['2001:db8:bad:ffff::1', '2001:db8:bad::/48'],
    ['2001:db8:bae::1', null],
    ['not an address', null],
  ])('%s → %s', (ip, want) => expect(m.lookup(ip)).toBe(want));
});

const TOKEN = 'fastly-token-0123456789abcdef';
const ACL = 'acl0123';
let api: Server;
let apiUrl: string;
let acl = new Set<string>();
let patches: { entries: { op: string; prefix: string; action?: string }[] }[] = [];
let failing = false;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  api = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const presented = req.headers['fastly-key'];
      if (typeof presented !== 'string' || !timingSafeEqual(Buffer.from(presented.padEnd(TOKEN.length).slice(0, 64)), Buffer.from(TOKEN.padEnd(presented.length).slice(0, 64))) || presented.length !== TOKEN.length) return json(401, { msg: 'Provided credentials are missing or invalid' });
      if (failing) return json(503, { msg: 'unavailable' });
      const url = new URL(req.url!, 'http://x');
      if (url.pathname !== `/resources/acls/${ACL}/entries`) return json(404, { msg: 'not found' });
      if (req.method === 'GET') {
        // Pages of 3 whatever the limit asked, to exercise the cursor.
        const all = [...acl].sort();
        const start = Number(url.searchParams.get('cursor') ?? 0);
        const page = all.slice(start, start + 3);
        return json(200, { entries: page.map((prefix) => ({ prefix, action: 'BLOCK' })), meta: { limit: 3, next_cursor: start + 3 < all.length ? String(start + 3) : '' } });
      }
      if (req.method === 'PATCH') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof patches)[number];
        if (!Array.isArray(body.entries) || body.entries.length === 0 || body.entries.length > 1000) return json(400, { msg: 'entries: 1..1000' });
        for (const e of body.entries) {
          if (e.op === 'create' && e.action === 'BLOCK') acl.add(e.prefix);
          else if (e.op === 'delete') acl.delete(e.prefix);
          else return json(400, { msg: `bad op ${e.op}` });
        }
        patches.push(body);
        return json(200, { status: 'ok' });
      }
      return json(405, { msg: 'method' });
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => api.close(r));
  await database.dispose();
});
beforeEach(() => {
  patches = [];
  failing = false;
});

describe('syncThreatList → Fastly Compute ACL and the Node blocklist', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ghee-threats-'));
  const nodeFile = join(dir, 'blocklist.json');
  let installed: ThreatMatcher | null = null;
  const run = (text: string) =>
    syncThreatList({ db: database.db, read: async () => text, install: (m) => (installed = m), nodeBlocklistFile: nodeFile, fastly: { apiUrl, token: TOKEN, aclId: ACL } });
  const syncRows = () => database.db.select().from(auditEvents).where(eq(auditEvents.action, 'threats.sync'));

  it('sends only the difference (creates the missing, deletes the stale), then nothing on a second run', async () => {
    acl = new Set(['192.0.2.1/32', '198.51.100.0/24', '203.0.113.99/32', '10.9.0.0/16']);
    const list = '192.0.2.1\n198.51.100.0/24\n2001:db8:bad::/48\n203.0.113.0/25\n';
    const r = await run(list);
    expect(r).toEqual({ ok: true, total: 4, fastly: { added: 2, removed: 2, calls: 1 } });
    expect(patches[0]!.entries).toEqual([
      { op: 'create', prefix: '2001:db8:bad::/48', action: 'BLOCK' },
      { op: 'create', prefix: '203.0.113.0/25', action: 'BLOCK' },
      { op: 'delete', prefix: '10.9.0.0/16' },
      { op: 'delete', prefix: '203.0.113.99/32' },
    ]);
    expect([...acl].sort()).toEqual(['192.0.2.1/32', '198.51.100.0/24', '2001:db8:bad::/48', '203.0.113.0/25'].sort());
    expect(installed!.lookup('203.0.113.5')).toBe('203.0.113.0/25');
    expect(JSON.parse(readFileSync(nodeFile, 'utf8'))).toEqual(parseThreats(list).prefixes.map((prefix) => ({ prefix, action: 'BLOCK' })));
    expect(await run(list)).toEqual({ ok: true, total: 4, fastly: { added: 0, removed: 0, calls: 0 } });
    expect(patches).toHaveLength(1);
    const rows = await syncRows();
    expect(rows.map((x) => [x.result, (x.metadata as Record<string, unknown>).fastly_added, (x.metadata as Record<string, unknown>).fastly_removed])).toEqual([
      ['success', 2, 2],
      ['success', 0, 0],
    ]);
  });

  it(`sends a large list in batches of ${FASTLY_ACL_BATCH}`, async () => {
    acl = new Set();
    const list = Array.from({ length: 1500 }, (_, i) => `100.${64 + Math.floor(i / 250)}.${i % 250}.0/24`).join('\n');
    const r = await run(list);
    expect(r.fastly).toEqual({ added: 1500, removed: 0, calls: 2 });
    expect(patches.map((p) => p.entries.length)).toEqual([1000, 500]);
    expect(acl.size).toBe(1500);
  });

  it('refuses an empty or invalid list (nothing installed, nothing sent) and an API failure; each audited as a failure, the token nowhere', async () => {
    acl = new Set(['192.0.2.1/32']);
    installed = null;
    const before = (await syncRows()).length;
    expect(await run('# nothing today\n')).toMatchObject({ ok: false, error: expect.stringContaining('lists no addresses') });
    expect(await run('192.0.2.1\n10.0.0.1/8\n')).toMatchObject({ ok: false, error: expect.stringContaining('line 2') });
    expect(installed).toBeNull();
    expect(patches).toEqual([]);
    expect([...acl]).toEqual(['192.0.2.1/32']);
    failing = true;
    expect(await run('192.0.2.1\n192.0.2.2\n')).toMatchObject({ ok: false, error: 'Fastly ACL list answered 503' });
    const rows = (await syncRows()).slice(before);
    expect(rows.map((x) => x.result)).toEqual(['failure', 'failure', 'failure']);
    expect(JSON.stringify(await syncRows())).not.toContain(TOKEN);
  });
});

describe('the scheduled sync (SecurityJobs, THREAT_LIST_FILE)', () => {
  it('installs the list in the SSRF guard and tells in-process listeners (the Node edge twin) on each run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ghee-threat-job-'));
    const file = join(dir, 'threats.txt');
    writeFileSync(file, '93.184.216.0/24\n');
    const config = loadOriginConfig({ LOG_LEVEL: 'silent', THREAT_LIST_FILE: file, THREAT_SYNC_INTERVAL_MS: '1000', SECURITY_AUDIT_VERIFY_MS: '0', SECURITY_INTERVAL_MS: '60000' });
    const engine = installSecurityOps({ config, database, logger: createLogger('silent') });
    const jobs = new SecurityJobs({ db: database.db, engine, config, logger: createLogger('silent') });
    const told: (readonly string[])[] = [];
    jobs.onThreatList((p) => told.push(p));
    try {
      jobs.start();
      for (let i = 0; i < 100 && told.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(told).toEqual([['93.184.216.0/24']]);
      const refused = await checkOutboundTarget('https://bench.example/hook', { allowLoopback: false, lookup: async () => ['93.184.216.34'] });
      expect(refused).toEqual({ ok: false, reason: 'target resolves to a threat-listed address' });
      writeFileSync(file, '192.0.2.0/24\n');
      for (let i = 0; i < 150 && told.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(told[1]).toEqual(['192.0.2.0/24']);
    } finally {
      await jobs.stop();
      installThreatList(null);
    }
  });
});
