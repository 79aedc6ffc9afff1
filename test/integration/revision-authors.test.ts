/**
 * Who made each content revision, for pages, blog posts and collection items alike: a signed-in
 * member's saves record their user id (and no key), a write key's saves the key's id (and no
 * user), the scheduler's neither — in the revision rows and in the three revision history
 * endpoints (`created_by_key`, `created_by_user`). Deletes and restores are revisions too (the
 * delete's status `deleted`), each by its own author, with no gap in the versions; a rollback to
 * the delete's revision brings back that content as a draft, alike for all three. Concurrent saves
 * of two members and a key are each attributed to their own author, never to another.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/api-key.js';
import { apiKeys, collectionItemRevisions, collectionItems, collections, pageRevisions, pages, postRevisions, posts } from '../../origin/db/schema/index.js';
import { Scheduler } from '../../origin/content/scheduler.js';
import { createLogger } from '../../origin/logger.js';
import { createUser, SessionClient, type TestUser } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let writeKeyId: string;

/** Sends a request as one author: a signed-in member or the write key. */
type Send = (method: string, path: string, body?: unknown) => Promise<Response>;

interface Member extends TestUser {
  send: Send;
}
let alice: Member;
let bob: Member;

const asKey: Send = (method, path, body) =>
  fetch(`${origin.server.url}${path}`, {
    method,
    headers: { authorization: `Token ${origin.seed.keys.write}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function member(): Promise<Member> {
  const user = await createUser(origin, origin.seed.organizationId, 'publisher');
  const client = new SessionClient(origin.server.url);
  await client.login(user.email, user.password);
  return { ...user, send: (method, path, body) => client.request(method, path, body, { 'x-ghee-space': origin.seed.spaceId }) };
}

/** A revision row, whatever it revises: its title is a page's name, a post's title or an item's label. */
interface Row {
  version: number;
  title: string;
  status: string;
  createdByKey: string | null;
  createdByUser: string | null;
  createdAt: Date;
}

interface HistoryEntry {
  version: number;
  status: string;
  created: string;
  created_by_key: string | null;
  created_by_user: string | null;
  [title: string]: unknown;
}

/** How to write one kind of content, read its revision rows, and where its history is. */
interface Kind {
  name: string;
  /** The history entry's title field, as the endpoint named it before authors were added. */
  titleField: 'name' | 'title' | 'label';
  /** Creates a draft `slug` titled `slug`. */
  create(send: Send, slug: string): Promise<Response>;
  retitle(send: Send, slug: string, title: string): Promise<Response>;
  schedule(send: Send, slug: string, when: Date): Promise<Response>;
  rollback(send: Send, slug: string, version: number): Promise<Response>;
  /** Soft delete: a revision whose status is `deleted`. */
  remove(send: Send, slug: string): Promise<Response>;
  /** Undo the delete: a revision with the status the content had. */
  restore(send: Send, slug: string): Promise<Response>;
  rows(slug: string): Promise<Row[]>;
  historyPath(slug: string): string;
}

const db = () => origin.database.db;
const byVersion = (a: Row, b: Row) => a.version - b.version;

const pageKind: Kind = {
  name: 'pages',
  titleField: 'name',
  create: (send, slug) => send('POST', '/v2/pages/', { title: slug, slug, page_type: '*', fields: { body: slug } }),
  retitle: (send, slug, title) => send('PATCH', `/v2/pages/*/${slug}/`, { title }),
  schedule: (send, slug, when) => send('PATCH', `/v2/pages/*/${slug}/`, { status: 'scheduled', scheduled: when.toISOString() }),
  rollback: (send, slug, version) => send('POST', `/v2/manage/pages/*/${slug}/rollback/`, { version }),
  remove: (send, slug) => send('DELETE', `/v2/pages/*/${slug}/`),
  restore: (send, slug) => send('POST', `/v2/manage/pages/*/${slug}/restore/`),
  rows: async (slug) =>
    (
      await db()
        .select({ r: pageRevisions })
        .from(pageRevisions)
        .innerJoin(pages, eq(pages.id, pageRevisions.pageId))
        .where(and(eq(pages.spaceId, origin.seed.spaceId), eq(pages.slug, slug)))
    )
      .map(({ r }) => ({ ...r, title: r.name }))
      .sort(byVersion),
  historyPath: (slug) => `/v2/manage/pages/*/${slug}/revisions/`,
};

const postKind: Kind = {
  name: 'posts',
  titleField: 'title',
  create: (send, slug) => send('POST', '/v2/posts/', { title: slug, slug, body: `<p>${slug}</p>` }),
  retitle: (send, slug, title) => send('PATCH', `/v2/posts/${slug}/`, { title }),
  schedule: (send, slug, when) => send('PATCH', `/v2/posts/${slug}/`, { status: 'scheduled', scheduled: when.toISOString() }),
  rollback: (send, slug, version) => send('POST', `/v2/manage/posts/${slug}/rollback/`, { version }),
  remove: (send, slug) => send('DELETE', `/v2/posts/${slug}/`),
  restore: (send, slug) => send('POST', `/v2/manage/posts/${slug}/restore/`),
  rows: async (slug) =>
    (
      await db()
        .select({ r: postRevisions })
        .from(postRevisions)
        .innerJoin(posts, eq(posts.id, postRevisions.postId))
        .where(and(eq(posts.spaceId, origin.seed.spaceId), eq(posts.slug, slug)))
    )
      .map(({ r }) => r)
      .sort(byVersion),
  historyPath: (slug) => `/v2/manage/posts/${slug}/revisions/`,
};

/** Items are addressed by id: the id of the item created as `slug` (its first title). */
const itemIds = new Map<string, number>();
async function itemIdOf(slug: string): Promise<number> {
  const known = itemIds.get(slug);
  if (known !== undefined) return known;
  const [row] = await db()
    .select({ itemId: collectionItems.itemId })
    .from(collectionItems)
    .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
    .where(and(eq(collections.spaceId, origin.seed.spaceId), eq(collections.key, 'notes'), sql`${collectionItems.fields}->>'title' = ${slug}`));
  itemIds.set(slug, row!.itemId);
  return row!.itemId;
}

const itemKind: Kind = {
  name: 'collection items',
  titleField: 'label',
  create: async (send, slug) => {
    const res = await send('POST', '/v2/content/', { key: 'notes', fields: [{ title: slug }] });
    // Its id now, while its title still names it.
    if (res.status === 202) await itemIdOf(slug);
    return res;
  },
  retitle: async (send, slug, title) => send('PATCH', `/v2/content/notes/${await itemIdOf(slug)}/`, { fields: { title } }),
  schedule: async (send, slug, when) => send('PATCH', `/v2/content/notes/${await itemIdOf(slug)}/`, { status: 'scheduled', scheduled: when.toISOString() }),
  rollback: async (send, slug, version) => send('POST', `/v2/manage/content/notes/${await itemIdOf(slug)}/rollback/`, { version }),
  remove: async (send, slug) => send('DELETE', `/v2/content/notes/${await itemIdOf(slug)}/`),
  restore: async (send, slug) => send('POST', `/v2/manage/content/notes/${await itemIdOf(slug)}/restore/`),
  rows: async (slug) => {
    const [item] = await db()
      .select({ id: collectionItems.id })
      .from(collectionItems)
      .innerJoin(collections, eq(collections.id, collectionItems.collectionId))
      .where(and(eq(collections.spaceId, origin.seed.spaceId), eq(collections.key, 'notes'), eq(collectionItems.itemId, await itemIdOf(slug))));
    return (await db().select().from(collectionItemRevisions).where(eq(collectionItemRevisions.collectionItemId, item!.id)))
      .map((r) => ({ ...r, title: r.label }))
      .sort(byVersion);
  },
  historyPath: (slug) => `/v2/manage/content/notes/${itemIds.get(slug)}/revisions/`,
};

/** Expects every response to be a successful write (202, or 204 for deletes). */
async function ok(...responses: Response[]): Promise<void> {
  for (const res of responses) expect([202, 204], await res.clone().text()).toContain(res.status);
}

/** The history endpoint, asked by `send`: exactly the rows, newest first, with their authors. */
async function expectHistory(kind: Kind, slug: string, send: Send): Promise<HistoryEntry[]> {
  const res = await send('GET', kind.historyPath(slug));
  expect(res.status).toBe(200);
  const { data } = (await res.json()) as { data: HistoryEntry[] };
  const rows = await kind.rows(slug);
  expect(data).toEqual(
    [...rows].reverse().map((r) => ({
      version: r.version,
      [kind.titleField]: r.title,
      status: r.status,
      created: r.createdAt.toISOString(),
      created_by_key: r.createdByKey,
      created_by_user: r.createdByUser,
    })),
  );
  return data;
}

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  const [key] = await db().select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.tokenHash, hashApiKey(origin.seed.keys.write)));
  writeKeyId = key!.id;
  alice = await member();
  bob = await member();
  const res = await fetch(`${origin.server.url}/v2/manage/spaces/${origin.seed.spaceId}/collections/`, {
    method: 'POST',
    headers: { authorization: `Token ${origin.seed.keys.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'notes', name: 'Notes', fields: [{ name: 'title', type: 'short_text' }] }),
  });
  expect(res.status).toBe(201);
});
afterAll(async () => origin?.stop());

for (const kind of [pageKind, postKind, itemKind]) {
  describe(`revision authors: ${kind.name}`, () => {
    const slug = (tag: string) => `${kind.name.replace(' ', '-')}-${tag}`;

    /** The two kinds of author: a signed-in member (their user id, no key) and a write key (its id, no user). */
    const AUTHORS = [
      { title: "a member's saves (create, update, rollback, delete, restore) record their user id and no key", tag: 'by-member', send: () => alice.send, by: () => ({ key: null, user: alice.id }) },
      { title: "a write key's saves record the key id and no user", tag: 'by-key', send: () => asKey, by: () => ({ key: writeKeyId, user: null }) },
    ];

    it.each(AUTHORS)('$title; the history shows both', async ({ tag, send, by }) => {
      const s = slug(tag);
      const as = send();
      await ok(await kind.create(as, s));
      await ok(await kind.retitle(as, s, `Edited ${tag}`));
      await ok(await kind.rollback(as, s, 1));
      await ok(await kind.remove(as, s));
      await ok(await kind.restore(as, s));
      const rows = await kind.rows(s);
      // One revision per version, no gap: the delete is `deleted`, the restore the draft it was.
      expect(rows.map((r) => [r.version, r.status])).toEqual([
        [1, 'draft'],
        [2, 'draft'],
        [3, 'draft'],
        [4, 'deleted'],
        [5, 'draft'],
      ]);
      const { key, user } = by();
      for (const r of rows) expect(r).toMatchObject({ createdByKey: key, createdByUser: user });
      const history = await expectHistory(kind, s, as);
      expect(history.every((e) => e.created_by_key === key && e.created_by_user === user)).toBe(true);
    });

    it("a delete and a restore by different authors each record their own; the deleter's revision keeps the content as it was", async () => {
      const s = slug('delete-restore');
      await ok(await kind.create(asKey, s));
      await ok(await kind.retitle(asKey, s, 'Before the delete'));
      await ok(await kind.remove(alice.send, s));
      await ok(await kind.restore(bob.send, s));
      const rows = await kind.rows(s);
      expect(rows.map((r) => [r.version, r.title, r.status, r.createdByKey, r.createdByUser])).toEqual([
        [1, s, 'draft', writeKeyId, null],
        [2, 'Before the delete', 'draft', writeKeyId, null],
        [3, 'Before the delete', 'deleted', null, alice.id],
        [4, 'Before the delete', 'draft', null, bob.id],
      ]);
      const history = await expectHistory(kind, s, asKey);
      expect(history.map((e) => [e.version, e.status, e.created_by_key, e.created_by_user])).toEqual([
        [4, 'draft', null, bob.id],
        [3, 'deleted', null, alice.id],
        [2, 'draft', writeKeyId, null],
        [1, 'draft', writeKeyId, null],
      ]);
    });

    it("a rollback to the delete's revision is a save by its author: the content as it was deleted, as a draft — the page, post or item stays", async () => {
      const s = slug('rollback-deleted');
      await ok(await kind.create(asKey, s));
      await ok(await kind.retitle(asKey, s, 'As deleted'));
      await ok(await kind.remove(asKey, s));
      await ok(await kind.restore(asKey, s));
      await ok(await kind.retitle(asKey, s, 'After the restore'));
      await ok(await kind.rollback(alice.send, s, 3));
      const rows = await kind.rows(s);
      expect(rows.map((r) => [r.version, r.title, r.status])).toEqual([
        [1, s, 'draft'],
        [2, 'As deleted', 'draft'],
        [3, 'As deleted', 'deleted'],
        [4, 'As deleted', 'draft'],
        [5, 'After the restore', 'draft'],
        [6, 'As deleted', 'draft'],
      ]);
      expect(rows.at(-1)).toMatchObject({ createdByUser: alice.id, createdByKey: null });
      // Not deleted: its history (which answers 404 for deleted content) is still there.
      await expectHistory(kind, s, alice.send);
    });

    it('a scheduled publish by the scheduler records neither key nor user', async () => {
      const s = slug('scheduled');
      const when = new Date(Date.now() + 60_000);
      await ok(await kind.create(alice.send, s));
      await ok(await kind.schedule(alice.send, s, when));
      const scheduler = new Scheduler({ db: db(), logger: createLogger('silent'), now: () => new Date(when.getTime() + 1000) });
      expect(await scheduler.runOnce()).toBe(1);
      const rows = await kind.rows(s);
      expect(rows.map((r) => [r.version, r.status, r.createdByKey, r.createdByUser])).toEqual([
        [1, 'draft', null, alice.id],
        [2, 'scheduled', null, alice.id],
        [3, 'published', null, null],
      ]);
      const [newest] = await expectHistory(kind, s, asKey);
      expect(newest).toMatchObject({ version: 3, status: 'published', created_by_key: null, created_by_user: null });
    });

    it("concurrent saves of two members and a key are each attributed to their own author, never to another's", async () => {
      const s = slug('shared');
      await ok(await kind.create(asKey, s));
      const authors = { alice: alice.send, bob: bob.send, key: asKey };
      const saves = Object.entries(authors).flatMap(([who, send]) => Array.from({ length: 5 }, (_, i) => kind.retitle(send, s, `${who}-${i}`)));
      await ok(...(await Promise.all(saves)));
      const rows = (await kind.rows(s)).slice(1);
      expect(rows).toHaveLength(15);
      const expected = { alice: { createdByUser: alice.id, createdByKey: null }, bob: { createdByUser: bob.id, createdByKey: null }, key: { createdByUser: null, createdByKey: writeKeyId } };
      for (const r of rows) {
        const who = r.title.split('-')[0] as keyof typeof expected;
        expect({ createdByUser: r.createdByUser, createdByKey: r.createdByKey }, `revision ${r.version} (${r.title})`).toEqual(expected[who]);
      }
      // The negative check, spelled out: no member's save names the other member.
      expect(rows.filter((r) => r.title.startsWith('alice-')).map((r) => r.createdByUser)).not.toContain(bob.id);
      expect(rows.filter((r) => r.title.startsWith('bob-')).map((r) => r.createdByUser)).not.toContain(alice.id);
      const history = await expectHistory(kind, s, bob.send);
      expect(history.filter((e) => String(e[kind.titleField]).startsWith('alice-')).every((e) => e.created_by_user === alice.id)).toBe(true);
      expect(history.filter((e) => String(e[kind.titleField]).startsWith('bob-')).every((e) => e.created_by_user === bob.id)).toBe(true);
    });
  });
}

describe('revision authors: bulk collection creates', () => {
  it("a member's bulk create records them on every created item's first revision", async () => {
    await ok(await bob.send('POST', '/v2/content/', { key: 'notes', fields: [{ title: 'bulk-a' }, { title: 'bulk-b' }, { title: 'bulk-c' }] }));
    for (const title of ['bulk-a', 'bulk-b', 'bulk-c']) {
      const rows = await itemKind.rows(title);
      expect(rows.map((r) => [r.version, r.createdByKey, r.createdByUser])).toEqual([[1, null, bob.id]]);
    }
  });
});
