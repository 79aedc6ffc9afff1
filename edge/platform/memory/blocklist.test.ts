import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBlocklist, parsePrefix, type BlocklistEntry } from './blocklist.js';

const ENTRIES: BlocklistEntry[] = [
  { prefix: '192.0.2.1', action: 'BLOCK' },
  { prefix: '198.51.100.0/24', action: 'BLOCK' },
  { prefix: '198.51.100.128/25', action: 'ALLOW' },
  { prefix: '198.51.100.200/32', action: 'BLOCK' },
  { prefix: '2001:db8:bad::/48', action: 'BLOCK' },
  { prefix: '2001:db8:bad:1::/64', action: 'ALLOW' },
  { prefix: '::ffff:203.0.113.0/120', action: 'BLOCK' },
];

describe('MemoryBlocklist.lookup', () => {
  const list = new MemoryBlocklist(ENTRIES);

  it.each<[string, string, string | null]>([
    ['a listed IPv4 address', '192.0.2.1', '192.0.2.1/32'],
    ['its neighbour', '192.0.2.2', null],
    ['an IPv4 address in a blocked /24', '198.51.100.7', '198.51.100.0/24'],
    ['the first address of the /24', '198.51.100.0', '198.51.100.0/24'],
    ['an address carved out by a longer ALLOW', '198.51.100.130', null],
    ['a /32 BLOCK inside the ALLOW carve-out (longest wins)', '198.51.100.200', '198.51.100.200/32'],
    ['an IPv6 address in a blocked /48', '2001:db8:bad::1', '2001:db8:bad::/48'],
    ['the same IPv6 address, uncompressed and upper case', '2001:0DB8:0BAD:0000:0000:0000:0000:0001', '2001:db8:bad::/48'],
    ['an IPv6 address carved out by a /64 ALLOW', '2001:db8:bad:1::5', null],
    ['an IPv6 address outside the prefix', '2001:db8:bae::1', null],
    ['an IPv4-mapped IPv6 client in a blocked IPv4 prefix', '::ffff:198.51.100.7', '198.51.100.0/24'],
    ['an IPv4-mapped IPv6 client, carved out', '::ffff:198.51.100.130', null],
    ['an IPv4 client matching an IPv4-mapped IPv6 entry', '203.0.113.77', '203.0.113.0/24'],
    ['an unlisted address', '8.8.8.8', null],
    ['an unlisted IPv6 address', '2606:4700::1111', null],
    ['surrounding whitespace', ' 192.0.2.1 ', '192.0.2.1/32'],
  ])('%s (%s) → %s', async (_label, ip, expected) => {
    expect(await list.lookup(ip)).toBe(expected);
  });

  it.each(['', 'not-an-ip', '999.1.1.1', '192.0.2', '2001:db8::bad::1', '192.0.2.1/32', '::ffff:999.0.0.1'])('invalid address %j → null', async (ip) => {
    expect(await list.lookup(ip)).toBeNull();
  });

  it('an empty list blocks nothing', async () => {
    expect(await new MemoryBlocklist().lookup('192.0.2.1')).toBeNull();
  });

  it('a later entry wins a tie of equal prefixes, as in the Fastly ACL', async () => {
    const list2 = new MemoryBlocklist([
      { prefix: '192.0.2.0/24', action: 'BLOCK' },
      { prefix: '192.0.2.0/24', action: 'ALLOW' },
    ]);
    expect(await list2.lookup('192.0.2.9')).toBeNull();
    list2.replace([
      { prefix: '192.0.2.0/24', action: 'ALLOW' },
      { prefix: '192.0.2.0/24', action: 'BLOCK' },
    ]);
    expect(await list2.lookup('192.0.2.9')).toBe('192.0.2.0/24');
  });

  it('masks host bits of an entry like the ACL does and reports the canonical prefix', async () => {
    const list2 = new MemoryBlocklist([{ prefix: '192.0.2.77/24', action: 'BLOCK' }]);
    expect(await list2.lookup('192.0.2.1')).toBe('192.0.2.0/24');
  });

  it('replace() with an invalid entry throws and keeps the old entries', async () => {
    const list2 = new MemoryBlocklist([{ prefix: '192.0.2.1', action: 'BLOCK' }]);
    expect(() => list2.replace([{ prefix: '10.0.0.0/8', action: 'BLOCK' }, { prefix: 'nope', action: 'BLOCK' }])).toThrow(/blocklist entry 2: "nope" is not an IPv4 address/);
    expect(list2.size).toBe(1);
    expect(await list2.lookup('192.0.2.1')).toBe('192.0.2.1/32');
  });
});

describe('parsePrefix', () => {
  it.each<[string, string]>([
    ['192.0.2.1', '192.0.2.1/32'],
    ['192.0.2.0/24', '192.0.2.0/24'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:db8::1', '2001:db8::1/128'],
    ['::ffff:192.0.2.1', '192.0.2.1/32'],
    ['::ffff:192.0.2.0/120', '192.0.2.0/24'],
    ['10.0.0.0/8', '10.0.0.0/8'],
  ])('%s → %s', (input, prefix) => {
    const parsed = parsePrefix(input, { strict: true });
    expect(parsed.ok && parsed.prefix).toBe(prefix);
  });

  it.each<[string, RegExp]>([
    ['', /not an IPv4 address/],
    ['example.com', /not an IPv4 address/],
    ['192.0.2.256', /not an IPv4 address/],
    ['0x7f.0.0.1', /not an IPv4 address/],
    ['127.1', /not an IPv4 address/],
    ['010.0.0.1', /not an IPv4 address/],
    ['192.0.2.0/33', /between 1 and 32/],
    ['192.0.2.0/0', /between 1 and 32/],
    ['192.0.2.0/', /between 1 and 32/],
    ['192.0.2.0/24/8', /between 1 and 32/],
    ['2001:db8::/129', /between 1 and 128/],
    ['fe80::1%eth0', /not an IPv6 address/],
    ['2001:db8:::1', /not an IPv6 address/],
    ['::ffff:0:0/96', /every IPv4 address/],
    ['10.0.0.1/8', /host bits/],
  ])('refuses %j', (input, reason) => {
    const parsed = parsePrefix(input, { strict: true });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('without strict, host bits are masked off', () => {
    const parsed = parsePrefix('10.1.2.3/8');
    expect(parsed.ok && parsed.prefix).toBe('10.0.0.0/8');
  });
});

describe('MemoryBlocklist.fromFile', () => {
  let dir = '';
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ghee-blocklist-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the entries array written by scripts/import-threats.ts', async () => {
    const list = MemoryBlocklist.fromFile(file('node.json', JSON.stringify(ENTRIES)));
    expect(list.size).toBe(ENTRIES.length);
    expect(await list.lookup('198.51.100.7')).toBe('198.51.100.0/24');
    expect(await list.lookup('198.51.100.130')).toBeNull();
  });

  it('loads the Fastly ACL batch / Viceroy shape too', async () => {
    const list = MemoryBlocklist.fromFile(file('fastly.json', JSON.stringify({ entries: [{ op: 'create', prefix: '192.0.2.0/24', action: 'block' }] })));
    expect(await list.lookup('192.0.2.9')).toBe('192.0.2.0/24');
  });

  it('loads an empty list', async () => {
    expect(MemoryBlocklist.fromFile(file('empty.json', '[]')).size).toBe(0);
  });

  it.each<[string, string, RegExp]>([
    ['not JSON', '192.0.2.1\n', /not valid JSON/],
    ['a JSON object without entries', '{"prefixes":[]}', /must be a JSON array/],
    ['a JSON string', '"192.0.2.1"', /must be a JSON array/],
    ['an entry that is not an object', '["192.0.2.1"]', /entry 1: must be an object/],
    ['an entry without a prefix', '[{"action":"BLOCK"}]', /entry 1: needs a "prefix" string/],
    ['a bad action', '[{"prefix":"192.0.2.1","action":"DENY"}]', /entry 1 \(192\.0\.2\.1\): "action" must be "BLOCK" or "ALLOW"/],
    ['a bad prefix', '[{"prefix":"192.0.2.1","action":"BLOCK"},{"prefix":"192.0.2.0/99","action":"BLOCK"}]', /entry 2: prefix length "\/99"/],
    ['a delete op', '{"entries":[{"op":"delete","prefix":"192.0.2.1/32"}]}', /entry 1: "op" must be "create" or "update"/],
  ])('refuses %s with a clear error naming the file', (_label, content, message) => {
    const path = file('bad.json', content);
    expect(() => MemoryBlocklist.fromFile(path)).toThrow(message);
    expect(() => MemoryBlocklist.fromFile(path)).toThrow(`blocklist file ${path}: `);
  });

  it('refuses a missing file', () => {
    const path = join(dir, 'missing.json');
    expect(() => MemoryBlocklist.fromFile(path)).toThrow(`blocklist file ${path}: cannot be read (ENOENT)`);
  });
});
