import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizations, spaces } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let otherSpaceId: string;
let otherAdmin: string;
const hooks = (spaceId: string, rest = '') => `${origin.server.url}/v2/manage/spaces/${spaceId}/webhooks/${rest}`;
const as = (key: string, init: RequestInit = {}) => ({ ...init, headers: { authorization: `Token ${key}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });

beforeAll(async () => {
  origin = await startTestOrigin({ WEBHOOK_ALLOW_LOOPBACK: 'true' });
  const [org] = await origin.database.db.insert(organizations).values({ slug: 'other', name: 'Other' }).returning();
  const [space] = await origin.database.db.insert(spaces).values({ organizationId: org!.id, slug: 'x', name: 'X' }).returning();
  otherSpaceId = space!.id;
  otherAdmin = (await issueApiKey(origin.database.db, { organizationId: org!.id, spaceId: null, kind: 'admin', name: 'other admin' })).token;
});
afterAll(async () => origin?.stop());

describe('webhook management', () => {
  it('creates (secret shown once), lists without secrets, shows deliveries and deletes', async () => {
    const created = await fetch(hooks(origin.seed.spaceId), as(origin.seed.keys.admin, { method: 'POST', body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['page.published'] }) }));
    expect(created.status).toBe(201);
    const { data } = (await created.json()) as { data: { id: string; secret: string } };
    expect(data.secret.length).toBeGreaterThan(32);
    const list = await fetch(hooks(origin.seed.spaceId), as(origin.seed.keys.admin));
    const listed = (await list.json()) as { data: Record<string, unknown>[] };
    expect(listed.data).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(data.secret);
    expect((await fetch(hooks(origin.seed.spaceId, `${data.id}/deliveries/`), as(origin.seed.keys.admin))).status).toBe(200);
    expect((await fetch(hooks(origin.seed.spaceId, `${data.id}/`), as(origin.seed.keys.admin, { method: 'DELETE' }))).status).toBe(204);
    await expectErrorShape(await fetch(hooks(origin.seed.spaceId, `${data.id}/`), as(origin.seed.keys.admin, { method: 'DELETE' })), 404, 'not_found');
  });

  it('refuses private targets, unknown events and unknown fields', async () => {
    const post = (body: unknown) => fetch(hooks(origin.seed.spaceId), as(origin.seed.keys.admin, { method: 'POST', body: JSON.stringify(body) }));
    // The service's refusal (invalid) answers 400 with its detail.
    expect((await expectErrorShape(await post({ url: 'https://10.0.0.1/hook', events: ['page.published'] }), 400, 'bad_request')).detail).toMatch(/^webhook URL refused: .*private/);
    expect((await expectErrorShape(await post({ url: 'https://169.254.169.254/latest/meta-data', events: ['page.published'] }), 400, 'bad_request')).detail).toMatch(/^webhook URL refused: .*link-local/);
    expect((await expectErrorShape(await post({ url: 'http://127.0.0.1:9/hook', events: ['page.exploded'] }), 400, 'bad_request')).detail).toMatch(/^unknown event "page\.exploded"; expected one of /);
    await expectErrorShape(await post({ url: 'http://127.0.0.1:9/hook', events: ['page.published'], secret: 'mine' }), 400, 'bad_request');
  });

  it('needs an admin key: space keys get 403', async () => {
    for (const key of [origin.seed.keys.read, origin.seed.keys.write]) {
      await expectErrorShape(await fetch(hooks(origin.seed.spaceId), as(key)), 403, 'forbidden');
    }
  });

  it('another organization’s admin sees 404 for this space, and this admin for theirs', async () => {
    await expectErrorShape(await fetch(hooks(origin.seed.spaceId), as(otherAdmin)), 404, 'not_found');
    await expectErrorShape(
      await fetch(hooks(origin.seed.spaceId), as(otherAdmin, { method: 'POST', body: JSON.stringify({ url: 'http://127.0.0.1:9/x', events: ['*'] }) })),
      404,
      'not_found',
    );
    await expectErrorShape(await fetch(hooks(otherSpaceId), as(origin.seed.keys.admin)), 404, 'not_found');
  });
});
