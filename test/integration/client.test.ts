/**
 * The typed client (client/index.ts over client/schema.d.ts, issue 18): the checked-in types are
 * exactly what openapi-typescript generates from the running origin's document today (so CI fails
 * on a stale client: run `npm run client:generate`), and the client works against a real origin —
 * a page type defined with an admin key, a page written and read back for management, a
 * conditional update with the ETag, a refusal typed as the one error shape, and a member's
 * session (cookie + CSRF token) used for a state change. The calls below are compile-time
 * checked against the document too (`npm run typecheck` fails on a wrong path, parameter or body).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGheeClient, signIn, type GheeClient } from '../../client/index.js';
import { CLIENT_SCHEMA_PATH, clientSchema } from '../../scripts/client-generate.js';
import { createUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
beforeAll(async () => {
  origin = await startTestOrigin();
});
afterAll(async () => origin?.stop());

describe('the generated types', () => {
  it('are what the running origin\'s document generates (regenerated in a temp dir, compared with the checked-in file)', async () => {
    const doc = (await (await fetch(`${origin.server.url}/openapi.json`)).json()) as OpenAPIV3_1.Document;
    const dir = mkdtempSync(join(tmpdir(), 'ghee-client-'));
    try {
      const fresh = join(dir, 'schema.d.ts');
      writeFileSync(fresh, await clientSchema(doc));
      const regenerated = readFileSync(fresh, 'utf8');
      const checkedIn = readFileSync(CLIENT_SCHEMA_PATH, 'utf8');
      // A stale client: run `npm run client:generate` and commit client/schema.d.ts.
      expect(regenerated === checkedIn, 'client/schema.d.ts is stale: run `npm run client:generate`').toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cover the Write, management and identity APIs, and nothing internal or read-only', () => {
    const text = readFileSync(CLIENT_SCHEMA_PATH, 'utf8');
    for (const op of ['createPage', 'updatePage', 'createPageType', 'createApiKey', 'logIn', 'listMembers', 'createWebhook']) expect(text, op).toContain(`    ${op}: {`);
    for (const op of ['getPage', 'introspectKey', 'purgeEdgeCache', 'getOpenApiDocument', 'listScimUsers']) expect(text, op).not.toContain(`    ${op}: {`);
    expect(text).not.toContain('x-ghee-sig');
  });
});

describe('the client against a real origin', () => {
  let admin: GheeClient;
  let writer: GheeClient;
  beforeAll(() => {
    admin = createGheeClient({ baseUrl: origin.server.url, token: origin.seed.keys.admin });
    writer = createGheeClient({ baseUrl: origin.server.url, token: origin.seed.keys.write });
  });

  it('defines a page type, writes a page of it, reads it back, updates it conditionally', async () => {
    const spaceId = origin.seed.spaceId;
    const type = await admin.POST('/v2/manage/spaces/{spaceId}/page_types', {
      params: { path: { spaceId } },
      body: { slug: 'client_landing', name: 'Landing (client)', fields: [{ name: 'headline', type: 'short_text' }] },
    });
    expect(type.response.status).toBe(201);
    expect(type.error).toBeUndefined();

    const written = await writer.POST('/v2/pages', { body: { title: 'From the client', slug: 'from-the-client', page_type: 'client_landing', status: 'published', fields: { headline: 'Typed' } } });
    expect(written.response.status).toBe(202);
    expect(written.data).toEqual({ status: 'pending' });

    const read = await writer.GET('/v2/manage/pages/{pageType}/{slug}', { params: { path: { pageType: 'client_landing', slug: 'from-the-client' } } });
    expect(read.response.status).toBe(200);
    expect(read.response.headers.get('etag')).toBe('"v1"');
    expect(JSON.stringify(read.data)).toContain('"headline":"Typed"');

    const stale = await writer.PATCH('/v2/pages/{pageType}/{slug}', {
      params: { path: { pageType: 'client_landing', slug: 'from-the-client' }, header: { 'If-Match': '"v7"' } },
      body: { fields: { headline: 'Too late' } },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error?.code).toBe('precondition_failed');

    const updated = await writer.PATCH('/v2/pages/{pageType}/{slug}', {
      params: { path: { pageType: 'client_landing', slug: 'from-the-client' }, header: { 'If-Match': '"v1"' } },
      body: { fields: { headline: 'Updated' } },
    });
    expect(updated.response.status).toBe(202);
    const again = await writer.GET('/v2/manage/pages/{pageType}/{slug}', { params: { path: { pageType: 'client_landing', slug: 'from-the-client' } } });
    expect(again.response.headers.get('etag')).toBe('"v2"');
    expect(JSON.stringify(again.data)).toContain('"headline":"Updated"');

    // The page is served to readers too (the Content API, outside this client).
    const published = await fetch(`${origin.server.url}/v2/pages/client_landing/from-the-client/?auth_token=${origin.seed.keys.read}`);
    expect(((await published.json()) as { data: { fields: { headline: string } } }).data.fields.headline).toBe('Updated');
  });

  it('a refusal comes back as the one error shape, typed', async () => {
    const bad = await writer.POST('/v2/pages', { body: { title: 'x', slug: 'Not A Slug!', page_type: '*', fields: {} } });
    expect(bad.response.status).toBe(400);
    expect(bad.data).toBeUndefined();
    expect(bad.error).toMatchObject({ code: 'bad_request' });
    expect(typeof bad.error?.request_id).toBe('string');
  });

  it('a member signs in: the session cookie and its CSRF token carry a state change; without the token it is refused', async () => {
    const user = await createUser(origin, origin.seed.organizationId, 'owner');
    const { client, session } = await signIn(origin.server.url, { email: user.email, password: user.password });
    expect(session.cookie).toMatch(/^__Host-ghee_session=/);
    const me = await client.GET('/v1/auth/session');
    expect(me.response.status).toBe(200);
    const orgId = origin.seed.organizationId;
    const invited = await client.POST('/v1/orgs/{orgId}/invitations', { params: { path: { orgId } }, body: { email: 'client-invitee@example.org', role: 'author' } });
    expect(invited.response.status).toBe(201);
    const noCsrf = createGheeClient({ baseUrl: origin.server.url, session: { cookie: session.cookie, csrfToken: 'not-the-token' } });
    const refused = await noCsrf.POST('/v1/orgs/{orgId}/invitations', { params: { path: { orgId } }, body: { email: 'client-invitee-2@example.org', role: 'author' } });
    expect(refused.response.status).toBe(403);
    expect(refused.error?.code).toBeDefined();
    await expect(signIn(origin.server.url, { email: user.email, password: 'not the password' })).rejects.toThrow(/HTTP 401/);
  });
});

/** Compile-time only (never called): what the types refuse. `npm run typecheck` fails if any of these stops being an error. */
export function typeChecks(client: GheeClient): void {
  // @ts-expect-error: no such route in the Write, management and identity APIs
  void client.GET('/v2/no-such-route');
  // @ts-expect-error: a page's body needs its title
  void client.POST('/v2/pages', { body: { slug: 'x', page_type: '*', fields: {} } });
  // @ts-expect-error: the page type's path needs its space
  void client.GET('/v2/manage/spaces/{spaceId}/page_types', {});
}
