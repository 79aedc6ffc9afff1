/**
 * Billing notices by mail to the organization's owners and billing members — found through the
 * identity domain's member list (never raw user columns), sent after the commit; a mail that
 * fails is logged (without its address) and never undoes the change.
 */
import { eq } from 'drizzle-orm';
import type { PersonalData } from '../crypto/personal-data.js';
import type { Db } from '../db/client.js';
import { organizations } from '../db/schema/index.js';
import { listMembers, type MailTransport } from '../identity/index.js';
import type { Logger } from '../logger.js';
import { noticeText, type Notice } from './webhook.js';

export async function billingContacts(db: Db, pd: PersonalData, organizationId: string): Promise<string[]> {
  const members = await listMembers(db, pd, organizationId);
  return [...new Set(members.filter((m) => m.role === 'owner' || m.role === 'billing').map((m) => m.email))];
}

/** `pd` opens the members' addresses (personal data, sealed at rest): the app's identity.personalData. */
export async function sendNotice(db: Db, mail: MailTransport, logger: Logger, notice: Notice, pd: PersonalData): Promise<void> {
  const [org] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, notice.organizationId));
  const { subject, text } = noticeText(notice, org?.name ?? 'your organization');
  for (const to of await billingContacts(db, pd, notice.organizationId)) {
    try {
      await mail.send({ to, subject, text });
    } catch (err) {
      logger.warn({ organization_id: notice.organizationId, notice: notice.kind, error: (err as Error).name }, 'billing notice not sent');
    }
  }
}
