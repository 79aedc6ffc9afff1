/**
 * What an organization sees of security operations (JSON under /v1):
 *   GET /v1/orgs/{org}/security-events   ?severity=&rule=&status=&since=&until=&limit=&cursor=   audit.read (owners, admins)
 *   GET /v1/orgs/{org}/incidents                                                        audit.read
 *   GET /v1/orgs/{org}/security-settings   thresholds, security contacts                audit.read
 *   PUT /v1/orgs/{org}/security-settings   { thresholds?, security_contacts? }           org.manage
 *       (an organization's thresholds only tighten the deployment's: lower counts, longer windows)
 * Events are newest first; `next_cursor` pages on. Platform-level events (failed sign-ins by
 * address, WAF bursts, a broken global chain) name no organization and are for operators only.
 */
import { and, desc, eq, gte, lt, lte, or, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../../../shared/errors.js';
import type { AppContext } from '../../context.js';
import { personalAad } from '../../crypto/personal-data.js';
import { securityEvents, securitySettings, SECURITY_SEVERITIES, type SecuritySeverity } from '../../db/schema/index.js';
import type { OriginEnv } from '../../env.js';
import { authorizeOrg } from '../../http/authorize.js';
import { parseBody } from '../../http/body.js';
import { timestampParam } from '../../http/input.js';
import { authenticate } from '../../http/request-auth.js';
import { commitWrite } from '../../outbox/index.js';
import { listIncidents, type Incident } from './incidents.js';
import { securityEngineOf } from './install.js';
import { openSubject } from './engine.js';
import { isRuleName, parseThresholds, RULE_NAMES } from './rules.js';
import * as docs from './docs.js';

const BODY_LIMIT = 16 * 1024;
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

const settingsBody = z.strictObject({
  thresholds: z.record(z.string(), z.unknown()).optional(),
  security_contacts: z.array(z.string().max(254).regex(ADDRESS, { message: 'must be an email address' })).max(20).optional(),
});

function cursorOf(r: { firstSeenAt: Date; id: string }): string {
  return Buffer.from(`${r.firstSeenAt.toISOString()}|${r.id}`).toString('base64url');
}

function parseCursor(raw: string | undefined): { at: Date; id: string } | null {
  if (raw === undefined) return null;
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f-]{36})$/.exec(text);
  const at = m ? new Date(m[1]!) : null;
  if (!m || !at || Number.isNaN(at.getTime())) throw new ApiError('bad_request', 'cursor is not one this API gave.');
  return { at, id: m[2]! };
}

function incidentView(i: Incident, organizationId: string) {
  return {
    id: i.id,
    title: i.title,
    severity: i.severity,
    status: i.status,
    summary: i.summary,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    resolved_at: i.resolvedAt?.toISOString() ?? null,
    // Another organization's notifications are not this one's business.
    timeline: i.timeline.filter((e) => e.organizationId === undefined || e.organizationId === organizationId).map(({ organizationId: _, ...e }) => e),
  };
}

export function securityRoutes(ctx: AppContext): Hono<OriginEnv> {
  const app = new Hono<OriginEnv>();
  const db = () => ctx.database.db;
  const signedIn = authenticate(ctx);
  const limit = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new ApiError('payload_too_large', `Bodies are limited to ${BODY_LIMIT} bytes.`, { connection: 'close' });
    },
  });

  app.get('/v1/orgs/:orgId/security-events', docs.securityEventsDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'audit.read');
    const severity = c.req.query('severity');
    if (severity !== undefined && !(SECURITY_SEVERITIES as readonly string[]).includes(severity)) throw new ApiError('bad_request', `severity must be one of ${SECURITY_SEVERITIES.join(', ')}.`);
    const rule = c.req.query('rule');
    if (rule !== undefined && !isRuleName(rule)) throw new ApiError('bad_request', `rule must be one of ${RULE_NAMES.join(', ')}.`);
    const status = c.req.query('status');
    if (status !== undefined && status !== 'open' && status !== 'resolved') throw new ApiError('bad_request', 'status must be open or resolved.');
    const since = timestampParam(c, 'since');
    const until = timestampParam(c, 'until');
    const limitRaw = c.req.query('limit');
    // 1–200 as the message says: 0 and 201–999 were clamped (conformance fuzzing found 201 answered as 200).
    if (limitRaw !== undefined && (!/^\d{1,3}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 200)) throw new ApiError('bad_request', 'limit must be a whole number from 1 to 200.');
    const limitN = Number(limitRaw ?? 50);
    const cursor = parseCursor(c.req.query('cursor'));
    const rows = await db()
      .select()
      .from(securityEvents)
      .where(
        and(
          eq(securityEvents.organizationId, actor.organizationId),
          severity ? eq(securityEvents.severity, severity as SecuritySeverity) : undefined,
          rule ? eq(securityEvents.rule, rule) : undefined,
          status ? eq(securityEvents.status, status as 'open' | 'resolved') : undefined,
          since ? gte(securityEvents.firstSeenAt, since) : undefined,
          until ? lte(securityEvents.firstSeenAt, until) : undefined,
          cursor ? or(lt(securityEvents.firstSeenAt, cursor.at), and(eq(securityEvents.firstSeenAt, cursor.at), sql`${securityEvents.id} < ${cursor.id}`)) : undefined,
        ),
      )
      .orderBy(desc(securityEvents.firstSeenAt), desc(securityEvents.id))
      .limit(limitN + 1);
    const page = rows.slice(0, limitN);
    return c.json({
      data: page.map((r) => ({
        id: r.id,
        rule: r.rule,
        severity: r.severity,
        status: r.status,
        subject: openSubject(ctx.identity.personalData, r),
        actor: { user_id: r.actorUserId, key_id: r.actorKeyId, ip: ctx.identity.personalData.openOrNull(r.actorIpEnc, personalAad('security_events', 'actor_ip', r.id)) },
        count: r.count,
        evidence: r.evidence,
        first_seen_at: r.firstSeenAt.toISOString(),
        last_seen_at: r.lastSeenAt.toISOString(),
        resolved_at: r.resolvedAt?.toISOString() ?? null,
      })),
      next_cursor: rows.length > limitN ? cursorOf(page.at(-1)!) : null,
    });
  });

  app.get('/v1/orgs/:orgId/incidents', docs.incidentsDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'audit.read');
    const rows = await listIncidents(db(), { organizationId: actor.organizationId });
    return c.json({ data: rows.map((i) => incidentView(i, actor.organizationId)) });
  });

  const settingsView = (row: { thresholds: unknown; securityContacts: string[] } | undefined) => ({ thresholds: row?.thresholds ?? {}, security_contacts: row?.securityContacts ?? [] });

  app.get('/v1/orgs/:orgId/security-settings', docs.getSecuritySettingsDoc, signedIn, async (c) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'audit.read');
    const [row] = await db().select().from(securitySettings).where(eq(securitySettings.organizationId, actor.organizationId)).limit(1);
    return c.json(settingsView(row));
  });

  app.put('/v1/orgs/:orgId/security-settings', docs.putSecuritySettingsDoc(settingsBody), signedIn, limit, async (c: Context<OriginEnv>) => {
    const actor = await authorizeOrg(db(), c, c.req.param('orgId'), 'org.manage');
    const body = await parseBody(c, settingsBody);
    const thresholds = parseThresholds(body.thresholds ?? {});
    if (!thresholds.ok) throw new ApiError('bad_request', `thresholds: ${thresholds.reason}.`);
    const organizationId = actor.organizationId;
    const saved = await commitWrite(db(), { userId: actor.userId, keyId: actor.keyId, organizationId, ip: c.get('clientIp') }, null, async (w) => {
      const values = {
        organizationId,
        ...(body.thresholds !== undefined ? { thresholds: thresholds.value } : {}),
        ...(body.security_contacts !== undefined ? { securityContacts: body.security_contacts } : {}),
        updatedAt: new Date(),
      };
      const [row] = await w.t.insert(securitySettings).values(values).onConflictDoUpdate({ target: securitySettings.organizationId, set: values }).returning();
      w.audit({ action: 'security.settings_update', target: { type: 'organization', id: organizationId }, metadata: { rules: Object.keys(thresholds.value), contacts: row!.securityContacts.length } });
      return { ok: true as const, value: row! };
    });
    securityEngineOf(db())?.forgetSettings(organizationId);
    return c.json(settingsView(saved.value));
  });

  return app;
}
