import { describe, it, expect } from 'vitest';
import { MemoryBlocklist } from '../edge/platform/memory/blocklist.js';
import {
  DEFAULT_FASTLY_OUT,
  DEFAULT_NODE_OUT,
  formatErrors,
  parseArgs,
  parseThreatList,
  runImport,
  toFastlyAclBatch,
  toNodeBlocklist,
  type ImportIo,
} from './import-threats.js';

const FEED = [
  '# Example threat feed — 2024-05-01',
  '192.0.2.1',
  '198.51.100.0/24   # scanner network',
  '',
  '   2001:db8:bad::/48',
  '::ffff:203.0.113.7',
  '192.0.2.1/32',
  '\t# indented comment',
  '2001:DB8:BAD::/48',
].join('\n');

describe('parseThreatList', () => {
  it('reads addresses and prefixes, skipping comments and blank lines, canonical and de-duplicated', () => {
    expect(parseThreatList(FEED)).toEqual({
      prefixes: ['192.0.2.1/32', '198.51.100.0/24', '2001:db8:bad::/48', '203.0.113.7/32'],
      errors: [],
      duplicates: 2,
    });
  });

  it('accepts CRLF line endings and a byte-order mark', () => {
    expect(parseThreatList('\uFEFF192.0.2.1\r\n10.0.0.0/8\r\n').prefixes).toEqual(['192.0.2.1/32', '10.0.0.0/8']);
  });

  it('an empty or comment-only list has no prefixes and no errors', () => {
    expect(parseThreatList('')).toEqual({ prefixes: [], errors: [], duplicates: 0 });
    expect(parseThreatList('# nothing yet\n\n')).toEqual({ prefixes: [], errors: [], duplicates: 0 });
  });

  it('reports every invalid line with its 1-based number', () => {
    const list = parseThreatList(['192.0.2.1', 'example.com', '# fine', '10.0.0.1/8', '192.0.2.0/33', '2001:db8::/200', '1.2.3.4 5.6.7.8', '127.1', 'fe80::1%eth0'].join('\n'));
    expect(list.prefixes).toEqual(['192.0.2.1/32']);
    expect(list.errors.map((e) => [e.line, e.text])).toEqual([
      [2, 'example.com'],
      [4, '10.0.0.1/8'],
      [5, '192.0.2.0/33'],
      [6, '2001:db8::/200'],
      [7, '1.2.3.4 5.6.7.8'],
      [8, '127.1'],
      [9, 'fe80::1%eth0'],
    ]);
    expect(list.errors[1]?.reason).toContain('did you mean 10.0.0.0/8');
    expect(formatErrors(list.errors)).toContain('line 4: "10.0.0.1/8": host bits are set');
  });

  it('cuts a very long bad line in the report', () => {
    const list = parseThreatList('x'.repeat(500));
    expect(list.errors[0]?.text).toHaveLength(80);
  });
});

describe('converters', () => {
  const prefixes = ['192.0.2.1/32', '2001:db8:bad::/48'];

  it('toNodeBlocklist writes { prefix, action: BLOCK } entries', () => {
    expect(toNodeBlocklist(prefixes)).toEqual([
      { prefix: '192.0.2.1/32', action: 'BLOCK' },
      { prefix: '2001:db8:bad::/48', action: 'BLOCK' },
    ]);
  });

  it('toFastlyAclBatch writes the ACL batch-update body', () => {
    expect(toFastlyAclBatch(prefixes)).toEqual({
      entries: [
        { op: 'create', prefix: '192.0.2.1/32', action: 'BLOCK' },
        { op: 'create', prefix: '2001:db8:bad::/48', action: 'BLOCK' },
      ],
    });
  });

  it('the Node output loads into MemoryBlocklist and blocks what the feed lists', async () => {
    const list = new MemoryBlocklist(toNodeBlocklist(parseThreatList(FEED).prefixes));
    expect(await list.lookup('198.51.100.99')).toBe('198.51.100.0/24');
    expect(await list.lookup('::ffff:203.0.113.7')).toBe('203.0.113.7/32');
    expect(await list.lookup('2001:db8:bad:ffff::1')).toBe('2001:db8:bad::/48');
    expect(await list.lookup('192.0.2.2')).toBeNull();
  });
});

describe('parseArgs', () => {
  it.each<[string[], unknown]>([
    [['feed.txt'], { input: 'feed.txt', node: DEFAULT_NODE_OUT, fastly: DEFAULT_FASTLY_OUT }],
    [['feed.txt', '--node', 'a.json'], { input: 'feed.txt', node: 'a.json', fastly: DEFAULT_FASTLY_OUT }],
    [['--fastly', 'f.json', 'feed.txt', '--node', 'n.json'], { input: 'feed.txt', node: 'n.json', fastly: 'f.json' }],
    [[], { error: 'an input file is required' }],
    [['feed.txt', '--node'], { error: '--node needs a file path' }],
    [['feed.txt', '--node', '--fastly', 'x'], { error: '--node needs a file path' }],
    [['feed.txt', '--out', 'x'], { error: 'unknown option --out' }],
    [['a.txt', 'b.txt'], { error: 'unexpected argument b.txt' }],
    [['a.txt', '--node', 'same.json', '--fastly', 'same.json'], { error: '--node and --fastly must be different files' }],
  ])('%j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });
});

/** An in-memory file system and captured output. */
function memoryIo(files: Record<string, string>): ImportIo & { files: Record<string, string>; out: string; err: string } {
  const io = {
    files: { ...files },
    out: '',
    err: '',
    readFile(path: string): string {
      const text = io.files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return text;
    },
    writeFile(path: string, text: string): void {
      io.files[path] = text;
    },
    stdout(text: string): void {
      io.out += text;
    },
    stderr(text: string): void {
      io.err += text;
    },
  };
  return io;
}

describe('runImport', () => {
  it('writes both files and reports the count', () => {
    const io = memoryIo({ 'feed.txt': FEED });
    expect(runImport(['feed.txt', '--node', 'n.json', '--fastly', 'f.json'], io)).toBe(0);
    expect(JSON.parse(io.files['n.json'] ?? '')).toEqual(toNodeBlocklist(parseThreatList(FEED).prefixes));
    expect(JSON.parse(io.files['f.json'] ?? '')).toEqual(toFastlyAclBatch(parseThreatList(FEED).prefixes));
    expect(io.out).toContain('4 prefixes (2 duplicates dropped)');
    expect(io.err).toBe('');
  });

  it('writes to the default paths', () => {
    const io = memoryIo({ 'feed.txt': '192.0.2.1\n' });
    expect(runImport(['feed.txt'], io)).toBe(0);
    expect(Object.keys(io.files).sort()).toEqual([DEFAULT_FASTLY_OUT, DEFAULT_NODE_OUT, 'feed.txt'].sort());
  });

  it('refuses the whole import when a line is invalid, listing line numbers, writing nothing', () => {
    const io = memoryIo({ 'feed.txt': '192.0.2.1\nnot-an-ip\n10.0.0.1/8\n' });
    expect(runImport(['feed.txt'], io)).toBe(1);
    expect(Object.keys(io.files)).toEqual(['feed.txt']);
    expect(io.err).toContain('2 invalid lines; nothing was written');
    expect(io.err).toContain('line 2: "not-an-ip"');
    expect(io.err).toContain('line 3: "10.0.0.1/8"');
  });

  it('refuses an empty list (a failed download must not empty the blocklist)', () => {
    const io = memoryIo({ 'feed.txt': '# nothing\n' });
    expect(runImport(['feed.txt'], io)).toBe(1);
    expect(io.err).toContain('refusing to write an empty blocklist');
    expect(Object.keys(io.files)).toEqual(['feed.txt']);
  });

  it('usage errors and unreadable input exit 2', () => {
    const io = memoryIo({});
    expect(runImport([], io)).toBe(2);
    expect(io.err).toContain('usage: tsx scripts/import-threats.ts');
    const io2 = memoryIo({});
    expect(runImport(['missing.txt'], io2)).toBe(2);
    expect(io2.err).toContain('cannot read missing.txt');
  });
});
