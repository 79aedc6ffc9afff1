/**
 * Node twin of the Fastly ACL blocklist: CIDR entries (IPv4 and IPv6) held in memory, loaded
 * from a JSON file shaped like the ACL's entries: `[{ "prefix": "192.0.2.0/24", "action": "BLOCK" }]`
 * (the ACL API / Viceroy batch shape `{ "entries": [{ "op": "create", … }] }` is accepted too).
 * Address parsing and prefix matching use ipaddr.js (no hand-rolled parsers).
 *
 * Matching follows the Fastly ACL (and Viceroy): the longest matching prefix decides, the last
 * entry wins a tie, and an ALLOW entry carves an exception out of a shorter BLOCK prefix.
 * Node-only (reads files); the Fastly platform uses the real ACL.
 */
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import type { IpBlocklist } from '../port.js';

export interface BlocklistEntry {
  prefix: string;
  action: 'BLOCK' | 'ALLOW';
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export type ParsedPrefix =
  | { ok: true; /** Canonical `network/length`, as the ACL reports it. */ prefix: string; range: [Address, number] }
  | { ok: false; reason: string };

const MASK = /^\d{1,3}$/;

/**
 * Parses an IP address or CIDR prefix the way a Fastly ACL entry takes it: IPv4 in four
 * decimal parts or IPv6 (no zone id), an optional length of 1–32 / 1–128 (a bare address is a
 * /32 or /128). An IPv4-mapped IPv6 prefix (`::ffff:192.0.2.0/120`) becomes the IPv4 prefix it
 * names, since IPv4 clients reach the edge with IPv4 addresses.
 *
 * Host bits after the prefix (`10.0.0.1/8`) are masked off, as the ACL does; with `strict` they
 * are refused instead — in a threat list they are almost always a typo for a /32.
 */
export function parsePrefix(text: string, opts: { strict?: boolean } = {}): ParsedPrefix {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addrText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const maskText = slash === -1 ? undefined : trimmed.slice(slash + 1);
  let addr: Address;
  if (addrText.includes(':')) {
    if (addrText.includes('%') || !ipaddr.IPv6.isValid(addrText)) return { ok: false, reason: `"${addrText}" is not an IPv6 address` };
    addr = ipaddr.IPv6.parse(addrText);
  } else {
    if (!ipaddr.IPv4.isValidFourPartDecimal(addrText)) return { ok: false, reason: `"${addrText}" is not an IPv4 address (four decimal parts)` };
    addr = ipaddr.IPv4.parse(addrText);
  }
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  let bits = max;
  if (maskText !== undefined) {
    bits = MASK.test(maskText) ? Number(maskText) : NaN;
    if (!(bits >= 1 && bits <= max)) return { ok: false, reason: `prefix length "/${maskText}" is not between 1 and ${max}` };
  }
  if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress() && bits >= 96) {
    if (bits === 96) return { ok: false, reason: 'an IPv4-mapped /96 would cover every IPv4 address' };
    addr = addr.toIPv4Address();
    bits -= 96;
  }
  const cidr = `${addr.toString()}/${bits}`;
  const network = addr instanceof ipaddr.IPv4 ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  if (opts.strict && network.toNormalizedString() !== addr.toNormalizedString()) {
    return { ok: false, reason: `host bits are set after /${bits} (did you mean ${network.toString()}/${bits}, or a single address?)` };
  }
  return { ok: true, prefix: `${network.toString()}/${bits}`, range: [network, bits] };
}

interface Parsed {
  range: [Address, number];
  prefix: string;
  action: BlocklistEntry['action'];
  index: number;
}

export class MemoryBlocklist implements IpBlocklist {
  private entries: Parsed[] = [];

  constructor(entries: BlocklistEntry[] = []) {
    this.replace(entries);
  }

  /** Loads a blocklist JSON file; throws an Error naming the file and the bad entry. */
  static fromFile(path: string): MemoryBlocklist {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? String(err.code) : String(err);
      throw new Error(`blocklist file ${path}: cannot be read (${code})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text) as unknown;
    } catch {
      throw new Error(`blocklist file ${path}: not valid JSON`);
    }
    const list = Array.isArray(data) ? data : isRecord(data) && Array.isArray(data.entries) ? data.entries : null;
    if (!list) throw new Error(`blocklist file ${path}: must be a JSON array of { "prefix", "action" } entries (or { "entries": [...] })`);
    try {
      return new MemoryBlocklist(list.map(toEntry));
    } catch (err) {
      throw new Error(`blocklist file ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.length;
  }

  /** Replaces every entry; throws on an invalid entry (nothing changes then). */
  replace(entries: readonly BlocklistEntry[]): void {
    const parsed = entries.map((entry, index): Parsed => {
      const where = `blocklist entry ${index + 1}`;
      const raw: unknown = entry;
      if (!isRecord(raw) || typeof raw.prefix !== 'string') throw new Error(`${where}: needs a "prefix" string`);
      const action = typeof raw.action === 'string' ? raw.action.toUpperCase() : raw.action;
      if (action !== 'BLOCK' && action !== 'ALLOW') throw new Error(`${where} (${raw.prefix}): "action" must be "BLOCK" or "ALLOW"`);
      const p = parsePrefix(raw.prefix);
      if (!p.ok) throw new Error(`${where}: ${p.reason}`);
      return { range: p.range, prefix: p.prefix, action, index };
    });
    // Longest prefix first; among equal lengths the later entry first (it wins a tie).
    parsed.sort((a, b) => b.range[1] - a.range[1] || b.index - a.index);
    this.entries = parsed;
  }

  /** The canonical BLOCK prefix deciding for `ip`, or null (not listed, carved out by ALLOW, or not an address). */
  async lookup(ip: string): Promise<string | null> {
    if (this.entries.length === 0) return null;
    let addr: Address;
    try {
      addr = ipaddr.process(ip.trim()); // IPv4-mapped IPv6 → IPv4
    } catch {
      return null;
    }
    for (const { range, prefix, action } of this.entries) {
      if (addr.kind() !== range[0].kind()) continue;
      if (addr.match(range)) return action === 'BLOCK' ? prefix : null;
    }
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toEntry(value: unknown, index: number): BlocklistEntry {
  if (!isRecord(value)) throw new Error(`blocklist entry ${index + 1}: must be an object`);
  if (value.op !== undefined && value.op !== 'create' && value.op !== 'update') {
    throw new Error(`blocklist entry ${index + 1}: "op" must be "create" or "update" (a file holds the whole list)`);
  }
  return value as unknown as BlocklistEntry; // prefix and action are checked by replace()
}
