/**
 * One import of a ButterCMS account into a ghee space (`npm run import:buttercms`,
 * origin/cli/import-buttercms.ts): read the account (read.ts), infer page types and collection
 * schemas (infer.ts) — with `dryRun`, stop there and report what would be created —, then create
 * or extend the content model (locales, page types, collections; admin key), bring the media
 * over through ghee's media import (POST /v2/manage/media-imports: fetched by ghee through its SSRF
 * guard, the same URL or bytes stored once) and wait for it, create the authors, and write the
 * content (write.ts) with every media reference rewritten to its asset. Each step is an upsert, so
 * a re-run writes only what changed. The report lists everything that could not be carried over.
 */
import { inferCollectionFields, inferPageFields, mediaUrlsIn, type CollectionFieldDef, type PageFieldDef, type Unmapped } from './infer.js';
import { silentProgress, type Progress } from './progress.js';
import { readAccount, type SourceAccount } from './read.js';
import { ButterSource, type SourceOptions } from './source.js';
import { GheeTarget, type TargetOptions } from './target.js';
import { newTally, writeItems, writePages, writePosts, type Tally, type WriteState } from './write.js';

export interface ImportOptions {
  source: SourceOptions;
  target: TargetOptions;
  /** Page types to import (single pages always are; types found in references are added). */
  pageTypes?: string[];
  /** Collection keys to import (keys found in references are added). */
  collections?: string[];
  /** Locales to read (the first is the source's default); none: the source's default only. */
  locales?: string[];
  dryRun?: boolean;
  /** How long to wait for media imports (default 10 minutes). */
  mediaTimeoutMs?: number;
  progress?: Progress;
}

export interface ImportReport {
  dryRun: boolean;
  seconds: number;
  sourceRequests: number;
  targetWrites: number;
  schemas: { pageTypes: Record<string, PageFieldDef[]>; collections: Record<string, CollectionFieldDef[]> };
  found: { pages: number; items: number; posts: number; authors: number; media: number };
  model: Tally;
  pages: Tally;
  items: Tally;
  posts: Tally;
  authors: Tally;
  media: { imported: number; failed: { url: string; reason: string }[] };
  /** key → source item id → ghee item id. */
  itemIds: Record<string, Record<string, number>>;
  unmapped: Unmapped[];
}

const title = (slug: string) => slug.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

export async function runImport(opts: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const progress = opts.progress ?? silentProgress;
  const unmapped: Unmapped[] = [];
  const source = new ButterSource(opts.source);
  const account = await readAccount(source, { pageTypes: opts.pageTypes ?? [], collections: opts.collections ?? [], locales: opts.locales ?? [] }, unmapped, progress);

  const pageSchemas = new Map<string, PageFieldDef[]>();
  for (const [type, list] of account.pages) {
    if (type === '*') continue;
    const samples = list.flatMap((p) => [...p.live.values(), ...p.draft.values()]);
    if (samples.length === 0) {
      unmapped.push({ what: `page type ${type}`, why: 'no pages to infer its fields from' });
      continue;
    }
    pageSchemas.set(type, inferPageFields(samples, `page type ${type}`, unmapped));
  }
  const collectionSchemas = new Map<string, CollectionFieldDef[]>();
  for (const [key, items] of account.collections) {
    if (items.length) collectionSchemas.set(key, inferCollectionFields(items.flatMap((i) => [...i.fields.values()]), `collection ${key}`, unmapped));
  }
  const urls = mediaOf(account);
  const report: ImportReport = {
    dryRun: opts.dryRun === true,
    seconds: 0,
    sourceRequests: 0,
    targetWrites: 0,
    schemas: { pageTypes: Object.fromEntries(pageSchemas), collections: Object.fromEntries(collectionSchemas) },
    found: {
      pages: [...account.pages.values()].reduce((n, l) => n + l.length, 0),
      items: [...account.collections.values()].reduce((n, l) => n + l.length, 0),
      posts: account.posts.length,
      authors: account.authors.length,
      media: urls.size,
    },
    model: newTally(),
    pages: newTally(),
    items: newTally(),
    posts: newTally(),
    authors: newTally(),
    media: { imported: 0, failed: [] },
    itemIds: {},
    unmapped,
  };
  if (!opts.dryRun) {
    const target = new GheeTarget(opts.target);
    await writeModel(target, account, pageSchemas, collectionSchemas, report);
    const media = await importMedia(target, urls, opts.mediaTimeoutMs ?? 600_000, report, progress);
    await writeAuthors(target, account, media, report);
    const state: WriteState = { target, media, itemIds: new Map(), unmapped, progress, tally: { pages: report.pages, items: report.items, posts: report.posts } };
    await writeItems(state, account, collectionSchemas);
    await writePages(state, account, pageSchemas);
    await writePosts(state, account);
    report.itemIds = Object.fromEntries([...state.itemIds].map(([k, m]) => [k, Object.fromEntries([...m].map(([a, b]) => [String(a), b]))]));
    report.targetWrites = target.writes;
  }
  report.sourceRequests = source.requests;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

function mediaOf(account: SourceAccount): Set<string> {
  const urls = new Set<string>();
  for (const list of account.pages.values()) for (const p of list) mediaUrlsIn([...p.live.values(), ...p.draft.values()], urls);
  for (const items of account.collections.values()) for (const i of items) mediaUrlsIn([...i.fields.values()], urls);
  for (const p of account.posts) mediaUrlsIn([p.featured_image, p.body, p.summary], urls);
  for (const a of account.authors) mediaUrlsIn(a.profile_image, urls);
  return urls;
}

/** Locales, page types and collections (admin key): created, or extended with fields ghee lacks. */
async function writeModel(target: GheeTarget, account: SourceAccount, pageSchemas: Map<string, PageFieldDef[]>, collectionSchemas: Map<string, CollectionFieldDef[]>, report: ImportReport): Promise<void> {
  const want = account.locales.filter((l): l is string => l !== undefined);
  if (want.length) {
    const have = await target.call('GET', target.manage('/locales/'), undefined, { admin: true });
    const codes = new Set(Array.isArray(have.body?.data) ? (have.body.data as { code: string }[]).map((l) => l.code) : []);
    for (const code of want) {
      if (codes.has(code)) continue;
      const a = await target.call('POST', target.manage('/locales/'), { code }, { admin: true });
      if (a.status === 201) report.model.created++;
      else report.unmapped.push({ what: `locale ${code}`, why: `ghee refused it: ${a.status} ${a.detail}` });
    }
  }
  const upsert = async (kind: 'page_types' | 'collections', id: string, idField: 'slug' | 'key', fields: { name: string }[]) => {
    const path = target.manage(`/${kind}/${id}/`);
    const current = await target.call('GET', path, undefined, { admin: true });
    if (current.status === 404) {
      const a = await target.call('POST', target.manage(`/${kind}/`), { [idField]: id, name: title(id), fields }, { admin: true });
      if (a.status === 201) report.model.created++;
      else report.unmapped.push({ what: `${kind === 'page_types' ? 'page type' : 'collection'} ${id}`, why: `ghee refused it: ${a.status} ${a.detail}` });
      return;
    }
    const existing = ((current.body?.data as { fields?: { name: string }[] } | undefined)?.fields ?? []) as { name: string }[];
    const missing = fields.filter((f) => !existing.some((e) => e.name === f.name));
    if (missing.length === 0) {
      report.model.unchanged++;
      return;
    }
    const a = await target.call('PUT', path, { fields: [...existing, ...missing] }, { admin: true });
    if (a.status === 200) report.model.updated++;
    else report.unmapped.push({ what: `${kind === 'page_types' ? 'page type' : 'collection'} ${id}`, why: `ghee refused the new fields: ${a.status} ${a.detail}` });
  };
  // Collections first: page types may reference them.
  for (const [key, fields] of collectionSchemas) await upsert('collections', key, 'key', fields);
  for (const [type, fields] of pageSchemas) await upsert('page_types', type, 'slug', fields);
}

/** Queues every media URL with ghee's media import and waits until each is done or failed. */
async function importMedia(target: GheeTarget, urls: Set<string>, timeoutMs: number, report: ImportReport, progress: Progress): Promise<Map<string, string>> {
  const list = [...urls];
  const map = new Map<string, string>();
  progress.phase('media', list.length);
  const ids = new Map<string, string>();
  for (let i = 0; i < list.length; i += 100) {
    const a = await target.call('POST', '/v2/manage/media-imports/', { urls: list.slice(i, i + 100) });
    if (a.status !== 202) {
      report.unmapped.push({ what: 'media', why: `ghee refused the media import: ${a.status} ${a.detail}` });
      continue;
    }
    for (const v of (a.body?.data ?? []) as { id: string; url: string }[]) ids.set(v.url, v.id);
  }
  const deadline = Date.now() + timeoutMs;
  const open = new Set(ids.keys());
  let counted = 0;
  while (open.size > 0 && Date.now() < deadline) {
    for (const status of ['done', 'failed'] as const) {
      const got = await target.list(`/v2/manage/media-imports/?status=${status}`, (b) => b.data);
      if (!Array.isArray(got)) continue;
      for (const v of got as { url: string; asset: { url: string } | null; last_error: string | null }[]) {
        if (!open.has(v.url)) continue;
        open.delete(v.url);
        if (status === 'done' && v.asset) {
          map.set(v.url, v.asset.url);
          report.media.imported++;
        } else report.media.failed.push({ url: v.url, reason: v.last_error ?? 'failed' });
      }
    }
    progress.tick(urls.size - open.size - counted);
    counted = urls.size - open.size;
    if (open.size > 0) await new Promise((r) => setTimeout(r, 250));
  }
  for (const url of open) report.media.failed.push({ url, reason: 'not imported within the wait (it may still finish: the reference keeps the original URL)' });
  for (const f of report.media.failed) report.unmapped.push({ what: `media ${f.url}`, why: `${f.reason}: references keep the original URL` });
  progress.end();
  return map;
}

async function writeAuthors(target: GheeTarget, account: SourceAccount, media: Map<string, string>, report: ImportReport): Promise<void> {
  const have = await target.call('GET', '/v2/authors/');
  const existing = new Set(Array.isArray(have.body?.data) ? (have.body.data as { slug: string }[]).map((a) => a.slug) : []);
  const fields = ['first_name', 'last_name', 'email', 'bio', 'title', 'linkedin_url', 'facebook_url', 'instagram_url', 'pinterest_url', 'twitter_handle', 'profile_image'];
  for (const a of account.authors) {
    const slug = String(a.slug);
    if (existing.has(slug)) {
      report.authors.unchanged++;
      continue;
    }
    const body: Record<string, unknown> = { slug };
    for (const f of fields) if (typeof a[f] === 'string') body[f] = f === 'profile_image' ? (media.get(a[f]) ?? a[f]) : a[f];
    const r = await target.call('POST', target.manage('/authors/'), body, { admin: true });
    if (r.status === 201) report.authors.created++;
    else {
      report.authors.failed++;
      report.unmapped.push({ what: `author ${slug}`, why: `ghee refused it: ${r.status} ${r.detail}` });
    }
  }
  if (account.authors.length) report.unmapped.push({ what: 'authors', why: 'ghee has no author update API: an author already in ghee is left as it is' });
}
