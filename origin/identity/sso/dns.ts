/**
 * TXT lookups for domain verification, through node:dns with configurable servers
 * (SSO_DNS_SERVERS; unset: the system's resolvers). A missing name or record is an empty answer,
 * not an error; a resolver failure (timeout, refused) throws, so the caller can say "try again".
 */
import { Resolver } from 'node:dns/promises';

/** The TXT strings at a name (each record's chunks joined, as RFC 7208 §3.3 reads them). */
export type TxtLookup = (name: string) => Promise<string[]>;

const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

export function txtLookup(servers?: readonly string[], timeoutMs = 3000): TxtLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers && servers.length > 0) resolver.setServers([...servers]);
  return async (name) => {
    try {
      const records = await resolver.resolveTxt(name);
      return records.map((chunks) => chunks.join(''));
    } catch (err) {
      if (ABSENT.has((err as NodeJS.ErrnoException).code ?? '')) return [];
      throw err;
    }
  };
}

/** Parses SSO_DNS_SERVERS (`ip[:port][,…]`). */
export function dnsServersFrom(setting: string | undefined): string[] | undefined {
  if (!setting) return undefined;
  return setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
