/**
 * Class test: only holders of content.publish change what is live (issue 11 item 8).
 *
 * Every content write route of pages, collection items and posts (create, patch, put, publish,
 * unpublish, rename, schedule, delete, restore, rollback) × every actor (an author session, a
 * write key scoped without content.publish, a publisher session) × a draft and a live target.
 * For actors without content.publish: an answered change leaves every live read (through a
 * read key at the origin: the item, a list, a search) byte-identical; a refused one answers 403
 * in the error shape and changes nothing (the management view, version included, is the same).
 * Drafts stay editable by them; publishers' changes go through.
 */
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionItems, collections } from '../../origin/db/schema/index.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { expectErrorShape } from '../helpers/assertions.js';
import { createUser, SessionClient } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let space: string;
let scopedKey: string;
let author: SessionClient;
let publisher: SessionClient;

type Actor = 'author' | 'scoped-key' | 'publisher';
const ACTORS: Actor[] = ['author', 'scoped-key', 'publisher'];
type Target = 'draft' | 'live';
const TARGETS: Target[] = ['draft', 'live'];

const future = () => new Date(Date.now() + 7 * 24 * 3_600_000).toISOString();

async function send(actor: Actor | 'full', method: string, path: string, body?: unknown): Promise<Response> {
  if (actor === 'author' || actor === 'publisher') return (actor === 'author' ? author : publisher).request(method, path, body, { 'x-ghee-space': space });
  const key = actor === 'full' ? origin.seed.keys.write : scopedKey;
  const headers: Record<string, string> = { authorization: `Token ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${origin.server.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

async function ok(res: Response): Promise<void> {
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

/** Status and body; an error's request_id (new on every request) left out. */
async function statusAndBody(res: Response): Promise<string> {
  return `${res.status} ${(await res.text()).replace(/"request_id":"[0-9a-f]+"/, '"request_id":"-"')}`;
}

async function readText(path: string): Promise<string> {
  return statusAndBody(await fetch(`${origin.server.url}${path}`, { headers: { authorization: `Token ${origin.seed.keys.read}` } }));
}

/** One resource kind: how to make a draft or live target, read it live, view it for management, and each write. */
interface Kind {
  name: string;
  /** Creates a target named by `tag`; returns its address (slug or item path part). */
  make(tag: string, target: Target): Promise<string>;
  /** Live reads that show the target: itself, a list and (pages) a search. */
  liveReads(at: string, tag: string): string[];
  manage(at: string): string;
  ops: Record<string, Op>;
}

interface Op {
  /** Prepares the target (e.g. deletes it before a restore), with the full write key. */
  prepare?(at: string): Promise<void>;
  request(at: string, tag: string): { method: string; path: string; body?: unknown };
  /** What an actor without content.publish must get on each target ('either': whichever, as long as nothing live changes). */
  withoutPublish: Record<Target, 'allowed' | 'refused' | 'either'>;
  /** The targets the operation applies to (default both; the unpublish route answers 409 when nothing is live). */
  targets?: Target[];
}

const refusedOnLive = { draft: 'allowed', live: 'refused' } as const;
const alwaysRefused = { draft: 'refused', live: 'refused' } as const;

const pagesKind: Kind = {
  name: 'pages',
  async make(tag, target) {
    await ok(await send('full', 'POST', '/v2/pages/', { title: `Title ${tag}`, slug: tag, page_type: '*', status: target === 'live' ? 'published' : 'draft', fields: { body: `Body ${tag}` } }));
    return tag;
  },
  liveReads: (at, tag) => [`/v2/pages/*/${at}/`, `/v2/pages/search/?query=${tag}`, `/v2/pages/search/?query=edited${tag}`],
  manage: (at) => `/v2/manage/pages/*/${at}/`,
  ops: {
    'save draft': { request: (at, tag) => ({ method: 'PATCH', path: `/v2/pages/*/${at}/`, body: { status: 'draft', title: `edited${tag}`, fields: { body: `edited${tag}` } } }), withoutPublish: { draft: 'allowed', live: 'allowed' } },
    patch: { request: (at, tag) => ({ method: 'PATCH', path: `/v2/pages/*/${at}/`, body: { fields: { body: `edited${tag}` } } }), withoutPublish: refusedOnLive },
    put: { request: (at, tag) => ({ method: 'PUT', path: `/v2/pages/*/${at}/`, body: { title: `edited${tag}` } }), withoutPublish: refusedOnLive },
    publish: { request: (at) => ({ method: 'PATCH', path: `/v2/pages/*/${at}/`, body: { status: 'published' } }), withoutPublish: alwaysRefused },
    unpublish: { request: (at) => ({ method: 'PATCH', path: `/v2/pages/*/${at}/`, body: { status: 'draft' } }), withoutPublish: { draft: 'allowed', live: 'either' } },
    schedule: { request: (at) => ({ method: 'PATCH', path: `/v2/pages/*/${at}/`, body: { status: 'scheduled', scheduled: future() } }), withoutPublish: alwaysRefused },
    delete: { request: (at) => ({ method: 'DELETE', path: `/v2/pages/*/${at}/` }), withoutPublish: { draft: 'either', live: 'refused' } },
    restore: {
      prepare: async (at) => ok(await send('full', 'DELETE', `/v2/pages/*/${at}/`)),
      request: (at) => ({ method: 'POST', path: `/v2/manage/pages/*/${at}/restore/` }),
      withoutPublish: { draft: 'either', live: 'refused' },
    },
    rollback: { request: (at) => ({ method: 'POST', path: `/v2/manage/pages/*/${at}/rollback/`, body: { version: 1 } }), withoutPublish: alwaysRefused },
    'unpublish route': { request: (at) => ({ method: 'POST', path: `/v2/manage/pages/*/${at}/unpublish/` }), withoutPublish: alwaysRefused, targets: ['live'] },
  },
};

async function lastItemId(): Promise<number> {
  const [row] = await origin.database.db
    .select({ itemId: collectionItems.itemId })
    .from(collectionItems)
    .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
    .where(and(eq(collections.spaceId, space), eq(collections.key, 'things')))
    .orderBy(desc(collectionItems.itemId))
    .limit(1);
  return row!.itemId;
}

const itemsKind: Kind = {
  name: 'collection items',
  async make(tag, target) {
    await ok(await send('full', 'POST', '/v2/content/', { key: 'things', status: target === 'live' ? 'published' : 'draft', fields: [{ name: `Name ${tag}`, body: `<p>${tag}</p>` }] }));
    return String(await lastItemId());
  },
  liveReads: (at) => [`/v2/content/things/${at}/`, `/v2/content/things/?page_size=100`],
  manage: (at) => `/v2/manage/content/things/${at}/`,
  ops: {
    'save draft': { request: (at, tag) => ({ method: 'PATCH', path: `/v2/content/things/${at}/`, body: { status: 'draft', fields: { name: `edited${tag}` } } }), withoutPublish: refusedOnLive },
    patch: { request: (at, tag) => ({ method: 'PATCH', path: `/v2/content/things/${at}/`, body: { fields: { name: `edited${tag}` } } }), withoutPublish: refusedOnLive },
    put: { request: (at, tag) => ({ method: 'PUT', path: `/v2/content/things/${at}/`, body: { fields: { name: `edited${tag}` } } }), withoutPublish: refusedOnLive },
    publish: { request: (at) => ({ method: 'PATCH', path: `/v2/content/things/${at}/`, body: { status: 'published' } }), withoutPublish: alwaysRefused },
    unpublish: { request: (at) => ({ method: 'PATCH', path: `/v2/content/things/${at}/`, body: { status: 'draft' } }), withoutPublish: refusedOnLive },
    schedule: { request: (at) => ({ method: 'PATCH', path: `/v2/content/things/${at}/`, body: { status: 'scheduled', scheduled: future() } }), withoutPublish: alwaysRefused },
    delete: { request: (at) => ({ method: 'DELETE', path: `/v2/content/things/${at}/` }), withoutPublish: { draft: 'either', live: 'refused' } },
    restore: {
      prepare: async (at) => ok(await send('full', 'DELETE', `/v2/content/things/${at}/`)),
      request: (at) => ({ method: 'POST', path: `/v2/manage/content/things/${at}/restore/` }),
      withoutPublish: { draft: 'either', live: 'refused' },
    },
    rollback: { request: (at) => ({ method: 'POST', path: `/v2/manage/content/things/${at}/rollback/`, body: { version: 1 } }), withoutPublish: alwaysRefused },
  },
};

const postsKind: Kind = {
  name: 'posts',
  async make(tag, target) {
    await ok(await send('full', 'POST', '/v2/posts/', { title: `Title ${tag}`, slug: tag, status: target === 'live' ? 'published' : 'draft', body: `<p>${tag}</p>`, tags: ['kept'] }));
    return tag;
  },
  liveReads: (at, tag) => [`/v2/posts/${at}/`, `/v2/posts/${at}-moved/`, `/v2/posts/?page_size=100`, `/v2/posts/search/?query=edited${tag}`, `/v2/tags/`, `/v2/feeds/rss/`],
  manage: (at) => `/v2/manage/posts/${at}/`,
  ops: {
    'save draft': {
      request: (at, tag) => ({ method: 'PATCH', path: `/v2/posts/${at}/`, body: { status: 'draft', title: `edited${tag}`, body: `<p>edited${tag}</p>`, tags: [`t${tag}`] } }),
      withoutPublish: { draft: 'allowed', live: 'allowed' },
    },
    rename: { request: (at) => ({ method: 'PATCH', path: `/v2/posts/${at}/`, body: { status: 'draft', slug: `${at}-moved` } }), withoutPublish: refusedOnLive },
    patch: { request: (at, tag) => ({ method: 'PATCH', path: `/v2/posts/${at}/`, body: { title: `edited${tag}` } }), withoutPublish: refusedOnLive },
    put: { request: (at, tag) => ({ method: 'PUT', path: `/v2/posts/${at}/`, body: { summary: `edited${tag}` } }), withoutPublish: refusedOnLive },
    publish: { request: (at) => ({ method: 'PATCH', path: `/v2/posts/${at}/`, body: { status: 'published' } }), withoutPublish: alwaysRefused },
    unpublish: { request: (at) => ({ method: 'PATCH', path: `/v2/posts/${at}/`, body: { status: 'draft' } }), withoutPublish: { draft: 'allowed', live: 'either' } },
    schedule: { request: (at) => ({ method: 'PATCH', path: `/v2/posts/${at}/`, body: { status: 'scheduled', scheduled: future() } }), withoutPublish: alwaysRefused },
    delete: { request: (at) => ({ method: 'DELETE', path: `/v2/posts/${at}/` }), withoutPublish: { draft: 'either', live: 'refused' } },
    restore: {
      prepare: async (at) => ok(await send('full', 'DELETE', `/v2/posts/${at}/`)),
      request: (at) => ({ method: 'POST', path: `/v2/manage/posts/${at}/restore/` }),
      withoutPublish: { draft: 'either', live: 'refused' },
    },
    rollback: { request: (at) => ({ method: 'POST', path: `/v2/manage/posts/${at}/rollback/`, body: { version: 1 } }), withoutPublish: alwaysRefused },
    'unpublish route': { request: (at) => ({ method: 'POST', path: `/v2/manage/posts/${at}/unpublish/` }), withoutPublish: alwaysRefused, targets: ['live'] },
  },
};

/** Also a create of each kind: a draft create is allowed, a published one refused. */
const creates: Record<string, (tag: string, target: Target) => { method: string; path: string; body: unknown }> = {
  pages: (tag, target) => ({ method: 'POST', path: '/v2/pages/', body: { title: `Title ${tag}`, slug: tag, page_type: '*', status: target === 'live' ? 'published' : 'draft', fields: {} } }),
  'collection items': (tag, target) => ({ method: 'POST', path: '/v2/content/', body: { key: 'things', status: target === 'live' ? 'published' : 'draft', fields: [{ name: tag }] } }),
  posts: (tag, target) => ({ method: 'POST', path: '/v2/posts/', body: { title: `Title ${tag}`, slug: tag, status: target === 'live' ? 'published' : 'draft' } }),
};

const KINDS = [pagesKind, itemsKind, postsKind];

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  space = origin.seed.spaceId;
  scopedKey = (
    await issueApiKey(origin.database.db, {
      organizationId: origin.seed.organizationId,
      spaceId: space,
      kind: 'write',
      name: 'no publish',
      scopes: ['content.read', 'content.preview', 'content.write', 'content.delete'],
    })
  ).token;
  const res = await fetch(`${origin.server.url}/v2/manage/spaces/${space}/collections/`, {
    method: 'POST',
    headers: { authorization: `Token ${origin.seed.keys.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'things', name: 'Things', fields: [{ name: 'name', type: 'short_text' }, { name: 'body', type: 'wysiwyg' }] }),
  });
  expect(res.status).toBe(201);
  const login = async (role: 'author' | 'publisher') => {
    const u = await createUser(origin, origin.seed.organizationId, role);
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    return c;
  };
  author = await login('author');
  publisher = await login('publisher');
});

afterAll(async () => {
  await origin?.stop();
});

let counter = 0;
const nextTag = () => `lc${++counter}x${Math.random().toString(36).slice(2, 7)}`;

async function snapshot(kind: Kind, at: string, tag: string): Promise<{ live: string[]; manage: string }> {
  const live = await Promise.all(kind.liveReads(at, tag).map(readText));
  return { live, manage: await statusAndBody(await send('full', 'GET', kind.manage(at))) };
}

describe('only content.publish changes what is live', () => {
  for (const kind of KINDS) {
    for (const [opName, op] of Object.entries(kind.ops)) {
      for (const target of op.targets ?? TARGETS) {
        for (const actor of ACTORS) {
          it(`${kind.name}: ${opName} on a ${target} target by ${actor}`, async () => {
            const tag = nextTag();
            const at = await kind.make(tag, target);
            await op.prepare?.(at);
            const before = await snapshot(kind, at, tag);
            const { method, path, body } = op.request(at, tag);
            const res = await send(actor, method, path, body);
            if (actor === 'publisher') {
              await ok(res);
              return;
            }
            const expected = op.withoutPublish[target];
            if (res.status === 403) {
              expect(expected, `${opName} on ${target} was refused`).not.toBe('allowed');
              await expectErrorShape(res, 403, 'forbidden');
              expect(await snapshot(kind, at, tag)).toEqual(before);
            } else {
              await ok(res);
              expect(expected, `${opName} on ${target} was let through`).not.toBe('refused');
              expect((await snapshot(kind, at, tag)).live).toEqual(before.live);
            }
          });
        }
      }
    }
    for (const target of TARGETS) {
      for (const actor of ACTORS) {
        it(`${kind.name}: create as ${target === 'live' ? 'published' : 'draft'} by ${actor}`, async () => {
          const tag = nextTag();
          const { method, path, body } = creates[kind.name]!(tag, target);
          const res = await send(actor, method, path, body);
          if (actor === 'publisher' || target === 'draft') await ok(res);
          else await expectErrorShape(res, 403, 'forbidden');
        });
      }
    }
  }
});

describe('regressions (issue 11 item 8)', () => {
  it('an author cannot take a published collection item off the site', async () => {
    const tag = nextTag();
    const id = await itemsKind.make(tag, 'live');
    const before = await readText(`/v2/content/things/${id}/`);
    await expectErrorShape(await send('author', 'PATCH', `/v2/content/things/${id}/`, { status: 'draft' }), 403, 'forbidden');
    expect(await readText(`/v2/content/things/${id}/`)).toBe(before);
    expect(before.startsWith('200 ')).toBe(true);
  });

  it('an author cannot move a live post to a new slug (the live URL keeps answering, the new one 404s)', async () => {
    const tag = nextTag();
    await postsKind.make(tag, 'live');
    const before = await readText(`/v2/posts/${tag}/`);
    await expectErrorShape(await send('author', 'PATCH', `/v2/posts/${tag}/`, { status: 'draft', slug: 'new' }), 403, 'forbidden');
    expect(await readText(`/v2/posts/${tag}/`)).toBe(before);
    expect((await readText('/v2/posts/new/')).startsWith('404 ')).toBe(true);
  });

  it('a publisher renaming a live post in a draft save moves its published form with it', async () => {
    const tag = nextTag();
    await postsKind.make(tag, 'live');
    await ok(await send('publisher', 'PATCH', `/v2/posts/${tag}/`, { status: 'draft', slug: `${tag}-moved`, title: 'draft title' }));
    expect((await readText(`/v2/posts/${tag}/`)).startsWith('404 ')).toBe(true);
    const moved = JSON.parse((await readText(`/v2/posts/${tag}-moved/`)).slice(4)) as { data: { slug: string; url: string; title: string } };
    expect(moved.data).toMatchObject({ slug: `${tag}-moved`, url: `/blog/${tag}-moved`, title: `Title ${tag}` });
  });
});
