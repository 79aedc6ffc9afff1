import { expect } from 'vitest';
import { SECURE_HEADERS } from '../../shared/secure-headers.js';

/** Every response, errors included, carries the secure header set and leaks no stack. */
export function expectSecureHeaders(res: Response): void {
  for (const [name, value] of Object.entries(SECURE_HEADERS)) expect(res.headers.get(name), name).toBe(value);
  expect(res.headers.get('server')).toBeNull();
  expect(res.headers.get('x-powered-by')).toBeNull();
}

/** The one error shape: exactly detail, code and request_id, matching the x-request-id header. */
export async function expectErrorShape(res: Response, status: number, code: string, detail?: string): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'request_id']);
  expect(body.code).toBe(code);
  if (detail !== undefined) expect(body.detail).toBe(detail);
  expect(body.request_id).toBe(res.headers.get('x-request-id'));
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\(.*:\d+:\d+\)|node_modules|Error:/);
  expectSecureHeaders(res);
  return body;
}
