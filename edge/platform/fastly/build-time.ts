/**
 * The Platform the build-time warm-up (edge/warmup.ts) runs the hit path over. Top-level code
 * runs under Wizer, before any request, where no Fastly hostcall (Core Cache, ERL, ACL, stores)
 * can be made; the warm-up still wants the code a real hit runs compiled and its lazy state
 * built. So items are held exactly as the Fastly adapter stores them in Core Cache — the user
 * metadata of ./meta.ts (itemMetadata) — and read back with its own decoding (freshHitOf), at
 * a fixed clock; counters count nothing (every rate 0, no penalty box); the blocklist blocks
 * nothing; settings and the secret are the records given; the origin is unreachable; log lines
 * are rendered and dropped.
 *
 * Deliberately not the in-memory twins (edge/platform/memory/): they are Node's platform for
 * tests and `npm start` and stay out of the Fastly bundle (scripts/edge-bundle.test.ts).
 */
import type { CacheTransaction, CachedObject, EdgeCache, FreshHit, Platform, RateCounters } from '../port.js';
import { freshHitOf, itemMetadata } from './meta.js';

const noStream = (): ReadableStream<Uint8Array> => {
  throw new Error('build-time items are inline');
};

/** Core Cache at build time: items as the adapter stores them, always fresh (the clock stands still), never purged. */
class BuildTimeCache implements EdgeCache {
  private readonly items = new Map<string, ArrayBuffer>();

  store(key: string, object: CachedObject): void {
    const { userMetadata, inline } = itemMetadata(object, 0);
    if (!inline) throw new RangeError('build-time items must be small enough to travel in the metadata');
    this.items.set(key, userMetadata.buffer as ArrayBuffer);
  }

  lookupFresh(key: string): FreshHit | null {
    const metadata = this.items.get(key);
    return metadata === undefined ? null : freshHitOf(metadata, () => 0, noStream);
  }

  async transaction(key: string): Promise<CacheTransaction> {
    const fresh = this.lookupFresh(key);
    const mustInsert = fresh === null;
    return {
      hit: fresh && { object: { ...fresh.object }, age: fresh.age, stale: false, errorOnly: false },
      mustInsert,
      insert: async (object) => {
        if (!mustInsert) throw new Error('cache insert without an obligation');
        this.store(key, object);
      },
      cancel: () => {},
    };
  }

  async purgeSurrogateKey(): Promise<void> {}
}

const nothingCounted: RateCounters = {
  increment: () => {},
  rate: () => 0,
  count: () => 0,
  inPenaltyBox: () => false,
  addToPenaltyBox: () => {},
};

export type BuildTimePlatform = Platform & { cache: BuildTimeCache };

export function createBuildTimePlatform(opts: { settings: Readonly<Record<string, string>>; secret: string; now: number }): BuildTimePlatform {
  const { settings, secret, now } = opts;
  return {
    name: 'fastly',
    cache: new BuildTimeCache(),
    blocklist: { lookup: async () => null },
    rates: nothingCounted,
    config: (name) => settings[name],
    secret: async () => secret,
    fetchOrigin: async () => {
      throw new Error('no origin at build time');
    },
    log: (level, message, fields) => void JSON.stringify({ time: new Date(now).toISOString(), level, service: 'ghee-edge', msg: message, ...fields }),
    request: (record) => void JSON.stringify(record),
    now: () => now,
    vCpuMs: () => 0,
  };
}
