import { z } from 'zod';

const positive = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

/** WAF settings (Config Store key `waf`, JSON). Every field has a safe default. */
export const wafConfigSchema = z
  .object({
    max_url_length: positive(16_384, 2048),
    max_header_count: positive(256, 64),
    /** Sum of all header names and values, in bytes. */
    max_header_bytes: positive(1_048_576, 16_384),
    max_query_params: positive(1000, 32),
    /** Request body limit per route class, in bytes (0 = no body allowed). */
    max_body_bytes: z
      .object({
        content: z.number().int().min(0).default(0),
        assets: z.number().int().min(0).default(0),
        internal: z.number().int().min(0).default(65_536),
        other: z.number().int().min(0).default(0),
      })
      .prefault({}),
  })
  .strict();

export type WafConfig = z.infer<typeof wafConfigSchema>;
