/**
 * Regressions for what conformance fuzzing (test/integration/schemathesis.test.ts, issue 18) found,
 * each against the real origin: the behaviour fixed in the product, and — where the document was
 * what was wrong — the document now saying what the product does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
const api = (path: string) => `${origin.server.url}${path}`;
const post = (path: string, body: unknown) => fetch(api(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

interface Operation {
  parameters?: { name: string; in: string; schema: { enum?: string[]; maximum?: number } }[];
  responses: Record<string, unknown>;
}
let spec: { paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  origin = await startTestOrigin();
  spec = (await (await fetch(api('/openapi.json'))).json()) as typeof spec;
});
afterAll(async () => origin?.stop());

describe('email addresses: at most 64 characters before the @ (RFC 5321), as the document\'s `format: email` says', () => {
  // schemathesis sent a 103-character local part; the API accepted it (202, 200) while the document refused it.
  const long = `${'a'.repeat(65)}@example.org`;
  const longest = `${'a'.repeat(64)}@example.org`;

  it('a password reset request refuses 65 (400 naming the field) and takes 64', async () => {
    const refused = await post('/v1/auth/password/forgot', { email: long });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'bad_request', detail: expect.stringContaining('email') });
    expect((await post('/v1/auth/password/forgot', { email: longest })).status).toBe(202);
  });

  it('SSO discovery refuses 65 and takes 64', async () => {
    expect((await post('/v1/auth/sso/discover', { email: long })).status).toBe(400);
    const ok = await post('/v1/auth/sso/discover', { email: longest });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { sso: false, login_url: null } });
  });

  it('sign-up and sign-in refuse 65 before anything else', async () => {
    const signup = await post('/v1/auth/signup', { email: long, password: 'Quiet-Harbor-73-Lantern!', name: 'Long', organization_name: 'Long Ltd' });
    expect(signup.status).toBe(400);
    expect(((await signup.json()) as { detail: string }).detail).toContain('email');
    expect((await post('/v1/auth/login', { email: long, password: 'whatever-it-is' })).status).toBe(400);
  });

  it('an invitation refuses 65 and takes 64', async () => {
    const owner = await createUser(origin, origin.seed.organizationId, 'owner');
    const session = new SessionClient(origin.server.url);
    await session.login(owner.email, owner.password);
    const refused = await session.request('POST', `/v1/orgs/${origin.seed.organizationId}/invitations`, { email: long, role: 'author' });
    expect(refused.status).toBe(400);
    expect((await session.request('POST', `/v1/orgs/${origin.seed.organizationId}/invitations`, { email: longest, role: 'author' })).status).toBe(201);
  });
});

describe('a page is created only in a locale the space publishes in', () => {
  // schemathesis' stateful run created pages with `?locale=<random>` (202) that no read could reach:
  // reads refuse a locale the space lacks, and so did collection items and the multi-locale form.
  it('an unknown locale is refused (400) and nothing is saved; an added locale works', async () => {
    const write = { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json' };
    const create = (locale: string) => fetch(api(`/v2/pages/?locale=${locale}`), { method: 'POST', headers: write, body: JSON.stringify({ title: 'Z', slug: 'in-zz', page_type: '*', fields: {} }) });
    const refused = await create('zz');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'bad_request', detail: 'Invalid locale: the space does not publish in it.' });
    expect((await fetch(api('/v2/manage/pages/*/in-zz/?locale=zz'), { headers: write })).status).toBe(404);
    const admin = { authorization: `Token ${origin.seed.keys.admin}`, 'content-type': 'application/json' };
    expect((await fetch(api(`/v2/manage/spaces/${origin.seed.spaceId}/locales`), { method: 'POST', headers: admin, body: JSON.stringify({ code: 'zz', name: 'Zed' }) })).status).toBe(201);
    expect((await create('zz')).status).toBe(202);
    expect((await fetch(api('/v2/manage/pages/*/in-zz/?locale=zz'), { headers: write })).status).toBe(200);
  });
});

describe('list limits are refused outside their documented range, not clamped', () => {
  // schemathesis sent limit=501 to the audit trail (maximum 500) and limit=201 to security events
  // (maximum 200, "limit must be a whole number from 1 to 200"): both answered 200 with a clamped list.
  it('the audit trail takes 1–500 and refuses 0, 501, -1 and text', async () => {
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    const at = (limit: string) => fetch(api(`/v1/orgs/${origin.seed.organizationId}/audit-events?limit=${limit}`), { headers: admin });
    for (const ok of ['1', '500']) expect((await at(ok)).status, ok).toBe(200);
    for (const bad of ['0', '501', '-1', 'ten', '1000']) {
      const res = await at(bad);
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'bad_request', detail: 'limit must be a whole number from 1 to 500.' });
    }
  });

  it('security events take 1–200 and refuse 0 and 201', async () => {
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    const at = (limit: string) => fetch(api(`/v1/orgs/${origin.seed.organizationId}/security-events?limit=${limit}`), { headers: admin });
    for (const ok of ['1', '200']) expect((await at(ok)).status, ok).toBe(200);
    for (const bad of ['0', '201', '999']) expect((await at(bad)).status, bad).toBe(400);
  });
});

describe('every documented list limit is refused past its maximum (the class: clamping instead of refusing)', () => {
  // The media library's list (added after the first fuzzing run) clamped limit=201 to 200, like the
  // audit trail and security events had: schemathesis found it again. This walks the document, so a
  // new list with a documented maximum is checked without being named here.
  it('each GET with a `limit` maximum answers 200 at the maximum and 400 one past it, with an admin key', async () => {
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    const fill = (path: string): string | null => {
      let unknown = false;
      const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
        if (/org/i.test(name)) return origin.seed.organizationId;
        if (/space/i.test(name)) return origin.seed.spaceId;
        unknown = true;
        return '';
      });
      return unknown ? null : url;
    };
    const checked: string[] = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      const limit = item.get?.parameters?.find((p) => p.name === 'limit' && p.in === 'query');
      const max = limit?.schema.maximum;
      const url = fill(path);
      if (max === undefined || url === null) continue;
      const at = (n: number) => fetch(api(`${url}?limit=${n}`), { headers: { ...admin, 'x-ghee-space': origin.seed.spaceId } });
      const ok = await at(max);
      if (ok.status === 401 || ok.status === 403) continue; // not an admin key's list (sessions, operators, SCIM)
      expect(ok.status, `${path} limit=${max}`).toBe(200);
      const over = await at(max + 1);
      expect(over.status, `${path} limit=${max + 1}`).toBe(400);
      expect(await over.json()).toMatchObject({ code: 'bad_request' });
      checked.push(path);
    }
    // The three lists schemathesis caught clamping are among those walked.
    expect(checked).toEqual(expect.arrayContaining([
      expect.stringMatching(/audit-events$/),
      expect.stringMatching(/security-events$/),
      expect.stringMatching(/\/assets$/),
    ]));
  });
});

describe('timestamps in queries follow the one rule (shared/input.ts parseTimestamp)', () => {
  // schemathesis sent before=0.5 to the media library's list, which read it with new Date() (a time in 2000) and answered 200.
  it('the media library refuses a before that is not an ISO 8601 time and takes one that is', async () => {
    const admin = { authorization: `Token ${origin.seed.keys.admin}` };
    const at = (before: string) => fetch(api(`/v2/manage/spaces/${origin.seed.spaceId}/assets?before=${encodeURIComponent(before)}`), { headers: admin });
    for (const bad of ['0.5', '1', 'tomorrow', '2026-13-01T00:00:00Z']) {
      const res = await at(bad);
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'bad_request', detail: expect.stringContaining('before') });
    }
    expect((await at('2026-12-07T00:00:00Z')).status).toBe(200);
  });
});

describe('the document says what the reads accept', () => {
  it('`preview` is 1/true (drafts) or 0/false/empty (published): each answered, anything else 400', async () => {
    const enumOf = (path: string, name: string) => spec.paths[path]!.get!.parameters!.find((p) => p.name === name && p.in === 'query')!.schema.enum;
    expect(enumOf('/v2/posts', 'preview')?.sort()).toEqual(['', '0', '1', 'false', 'true']);
    for (const value of ['0', 'false', '']) {
      const res = await fetch(api(`/v2/posts/?preview=${value}&auth_token=${origin.seed.keys.read}`));
      expect(res.status, `preview=${value}`).toBe(200);
    }
    expect((await fetch(api(`/v2/posts/?preview=1&auth_token=${origin.seed.keys.read}`))).status).toBe(403);
    expect((await fetch(api(`/v2/posts/?preview=yes&auth_token=${origin.seed.keys.read}`))).status).toBe(400);
  });

  it('`exclude_body` is true/1 or false/0/empty (as if not sent): anything else 400', async () => {
    const param = spec.paths['/v2/posts']!.get!.parameters!.find((p) => p.name === 'exclude_body')!.schema.enum;
    expect(param?.sort()).toEqual(['', '0', '1', 'false', 'true']);
    for (const value of ['0', 'false', '', '1', 'true']) expect((await fetch(api(`/v2/posts/?exclude_body=${value}&auth_token=${origin.seed.keys.read}`))).status, value).toBe(200);
    expect((await fetch(api(`/v2/posts/?exclude_body=no&auth_token=${origin.seed.keys.read}`))).status).toBe(400);
  });

  it('`include` is recent_posts or empty (as if not sent): anything else 400', async () => {
    const include = spec.paths['/v2/tags']!.get!.parameters!.find((p) => p.name === 'include')!.schema.enum;
    expect(include?.sort()).toEqual(['', 'recent_posts']);
    expect((await fetch(api(`/v2/tags/?include=&auth_token=${origin.seed.keys.read}`))).status).toBe(200);
    expect((await fetch(api(`/v2/tags/?include=posts&auth_token=${origin.seed.keys.read}`))).status).toBe(400);
  });

  it('every operation documents 400, which a URL with a control character gets from any route', async () => {
    const missing = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method, op]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method) && !('x-ghee-answered-by' in op) && !op.responses['400'])
        .map(([method]) => `${method} ${path}`),
    );
    expect(missing).toEqual([]);
    const res = await fetch(api(`/v1/orgs/${encodeURIComponent('\u0004x')}/members`), { headers: { authorization: `Token ${origin.seed.keys.admin}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'bad_request', detail: 'The URL path contains a control character.' });
  });
});
