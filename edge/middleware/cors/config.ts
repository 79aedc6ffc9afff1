import * as z from 'zod/mini';
import { isOrigin } from './policy.js';

export { CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS, CORS_EXPOSE_HEADERS, allowOrigin, compileCorsPolicy, isOrigin, type CorsPolicy, type CorsSettings, type OriginSet } from './policy.js';

const origin = z.string().check(z.refine(isOrigin, { message: 'must be an origin like https://www.example.com' }));

/**
 * CORS settings (Config Store key `cors`, JSON): allowed browser origins per space id, plus
 * origins allowed for every space. `*` is accepted only as "any origin, no credentials".
 */
export const corsConfigSchema = z.strictObject({
  any: z._default(z.array(z.union([origin, z.literal('*')])), []),
  spaces: z._default(z.record(z.string().check(z.minLength(1)), z.array(z.union([origin, z.literal('*')]))), {}),
  max_age: z._default(z.number().check(z.int(), z.gte(0), z.lte(86_400)), 600),
});

export type CorsConfig = z.infer<typeof corsConfigSchema>;
