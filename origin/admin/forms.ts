/**
 * Reading a posted form: its text fields (files are read by the screens that take them). The
 * `_csrf` field was checked by routes.tsx before any handler ran and is left out here.
 */
import type { Context } from 'hono';
import type { AdminEnv } from './env.js';

export async function formData(c: Context<AdminEnv>): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return {};
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  return out;
}

/** A field's value, or undefined when absent or blank (for optional API fields). */
export function optional(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}
