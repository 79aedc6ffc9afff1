/**
 * Class test for "kind checked, scopes ignored" on content reads (issue 11 item 7), and for the
 * shared parser knowing every read route (items 2–4: a route the parser did not know would be
 * read one way by the origin and refused or misread by the edge).
 *
 * Over every content read route the origin registers (from its own route table), through a real
 * Node edge and straight to the origin: a key whose scopes lack content.read reads nothing, a
 * preview key whose scopes lack content.preview gets no drafts, and the same keys without those
 * limits are served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReadRequest } from '../../shared/content-request.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import type { RunningEdge } from '../../edge/node/server.js';
import { contentReadRoutes } from '../helpers/routes.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';
import { newApp } from '../../origin/app.js';
import { createLogger } from '../../origin/logger.js';

let origin: OriginUnderTest;
let edge: RunningEdge;
let paths: string[];
const scoped: Record<'noRead' | 'noPreview', string> = { noRead: '', noPreview: '' };

beforeAll(async () => {
  origin = await startTestOrigin();
  edge = await startTestEdge(origin, { rate_limits: JSON.stringify({ enabled: false }) });
  const db = origin.database.db;
  const { organizationId, spaceId } = origin.seed;
  scoped.noRead = (await issueApiKey(db, { organizationId, spaceId, kind: 'write', name: 'writes only', scopes: ['content.write'] })).token;
  scoped.noPreview = (await issueApiKey(db, { organizationId, spaceId, kind: 'preview', name: 'published only', scopes: ['content.read'] })).token;
  const app = newApp({ config: origin.config, database: origin.database, logger: createLogger('silent'), envelope: origin.envelope });
  paths = [...contentReadRoutes(app).map((r) => r.path), '/v2/pages/search/?query=home', '/v2/posts/search/?query=home'];
}, 60_000);

afterAll(async () => {
  await edge?.close();
  await origin?.stop();
});

const withKey = (path: string, key: string, extra = '') => `${path}${path.includes('?') ? '&' : '?'}${extra}auth_token=${key}`;

describe('every content read route the origin registers', () => {
  it('is a read the shared parser knows (so the edge serves it and both sides read it the same way)', () => {
    expect(paths.length).toBeGreaterThanOrEqual(14);
    for (const path of paths) {
      const url = new URL(`https://x${path}`);
      const read = parseReadRequest(url.pathname, url.search);
      expect(read.ok, path).toBe(true);
    }
  });

  it('refuses a key whose scopes lack content.read, at the edge and at the origin (403), for every route', async () => {
    for (const base of [edge.url, origin.server.url]) {
      for (const path of paths) {
        const res = await fetch(`${base}${withKey(path, scoped.noRead)}`);
        expect(res.status, `${base}${path}`).toBe(403);
        expect(await res.json()).toMatchObject({ code: 'forbidden' });
      }
    }
  });

  it('refuses drafts (preview=1) to a preview key whose scopes lack content.preview, and serves it published content', async () => {
    for (const base of [edge.url, origin.server.url]) {
      for (const path of paths) {
        const preview = await fetch(`${base}${withKey(path, scoped.noPreview, 'preview=1&')}`);
        expect(preview.status, `${base}${path} preview`).toBe(403);
        const live = await fetch(`${base}${withKey(path, scoped.noPreview)}`);
        expect(live.status, `${base}${path} live`).not.toBe(403);
        expect(live.status).toBeLessThan(500);
      }
    }
  });

  it('serves the unscoped preview key drafts on every route (the refusals above are the scopes, not the routes)', async () => {
    for (const base of [edge.url, origin.server.url]) {
      for (const path of paths) {
        const res = await fetch(`${base}${withKey(path, origin.seed.keys.preview, 'preview=1&')}`);
        expect(res.status, `${base}${path}`).not.toBe(403);
        expect(res.status).toBeLessThan(500);
      }
    }
  });
});
