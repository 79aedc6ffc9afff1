import { z } from 'zod';

/** A browser origin exactly as sent in the Origin header: scheme, host, optional port, nothing else. */
export function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === value;
  } catch {
    return false;
  }
}

const origin = z.string().refine(isOrigin, { message: 'must be an origin like https://www.example.com' });

/**
 * CORS settings (Config Store key `cors`, JSON): allowed browser origins per space id, plus
 * origins allowed for every space. `*` is accepted only as "any origin, no credentials".
 */
export const corsConfigSchema = z
  .object({
    any: z.array(z.union([origin, z.literal('*')])).default([]),
    spaces: z.record(z.string().min(1), z.array(z.union([origin, z.literal('*')]))).default({}),
    max_age: z.number().int().min(0).max(86_400).default(600),
  })
  .strict();

export type CorsConfig = z.infer<typeof corsConfigSchema>;
