/**
 * The one result model (origin/http/result.ts) as users see it: each service refusal kind comes
 * back through the one unwrap with its status, code and the service's exact wording — a slug
 * already taken is 400 (ButterCMS's answer), a key already revoked 409, a stale If-Match 412,
 * and collections prefix their validation refusals with 'Invalid request: '.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const call = (method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${origin.server.url}${path}`, {
    method,
    headers: { authorization: `Token ${key}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const manage = (rest: string) => `/v2/manage/spaces/${origin.seed.spaceId}/${rest}`;
const twice = async (method: string, path: string, key: string, body: unknown) => {
  expect((await call(method, path, key, body)).status).toBeLessThan(300);
  return call(method, path, key, body);
};

beforeAll(async () => {
  origin = await startTestOrigin();
});
afterAll(async () => origin?.stop());

describe('service refusals through the one unwrap', () => {
  it('a slug already taken is 400 bad_request, worded by its service', async () => {
    const { write, admin } = origin.seed.keys;
    await expectErrorShape(await twice('POST', '/v2/pages/', write, { title: 'A', slug: 'taken', page_type: '*', fields: {} }), 400, 'bad_request', 'A page with slug "taken" already exists.');
    await expectErrorShape(await twice('POST', '/v2/posts/', write, { title: 'A', slug: 'taken' }), 400, 'bad_request', 'A post with slug "taken" already exists.');
    await expectErrorShape(await twice('POST', manage('authors/'), admin, { slug: 'taken' }), 400, 'bad_request', 'An author with slug "taken" already exists.');
    await expectErrorShape(await twice('POST', manage('page_types/'), admin, { slug: 'taken', name: 'T', fields: [] }), 400, 'bad_request', 'A page type with slug "taken" already exists.');
    await expectErrorShape(await twice('POST', manage('locales/'), admin, { code: 'de' }), 400, 'bad_request', 'The locale "de" already exists.');
  });

  it("collections' invalid refusals carry the 'Invalid request: ' prefix", async () => {
    const body = { key: 'taken', name: 'T', fields: [{ name: 'name', type: 'short_text' }] };
    await expectErrorShape(await twice('POST', manage('collections/'), origin.seed.keys.admin, body), 400, 'bad_request', 'Invalid request: A collection with key "taken" already exists.');
  });

  it('not found is 404 and a stale If-Match 412', async () => {
    const { write } = origin.seed.keys;
    await expectErrorShape(await call('PATCH', '/v2/pages/*/missing/', write, { fields: { a: 1 } }), 404, 'not_found');
    expect((await call('POST', '/v2/pages/', write, { title: 'V', slug: 'versioned', page_type: '*', fields: {} })).status).toBe(202);
    await expectErrorShape(await call('DELETE', '/v2/pages/*/versioned/', write, undefined, { 'if-match': '"v9"' }), 412, 'precondition_failed', 'The page changed or does not exist.');
  });

  it('a key already revoked is 409 conflict', async () => {
    const { admin } = origin.seed.keys;
    const created = await call('POST', `/v1/orgs/${origin.seed.organizationId}/api-keys`, admin, { name: 'short-lived', kind: 'read', space_id: origin.seed.spaceId });
    expect(created.status).toBe(201);
    const { id } = ((await created.json()) as { data: { id: string } }).data;
    expect((await call('DELETE', `/v1/orgs/${origin.seed.organizationId}/api-keys/${id}`, admin)).status).toBe(200);
    await expectErrorShape(await call('DELETE', `/v1/orgs/${origin.seed.organizationId}/api-keys/${id}`, admin), 409, 'conflict', 'This API key is already revoked.');
  });
});
