import { z } from 'zod';

const limit = z
  .object({
    /** Requests per second allowed, averaged over `window` seconds. */
    rps: z.number().positive().max(100_000),
    window: z.union([z.literal(1), z.literal(10), z.literal(60)]).default(10),
  })
  .strict()
  // RateLimit-Limit is ⌊rps × window⌋ requests per window; below one nothing would ever pass.
  .refine((l) => l.rps * l.window >= 1 - 1e-9, { message: 'rps × window must allow at least one request per window' });

/** One limit: `rps` requests per second averaged over `window` seconds (⌊rps × window⌋ requests per window). */
export type RateLimitRule = z.infer<typeof limit>;

/**
 * Rate-limit settings (Config Store key `rate_limits`, JSON), per route class and per client IP /
 * API key. Only the content class (the Content API) is keyed; every class is limited per IP.
 */
export const rateLimitConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Seconds an offender stays in the penalty box (Fastly rounds up to whole minutes). */
    penalty_box_ttl: z.number().int().min(1).max(3600).default(60),
    content: z.object({ ip: limit.default({ rps: 50, window: 10 }), key: limit.default({ rps: 500, window: 10 }) }).strict().prefault({}),
    assets: z.object({ ip: limit.default({ rps: 100, window: 10 }) }).strict().prefault({}),
    internal: z.object({ ip: limit.default({ rps: 20, window: 10 }) }).strict().prefault({}),
    other: z.object({ ip: limit.default({ rps: 10, window: 10 }) }).strict().prefault({}),
  })
  .strict();

export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;
