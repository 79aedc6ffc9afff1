/**
 * The client address of a request, as every origin decision uses it (access log, rate limits,
 * security rules, management IP allowlists). Only two sources are believed besides the socket:
 *  - the edge's signed assertion (its clientIp; set by origin/http/api-key-auth.ts once the
 *    assertion verified);
 *  - X-Forwarded-For, but only when the socket peer is a configured trusted proxy
 *    (TRUSTED_PROXIES): the rightmost entry that is not itself a trusted proxy — each proxy
 *    appends the address it saw, so entries left of that one are the client's own claims.
 * X-Forwarded-For from anyone else is ignored.
 */
import ipaddr from 'ipaddr.js';
import { addressIn, parseCidrList, type Cidr } from '../../shared/cidr.js';

const MAX_HOPS = 20;

/** TRUSTED_PROXIES as CIDRs (config validated them already). */
export function trustedProxies(spec: string | undefined): Cidr[] {
  if (!spec) return [];
  const r = parseCidrList(spec.split(',').map((s) => s.trim()).filter(Boolean));
  return r.ok ? r.cidrs : [];
}

/** The client address: the socket's, or X-Forwarded-For's as told by a trusted proxy. */
export function clientAddress(socket: string, forwardedFor: string | undefined, trusted: readonly Cidr[]): string {
  if (trusted.length === 0 || !forwardedFor || !addressIn(socket, trusted)) return socket;
  const hops = forwardedFor.split(',').slice(-MAX_HOPS).map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!ipaddr.isValid(hop)) return socket; // garbage from a trusted chain: believe only the socket
    if (!addressIn(hop, trusted)) return ipaddr.process(hop).toString();
  }
  return socket;
}
