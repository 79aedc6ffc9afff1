/**
 * The CORS decisions' helpers and constants, apart from the settings' zod schema (./config.ts):
 * every request uses these, and only validating a settings document loads zod
 * (edge/config-load.ts).
 */

/** The CORS settings as validated by ./config.ts's schema (CorsConfig), as these helpers read them. */
export interface CorsSettings {
  readonly any: readonly string[];
  readonly spaces: Readonly<Record<string, readonly string[]>>;
  readonly max_age: number;
}


/** A browser origin exactly as sent in the Origin header: scheme, host, optional port, nothing else. */
export function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === value;
  } catch {
    return false;
  }
}

/** The only methods the edge serves cross-origin (it is read-only; writes go to the origin API). */
export const CORS_ALLOW_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

/**
 * Request headers a cross-origin caller may send (lower case). `x-butter-client` is sent by the
 * ButterCMS JS SDK on every request (with `content-type: application/json`), so a browser using
 * that SDK preflights with it; refusing it would break the SDK in the browser.
 */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'if-none-match', 'x-request-id', 'x-butter-client'] as const;

/** Response headers a cross-origin caller may read besides the CORS-safelisted ones. */
export const CORS_EXPOSE_HEADERS = ['x-request-id', 'x-cache', 'age', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'] as const;

/** An origin list compiled for lookups: the listed origins, and whether `*` was listed. */
export interface OriginSet {
  origins: ReadonlySet<string>;
  wildcard: boolean;
}

/** A CorsConfig compiled once per config object. */
export interface CorsPolicy {
  /** Origins allowed for every space (and for responses not tied to a space). */
  any: OriginSet;
  /** Origins allowed per space id (`any` not merged in). */
  spaces: ReadonlyMap<string, OriginSet>;
  /** Every origin of every list: what a preflight (which carries no credentials, so no space) may pass. */
  preflight: OriginSet;
  maxAge: number;
}

function originSet(list: readonly string[]): OriginSet {
  return { origins: new Set(list.filter((o) => o !== '*')), wildcard: list.includes('*') };
}

export function compileCorsPolicy(config: CorsSettings): CorsPolicy {
  const spaces = new Map<string, OriginSet>();
  const all: string[] = [...config.any];
  for (const [spaceId, list] of Object.entries(config.spaces)) {
    spaces.set(spaceId, originSet(list));
    all.push(...list);
  }
  return { any: originSet(config.any), spaces, preflight: originSet(all), maxAge: config.max_age };
}

/**
 * The Access-Control-Allow-Origin value for `origin` under `sets`, or null when not allowed.
 * A listed origin is echoed; otherwise `*` (if listed) is answered as `*`. `origin` must
 * already be a well-formed origin (`isOrigin`): `null` and malformed values are never allowed,
 * not even under `*`.
 */
export function allowOrigin(origin: string, ...sets: readonly (OriginSet | undefined)[]): string | null {
  let wildcard = false;
  for (const set of sets) {
    if (!set) continue;
    if (set.origins.has(origin)) return origin;
    wildcard ||= set.wildcard;
  }
  return wildcard ? '*' : null;
}
