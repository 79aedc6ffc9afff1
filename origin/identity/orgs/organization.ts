/**
 * An organization's settings (name, require_2fa) and its new spaces: reads and the writes,
 * through the commit step (origin/outbox/commit.ts), one `org.update` / `space.create` row each
 * when the write commits. Plain functions over the db handle (no HTTP).
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { organizations } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { commitWrite } from '../../outbox/index.js';
import type { MemberActor } from '../members/members.js';
import { createSpace } from './spaces.js';

export interface OrganizationView {
  id: string;
  slug: string;
  name: string;
  require_2fa: boolean;
  created_at: string;
}

export async function organizationSettings(db: Db, organizationId: string): Promise<OrganizationView | null> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1);
  return org ? { id: org.id, slug: org.slug, name: org.name, require_2fa: org.require2fa, created_at: org.createdAt.toISOString() } : null;
}

/** Changes the settings given; the row's metadata is the change as asked. */
export function updateOrganization(db: Db, actor: MemberActor, patch: { name?: string | undefined; require_2fa?: boolean | undefined }): Promise<Result<null>> {
  return commitWrite(db, actor, null, async (w) => {
    const set = { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.require_2fa !== undefined ? { require2fa: patch.require_2fa } : {}) };
    if (Object.keys(set).length > 0) await w.t.update(organizations).set(set).where(eq(organizations.id, actor.organizationId));
    w.audit({ action: 'org.update', target: { type: 'organization', id: actor.organizationId }, metadata: patch });
    return { ok: true, value: null };
  });
}

/** A new space of the organization (a taken slug answers 409, see `createSpace`). */
export function addSpace(db: Db, actor: MemberActor, input: { name: string; slug?: string; defaultLocale?: string }): Promise<Result<Awaited<ReturnType<typeof createSpace>>>> {
  return commitWrite(db, actor, null, async (w) => {
    const row = await createSpace(w.t, { organizationId: actor.organizationId, ...input });
    w.audit({ action: 'space.create', target: { type: 'space', id: row.id }, metadata: { slug: row.slug, default_locale: row.defaultLocale } });
    return { ok: true, value: row };
  });
}
