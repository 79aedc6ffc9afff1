import { z } from 'zod';

const origin = z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, { message: 'must be an origin like https://www.example.com' });

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
