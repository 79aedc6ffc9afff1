/**
 * SSRF guard for outgoing requests to URLs a tenant gave ghee (webhooks, an OIDC issuer, SAML
 * metadata): decides whether ghee may connect there.
 *
 * A target is allowed only when
 *  - the scheme is https (http only with `allowLoopback` and every resolved address on loopback,
 *    for tests and local development);
 *  - the URL carries no credentials (`user:pass@`);
 *  - the host — an IP literal, or every address DNS answers for the name — is ordinary public
 *    unicast. Refused: private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback (127/8, ::1;
 *    allowed only with `allowLoopback`), link-local (169.254/16 including the cloud metadata
 *    address 169.254.169.254, fe80::/10), unspecified, multicast, broadcast, CGNAT 100.64/10,
 *    reserved/documentation/benchmark ranges, IPv4-mapped IPv6 forms of all of these, and the
 *    IPv6 transition ranges that embed an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible),
 *    which could otherwise smuggle a private IPv4 address past the check.
 *
 * Threat-listed addresses (the imported threat list, origin/ops/security/threats.ts) are refused
 * too, whatever their range, and the refusal raises a security event.
 *
 * If ANY resolved address is refused the target is refused: a name answering one public and
 * one private address must not be reachable by luck of the resolver's order.
 *
 * Numeric host tricks (`http://2130706433/`, `http://0x7f.1/`, `http://017700000001/`) are
 * normalised to dotted-quad by the WHATWG URL parser before any check, so they are judged as
 * the address they really are. Classification uses ipaddr.js `range()` (no hand-rolled
 * parsing).
 *
 * DNS rebinding: this function returns the vetted `addresses`; the webhook worker checks again
 * at send time and connects to exactly those addresses (origin/outbox/webhook-worker.ts pins them
 * with a custom `lookup` on the node:http(s) request), so a second, different DNS answer
 * between check and connect is never used.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { publish, THREAT_OUTBOUND_CHANNEL } from '../http/signals.js';

export type HostLookup = (host: string) => Promise<string[]>;

export interface TargetCheckOptions {
  allowLoopback: boolean;
  /** Resolves a host name to addresses; defaults to the system resolver (all addresses). */
  lookup?: HostLookup;
}

export type TargetCheck = { ok: true; url: URL; addresses: string[] } | { ok: false; reason: string };

export const MAX_WEBHOOK_URL_LENGTH = 2048;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** The system resolver, every address (A and AAAA), in the resolver's order. */
export const systemLookup: HostLookup = async (host) => {
  const answers = await dnsLookup(host, { all: true, verbatim: true });
  return answers.map((a) => a.address);
};

/**
 * IPv6 prefixes refused in addition to ipaddr.js's special ranges: the IPv4-compatible block
 * `::/96` (deprecated; `::7f00:1` spells 127.0.0.1) and the rest of the IETF-reserved `::/8`.
 */
const EXTRA_REFUSED_V6: Array<[ipaddr.IPv6, number]> = [ipaddr.IPv6.parseCIDR('::/8')];

/** Human words for ipaddr.js range names (reasons end up in API errors and the delivery log). */
const RANGE_WORDS: Record<string, string> = {
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  carrierGradeNat: 'a carrier-grade NAT address',
  reserved: 'a reserved address',
  benchmarking: 'a benchmarking address',
  amt: 'an AMT relay address',
  as112: 'an AS112 address',
  as112v6: 'an AS112 address',
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
  orchid2: 'an ORCHID address',
  droneRemoteIdProtocolEntityTags: 'a reserved address',
  deprecatedSiteLocal: 'a site-local address',
  deprecatedOrchid: 'an ORCHID address',
  discard: 'a discard-only address',
  segmentRouting: 'a segment-routing address',
  ipv4Compatible: 'an IPv4-compatible IPv6 address',
};

/** Parses one address as DNS or a URL host gives it: dotted-quad IPv4 or IPv6 without a zone. */
export function parseAddress(text: string): Address | null {
  if (text.includes(':')) {
    if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
    const v6 = ipaddr.IPv6.parse(text);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : null;
}

/** The ipaddr.js range name of an address, with the extra IPv6 refusals folded in. */
export function addressRange(addr: Address): string {
  const range = addr.range();
  if (range === 'unicast' && addr instanceof ipaddr.IPv6 && EXTRA_REFUSED_V6.some(([net, bits]) => addr.match(net, bits))) {
    return 'ipv4Compatible';
  }
  return range;
}

/**
 * Whether one address may be connected to: public unicast always, loopback only with
 * `allowLoopback`. Everything else is refused.
 */
export function isAllowedAddress(addr: Address, allowLoopback: boolean): boolean {
  const range = addressRange(addr);
  return range === 'unicast' || (allowLoopback && range === 'loopback');
}

/** The matching threat-list prefix of an address, or null (origin/ops/security keeps the list). */
export type ThreatLookup = (address: string) => string | null;

let threatLookup: ThreatLookup | null = null;

/**
 * Sets (null: clears) the process's threat list: a target any of whose addresses it lists is
 * refused like a private one, and the refusal is published on THREAT_OUTBOUND_CHANNEL
 * (`{ host, prefix }`, never the URL's path or query) for the rules engine.
 */
export function setThreatLookup(lookup: ThreatLookup | null): void {
  threatLookup = lookup;
}

export const THREAT_LISTED_REASON = 'target resolves to a threat-listed address';

function refuse(reason: string): TargetCheck {
  return { ok: false, reason };
}

/** Vets a webhook target URL, resolving its host. Never throws. */
export async function checkOutboundTarget(url: string, opts: TargetCheckOptions): Promise<TargetCheck> {
  if (typeof url !== 'string' || url.length === 0) return refuse('URL is required');
  if (url.length > MAX_WEBHOOK_URL_LENGTH) return refuse(`URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('not a valid absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return refuse('URL must use https');
  if (parsed.protocol === 'http:' && !opts.allowLoopback) return refuse('URL must use https');
  if (parsed.username !== '' || parsed.password !== '') return refuse('URL must not contain credentials');
  if (parsed.port === '0') return refuse('port 0 is not a valid target port');

  const host = parsed.hostname;
  if (host === '') return refuse('URL has no host');

  let addressTexts: string[];
  if (host.startsWith('[') && host.endsWith(']')) {
    addressTexts = [host.slice(1, -1)];
  } else if (ipaddr.IPv4.isValidFourPartDecimal(host)) {
    addressTexts = [host];
  } else if (ipaddr.IPv4.isValid(host)) {
    // The URL parser normalises numeric hosts; anything still numeric-looking is refused.
    return refuse('numeric host is not a canonical IPv4 address');
  } else {
    try {
      addressTexts = await (opts.lookup ?? systemLookup)(host);
    } catch {
      return refuse('host name did not resolve');
    }
    if (addressTexts.length === 0) return refuse('host name did not resolve');
  }

  const addresses: string[] = [];
  let allLoopback = true;
  for (const text of addressTexts) {
    const addr = parseAddress(text);
    if (!addr) return refuse('host resolved to an unparseable address');
    const range = addressRange(addr);
    if (!isAllowedAddress(addr, opts.allowLoopback)) {
      return refuse(`target resolves to ${RANGE_WORDS[range] ?? 'a non-public address'}`);
    }
    if (range !== 'loopback') allLoopback = false;
    const canonical = addr.toString();
    const listed = threatLookup?.(canonical) ?? null;
    if (listed !== null) {
      publish(THREAT_OUTBOUND_CHANNEL, { host, prefix: listed });
      return refuse(THREAT_LISTED_REASON);
    }
    if (!addresses.includes(canonical)) addresses.push(canonical);
  }
  if (parsed.protocol === 'http:' && !allLoopback) return refuse('URL must use https');
  return { ok: true, url: parsed, addresses };
}
