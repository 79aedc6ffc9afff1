/**
 * Imports a threat list into the edge IP blocklist.
 *
 *   tsx scripts/import-threats.ts <input> [--node data/blocklist.json] [--fastly data/blocklist.fastly.json]
 *
 * The input has one IPv4/IPv6 address or CIDR prefix per line; `#` starts a comment (whole line
 * or after an entry) and blank lines are ignored. Two files are written:
 *   --node    the Node blocklist, `[{ "prefix", "action": "BLOCK" }]`, read by
 *             MemoryBlocklist.fromFile (default data/blocklist.json);
 *   --fastly  a Fastly Compute ACL batch, `{ "entries": [{ "op": "create", "prefix", "action": "BLOCK" }] }`,
 *             for `fastly compute acl update --acl-id <ghee_blocklist id> --file <it>` or the ACL
 *             API's PATCH …/entries (default data/blocklist.fastly.json). Viceroy reads the same shape
 *             from `[local_server.acls]`.
 *
 * Any invalid line (a bad address, a prefix length out of range, host bits set after the prefix
 * length — usually a typo that would block a whole network) refuses the import: every bad line is
 * listed with its number and nothing is written. An empty list is refused too (a failed download
 * must not empty the blocklist). Duplicates, after canonicalisation, are dropped.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parsePrefix, type BlocklistEntry } from '../edge/platform/memory/blocklist.js';

export const DEFAULT_NODE_OUT = 'data/blocklist.json';
export const DEFAULT_FASTLY_OUT = 'data/blocklist.fastly.json';

export interface ThreatLineError {
  /** 1-based line number in the input. */
  line: number;
  /** The entry as written (comment removed, trimmed, cut to 80 characters). */
  text: string;
  reason: string;
}

export interface ThreatList {
  /** Canonical prefixes (`network/length`), in input order, without duplicates. */
  prefixes: string[];
  errors: ThreatLineError[];
  /** Entries dropped because an earlier line named the same prefix. */
  duplicates: number;
}

export interface FastlyAclBatch {
  entries: { op: 'create'; prefix: string; action: 'BLOCK' }[];
}

/** Parses a threat list; never throws (bad lines are returned in `errors`). */
export function parseThreatList(text: string): ThreatList {
  const prefixes: string[] = [];
  const seen = new Set<string>();
  const errors: ThreatLineError[] = [];
  let duplicates = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((rawLine, i) => {
    const comment = rawLine.indexOf('#');
    const entry = (comment === -1 ? rawLine : rawLine.slice(0, comment)).trim();
    if (entry === '') return;
    const parsed = parsePrefix(entry, { strict: true });
    if (!parsed.ok) {
      errors.push({ line: i + 1, text: entry.slice(0, 80), reason: parsed.reason });
      return;
    }
    if (seen.has(parsed.prefix)) {
      duplicates++;
      return;
    }
    seen.add(parsed.prefix);
    prefixes.push(parsed.prefix);
  });
  return { prefixes, errors, duplicates };
}

/** The Node blocklist file's content (MemoryBlocklist.fromFile). */
export function toNodeBlocklist(prefixes: readonly string[]): BlocklistEntry[] {
  return prefixes.map((prefix) => ({ prefix, action: 'BLOCK' }));
}

/** The Fastly Compute ACL batch-update body (`fastly compute acl update --file`, Viceroy acls). */
export function toFastlyAclBatch(prefixes: readonly string[]): FastlyAclBatch {
  return { entries: prefixes.map((prefix) => ({ op: 'create', prefix, action: 'BLOCK' })) };
}

export function formatErrors(errors: readonly ThreatLineError[]): string {
  return errors.map((e) => `  line ${e.line}: ${JSON.stringify(e.text)}: ${e.reason}`).join('\n');
}

export interface ImportArgs {
  input: string;
  node: string;
  fastly: string;
}

export const USAGE = 'usage: tsx scripts/import-threats.ts <input> [--node out.json] [--fastly out.json]';

export function parseArgs(argv: readonly string[]): ImportArgs | { error: string } {
  let input: string | undefined;
  let node = DEFAULT_NODE_OUT;
  let fastly = DEFAULT_FASTLY_OUT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--node' || arg === '--fastly') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) return { error: `${arg} needs a file path` };
      if (arg === '--node') node = value;
      else fastly = value;
      i++;
    } else if (arg.startsWith('--')) {
      return { error: `unknown option ${arg}` };
    } else if (input === undefined) {
      input = arg;
    } else {
      return { error: `unexpected argument ${arg}` };
    }
  }
  if (input === undefined) return { error: 'an input file is required' };
  if (resolve(node) === resolve(fastly)) return { error: '--node and --fastly must be different files' };
  return { input, node, fastly };
}

/** File system and output, injectable so the command can be tested without touching disk. */
export interface ImportIo {
  readFile(path: string): string;
  writeFile(path: string, text: string): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

const nodeIo: ImportIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  writeFile: (path, text) => {
    // Write beside the target and rename, so a reader never sees half a file.
    mkdirSync(dirname(resolve(path)), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  },
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs the command; returns the exit code (0 written, 1 refused input, 2 usage or I/O error). */
export function runImport(argv: readonly string[], io: ImportIo = nodeIo): number {
  const args = parseArgs(argv);
  if ('error' in args) {
    io.stderr(`import-threats: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = io.readFile(args.input);
  } catch (err) {
    io.stderr(`import-threats: cannot read ${args.input}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const list = parseThreatList(text);
  if (list.errors.length > 0) {
    const n = list.errors.length;
    io.stderr(`import-threats: ${args.input}: ${n} invalid line${n === 1 ? '' : 's'}; nothing was written.\n${formatErrors(list.errors)}\n`);
    return 1;
  }
  if (list.prefixes.length === 0) {
    io.stderr(`import-threats: ${args.input} lists no addresses; refusing to write an empty blocklist.\n`);
    return 1;
  }
  try {
    io.writeFile(args.node, `${JSON.stringify(toNodeBlocklist(list.prefixes), null, 2)}\n`);
    io.writeFile(args.fastly, `${JSON.stringify(toFastlyAclBatch(list.prefixes), null, 2)}\n`);
  } catch (err) {
    io.stderr(`import-threats: cannot write output: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const dropped = list.duplicates > 0 ? ` (${list.duplicates} duplicate${list.duplicates === 1 ? '' : 's'} dropped)` : '';
  io.stdout(
    `import-threats: ${list.prefixes.length} prefix${list.prefixes.length === 1 ? '' : 'es'}${dropped}\n` +
      `  node:   ${args.node}\n` +
      `  fastly: ${args.fastly}  (fastly compute acl update --acl-id <ghee_blocklist id> --file ${args.fastly})\n`,
  );
  return 0;
}

const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(resolve(invoked)).href) {
  process.exitCode = runImport(process.argv.slice(2));
}
