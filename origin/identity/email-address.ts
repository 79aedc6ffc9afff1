/**
 * An email address as ghee accepts one in a request body: trimmed, at most 254 characters, in the
 * form zod's email check accepts, and with a local part (before the `@`) of at most 64 characters
 * (RFC 5321 §4.5.3.1.1: no mail system delivers to a longer one). The OpenAPI document describes it
 * as `format: email`, whose validators hold the same limit — schemathesis found the API accepting
 * 100-character local parts that the document's format refuses.
 */
import { z } from 'zod';

export const MAX_LOCAL_PART = 64;

/** The schema (without case folding: callers that compare addresses lower-case them). */
export function emailAddress() {
  return z
    .string()
    .trim()
    .max(254)
    .email({ message: 'must be an email address' })
    .refine((v) => v.lastIndexOf('@') <= MAX_LOCAL_PART, { message: `must be an email address (at most ${MAX_LOCAL_PART} characters before the @)` });
}
