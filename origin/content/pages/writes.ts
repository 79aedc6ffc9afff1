/**
 * The page write path: every save (create, update, rollback, scheduled publish, delete, restore)
 * is one transaction that changes the page, writes an immutable revision, and queues the purge of
 * every cache entry the change makes stale, the webhook event and one audit row (all through the
 * commit step, origin/outbox/commit.ts) — so a committed change is never left stale at the edge, and
 * every version of a page has its revision and its audit row.
 *
 * Concurrency: saves bump `version` in SQL. With an expected version (If-Match) the update is
 * conditional and exactly one writer per version wins; without, partial updates merge their
 * fields in SQL (`fields || patch`), so concurrent writers never lose each other's fields.
 *
 * Beside it: page-change.ts (what a save names, and its side effects), lookups.ts (the page a
 * write addresses, the management view, due pages), revisions.ts (rollback).
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { pages } from '../../db/schema/index.js';
import { validateFields } from '../model/schema.js';
import { findPageTypeSchema, spaceLocales } from '../model/page-types.js';
import { commitWrite, type WriteScope } from '../../outbox/index.js';
import { renderPage } from './pages.js';
import { guardLiveChange, mayPublishOf, NOTHING_LIVE, refusingLiveChanges } from '../live-changes.js';
import { lockPageAt, pageAt, spaceDefaultLocale } from './lookups.js';
import { auditPage, cleanUntyped, invalidFields, pageChange, pageLiveState, pageLiveStateById, writerOf, type PageAddress, type PageChange, type PageStatus, type SavedPage } from './page-change.js';

export type { PageAddress, PageChange, PageRevisionStatus, PageStatus, SavedPage } from './page-change.js';

/**
 * Runs a save at the page's locale (the space's default when the change names none), refusing a
 * change of what readers see that the actor may not make (origin/content/live-changes.ts).
 */
async function saving(db: Db, change: Pick<PageChange, 'spaceId' | 'locale'>, tx: (locale: string) => Promise<Result<SavedPage>>): Promise<Result<SavedPage>> {
  const locale = change.locale ?? (await spaceDefaultLocale(db, change.spaceId));
  return refusingLiveChanges(() => tx(locale));
}

export async function createPage(db: Db, change: PageChange & { name: string; fields: Record<string, unknown>; status: 'draft' | 'published' }): Promise<Result<SavedPage>> {
  // A page is created only in a locale the space publishes in, as collection items and the
  // multi-locale form are (conformance fuzzing found `?locale=zz` creating a page no read can reach).
  if (change.locale !== null && !(await spaceLocales(db, change.spaceId))?.codes.has(change.locale)) return { ok: false, error: 'invalid', detail: 'Invalid locale: the space does not publish in it.' };
  return saving(db, change, (locale) => createPageTx(db, change, locale));
}

type NewPage = PageChange & { name: string; fields: Record<string, unknown>; status: 'draft' | 'published' };

async function createPageTx(db: Db, change: NewPage, locale: string): Promise<Result<SavedPage>> {
  return commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage>> => {
    const made = await createIn(w, change, locale);
    if (!made.ok) return made;
    auditPage(w, 'page.create', { id: made.value.id, slug: change.slug, pageType: change.pageType, locale, status: change.status }, made.value.before, made.value.version);
    return { ok: true, value: { id: made.value.id, version: made.value.version, status: change.status } };
  });
}

/**
 * ButterCMS's multi-locale write: one request names the fields of several locales
 * (`"fields": { "en": {…}, "fr": {…} }`). All locales are saved in one transaction — each locale's
 * page gets its own revision, the request one audit row naming the locales — or none is: a refusal
 * names the locale (`fields.fr.headline: required`).
 */
export async function createPageInLocales(db: Db, change: Omit<NewPage, 'fields' | 'locale'>, byLocale: ReadonlyMap<string, Record<string, unknown>>): Promise<Result<SavedPage[]>> {
  return refusingLiveChanges(() =>
    commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage[]>> => {
      const saved: (SavedPage & { before: number | null })[] = [];
      for (const [locale, fields] of byLocale) {
        const made = await createIn(w, { ...change, locale, fields }, locale);
        if (!made.ok) return inLocale(made, locale);
        saved.push({ ...made.value, status: change.status });
      }
      const first = saved[0]!;
      w.audit({
        action: 'page.create',
        target: { type: 'page', id: first.id },
        version: { before: first.before, after: first.version },
        metadata: { page_type: change.pageType, slug: change.slug, locales: [...byLocale.keys()], page_ids: saved.map((p) => p.id), status: change.status },
      });
      return { ok: true, value: saved.map(({ id, version, status }) => ({ id, version, status })) };
    }),
  );
}

/** The multi-locale form of an update: each named locale's page patched, in one transaction. */
export async function updatePageInLocales(db: Db, change: Omit<PageChange, 'fields' | 'locale'>, byLocale: ReadonlyMap<string, Record<string, unknown>>): Promise<Result<SavedPage[]>> {
  return refusingLiveChanges(() =>
    commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage[]>> => {
      const saved: SavedPage[] = [];
      const versions: { locale: string; before: number; after: number }[] = [];
      let action = 'page.update';
      for (const [locale, fields] of byLocale) {
        const made = await updateIn(w, { ...change, locale, fields }, null, locale);
        if (!made.ok) return inLocale(made, locale);
        if (saved.length === 0) action = made.value.action;
        saved.push({ id: made.value.id, version: made.value.version, status: made.value.status });
        versions.push({ locale, before: made.value.before, after: made.value.version });
      }
      const first = saved[0]!;
      w.audit({
        action,
        target: { type: 'page', id: first.id },
        version: { before: versions[0]!.before, after: versions[0]!.after },
        metadata: { page_type: change.pageType, slug: change.slug, locales: versions.map((v) => v.locale), page_ids: saved.map((p) => p.id), versions },
      });
      return { ok: true, value: saved };
    }),
  );
}

/** A refusal of one locale's part, naming the locale in its field paths. */
function inLocale<T>(refusal: Result<T> & { ok: false }, locale: string): Result<never> {
  return { ...refusal, detail: refusal.detail.replace(/\bfields\./g, `fields.${locale}.`).replace(/^(?!.*fields\.)/, `Locale "${locale}": `) };
}

/** Creates (or revives) the page at `locale` inside the write `w`; the caller writes the audit row. */
async function createIn(w: WriteScope, change: NewPage, locale: string): Promise<Result<{ id: string; version: number; before: number | null }>> {
  {
    const t = w.t;
    const existing = await t
      .select({ id: pages.id, deletedAt: pages.deletedAt })
      .from(pages)
      .where(and(eq(pages.spaceId, change.spaceId), eq(pages.pageType, change.pageType), eq(pages.slug, change.slug), eq(pages.locale, locale)))
      .limit(1);
    if (existing[0] && !existing[0].deletedAt) return { ok: false, error: 'duplicate', detail: `A page with slug "${change.slug}" already exists.` };
    if (change.pageType !== '*') {
      // Typed pages follow their page type's schema (read FOR SHARE: a schema change waits for us).
      const schema = await findPageTypeSchema(t, change.spaceId, change.pageType, true);
      if (!schema) return { ok: false, error: 'invalid', detail: `Unknown page type "${change.pageType}".` };
      const checked = validateFields(schema, change.fields);
      if (!checked.ok) return invalidFields(checked.errors);
      change = { ...change, fields: checked.value };
    } else {
      const checked = cleanUntyped(change.fields);
      if (!checked.ok) return checked;
      change = { ...change, fields: checked.value };
    }
    const now = new Date();
    const published = change.status === 'published';
    const rendered = published ? renderPage({ slug: change.slug, name: change.name, pageType: change.pageType, fields: change.fields, publishedAt: now, updatedAt: now }) : null;
    let id: string;
    let version: number;
    let before: number | null = null;
    if (existing[0]) {
      // Re-creating a soft-deleted page revives its row (its history stays).
      const [row] = await t
        .update(pages)
        .set({ name: change.name, status: change.status, fields: change.fields, published: rendered, publishedAt: published ? now : null, updatedAt: now, deletedAt: null, version: sql`${pages.version} + 1` })
        .where(eq(pages.id, existing[0].id))
        .returning({ id: pages.id, version: pages.version });
      id = row!.id;
      version = row!.version;
      before = version - 1;
    } else {
      const [row] = await t
        .insert(pages)
        .values({ spaceId: change.spaceId, pageType: change.pageType, slug: change.slug, locale, name: change.name, status: change.status, fields: change.fields, published: rendered, publishedAt: published ? now : null, updatedAt: now })
        .returning({ id: pages.id, version: pages.version });
      id = row!.id;
      version = row!.version;
    }
    // A new page (or a revived deleted one) had nothing live.
    guardLiveChange(mayPublishOf(change), NOTHING_LIVE, await pageLiveStateById(t, id));
    await w.changed(
      pageChange(t, change, { id, version, name: change.name, fields: change.fields, status: change.status }, published ? 'page.published' : 'page.draft', {
        id,
        slug: change.slug,
        pageType: change.pageType,
        name: change.name,
        locale,
        status: published ? 'published' : 'draft',
        updated: now,
        published: published ? now : null,
      }),
    );
    return { ok: true, value: { id, version, before } };
  }
}

export async function updatePage(db: Db, change: PageChange, expectedVersion: number | null): Promise<Result<SavedPage>> {
  return saving(db, change, (locale) => updatePageTx(db, change, expectedVersion, locale));
}

async function updatePageTx(db: Db, change: PageChange, expectedVersion: number | null, locale: string): Promise<Result<SavedPage>> {
  return commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage>> => {
    const made = await updateIn(w, change, expectedVersion, locale);
    if (!made.ok) return made;
    const { id, version, status, slug, pageType, action } = made.value;
    auditPage(w, action, { id, slug, pageType, locale, status }, made.value.before, version);
    return { ok: true, value: { id, version, status } };
  });
}

/** Updates the page at `locale` inside the write `w`; the caller writes the audit row. */
async function updateIn(
  w: WriteScope,
  change: PageChange,
  expectedVersion: number | null,
  locale: string,
): Promise<Result<SavedPage & { before: number; slug: string; pageType: string; action: string }>> {
  {
    const t = w.t;
    // Locked: the live state compared below is the one this save replaces.
    const current = await lockPageAt(t, change, locale);
    if (!current) return { ok: false, error: 'not_found', detail: 'Page not found.' };
    let patch = change.fields ?? {};
    if (current.pageType !== '*') {
      const schema = await findPageTypeSchema(t, change.spaceId, current.pageType, true);
      if (!schema) return { ok: false, error: 'invalid', detail: `Unknown page type "${current.pageType}".` };
      const checked = validateFields(schema, patch, { partial: !change.replaceFields });
      if (!checked.ok) return invalidFields(checked.errors);
      patch = checked.value;
      // The row is locked until commit, so the merge below (fields || patch) is exactly this one.
      const [locked] = await t.select({ fields: pages.fields }).from(pages).where(eq(pages.id, current.id)).for('update');
      const merged = validateFields(schema, change.replaceFields ? patch : { ...(locked?.fields as Record<string, unknown>), ...patch });
      if (!merged.ok) return invalidFields(merged.errors);
    } else {
      const checked = cleanUntyped(patch);
      if (!checked.ok) return checked;
      patch = checked.value;
    }
    const now = new Date();
    const [row] = await t
      .update(pages)
      .set({
        fields: change.replaceFields ? sql`${JSON.stringify(patch)}::jsonb` : sql`${pages.fields} || ${JSON.stringify(patch)}::jsonb`,
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.status !== undefined ? { status: change.status, scheduledAt: change.status === 'scheduled' ? (change.scheduledAt ?? null) : null } : {}),
        updatedAt: now,
        version: sql`${pages.version} + 1`,
      })
      .where(
        and(
          eq(pages.id, current.id),
          expectedVersion === null ? undefined : eq(pages.version, expectedVersion),
          change.onlyIfDue ? and(eq(pages.status, 'scheduled'), lte(pages.scheduledAt, change.onlyIfDue)) : undefined,
        ),
      )
      .returning({ id: pages.id, version: pages.version, status: pages.status, name: pages.name, fields: pages.fields, pageType: pages.pageType, slug: pages.slug, publishedAt: pages.publishedAt });
    if (!row) return { ok: false, error: 'version_mismatch', detail: `The page changed since version ${expectedVersion}; read it again.` };
    const status = row.status as PageStatus;
    let publishedAt = row.publishedAt;
    if (status === 'published') {
      publishedAt ??= now;
      await t
        .update(pages)
        .set({ published: renderPage({ slug: row.slug, name: row.name, pageType: row.pageType, fields: row.fields, publishedAt, updatedAt: now }), publishedAt })
        .where(eq(pages.id, row.id));
    }
    guardLiveChange(mayPublishOf(change), pageLiveState(current), await pageLiveStateById(t, row.id));
    await w.changed(
      pageChange(t, change, { ...row, status }, status === 'published' ? 'page.published' : 'page.draft', {
        id: row.id,
        slug: row.slug,
        pageType: row.pageType,
        name: row.name,
        locale,
        status: status === 'published' ? 'published' : 'draft',
        updated: now,
        published: publishedAt,
      }),
    );
    const action = change.auditAction ?? (status === 'published' && current.status !== 'published' ? 'page.publish' : 'page.update');
    return { ok: true, value: { id: row.id, version: row.version, status, before: current.version, slug: row.slug, pageType: row.pageType, action } };
  }
}

/**
 * Soft delete: reads 404 at once; the row (and its history) stays. The delete is a revision too:
 * status `deleted`, with the name and fields the page had, and who deleted it.
 */
export async function deletePage(db: Db, change: PageAddress, expectedVersion: number | null): Promise<Result<SavedPage>> {
  return saving(db, change, (locale) => deletePageTx(db, change, expectedVersion, locale));
}

async function deletePageTx(db: Db, change: PageAddress, expectedVersion: number | null, locale: string): Promise<Result<SavedPage>> {
  return commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage>> => {
    const t = w.t;
    const [row] = await t
      .update(pages)
      .set({ deletedAt: new Date(), version: sql`${pages.version} + 1` })
      .where(and(pageAt(change, locale, false), expectedVersion === null ? undefined : eq(pages.version, expectedVersion)))
      .returning({ id: pages.id, version: pages.version, pageType: pages.pageType, slug: pages.slug, status: pages.status, name: pages.name, fields: pages.fields, publishedAt: pages.publishedAt, published: pages.published });
    if (!row) return { ok: false, error: expectedVersion === null ? 'not_found' : 'version_mismatch', detail: expectedVersion === null ? 'Page not found.' : 'The page changed or does not exist.' };
    // The update matched only a page that was not deleted: what readers saw is the row as it was.
    guardLiveChange(mayPublishOf(change), pageLiveState({ ...row, deletedAt: null }), NOTHING_LIVE);
    await w.changed(
      pageChange(t, change, { ...row, status: 'deleted' }, 'page.delete', {
        id: row.id,
        slug: row.slug,
        pageType: row.pageType,
        name: row.name,
        locale,
        status: 'deleted',
        updated: new Date(),
        published: row.publishedAt,
      }),
    );
    auditPage(w, 'page.delete', { id: row.id, slug: row.slug, pageType: row.pageType, locale, status: 'deleted' }, row.version - 1, row.version);
    return { ok: true, value: { id: row.id, version: row.version, status: row.status as PageStatus } };
  });
}

/**
 * Undo a soft delete: the page (and its published form, if it had one) is visible again. The
 * restore is a revision too: the page's status, name and fields, and who restored it.
 */
export async function restorePage(db: Db, change: PageAddress): Promise<Result<SavedPage>> {
  return saving(db, change, (locale) => restorePageTx(db, change, locale));
}

async function restorePageTx(db: Db, change: PageAddress, locale: string): Promise<Result<SavedPage>> {
  return commitWrite(db, writerOf(change), change.spaceId, async (w): Promise<Result<SavedPage>> => {
    const t = w.t;
    const [row] = await t
      .update(pages)
      .set({ deletedAt: null, version: sql`${pages.version} + 1`, updatedAt: new Date() })
      .where(pageAt(change, locale, true))
      .returning({ id: pages.id, version: pages.version, pageType: pages.pageType, slug: pages.slug, status: pages.status, name: pages.name, fields: pages.fields, publishedAt: pages.publishedAt, published: pages.published, updatedAt: pages.updatedAt });
    if (!row) return { ok: false, error: 'not_found', detail: 'No deleted page with that slug.' };
    guardLiveChange(mayPublishOf(change), NOTHING_LIVE, pageLiveState({ ...row, deletedAt: null }));
    const live = row.published !== null;
    await w.changed(
      pageChange(t, change, { ...row, status: row.status as PageStatus }, live ? 'page.published' : 'page.draft', {
        id: row.id,
        slug: row.slug,
        pageType: row.pageType,
        name: row.name,
        locale,
        status: live ? 'published' : 'draft',
        updated: row.updatedAt,
        published: row.publishedAt,
      }),
    );
    auditPage(w, 'page.restore', { id: row.id, slug: row.slug, pageType: row.pageType, locale, status: row.status }, row.version - 1, row.version);
    return { ok: true, value: { id: row.id, version: row.version, status: row.status as PageStatus } };
  });
}
