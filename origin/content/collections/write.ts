/**
 * Collections: the item writes — create and update (and the scheduler's publication); delete and
 * restore are in lifecycle.ts, over the helpers exported here. Every item save is one transaction that changes the row, bumps `version`, writes an
 * immutable revision, queues the purge of `collection:<space>:<key>` and `item:<uuid>`, queues
 * the ButterCMS webhook event and writes one audit row — all through the commit step
 * (origin/outbox/commit.ts) — so the revision, the purge, the event and the audit row exist
 * exactly when the change committed. A change to what readers see needs content.publish
 * (origin/content/live-changes.ts).
 */
import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Result } from '../../http/result.js';
import { collectionItemRevisions, collectionItems, collections } from '../../db/schema/index.js';
import { commitWrite, type WriteActor, type WriteScope } from '../../outbox/index.js';
import { collectionItemWebhookData } from '../../outbox/index.js';
import { guardLiveChange, mayPublishOf, NOTHING_LIVE, refusingLiveChanges, type LiveState } from '../live-changes.js';
import {
  cleanValues,
  collectionKey,
  fail,
  fieldProblems,
  itemKey,
  normalise,
  referenceProblems,
  renderItem,
  toCollection,
  type CollectionRow,
  type FieldDef,
  type ItemStatus,
} from './fields.js';
import { spaceDefaultLocale, spaceLocales } from './locales.js';
import { queueItemMedia } from '../assets/media-queue.js';

/** Who the webhook payload names as editor until the identity issue brings users. */
const API_EDITOR = 'API';

export interface SavedItem {
  id: string;
  itemId: number;
  version: number;
  status: ItemStatus;
}

function label(defs: readonly FieldDef[], itemId: number, values: Record<string, unknown>): string {
  const first = defs.find((d) => typeof values[d.name] === 'string' && (values[d.name] as string).length > 0);
  return first ? (values[first.name] as string).slice(0, 200) : `Item ${itemId}`;
}

/** The revision of a save, its purge and its webhook event, recorded by the commit step (in the save's transaction). */
export async function afterChange(
  w: WriteScope,
  spaceId: string,
  c: CollectionRow,
  item: { id: string; itemId: number; locale: string; values: Record<string, unknown>; version: number; status: ItemStatus | 'deleted'; keyId: string | null; userId: string | null },
  event: 'collectionitem.published' | 'collectionitem.draft' | 'collectionitem.delete',
): Promise<void> {
  const status = event === 'collectionitem.published' ? 'published' : event === 'collectionitem.draft' ? 'draft' : 'deleted';
  await w.changed({
    revision: async () => {
      await w.t.insert(collectionItemRevisions).values({
        collectionItemId: item.id,
        version: item.version,
        label: label(c.fields, item.itemId, item.values),
        status: item.status,
        fields: item.values,
        createdByKey: item.keyId,
        createdByUser: item.userId,
      });
      // Remote media in the saved values are queued for import in this transaction (origin/content/assets/media-queue.ts).
      await queueItemMedia(w.t, { spaceId, id: item.id, defs: c.fields, values: item.values, status: item.status });
    },
    purge: { keys: [collectionKey(spaceId, c.key), itemKey(item.id)] },
    webhooks: [
      { event, data: collectionItemWebhookData({ collectionKey: c.key, itemId: item.itemId, label: label(c.fields, item.itemId, item.values), editor: API_EDITOR, locale: item.locale, status }) },
    ],
  });
}

/** The audit row of an item save. */
export function auditItem(w: WriteScope, action: string, c: CollectionRow, item: { id: string; itemId: number; locale: string; status: string }, before: number | null, after: number): void {
  w.audit({ action, target: { type: 'collection_item', id: item.id }, version: { before, after }, metadata: { collection: c.key, item_id: item.itemId, locale: item.locale, status: item.status } });
}

/** Who saves: `actor` when the caller gave it (routes, the scheduler), else an operator with the input's key or member. */
export function writerOf(input: { keyId: string | null; userId: string | null; actor?: WriteActor | undefined }): WriteActor {
  return input.actor ?? { userId: input.userId, keyId: input.keyId, system: 'operator' };
}

/** Item writes' address and actor. */
export interface ItemAddress {
  spaceId: string;
  key: string;
  itemId: number;
  /** The item's version in this locale (`?locale=`); absent: the space's default locale's (or the item's only one). */
  locale?: string | null;
  keyId: string | null;
  userId: string | null;
  mayPublish?: boolean;
  /** The actor as the audit row names it (see origin/outbox/commit.ts). */
  actor?: WriteActor;
}

/**
 * What readers of an item see: its published form and the dates lists order by; nothing while
 * it is a draft or deleted. (An item has no draft over its published version: editing a
 * published item changes it live.)
 */
export function itemLiveState(row: { deletedAt: Date | null; published: unknown; publishedAt: Date | null; updatedAt: Date; status: string }): LiveState {
  if (row.deletedAt !== null) return NOTHING_LIVE;
  return { live: row.published === null ? null : { published: row.published, publishedAt: row.publishedAt, updatedAt: row.updatedAt }, scheduled: row.status === 'scheduled' };
}

export async function itemLiveStateById(t: Db, id: string): Promise<LiveState> {
  const [row] = await t
    .select({ deletedAt: collectionItems.deletedAt, published: collectionItems.published, publishedAt: collectionItems.publishedAt, updatedAt: collectionItems.updatedAt, status: collectionItems.status })
    .from(collectionItems)
    .where(eq(collectionItems.id, id));
  return row ? itemLiveState(row) : NOTHING_LIVE;
}

/**
 * The item `itemId` of the collection, live or (for restores) deleted, locked for this
 * transaction: its version in `locale` when the write names one, else in the space's default
 * locale — or, for an item that exists in other locales only, its one version there.
 */
export async function lockedItem(t: Db, spaceId: string, collectionId: string, itemId: number, deleted: boolean, locale: string | null | undefined) {
  const preferred = locale ?? (await spaceDefaultLocale(t, spaceId));
  const [row] = await t
    .select()
    .from(collectionItems)
    .where(
      and(
        eq(collectionItems.collectionId, collectionId),
        eq(collectionItems.itemId, itemId),
        locale ? eq(collectionItems.locale, locale) : undefined,
        deleted ? isNotNull(collectionItems.deletedAt) : isNull(collectionItems.deletedAt),
      ),
    )
    .orderBy(sql`${collectionItems.locale} = ${preferred} desc`, asc(collectionItems.locale))
    .for('update')
    .limit(1);
  return row;
}

/** The collection row, share-locked so a concurrent field change waits for this save. */
export async function lockedCollection(t: Db, spaceId: string, key: string): Promise<CollectionRow | null> {
  const [row] = await t
    .select()
    .from(collections)
    .where(and(eq(collections.spaceId, spaceId), eq(collections.key, key)))
    .for('share')
    .limit(1);
  return row ? toCollection(row) : null;
}

/**
 * Creates items. Each entry of `items` is either the item's field values, or — when every key
 * is a locale the space publishes in — `{ "<locale>": { …values } }`, one row per locale.
 * All or nothing.
 */
export async function createItems(
  db: Db,
  input: { spaceId: string; key: string; status: ItemStatus; scheduledAt?: Date; locale: string | null; items: Record<string, unknown>[]; keyId: string | null; userId: string | null; mayPublish?: boolean; actor?: WriteActor },
): Promise<Result<SavedItem[]>> {
  const fallback = input.locale ?? (await spaceDefaultLocale(db, input.spaceId));
  const known = await spaceLocales(db, input.spaceId);
  const rows: { locale: string; values: Record<string, unknown>; index: number }[] = [];
  input.items.forEach((entry, index) => {
    const keys = Object.keys(entry);
    const localised = keys.length > 0 && keys.every((k) => known.has(k) && entry[k] !== null && typeof entry[k] === 'object' && !Array.isArray(entry[k]));
    if (localised && known.size > 1) for (const k of keys) rows.push({ locale: k, values: entry[k] as Record<string, unknown>, index });
    else rows.push({ locale: fallback, values: entry, index });
  });
  return refusingLiveChanges(() => commitWrite(db, writerOf(input), input.spaceId, async (w): Promise<Result<SavedItem[]>> => {
    const t = w.t;
    const c = await lockedCollection(t, input.spaceId, input.key);
    if (!c) return fail('not_found', `Collection "${input.key}" not found.`);
    for (const r of rows) {
      const where = input.items.length > 1 ? `fields[${r.index}]${r.locale === fallback ? '' : `.${r.locale}`}` : '';
      const problems = [...fieldProblems(c.fields, r.values), ...(await referenceProblems(t, input.spaceId, c.fields, r.values))];
      if (problems.length) return fail('invalid', `${where ? `${where}: ` : ''}${problems.slice(0, 10).join('; ')}`);
    }
    const now = new Date();
    const published = input.status === 'published';
    const saved: SavedItem[] = [];
    // One item, one id: an entry's locales share the id the first of them was given.
    const idOfEntry = new Map<number, number>();
    for (const r of rows) {
      const values = normalise(c.fields, cleanValues(c.fields, r.values));
      const sharedId = idOfEntry.get(r.index);
      const [row] = await t
        .insert(collectionItems)
        .values({
          ...(sharedId !== undefined ? { itemId: sharedId } : {}),
          collectionId: c.id,
          locale: r.locale,
          status: input.status,
          scheduledAt: input.status === 'scheduled' ? (input.scheduledAt ?? null) : null,
          fields: values,
          position: sql`(select coalesce(max(${collectionItems.position}), 0) + 1 from ${collectionItems} where ${collectionItems.collectionId} = ${c.id})`,
          createdAt: now,
          updatedAt: now,
          publishedAt: published ? now : null,
        })
        .returning({ id: collectionItems.id, itemId: collectionItems.itemId, version: collectionItems.version });
      if (published) await t.update(collectionItems).set({ published: renderItem(row!.itemId, c.fields, values) }).where(eq(collectionItems.id, row!.id));
      guardLiveChange(mayPublishOf(input), NOTHING_LIVE, await itemLiveStateById(t, row!.id));
      await afterChange(
        w,
        input.spaceId,
        c,
        { id: row!.id, itemId: row!.itemId, locale: r.locale, values, version: row!.version, status: input.status, keyId: input.keyId, userId: input.userId },
        published ? 'collectionitem.published' : 'collectionitem.draft',
      );
      saved.push({ id: row!.id, itemId: row!.itemId, version: row!.version, status: input.status });
      idOfEntry.set(r.index, row!.itemId);
    }
    // One audit row for the request: the item (or, for a batch, the collection) and every item made.
    w.audit({
      action: 'item.create',
      target: saved.length === 1 ? { type: 'collection_item', id: saved[0]!.id } : { type: 'collection', id: c.id },
      metadata: { collection: c.key, status: input.status, items: saved.map((x, i) => ({ id: x.id, item_id: x.itemId, locale: rows[i]!.locale, version: x.version })) },
    });
    return { ok: true as const, value: saved };
  }));
}

export interface ItemChange {
  spaceId: string;
  key: string;
  itemId: number;
  /** As ItemAddress.locale. */
  locale?: string | null;
  status?: ItemStatus;
  /** With status `scheduled`: when the scheduler publishes the item. */
  scheduledAt?: Date;
  fields?: Record<string, unknown>;
  replace: boolean;
  /** Scheduler only: apply only if the item is still scheduled and due at this time. */
  onlyIfDue?: Date;
  /** The API key making the change (null: a signed-in member, or the scheduler). */
  keyId: string | null;
  /** The signed-in member making the change (null: an API key, or the scheduler). */
  userId: string | null;
  /** The actor holds content.publish (origin/content/live-changes.ts); absent: only the scheduler (onlyIfDue). */
  mayPublish?: boolean;
  /** The actor as the audit row names it (see origin/outbox/commit.ts). */
  actor?: WriteActor;
  /** Internal: the audit action when the save is a rollback. */
  auditAction?: 'item.rollback';
}

/**
 * Updates one item: `replace` (PUT) sets every field (unset ones become null), otherwise the
 * given fields are merged (PATCH). `status` publishes (renders `published`), unpublishes or
 * schedules (unpublished until due). With `expectedVersion` the save is conditional (If-Match).
 */
export async function updateItem(db: Db, input: ItemChange, expectedVersion: number | null): Promise<Result<SavedItem>> {
  return refusingLiveChanges(() => updateItemTx(db, input, expectedVersion));
}

async function updateItemTx(db: Db, input: ItemChange, expectedVersion: number | null): Promise<Result<SavedItem>> {
  return commitWrite(db, writerOf(input), input.spaceId, async (w): Promise<Result<SavedItem>> => {
    const c = await lockedCollection(w.t, input.spaceId, input.key);
    if (!c) return fail('not_found', 'Item not found.');
    const made = await updateIn(w, c, input, expectedVersion);
    if (!made.ok) return made;
    const { audit, saved } = made.value;
    auditItem(w, audit.action, c, audit.item, audit.before, saved.version);
    return { ok: true, value: saved };
  });
}

/**
 * ButterCMS's multi-locale update of one item (`"fields": { "en": {…}, "es": {…} }`): each named
 * locale's version of the item patched, in one transaction with one audit row — or none, the
 * refusal naming the locale.
 */
export async function updateItemInLocales(db: Db, input: Omit<ItemChange, 'fields' | 'locale'>, byLocale: ReadonlyMap<string, Record<string, unknown>>): Promise<Result<SavedItem[]>> {
  return refusingLiveChanges(() =>
    commitWrite(db, writerOf(input), input.spaceId, async (w): Promise<Result<SavedItem[]>> => {
      const c = await lockedCollection(w.t, input.spaceId, input.key);
      if (!c) return fail('not_found', 'Item not found.');
      const saved: { item: SavedItem; locale: string; before: number; action: string }[] = [];
      for (const [locale, fields] of byLocale) {
        const made = await updateIn(w, c, { ...input, locale, fields }, null);
        if (!made.ok) return { ...made, detail: `Locale "${locale}": ${made.detail.replace(/\bfields\./g, `fields.${locale}.`)}` };
        saved.push({ item: made.value.saved, locale, before: made.value.audit.before, action: made.value.audit.action });
      }
      const first = saved[0]!;
      w.audit({
        action: first.action,
        target: { type: 'collection_item', id: first.item.id },
        version: { before: first.before, after: first.item.version },
        metadata: { collection: c.key, item_id: input.itemId, locales: saved.map((x) => x.locale), items: saved.map((x) => ({ id: x.item.id, locale: x.locale, version: x.item.version })) },
      });
      return { ok: true, value: saved.map((x) => x.item) };
    }),
  );
}

/** One locale's version of an item updated inside the write `w`; the caller writes the audit row. */
async function updateIn(
  w: WriteScope,
  c: CollectionRow,
  input: ItemChange,
  expectedVersion: number | null,
): Promise<Result<{ saved: SavedItem; audit: { action: string; item: { id: string; itemId: number; locale: string; status: string }; before: number } }>> {
  {
    const t = w.t;
    const current = await lockedItem(t, input.spaceId, c.id, input.itemId, false, input.locale);
    if (!current) return fail('not_found', 'Item not found.');
    if (expectedVersion !== null && current.version !== expectedVersion) return fail('version_mismatch', `The item changed since version ${expectedVersion}; read it again.`);
    if (input.onlyIfDue && !(current.status === 'scheduled' && current.scheduledAt && current.scheduledAt <= input.onlyIfDue)) {
      return fail('version_mismatch', 'The item is no longer scheduled and due.');
    }
    const problems = [...fieldProblems(c.fields, input.fields ?? {}), ...(await referenceProblems(t, input.spaceId, c.fields, input.fields ?? {}))];
    if (problems.length) return fail('invalid', problems.slice(0, 10).join('; '));
    const patch = cleanValues(c.fields, input.fields ?? {});
    const values = normalise(c.fields, input.replace ? patch : { ...(current.fields as Record<string, unknown>), ...patch });
    const status = input.status ?? (current.status as ItemStatus);
    const now = new Date();
    const publishedAt = status === 'published' ? (current.publishedAt ?? now) : null;
    const [row] = await t
      .update(collectionItems)
      .set({
        fields: values,
        status,
        scheduledAt: status === 'scheduled' ? (input.scheduledAt ?? current.scheduledAt) : null,
        published: status === 'published' ? renderItem(current.itemId, c.fields, values) : null,
        publishedAt,
        updatedAt: now,
        version: sql`${collectionItems.version} + 1`,
      })
      .where(and(eq(collectionItems.id, current.id), eq(collectionItems.version, current.version)))
      .returning({ version: collectionItems.version });
    if (!row) return fail('version_mismatch', 'The item changed during the save; read it again.');
    guardLiveChange(mayPublishOf(input), itemLiveState(current), await itemLiveStateById(t, current.id));
    await afterChange(
      w,
      input.spaceId,
      c,
      { id: current.id, itemId: current.itemId, locale: current.locale, values, version: row.version, status, keyId: input.keyId, userId: input.userId },
      status === 'published' ? 'collectionitem.published' : 'collectionitem.draft',
    );
    const action = input.auditAction ?? (status === 'published' && current.status !== 'published' ? 'item.publish' : 'item.update');
    return {
      ok: true,
      value: {
        saved: { id: current.id, itemId: current.itemId, version: row.version, status },
        audit: { action, item: { id: current.id, itemId: current.itemId, locale: current.locale, status }, before: current.version },
      },
    };
  }
}
