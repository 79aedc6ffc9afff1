import * as z from 'zod/mini';
import { SIGNATURE_RULE_IDS } from './rules.js';

const positive = (max: number, fallback: number) => z._default(z.number().check(z.int(), z.gte(1), z.lte(max)), fallback);

/** WAF settings (Config Store key `waf`, JSON). Every field has a safe default. */
export const wafConfigSchema = z.strictObject({
    /** Longest request target (path + query), in characters → 414 (rule limit-001). */
    max_url_length: positive(16_384, 2048),
    /** Most header fields (distinct names) → 431 (rule limit-002). */
    max_header_count: positive(256, 64),
    /** Sum of all header names and values, in bytes → 431 (rule limit-003). */
    max_header_bytes: positive(1_048_576, 16_384),
    /** Most query parameters → 414, like an over-long URL (rule limit-004). */
    max_query_params: positive(1000, 32),
    /** Request body limit per route class, in bytes (0 = no body allowed) → 413 (rule limit-005). */
    max_body_bytes: z.prefault(
      z.strictObject({
        content: z._default(z.number().check(z.int(), z.gte(0)), 0),
        assets: z._default(z.number().check(z.int(), z.gte(0)), 0),
        internal: z._default(z.number().check(z.int(), z.gte(0)), 65_536),
        other: z._default(z.number().check(z.int(), z.gte(0)), 0),
      }),
      {},
    ),
    /**
     * Attack-signature rules switched off (e.g. `["xss-005"]`) while a false positive on a real
     * site is being fixed. Only signature rules can be disabled; method, size, encoding, path and
     * IP-blocklist rules always apply.
     */
    disabled_rules: z._default(z.array(z.enum(SIGNATURE_RULE_IDS)).check(z.maxLength(SIGNATURE_RULE_IDS.length)), []),
});

export type WafConfig = z.infer<typeof wafConfigSchema>;
