/**
 * Node twin of the Fastly ACL blocklist: CIDR entries (IPv4 and IPv6) held in memory, loaded
 * from a JSON file shaped like the ACL's entries: `[{ "prefix": "192.0.2.0/24", "action": "BLOCK" }]`.
 * Address parsing and prefix matching use ipaddr.js (no hand-rolled parsers).
 */
import ipaddr from 'ipaddr.js';
import type { IpBlocklist } from './port.js';

export interface BlocklistEntry {
  prefix: string;
  action: 'BLOCK' | 'ALLOW';
}

type Parsed = { range: [ipaddr.IPv4 | ipaddr.IPv6, number]; entry: BlocklistEntry };

export class MemoryBlocklist implements IpBlocklist {
  private entries: Parsed[] = [];

  constructor(entries: BlocklistEntry[] = []) {
    this.replace(entries);
  }

  /** Replaces every entry; throws on an invalid prefix (nothing changes then). */
  replace(entries: BlocklistEntry[]): void {
    const parsed: Parsed[] = entries.map((entry) => {
      const prefix = entry.prefix.includes('/') ? entry.prefix : `${entry.prefix}/${ipaddr.parse(entry.prefix).kind() === 'ipv4' ? 32 : 128}`;
      return { range: ipaddr.parseCIDR(prefix), entry };
    });
    // Longest prefix first, as an ACL matches.
    parsed.sort((a, b) => b.range[1] - a.range[1]);
    this.entries = parsed;
  }

  async lookup(ip: string): Promise<string | null> {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.process(ip);
    } catch {
      return null;
    }
    for (const { range, entry } of this.entries) {
      if (addr.kind() !== range[0].kind()) continue;
      if (addr.match(range)) return entry.action === 'BLOCK' ? entry.prefix : null;
    }
    return null;
  }
}
