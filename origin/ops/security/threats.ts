/**
 * The threat list, inbound and outbound.
 *
 * `syncThreatList` (run by the periodic job, jobs.ts, every THREAT_SYNC_INTERVAL_MS) reads the
 * list (THREAT_LIST_URL or THREAT_LIST_FILE: one IPv4/IPv6 address or CIDR prefix per line, `#`
 * comments), refuses a list with an invalid line or no entries (a failed download never empties
 * the blocklist), then:
 *  - installs it in this process: the SSRF guard (origin/net/ssrf.ts) refuses webhook targets and
 *    IdP metadata/discovery URLs resolving to a listed address, and `lookup` flags requests;
 *  - writes the Node edge twin's blocklist file (EDGE_BLOCKLIST_FILE, `[{prefix, action}]`,
 *    MemoryBlocklist's format) atomically;
 *  - syncs the Fastly Compute ACL the edge reads (`ghee_blocklist`; FASTLY_ACL_ID) through the
 *    Fastly API: lists the ACL's entries (GET /resources/acls/{id}/entries, cursor pages), diffs
 *    them against the list and sends only the difference as batch updates
 *    (PATCH /resources/acls/{id}/entries, ≤ 1000 operations per call: create / delete);
 *  - writes one audit row (`threats.sync`, global chain) with the counts added and removed.
 * (Compute ACLs — what `fastly:acl` reads — are managed under /resources/acls; the VCL-service
 * ACL API under /service/{id}/acl/… manages a different kind of ACL.)
 */
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import ipaddr from 'ipaddr.js';
import type { Db } from '../../db/client.js';
import { commitAccountWrite } from '../../outbox/index.js';

export interface ParsedThreatList {
  prefixes: string[];
  errors: { line: number; reason: string }[];
}

/** Parses a threat list (strict: host bits after the prefix length are an error, usually a typo). */
export function parseThreats(text: string): ParsedThreatList {
  const prefixes: string[] = [];
  const seen = new Set<string>();
  const errors: { line: number; reason: string }[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const hash = raw.indexOf('#');
      const entry = (hash === -1 ? raw : raw.slice(0, hash)).trim();
      if (entry === '') return;
      const canonical = canonicalPrefix(entry);
      if (typeof canonical !== 'string') {
        errors.push({ line: i + 1, reason: canonical.reason });
        return;
      }
      if (!seen.has(canonical)) {
        seen.add(canonical);
        prefixes.push(canonical);
      }
    });
  return { prefixes, errors };
}

function canonicalPrefix(entry: string): string | { reason: string } {
  const slash = entry.indexOf('/');
  const addrText = slash === -1 ? entry : entry.slice(0, slash);
  if (addrText.includes('%') || !(ipaddr.IPv4.isValidFourPartDecimal(addrText) || ipaddr.IPv6.isValid(addrText))) return { reason: 'not an IP address' };
  let addr = ipaddr.parse(addrText);
  let bits = addr.kind() === 'ipv4' ? 32 : 128;
  if (slash !== -1) {
    const lenText = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > bits) return { reason: 'prefix length out of range' };
    bits = Number(lenText);
  }
  if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress()) {
    addr = addr.toIPv4Address();
    bits = Math.max(0, bits - 96);
  }
  const net = maskTo(addr, bits);
  if (net !== addr.toString()) return { reason: `host bits are set (did you mean ${net}/${bits}?)` };
  return `${net}/${bits}`;
}

function maskTo(addr: ipaddr.IPv4 | ipaddr.IPv6, bits: number): string {
  const bytes = addr.toByteArray();
  const masked = bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return keep === 8 ? b : b & ((0xff << (8 - keep)) & 0xff);
  });
  return ipaddr.fromByteArray(masked).toString();
}

/** Matches addresses against the list: one set per prefix length present, so a lookup is ≤ 33 (or 129) set probes. */
export class ThreatMatcher {
  readonly #byLength = new Map<number, Set<string>>();
  readonly size: number;

  constructor(readonly prefixes: readonly string[]) {
    for (const p of prefixes) {
      const [net, len] = p.split('/') as [string, string];
      // One key space for both families: IPv6 lengths offset by 1000.
      const bits = Number(len) + (ipaddr.parse(net).kind() === 'ipv6' ? 1000 : 0);
      let set = this.#byLength.get(bits);
      if (!set) this.#byLength.set(bits, (set = new Set()));
      set.add(net);
    }
    this.size = prefixes.length;
  }

  /** The listed prefix containing `ip`, or null. */
  lookup(ip: string): string | null {
    if (!ipaddr.isValid(ip)) return null;
    let addr = ipaddr.parse(ip);
    if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress()) addr = addr.toIPv4Address();
    const v6 = addr.kind() === 'ipv6';
    for (const [key, set] of this.#byLength) {
      if (v6 !== key >= 1000) continue;
      const bits = v6 ? key - 1000 : key;
      const net = maskTo(addr, bits);
      if (set.has(net)) return `${net}/${bits}`;
    }
    return null;
  }
}

export interface FastlyAclTarget {
  apiUrl: string;
  token: string;
  aclId: string;
}

export interface ThreatSyncOptions {
  db: Db;
  /** Reads the list's text (a file or a URL). */
  read: () => Promise<string>;
  /** Installs the parsed list in this process (SSRF guard, request checks). */
  install: (matcher: ThreatMatcher) => void;
  nodeBlocklistFile?: string;
  fastly?: FastlyAclTarget;
  fetch?: typeof fetch;
}

export interface ThreatSyncResult {
  ok: boolean;
  total: number;
  /** Fastly ACL changes (null: no Fastly target). */
  fastly: { added: number; removed: number; calls: number } | null;
  error?: string;
}

export const FASTLY_ACL_BATCH = 1000;

/** Reads the list from a URL (https, or any scheme the operator chose in THREAT_LIST_URL) or a file. */
export function threatListReader(source: { url?: string | undefined; file?: string | undefined }, f: typeof fetch = fetch): (() => Promise<string>) | null {
  if (source.url) {
    const url = source.url;
    return async () => {
      const res = await f(url, { signal: AbortSignal.timeout(30_000) });
      if (!res.ok) throw new Error(`threat list download answered ${res.status}`);
      return res.text();
    };
  }
  if (source.file) {
    const file = source.file;
    return () => readFile(file, 'utf8');
  }
  return null;
}

async function currentAcl(t: FastlyAclTarget, f: typeof fetch): Promise<Set<string>> {
  const out = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const url = new URL(`/resources/acls/${encodeURIComponent(t.aclId)}/entries`, t.apiUrl);
    url.searchParams.set('limit', '1000');
    if (cursor) url.searchParams.set('cursor', cursor);
    const res = await f(url, { headers: { 'Fastly-Key': t.token, accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`Fastly ACL list answered ${res.status}`);
    const body = (await res.json()) as { entries?: { prefix?: string }[]; meta?: { next_cursor?: string | null } };
    for (const e of body.entries ?? []) if (typeof e.prefix === 'string') out.add(canonicalOrSelf(e.prefix));
    cursor = body.meta?.next_cursor || null;
    if (!cursor) break;
  }
  return out;
}

function canonicalOrSelf(p: string): string {
  const c = canonicalPrefix(p);
  return typeof c === 'string' ? c : p;
}

/** Sends the difference between the ACL and `prefixes`; returns the counts. */
export async function syncFastlyAcl(t: FastlyAclTarget, prefixes: readonly string[], f: typeof fetch = fetch): Promise<{ added: number; removed: number; calls: number }> {
  const current = await currentAcl(t, f);
  const desired = new Set(prefixes);
  const ops: { op: 'create' | 'delete'; prefix: string; action?: 'BLOCK' }[] = [];
  for (const p of desired) if (!current.has(p)) ops.push({ op: 'create', prefix: p, action: 'BLOCK' });
  for (const p of current) if (!desired.has(p)) ops.push({ op: 'delete', prefix: p });
  let calls = 0;
  for (let i = 0; i < ops.length; i += FASTLY_ACL_BATCH) {
    const res = await f(new URL(`/resources/acls/${encodeURIComponent(t.aclId)}/entries`, t.apiUrl), {
      method: 'PATCH',
      headers: { 'Fastly-Key': t.token, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ entries: ops.slice(i, i + FASTLY_ACL_BATCH) }),
      signal: AbortSignal.timeout(30_000),
    });
    calls++;
    if (!res.ok) throw new Error(`Fastly ACL update answered ${res.status} after ${i} of ${ops.length} changes`);
  }
  return { added: ops.filter((o) => o.op === 'create').length, removed: ops.filter((o) => o.op === 'delete').length, calls };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** One sync run: read, validate, install, write the Node blocklist, diff into Fastly, audit. */
export async function syncThreatList(o: ThreatSyncOptions): Promise<ThreatSyncResult> {
  const f = o.fetch ?? fetch;
  let result: ThreatSyncResult;
  try {
    const list = parseThreats(await o.read());
    if (list.errors.length > 0) throw new Error(`threat list refused: ${list.errors.length} invalid line(s), first at line ${list.errors[0]!.line}: ${list.errors[0]!.reason}`);
    if (list.prefixes.length === 0) throw new Error('threat list refused: it lists no addresses (a failed download must not empty the blocklist)');
    o.install(new ThreatMatcher(list.prefixes));
    if (o.nodeBlocklistFile) await writeAtomically(o.nodeBlocklistFile, `${JSON.stringify(list.prefixes.map((prefix) => ({ prefix, action: 'BLOCK' })), null, 2)}\n`);
    const fastly = o.fastly ? await syncFastlyAcl(o.fastly, list.prefixes, f) : null;
    result = { ok: true, total: list.prefixes.length, fastly };
  } catch (err) {
    result = { ok: false, total: 0, fastly: null, error: err instanceof Error ? err.message : String(err) };
  }
  await commitAccountWrite(o.db, { userId: null, keyId: null, system: 'operator' }, async (w) => {
    const entry = {
      action: 'threats.sync',
      target: { type: 'threat_list', id: null },
      metadata: { total: result.total, fastly_added: result.fastly?.added ?? null, fastly_removed: result.fastly?.removed ?? null, node_file: o.nodeBlocklistFile ? true : false, ...(result.error ? { error: result.error.slice(0, 300) } : {}) },
    };
    if (result.ok) {
      w.audit(entry);
      return { ok: true as const };
    }
    w.refused(entry);
    return { ok: false as const };
  });
  return result;
}
