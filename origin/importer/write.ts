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
async function gheeItems(s: WriteState, key: string, locale: string): Promise<Json[]> {
  const got = await s.target.list(`/v2/content/${key}/?preview=1&levels=1${locale ? `&locale=${encodeURIComponent(locale)}` : ''}`, (b) => (b.data as Json | undefined)?.[key]);
  return Array.isArray(got) ? got : [];
}

export async function writeItems(s: WriteState, account: SourceAccount, schemas: Map<string, CollectionFieldDef[]>): Promise<void> {
  const tally = s.tally.items;
  const total = [...account.collections.values()].reduce((n, l) => n + l.length, 0);
  s.progress.phase('items', total);
  const second: { key: string; item: SourceItem }[] = [];
  for (const [key, items] of account.collections) {
    const defs = schemas.get(key);
    if (!defs) continue;
    const ids = s.itemIds.get(key) ?? new Map<number, number>();
    s.itemIds.set(key, ids);
    const first = account.locales[0] ?? '';
    const existing = await gheeItems(s, key, first);
    const taken = new Set<number>();
    const idOf = (x: Json) => (x.meta as { id: number }).id;
    const converted = (item: SourceItem, pending: string[]) => new Map([...item.fields].map(([loc, f]) => [loc, convertItemFields(defs, f, `collection ${key} item ${item.id}${loc ? ` (${loc})` : ''}`, ctxOf(s, pending))]));
    for (const [i, item] of items.entries()) {
      const pending: string[] = [];
      const values = converted(item, pending);
      const mine = values.get(first) ?? [...values.values()][0]!;
      let match = existing.find((x) => !taken.has(idOf(x)) && sameContent(strip(x), mine));
      match ??= existing[i] && !taken.has(idOf(existing[i])) && !items.some((o, j) => j !== i && sameContent(strip(existing[i]!), converted(o, []).get(first))) ? existing[i] : undefined;
      const status = item.published ? 'published' : 'draft';
      if (!match) {
        const fields = account.locales[0] === undefined ? [mine] : [Object.fromEntries(values)];
        const a = await s.target.call('POST', '/v2/content/', { key, status, fields });
        if (a.status !== 202) refused(s, tally, `collection ${key} item ${item.id}`, a);
        else {
          const now = await gheeItems(s, key, first);
          const fresh = now.filter((x) => !taken.has(idOf(x)) && !existing.some((e) => idOf(e) === idOf(x)));
          const found = fresh.find((x) => sameContent(strip(x), mine)) ?? fresh[fresh.length - 1];
          if (found) {
            ids.set(item.id, idOf(found));
            taken.add(idOf(found));
            existing.push(found);
          }
          tally.created++;
        }
      } else {
        ids.set(item.id, idOf(match));
        taken.add(idOf(match));
        let changed = false;
        for (const [loc, f] of values) {
          const theirs = loc === first ? match : (await gheeItems(s, key, loc)).find((x) => idOf(x) === idOf(match));
          if (theirs && sameContent(strip(theirs), f) && (theirs.status === undefined || theirs.status === status)) continue;
          const a = await s.target.call('PUT', `/v2/content/${key}/${idOf(match)}/${localeQuery(loc)}`, { status, fields: f });
          if (a.status !== 202) refused(s, tally, `collection ${key} item ${item.id}${loc ? ` (${loc})` : ''}`, a);
          else changed = true;
        }
        if (changed) tally.updated++;
        else tally.unchanged++;
      }
      if (pending.length) second.push({ key, item });
      s.progress.tick();
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
  for (const page of all) {
    const defs = page.pageType === '*' ? null : schemas.get(page.pageType);
    if (page.pageType !== '*' && !defs) {
      s.progress.tick();
      continue;
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
  s.progress.end();
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
