/**
 * Who may change what is live. Every content save (pages, collection items, posts: create,
 * update, delete, restore, rollback, scheduled publish) compares, inside its transaction and
 * against the locked row, what readers see before and after the save — `liveState` of the
 * resource: its published form and whatever else a live read shows (slug, dates, visibility)
 * — and whether it is scheduled. A save by someone without content.publish (`mayPublish`
 * false: the author role, keys scoped without it) that would change the live state, or that
 * touches scheduled content (what the scheduler will publish), is refused and rolled back.
 *
 * So authors edit working copies and drafts freely; publishing, unpublishing, changing a live
 * resource's slug or published form, scheduling, deleting or restoring live content and rolling
 * a live resource back all need content.publish — decided in one place, whatever the route.
 */

/** What readers of a resource see (null: nothing — a draft, or deleted), and whether it is scheduled. */
export interface LiveState {
  live: unknown;
  scheduled: boolean;
}

export const NOTHING_LIVE: LiveState = { live: null, scheduled: false };

export const LIVE_CHANGE_DETAIL =
  'Changing live or scheduled content (publishing, unpublishing, scheduling, editing the published version, changing its slug, deleting or restoring it) needs content.publish; save a draft instead.';

/** Thrown inside a save's transaction to roll it back; the service answers `forbidden`. */
export class LiveChangeRefused extends Error {
  constructor() {
    super(LIVE_CHANGE_DETAIL);
    this.name = 'LiveChangeRefused';
  }
}

/** JSON with object keys sorted (jsonb and JS objects order keys differently); Dates as ISO text. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (value instanceof Date) return value.toISOString();
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
}

/** Refuses (throws LiveChangeRefused) a save that changes the live state without the right to publish. */
export function guardLiveChange(mayPublish: boolean, before: LiveState, after: LiveState): void {
  if (mayPublish) return;
  if (before.scheduled || after.scheduled || canonical(before.live) !== canonical(after.live)) throw new LiveChangeRefused();
}

export type Forbidden = { ok: false; error: 'forbidden'; detail: string };

/** Runs a save; a LiveChangeRefused thrown inside (its transaction rolled back) becomes `forbidden`. */
export async function refusingLiveChanges<T>(save: () => Promise<T>): Promise<T | Forbidden> {
  try {
    return await save();
  } catch (err) {
    if (err instanceof LiveChangeRefused) return { ok: false, error: 'forbidden', detail: err.message };
    throw err;
  }
}

/**
 * Whether a save may change live content: the caller's right (content.publish) when given;
 * otherwise only the scheduler, which publishes what a publisher scheduled (`onlyIfDue`).
 * Callers that forget to say are refused live changes.
 */
export const mayPublishOf = (o: { mayPublish?: boolean | undefined; onlyIfDue?: Date | undefined }): boolean => o.mayPublish ?? o.onlyIfDue !== undefined;
