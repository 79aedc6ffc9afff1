/**
 * Writes the account's content into ghee through its Write API (target.ts), as upserts:
 *   - collection items first (pages reference them by id): an item is matched to a ghee item of
 *     the same collection by its content (references as ghee ids), else by its position; created
 *     in all its locales at once (one id across locales), updated per locale where it differs;
 *   - pages by (type, slug, locale): created, or replaced where their working copy differs; a
 *     page with a newer draft over its published version is written published, then the draft
 *     saved over it (ghee keeps the published form until the next publish, as ButterCMS does);
 *   - posts by slug, oldest first (so lists come out in ButterCMS's order).
 * Nothing equal to what ghee already holds is written again: a second run writes nothing.
 */
import { comparable, convertFreeform, convertItemFields, convertPageFields, sameContent, type ConvertContext } from './convert.js';
import type { CollectionFieldDef, PageFieldDef, Unmapped } from './infer.js';
import type { Progress } from './progress.js';
import type { SourceAccount, SourceItem, SourcePage } from './read.js';
import type { GheeTarget } from './target.js';
import type { Json } from './source.js';

export interface Tally {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}
export const newTally = (): Tally => ({ created: 0, updated: 0, unchanged: 0, failed: 0 });

export interface WriteState {
  target: GheeTarget;
  media: Map<string, string>;
  /** key → source item id → ghee item id. */
  itemIds: Map<string, Map<number, number>>;
  unmapped: Unmapped[];
  progress: Progress;
  tally: Record<'pages' | 'items' | 'posts', Tally>;
}

/** Page types written at once. */
const PAGE_WRITERS = 4;

/** Runs `fn` over `list`, at most `n` at a time. */
async function inPool<T>(list: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, list.length) }, async () => {
      while (next < list.length) await fn(list[next++]!);
    }),
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function ctxOf(s: WriteState, pending: string[]): ConvertContext {
  return { media: s.media, itemId: (key, id) => s.itemIds.get(key)?.get(id), missing: (what) => pending.push(what) };
}

function refused(s: WriteState, tally: Tally, what: string, a: { status: number; detail: string }): void {
  tally.failed++;
  s.unmapped.push({ what, why: `ghee refused it: ${a.status} ${a.detail}` });
}

const localeQuery = (locale: string) => (locale ? `?locale=${encodeURIComponent(locale)}` : '');

/** ghee's items of a collection in one locale (working copies), references as paths (levels=1). */
async function gheeItems(s: WriteState, key: string, locale: string, preview = true): Promise<Json[]> {
  const got = await s.target.list(`/v2/content/${key}/?levels=1${preview ? '&preview=1' : ''}${locale ? `&locale=${encodeURIComponent(locale)}` : ''}`, (b) => (b.data as Json | undefined)?.[key]);
  return Array.isArray(got) ? got : [];
}

export async function writeItems(s: WriteState, account: SourceAccount, schemas: Map<string, CollectionFieldDef[]>): Promise<void> {
  const tally = s.tally.items;
  const total = [...account.collections.values()].reduce((n, l) => n + l.length, 0);
  s.progress.phase('items', total);
  const second: { key: string; item: SourceItem }[] = [];
  const idOf = (x: Json) => (x.meta as { id: number }).id;
  const first = account.locales[0] ?? '';
  for (const [key, items] of account.collections) {
    const defs = schemas.get(key);
    if (!defs) continue;
    const ids = s.itemIds.get(key) ?? new Map<number, number>();
    s.itemIds.set(key, ids);
    // ghee's items in every locale, read once (by id).
    const theirs = new Map<string, Map<number, Json>>();
    for (const loc of new Set(items.flatMap((i) => [...i.fields.keys()]).concat(first))) theirs.set(loc, new Map((await gheeItems(s, key, loc)).map((x) => [idOf(x), x])));
    const existing = [...theirs.get(first)!.values()];
    // Which of them readers see (the published ones), per locale.
    const live = new Map<string, Set<number>>();
    for (const loc of theirs.keys()) live.set(loc, new Set((await gheeItems(s, key, loc, false)).map(idOf)));
    const taken = new Set<number>();
    const converted = new Map<SourceItem, Map<string, Record<string, unknown>>>();
    for (const item of items) {
      const pending: string[] = [];
      converted.set(item, new Map([...item.fields].map(([loc, f]) => [loc, convertItemFields(defs, f, `collection ${key} item ${item.id}${loc ? ` (${loc})` : ''}`, ctxOf(s, pending))])));
      if (pending.length) second.push({ key, item });
    }
    const mineOf = (item: SourceItem) => converted.get(item)!.get(first) ?? [...converted.get(item)!.values()][0]!;
    // Matched by content; else the ghee item at the same position, unless another item's content claims it.
    const matched = new Map<SourceItem, Json>();
    for (const item of items) {
      const match = existing.find((x) => !taken.has(idOf(x)) && sameContent(strip(x), mineOf(item)));
      if (match) {
        matched.set(item, match);
        taken.add(idOf(match));
      }
    }
    for (const [i, item] of items.entries()) {
      const at = existing[i];
      if (matched.has(item) || !at || taken.has(idOf(at)) || items.some((o) => o !== item && sameContent(strip(at), mineOf(o)))) continue;
      matched.set(item, at);
      taken.add(idOf(at));
    }
    for (const item of items) {
      const match = matched.get(item);
      if (!match) continue;
      ids.set(item.id, idOf(match));
      const status = item.published ? 'published' : 'draft';
      let changed = false;
      for (const [loc, f] of converted.get(item)!) {
        const current = theirs.get(loc)?.get(idOf(match));
        if (current && sameContent(strip(current), f) && live.get(loc)!.has(idOf(match)) === (status === 'published')) continue;
        const a = await s.target.call('PUT', `/v2/content/${key}/${idOf(match)}/${localeQuery(loc)}`, { status, fields: f });
        if (a.status !== 202) refused(s, tally, `collection ${key} item ${item.id}${loc ? ` (${loc})` : ''}`, a);
        else changed = true;
      }
      if (changed) tally.updated++;
      else tally.unchanged++;
      s.progress.tick();
    }
    // New items: created in batches (≤ 100 a request, every locale at once: one id across locales);
    // ghee numbers a batch's items in order, so the new ids, ascending, are the batch's.
    const fresh = items.filter((i) => !matched.has(i));
    for (const status of ['published', 'draft'] as const) {
      const group = fresh.filter((i) => (status === 'published') === i.published);
      for (let b = 0; b < group.length; b += 100) {
        const batch = group.slice(b, b + 100);
        const fields = batch.map((item) => (account.locales[0] === undefined ? mineOf(item) : Object.fromEntries(converted.get(item)!)));
        const a = await s.target.call('POST', '/v2/content/', { key, status, fields });
        if (a.status !== 202) {
          for (const item of batch) refused(s, tally, `collection ${key} item ${item.id}`, a);
          s.progress.tick(batch.length);
          continue;
        }
        const now = await gheeItems(s, key, first);
        const known = new Set(existing.map(idOf));
        const added = now.filter((x) => !known.has(idOf(x))).sort((x, y) => idOf(x) - idOf(y));
        existing.push(...added);
        batch.forEach((item, j) => {
          const x = added[j];
          if (x && sameContent(strip(x), mineOf(item))) ids.set(item.id, idOf(x));
          else s.unmapped.push({ what: `collection ${key} item ${item.id}`, why: 'created, but its new id could not be told apart (references to it are left out)' });
        });
        tally.created += batch.length;
        s.progress.tick(batch.length);
      }
    }
  }
  // References to items created after the referring one: written now that every id is known.
  for (const { key, item } of second) {
    const id = s.itemIds.get(key)?.get(item.id);
    if (id === undefined) continue;
    const pending: string[] = [];
    for (const [loc, f] of item.fields) {
      const values = convertItemFields(schemas.get(key)!, f, `collection ${key} item ${item.id}`, ctxOf(s, pending));
      await s.target.call('PATCH', `/v2/content/${key}/${id}/${localeQuery(loc)}`, { fields: values });
    }
    for (const p of pending) s.unmapped.push({ what: p, why: 'the referenced collection item was not imported' });
  }
  s.progress.end();
}

/** An item as ghee answers it, without its meta (id, status). */
function strip(x: Json): Json {
  const { meta: _m, ...rest } = x;
  return rest;
}

export async function writePages(s: WriteState, account: SourceAccount, schemas: Map<string, PageFieldDef[]>): Promise<void> {
  const tally = s.tally.pages;
  const all = [...account.pages.values()].flat();
  s.progress.phase('pages', all.length);
  // Each page type's pages oldest first and one after another (ghee stamps the publication time,
  // and lists are newest first: they keep ButterCMS's order); a few page types at a time.
  const byType = new Map<string, SourcePage[]>();
  for (const page of all) byType.set(page.pageType, [...(byType.get(page.pageType) ?? []), page]);
  const groups = [...byType.values()].map((list) => list.sort((a, b) => a.published.localeCompare(b.published) || a.slug.localeCompare(b.slug)));
  await inPool(groups, PAGE_WRITERS, async (group) => {
    for (const page of group) await writeOnePage(s, page, schemas, tally);
  });
  s.progress.end();
}

async function writeOnePage(s: WriteState, page: SourcePage, schemas: Map<string, PageFieldDef[]>, tally: Tally): Promise<void> {
  const defs = page.pageType === '*' ? null : schemas.get(page.pageType);
  if (page.pageType !== '*' && !defs) {
    s.progress.tick();
    return;
  }
  let created = false;
  let updated = false;
  for (const loc of new Set([...page.live.keys(), ...page.draft.keys()])) {
    const r = await writePage(s, page, defs ?? null, loc);
    if (r === 'created') created = true;
    if (r === 'updated') updated = true;
  }
  if (created) tally.created++;
  else if (updated) tally.updated++;
  else tally.unchanged++;
  s.progress.tick();
}

async function writePage(s: WriteState, page: SourcePage, defs: PageFieldDef[] | null, loc: string): Promise<'created' | 'updated' | 'unchanged' | 'failed'> {
  const what = `page ${page.pageType}/${page.slug}${loc ? ` (${loc})` : ''}`;
  const pending: string[] = [];
  const conv = (f: Json | undefined) => (f === undefined ? undefined : defs ? convertPageFields(defs, f, what, ctxOf(s, pending)) : convertFreeform(f, ctxOf(s, pending)));
  const live = conv(page.live.get(loc));
  const draft = conv(page.draft.get(loc));
  for (const p of pending) s.unmapped.push({ what: p, why: 'the referenced collection item was not imported' });
  const draftOver = live !== undefined && draft !== undefined && !sameContent(live, draft);
  const want = draftOver ? { status: 'draft', fields: draft } : { status: live !== undefined ? 'published' : 'draft', fields: live ?? draft! };
  const q = localeQuery(loc);
  const current = await s.target.call('GET', `/v2/manage/pages/${page.pageType}/${page.slug}/${q}`);
  if (current.status === 200 && isRecord(current.body?.data)) {
    const d = current.body.data;
    if (d.name === page.name && d.status === want.status && sameContent(d.fields, want.fields)) return 'unchanged';
    if (live !== undefined) {
      const a = await s.target.call('PUT', `/v2/pages/${page.pageType}/${page.slug}/${q}`, { title: page.name, status: 'published', fields: live });
      if (a.status !== 202) return (refused(s, s.tally.pages, what, a), 'failed');
    }
  } else {
    const a = await s.target.call('POST', `/v2/pages/${q}`, { title: page.name, slug: page.slug, page_type: page.pageType, status: want.status === 'draft' && !draftOver ? 'draft' : 'published', fields: live ?? draft });
    if (a.status !== 202) return (refused(s, s.tally.pages, what, a), 'failed');
    if (!draftOver) return 'created';
  }
  if (draftOver || live === undefined) {
    const a = await s.target.call('PUT', `/v2/pages/${page.pageType}/${page.slug}/${q}`, { title: page.name, status: 'draft', fields: want.fields });
    if (a.status !== 202) return (refused(s, s.tally.pages, what, a), 'failed');
  }
  return current.status === 200 ? 'updated' : 'created';
}

export async function writePosts(s: WriteState, account: SourceAccount): Promise<void> {
  const tally = s.tally.posts;
  const when = (p: Json) => String(p.published ?? p.created ?? '');
  const posts = [...account.posts].sort((a, b) => when(a).localeCompare(when(b)));
  s.progress.phase('posts', posts.length);
  for (const p of posts) {
    const slug = String(p.slug);
    const what = `post ${slug}`;
    const author = isRecord(p.author) && typeof p.author.slug === 'string' ? { slug: p.author.slug } : undefined;
    const terms = (v: unknown) => (Array.isArray(v) ? v.filter(isRecord).map((t) => String(t.name)) : []);
    const body = {
      title: String(p.title ?? slug),
      status: account.draftPosts.has(slug) ? 'draft' : 'published',
      body: String(s.media.size ? replaceIn(p.body, s.media) : (p.body ?? '')),
      summary: String(replaceIn(p.summary, s.media)),
      seo_title: String(p.seo_title ?? ''),
      meta_description: String(p.meta_description ?? ''),
      featured_image: typeof p.featured_image === 'string' ? (s.media.get(p.featured_image) ?? p.featured_image) : '',
      featured_image_alt: String(p.featured_image_alt ?? ''),
      ...(author ? { author } : {}),
      categories: terms(p.categories),
      tags: terms(p.tags),
    };
    const current = await s.target.call('GET', `/v2/manage/posts/${slug}/`);
    if (current.status === 200 && isRecord(current.body?.data)) {
      const d = current.body.data;
      const theirs = {
        title: d.title,
        status: d.status,
        body: d.body,
        summary: d.summary,
        seo_title: d.seo_title,
        meta_description: d.meta_description,
        featured_image: d.featured_image ?? '',
        featured_image_alt: d.featured_image_alt,
        ...(author ? { author: { slug: isRecord(d.author) ? d.author.slug : null } } : {}),
        categories: terms(d.categories).sort(),
        tags: terms(d.tags).sort(),
      };
      if (JSON.stringify(comparable(theirs)) === JSON.stringify(comparable({ ...body, categories: [...body.categories].sort(), tags: [...body.tags].sort() }))) tally.unchanged++;
      else {
        const a = await s.target.call('PUT', `/v2/posts/${slug}/`, body);
        if (a.status !== 202) refused(s, tally, what, a);
        else tally.updated++;
      }
    } else {
      const a = await s.target.call('POST', '/v2/posts/', { ...body, slug });
      if (a.status !== 202) refused(s, tally, what, a);
      else tally.created++;
    }
    for (const [field, list] of [['categories', p.categories], ['tags', p.tags]] as const) {
      for (const t of Array.isArray(list) ? list.filter(isRecord) : []) {
        const expected = String(t.name)
          .normalize('NFKD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, '');
        if (t.slug !== expected) s.unmapped.push({ what: `${field} ${String(t.slug)}`, why: `ghee derives a term's slug from its name ("${expected}")` });
      }
    }
    s.progress.tick();
  }
  s.progress.end();
}

function replaceIn(v: unknown, media: ReadonlyMap<string, string>): string {
  let out = typeof v === 'string' ? v : '';
  for (const [from, to] of media) out = out.split(`"${from.replace(/&/g, '&amp;')}"`).join(`"${to}"`).split(`"${from}"`).join(`"${to}"`);
  return out;
}
