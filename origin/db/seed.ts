/**
 * First-start demo content: an organization, a space, an admin user, read / preview / write
 * keys and one published page `home`. Idempotent: runs once per database (keyed by the demo
 * organization's slug) and returns the new keys only on the run that created them.
 */
import { eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { memberships, organizations, pages, spaces, users } from './schema/index.js';
import { issueApiKey, sealUser } from '../identity/index.js';
import { personalDataFromConfig, type PersonalData } from '../crypto/personal-data.js';
import { renderPage } from '../content/index.js';

export const DEMO_ORG_SLUG = 'demo';

export interface DemoSeed {
  organizationId: string;
  spaceId: string;
  adminEmail: string;
  keys: { read: string; preview: string; write: string; admin: string };
}

/** `personalData` seals the admin's email and name: the origin's keys (identity.personalData); default the development key. */
export async function seedDemo(db: Db, now = new Date(), personalData: PersonalData = personalDataFromConfig(undefined)): Promise<DemoSeed | null> {
  return db.transaction(async (tx) => {
    const existing = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, DEMO_ORG_SLUG)).limit(1);
    if (existing.length > 0) return null;
    const [org] = await tx.insert(organizations).values({ slug: DEMO_ORG_SLUG, name: 'Demo Organization' }).returning();
    const [space] = await tx.insert(spaces).values({ organizationId: org!.id, slug: 'main', name: 'Demo Site', defaultLocale: 'en' }).returning();
    const adminEmail = 'admin@demo.ghee.local';
    const [owner] = await tx.insert(users).values(sealUser(personalData, { email: adminEmail, name: 'Demo Admin' })).returning();
    await tx.insert(memberships).values({ userId: owner!.id, organizationId: org!.id, role: 'owner' });
    const issue = async (kind: 'read' | 'preview' | 'write') =>
      (await issueApiKey(tx as unknown as Db, { organizationId: org!.id, spaceId: space!.id, kind, name: `Demo ${kind} key`, createdBy: owner!.id })).token;
    const admin = (await issueApiKey(tx as unknown as Db, { organizationId: org!.id, spaceId: null, kind: 'admin', name: 'Demo admin key', createdBy: owner!.id })).token;
    const keys = { read: await issue('read'), preview: await issue('preview'), write: await issue('write'), admin };
    const fields = {
      headline: 'Welcome to ghee',
      body: '<p>This page was published by the demo seed and served through the edge.</p>',
      seo: { title: 'ghee demo', description: 'A security-first headless CMS delivered from the edge.' },
    };
    await tx.insert(pages).values({
      spaceId: space!.id,
      pageType: '*',
      slug: 'home',
      locale: 'en',
      name: 'Home',
      status: 'published',
      fields,
      published: renderPage({ slug: 'home', name: 'Home', pageType: '*', fields, publishedAt: now, updatedAt: now }),
      publishedAt: now,
      updatedAt: now,
    });
    return { organizationId: org!.id, spaceId: space!.id, adminEmail, keys };
  });
}
