/**
 * CIDR lists (IPv4 and IPv6) parsed and matched with ipaddr.js — never by hand. An IPv4-mapped
 * IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports) is matched as its IPv4 address.
 * Shared (pure, no Node imports) so the edge can hold read keys to an allowlist too. Used by the
 * management IP allowlists (origin/governance/allowlist.ts) and by TRUSTED_PROXIES (origin/config.ts,
 * origin/http/client-address.ts).
 */
import ipaddr from 'ipaddr.js';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The most CIDRs one allowlist holds. */
export const MAX_CIDRS = 100;

function normalised(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress() ? addr.toIPv4Address() : addr;
}

/** One CIDR (`a.b.c.d/n`, `x::/n`; a bare address is /32 or /128), or null when it is not one. */
export function parseCidr(text: string): Cidr | null {
  const s = text.trim();
  if (s.length === 0 || s.length > 64) return null;
  try {
    if (s.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(s);
      return [addr, bits];
    }
    if (!ipaddr.isValid(s)) return null;
    const addr = normalised(ipaddr.parse(s));
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

/** The canonical text of a CIDR: its network address and prefix (`10.1.2.3/8` → `10.0.0.0/8`). */
export function formatCidr([addr, bits]: Cidr): string {
  const net = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
  return `${net.toString()}/${bits}`;
}

/** Parses a list: the canonical CIDRs, or the first entry that is not one. */
export function parseCidrList(list: readonly string[]): { ok: true; value: string[]; cidrs: Cidr[] } | { ok: false; bad: string } {
  const cidrs: Cidr[] = [];
  for (const item of list) {
    const c = parseCidr(item);
    if (!c) return { ok: false, bad: item };
    cidrs.push(c);
  }
  const value = [...new Set(cidrs.map(formatCidr))];
  return { ok: true, value, cidrs };
}

/** Whether `ip` falls inside one of `cidrs` (an unparsable address is inside none). */
export function addressIn(ip: string | null | undefined, cidrs: readonly Cidr[]): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  const addr = normalised(ipaddr.parse(ip));
  return cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}
