/**
 * Pages written straight to the database (published ones rendered as publishing renders them),
 * and the page-read fixture the read tests share: a plain type, a type with a reference field,
 * and pages of both, a draft and a French home page.
 */
import type { Db } from '../../origin/db/client.js';
import { pages, pageTypes } from '../../origin/db/schema/index.js';
import { renderPage } from '../../origin/content/pages/pages.js';

export interface TestPage {
  slug: string;
  pageType?: string;
  locale?: string;
  fields: Record<string, unknown>;
  status?: 'published' | 'draft';
  spaceId?: string;
}

/** Inserts a page (in `spaceId` unless the page names another); its id. */
export async function addPage(db: Db, spaceId: string, p: TestPage): Promise<string> {
  const now = new Date();
  const pageType = p.pageType ?? '*';
  const published = p.status === 'draft' ? null : renderPage({ slug: p.slug, name: `Page ${p.slug}`, pageType, fields: p.fields, publishedAt: now, updatedAt: now });
  const [row] = await db
    .insert(pages)
    .values({
      spaceId: p.spaceId ?? spaceId,
      pageType,
      slug: p.slug,
      locale: p.locale ?? 'en',
      name: `Page ${p.slug}`,
      status: p.status ?? 'published',
      fields: p.fields,
      published,
      publishedAt: published ? now : null,
    })
    .returning({ id: pages.id });
  return row!.id;
}

/** Types `plain` and `linked` (a repeater of references to plain pages); pages p1 (plain), l1 (linked → p1), draft, and home in French. */
export async function seedReadFixture(db: Db, spaceId: string): Promise<void> {
  await db.insert(pageTypes).values([
    { spaceId, slug: 'plain', name: 'Plain', fields: [{ name: 'title', type: 'short_text' }] },
    {
      spaceId,
      slug: 'linked',
      name: 'Linked',
      fields: [
        { name: 'title', type: 'short_text' },
        { name: 'parts', type: 'repeater', fields: [{ name: 'ref', type: 'reference', page_type: 'plain' }] },
      ],
    },
  ]);
  await addPage(db, spaceId, { slug: 'p1', pageType: 'plain', fields: { title: 'Plain one', note: 'a "quoted" ünïcode → value' } });
  await addPage(db, spaceId, { slug: 'l1', pageType: 'linked', fields: { title: 'Linked', parts: [{ ref: 'p1' }] } });
  await addPage(db, spaceId, { slug: 'draft', fields: { title: 'Draft' }, status: 'draft' });
  await addPage(db, spaceId, { slug: 'home', locale: 'fr', fields: { headline: 'Bienvenue' } });
}
