/**
 * Incidents: opened automatically from a critical event (engine.ts) or by an operator
 * (`npm run incident`, origin/cli/incident.ts), with a timeline, a severity, the affected
 * organizations and a status (investigating → identified → monitoring → resolved).
 *
 * Customer notification (`notifyIncident`): for each affected organization, mail from a template
 * (preliminary assessment, update, resolution with the summary) to its organization-wide owners
 * and admins and its security contacts, queued in the alert outbox (delivered like alerts:
 * retried until the mail server takes it), with one `incident.notify` audit row in that
 * organization's chain and a timeline entry — what the organization sees at
 * GET /v1/orgs/{org}/incidents.
 */
import { personalAad, type PersonalData } from '../../crypto/personal-data.js';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { alertOutbox, incidents, INCIDENT_STATUSES, memberships, organizations, securitySettings, users, type IncidentStatus, type IncidentTimelineEntry, type SecuritySeverity } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { maskSecrets } from '../../logger.js';
import { commitWrite } from '../../outbox/index.js';

export type Incident = typeof incidents.$inferSelect;
export const NOTIFY_TEMPLATES = ['preliminary', 'update', 'resolution'] as const;
export type NotifyTemplate = (typeof NOTIFY_TEMPLATES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 4000;

/** Operator text as stored and mailed: bounded, secret-shaped runs (API keys, tokens, hashes) masked. */
function clean(text: string): string {
  return maskSecrets(text.slice(0, MAX_TEXT));
}

function entry(by: string, kind: IncidentTimelineEntry['kind'], text: string, extra: Partial<IncidentTimelineEntry> = {}): IncidentTimelineEntry {
  return { at: new Date().toISOString(), kind, by, text: clean(text), ...extra };
}

async function appendTimeline(db: Db, id: string, e: IncidentTimelineEntry, set: Partial<typeof incidents.$inferInsert> = {}): Promise<Incident | null> {
  const [row] = await db
    .update(incidents)
    .set({ ...set, updatedAt: new Date(), timeline: sql`${incidents.timeline} || ${JSON.stringify([e])}::jsonb` })
    .where(eq(incidents.id, id))
    .returning();
  return row ?? null;
}

/** Resolves organization ids or slugs; unknown ones are refused by name. */
export async function resolveOrganizations(db: Db, refs: readonly string[]): Promise<Result<string[]>> {
  const out: string[] = [];
  for (const ref of refs) {
    const [row] = await db
      .select({ id: organizations.id })
      .from(organizations)
      .where(UUID.test(ref) ? eq(organizations.id, ref) : eq(organizations.slug, ref))
      .limit(1);
    if (!row) return { ok: false, error: 'invalid', detail: `unknown organization ${JSON.stringify(ref.slice(0, 80))}` };
    if (!out.includes(row.id)) out.push(row.id);
  }
  return { ok: true, value: out };
}

export async function openIncident(db: Db, input: { title: string; severity: SecuritySeverity; organizationIds: string[]; message: string; by: string }): Promise<Result<Incident>> {
  if (input.title.trim() === '') return { ok: false, error: 'invalid', detail: 'a title is required' };
  const [row] = await db
    .insert(incidents)
    .values({
      title: clean(input.title.slice(0, 300)),
      severity: input.severity,
      organizationIds: input.organizationIds,
      openedBy: input.by,
      timeline: [entry(input.by, 'opened', input.message || 'Incident opened.')],
    })
    .returning();
  return { ok: true, value: row! };
}

export async function findIncident(db: Db, id: string): Promise<Incident | null> {
  if (!UUID.test(id)) return null;
  const [row] = await db.select().from(incidents).where(eq(incidents.id, id)).limit(1);
  return row ?? null;
}

export async function updateIncident(db: Db, id: string, input: { status?: IncidentStatus; message: string; organizationIds?: string[]; by: string }): Promise<Result<Incident>> {
  const current = await findIncident(db, id);
  if (!current) return { ok: false, error: 'not_found', detail: 'no such incident' };
  if (current.status === 'resolved') return { ok: false, error: 'conflict', detail: 'the incident is resolved' };
  if (input.status === 'resolved') return { ok: false, error: 'invalid', detail: 'use resolve (with a summary) to resolve an incident' };
  const organizationIds = input.organizationIds ? [...new Set([...current.organizationIds, ...input.organizationIds])] : current.organizationIds;
  const row = await appendTimeline(db, id, entry(input.by, input.status ? 'status' : 'update', input.message, input.status ? { status: input.status } : {}), {
    ...(input.status ? { status: input.status } : {}),
    organizationIds,
  });
  return { ok: true, value: row! };
}

export async function resolveIncident(db: Db, id: string, input: { summary: string; by: string }): Promise<Result<Incident>> {
  const current = await findIncident(db, id);
  if (!current) return { ok: false, error: 'not_found', detail: 'no such incident' };
  if (current.status === 'resolved') return { ok: false, error: 'conflict', detail: 'the incident is already resolved' };
  if (input.summary.trim() === '') return { ok: false, error: 'invalid', detail: 'a summary is required to resolve an incident' };
  const row = await appendTimeline(db, id, entry(input.by, 'resolved', input.summary, { status: 'resolved' }), { status: 'resolved', resolvedAt: new Date(), summary: clean(input.summary) });
  return { ok: true, value: row! };
}

export async function listIncidents(db: Db, opts: { organizationId?: string; limit?: number } = {}): Promise<Incident[]> {
  const q = db.select().from(incidents);
  const where = opts.organizationId ? sql`${incidents.organizationIds} @> ${JSON.stringify([opts.organizationId])}::jsonb` : undefined;
  return (where ? q.where(where) : q).orderBy(desc(incidents.createdAt)).limit(Math.min(500, opts.limit ?? 100));
}

/** Who hears about an organization's incidents: its organization-wide owners and admins, and its security contacts. */
export async function incidentRecipients(db: Db, pd: PersonalData, organizationId: string): Promise<string[]> {
  const members = await db
    .select({ id: users.id, emailEnc: users.emailEnc })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), isNull(memberships.spaceId), inArray(memberships.role, ['owner', 'admin']), isNull(users.disabledAt)));
  const [settings] = await db.select({ contacts: securitySettings.securityContacts }).from(securitySettings).where(eq(securitySettings.organizationId, organizationId)).limit(1);
  const all = [...members.map((m) => pd.open(m.emailEnc, personalAad('users', 'email', m.id))), ...(settings?.contacts ?? [])];
  const seen = new Set<string>();
  return all.filter((a) => {
    const k = a.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The mail of a template (plain text; the same for every recipient of an organization). */
export function incidentMail(template: NotifyTemplate, i: Incident, orgName: string, message: string): { subject: string; text: string } {
  const head = `Incident ${i.id} — ${i.title}\nSeverity: ${i.severity}\nStatus: ${i.status}\nOrganization: ${orgName}\n`;
  switch (template) {
    case 'preliminary':
      return {
        subject: `[ghee] Security incident affecting ${orgName}: preliminary assessment`,
        text: `We are investigating a security incident that affects your organization.\n\n${head}\nPreliminary assessment:\n${message}\n\nWe will send updates as we learn more, and a summary when it is resolved.`,
      };
    case 'update':
      return { subject: `[ghee] Security incident update: ${i.title}`, text: `An update on the security incident affecting your organization.\n\n${head}\nUpdate:\n${message}\n` };
    case 'resolution':
      return {
        subject: `[ghee] Security incident resolved: ${i.title}`,
        text: `The security incident affecting your organization is resolved.\n\n${head}\nSummary:\n${i.summary ?? message}\n${message && i.summary ? `\n${message}\n` : ''}`,
      };
  }
}

export interface NotifyOutcome {
  organizations: { organizationId: string; recipients: number }[];
}

/** Queues the template's mail to every affected organization's recipients; audits and records each. */
export async function notifyIncident(db: Db, id: string, input: { template: NotifyTemplate; message: string; by: string; personalData: PersonalData }): Promise<Result<NotifyOutcome>> {
  const i = await findIncident(db, id);
  if (!i) return { ok: false, error: 'not_found', detail: 'no such incident' };
  if (i.organizationIds.length === 0) return { ok: false, error: 'invalid', detail: 'the incident names no affected organization' };
  if (input.template === 'resolution' && i.status !== 'resolved') return { ok: false, error: 'conflict', detail: 'resolve the incident (with its summary) before sending the resolution' };
  if (input.template !== 'resolution' && input.message.trim() === '') return { ok: false, error: 'invalid', detail: 'a message is required' };
  const out: NotifyOutcome = { organizations: [] };
  // Ascending organization order: each commit appends to one organization's audit chain.
  for (const organizationId of [...i.organizationIds].sort()) {
    const [org] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, organizationId)).limit(1);
    if (!org) continue;
    const recipients = await incidentRecipients(db, input.personalData, organizationId);
    const mail = incidentMail(input.template, i, org.name, clean(input.message));
    await commitWrite(db, { userId: null, keyId: null, system: 'operator', organizationId }, null, async (w) => {
      if (recipients.length > 0) await w.t.insert(alertOutbox).values(recipients.map((to) => ({ channel: 'email' as const, incidentId: i.id, body: { to, ...mail } })));
      w.audit({ action: 'incident.notify', target: { type: 'incident', id: i.id }, metadata: { template: input.template, recipients: recipients.length, operator: input.by } });
      return { ok: true as const };
    });
    await appendTimeline(db, id, entry(input.by, 'notification', `${input.template} notification sent to ${recipients.length} recipient(s).`, { template: input.template, recipients: recipients.length, organizationId }));
    out.organizations.push({ organizationId, recipients: recipients.length });
  }
  return { ok: true, value: out };
}

export function isIncidentStatus(v: string): v is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(v);
}
