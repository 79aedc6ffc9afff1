import * as z from 'zod/mini';

const limit = z
  .strictObject({
    /** Requests per second allowed, averaged over `window` seconds. */
    rps: z.number().check(z.positive(), z.lte(100_000)),
    window: z._default(z.union([z.literal(1), z.literal(10), z.literal(60)]), 10),
  })
  // RateLimit-Limit is ⌊rps × window⌋ requests per window; below one nothing would ever pass.
  .check(z.refine((l) => l.rps * l.window >= 1 - 1e-9, { message: 'rps × window must allow at least one request per window' }));

/** One limit: `rps` requests per second averaged over `window` seconds (⌊rps × window⌋ requests per window). */
export type RateLimitRule = z.infer<typeof limit>;

/**
 * Rate-limit settings (Config Store key `rate_limits`, JSON), per route class and per client IP /
 * API key. Only the content class (the Content API) is keyed; every class is limited per IP.
 */
export const rateLimitConfigSchema = z.strictObject({
  enabled: z._default(z.boolean(), true),
  /** Seconds an offender stays in the penalty box (Fastly rounds up to whole minutes). */
  penalty_box_ttl: z._default(z.number().check(z.int(), z.gte(1), z.lte(3600)), 60),
  content: z.prefault(z.strictObject({ ip: z._default(limit, { rps: 50, window: 10 }), key: z._default(limit, { rps: 500, window: 10 }) }), {}),
  assets: z.prefault(z.strictObject({ ip: z._default(limit, { rps: 100, window: 10 }) }), {}),
  internal: z.prefault(z.strictObject({ ip: z._default(limit, { rps: 20, window: 10 }) }), {}),
  /**
   * The signed purge endpoint (/.edge/purge, an `internal` route) has a limit of its own, sized
   * for the origin's purge worker during bulk writes (its runs start at most every 50 ms, each
   * call ≤ 256 keys): the public per-IP limits never throttle cache invalidation.
   */
  purge: z.prefault(z.strictObject({ ip: z._default(limit, { rps: 100, window: 10 }) }), {}),
  other: z.prefault(z.strictObject({ ip: z._default(limit, { rps: 10, window: 10 }) }), {}),
});

export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;
