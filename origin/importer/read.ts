/**
 * Reads the whole account from ButterCMS (source.ts): pages of every page type given or found in
 * references, single pages, the collections given or found, posts, authors — in every locale
 * given, published and (with a preview token) drafts. What it could not read is reported.
 */
import { itemRef, pageRef, type Unmapped } from './infer.js';
import { SourceError, type ButterSource, type Json } from './source.js';
import type { Progress } from './progress.js';

/** One page: its versions by locale, published (`live`) and the working copy (`draft`, preview only). */
export interface SourcePage {
  pageType: string;
  slug: string;
  name: string;
  /** When ButterCMS published it (ghee stamps its own: pages are written oldest first, so lists keep their order). */
  published: string;
  live: Map<string, Json>;
  draft: Map<string, Json>;
}
export interface SourceItem {
  id: number;
  published: boolean;
  fields: Map<string, Json>;
}
export interface SourceAccount {
  locales: (string | undefined)[];
  pages: Map<string, SourcePage[]>;
  collections: Map<string, SourceItem[]>;
  posts: Json[];
  draftPosts: Set<string>;
  authors: Json[];
}

const fieldsOf = (x: Json): Json => (typeof x.fields === 'object' && x.fields !== null ? (x.fields as Json) : {});

function refsIn(v: unknown, types: Set<string>, keys: Set<string>): void {
  const p = pageRef(v);
  if (p && p.pageType !== '*') types.add(p.pageType);
  const i = itemRef(v);
  if (i) keys.add(i.key);
  if (Array.isArray(v)) for (const x of v) refsIn(x, types, keys);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) refsIn(x, types, keys);
}

export async function readAccount(
  source: ButterSource,
  opts: { pageTypes: string[]; collections: string[]; locales: string[] },
  unmapped: Unmapped[],
  progress: Progress,
): Promise<SourceAccount> {
  const locales: (string | undefined)[] = opts.locales.length ? opts.locales : [undefined];
  let preview = source.previewToken !== undefined;
  if (!preview) unmapped.push({ what: 'drafts', why: 'no preview token (--preview-token): only published content was read' });
  const types = ['*', ...opts.pageTypes.filter((t) => t !== '*')];
  const keys = [...opts.collections];
  const foundTypes = new Set<string>();
  const foundKeys = new Set<string>();
  const pages = new Map<string, SourcePage[]>();
  const collections = new Map<string, SourceItem[]>();

  const readPreview = async <T>(what: string, read: () => Promise<T>, empty: T): Promise<T> => {
    if (!preview) return empty;
    try {
      return await read();
    } catch (err) {
      if (err instanceof SourceError && / HTTP 40[13]/.test(err.message)) {
        preview = false;
        unmapped.push({ what: 'drafts', why: `the preview token cannot read drafts (${what}: ${err.message}); only published content was read` });
        return empty;
      }
      throw err;
    }
  };

  progress.phase('read pages', types.length);
  for (let i = 0; i < types.length; i++) {
    const type = types[i]!;
    const bySlug = new Map<string, SourcePage>();
    for (const locale of locales) {
      const at = locale ?? '';
      const live = await source.pages(type, locale, false);
      const drafts = await readPreview(`pages ${type}`, () => source.pages(type, locale, true), [] as Json[]);
      for (const [list, into] of [[live, 'live'], [drafts, 'draft']] as const) {
        for (const p of list) {
          const slug = String(p.slug);
          const pageType = type === '*' ? (typeof p.page_type === 'string' ? p.page_type : '*') : type;
          if (type === '*' && pageType !== '*') continue;
          let page = bySlug.get(slug);
          if (!page) bySlug.set(slug, (page = { pageType, slug, name: String(p.name ?? slug), published: typeof p.published === 'string' ? p.published : '', live: new Map(), draft: new Map() }));
          if (into === 'live' && typeof p.published === 'string') page.published = p.published;
          page[into].set(at, fieldsOf(p));
          refsIn(fieldsOf(p), foundTypes, foundKeys);
        }
      }
    }
    pages.set(type, [...bySlug.values()]);
    for (const t of foundTypes) if (!types.includes(t)) types.push(t);
    progress.phase('read pages', types.length);
    progress.tick(i + 1);
  }
  progress.end();

  for (const k of foundKeys) if (!keys.includes(k)) keys.push(k);
  progress.phase('read items', keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const byId = new Map<number, SourceItem>();
    for (const locale of locales) {
      const at = locale ?? '';
      const live = await source.items(key, locale, false);
      const drafts = await readPreview(`collection ${key}`, () => source.items(key, locale, true), [] as Json[]);
      const liveIds = new Set(live.map((x) => (x.meta as { id?: number } | undefined)?.id));
      for (const x of [...live, ...drafts]) {
        const id = (x.meta as { id?: number } | undefined)?.id;
        if (typeof id !== 'number') continue;
        let item = byId.get(id);
        if (!item) byId.set(id, (item = { id, published: liveIds.has(id), fields: new Map() }));
        item.published ||= liveIds.has(id);
        const { meta: _meta, ...fields } = x;
        if (!item.fields.has(at)) item.fields.set(at, fields);
        refsIn(fields, foundTypes, foundKeys);
      }
    }
    if (byId.size === 0 && !opts.collections.includes(key)) unmapped.push({ what: `collection ${key}`, why: 'referenced but not readable' });
    collections.set(key, [...byId.values()]);
    for (const k of foundKeys) if (!keys.includes(k)) keys.push(k);
    progress.phase('read items', keys.length);
    progress.tick(i + 1);
  }
  progress.end();
  for (const t of foundTypes) if (!pages.has(t)) unmapped.push({ what: `page type ${t}`, why: 'referenced by content read after the page types were read' });

  progress.phase('read blog', 3);
  const posts = await source.posts(false);
  const previewPosts = await readPreview('posts', () => source.posts(true), [] as Json[]);
  const liveSlugs = new Set(posts.map((p) => String(p.slug)));
  const draftPosts = new Set<string>();
  for (const p of previewPosts) {
    if (!liveSlugs.has(String(p.slug))) {
      posts.push(p);
      draftPosts.add(String(p.slug));
    }
  }
  progress.tick();
  const authors = await source.simple('/authors/');
  progress.tick(2);
  progress.end();
  return { locales, pages, collections, posts, draftPosts, authors };
}
