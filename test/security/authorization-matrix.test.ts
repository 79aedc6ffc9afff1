/**
 * The authorization matrix: every route of the origin × every organization role × (own
 * organization, another organization). It fails on any allow the permission table
 * (shared/permissions.ts) does not grant, on any deny it does grant, and on any route that is
 * not classified here — so a new route cannot ship without a decision.
 *
 * Each role is a real user with a real session (cookie + CSRF token), calling over HTTP.
 * "Own" targets are the seeded organization's objects; "other" targets are the same kinds of
 * objects in another organization, addressed by their real ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../origin/app.js';
import { invitations, pages, supportGrants } from '../../origin/db/schema/index.js';
import { runOperators } from '../../origin/cli/operators.js';
import { SCOPE_ACTIONS } from '../../origin/governance/grants.js';
import { totpCode } from '../../origin/identity/totp/totp.js';
import { captureIo } from '../helpers/cli.js';
import { issueApiKey } from '../../origin/identity/keys/api-keys.js';
import { ACTIONS, KIND_SCOPES, ROLES, roleAllows, type Action, type Role } from '../../shared/permissions.js';
import { createOrganization, createUser, SessionClient, uniqueEmail, sealedInvitation } from '../helpers/identity.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

/**
 * How each route is decided:
 * - an Action: members whose role allows it, in their own organization;
 * - 'public': no authentication (health, assets, sign-up/login flows);
 * - 'self': any signed-in user, acting on themselves only;
 * - 'key': the Content read API and edge-internal endpoints — API keys (or the edge's
 *   signature) only, so every session is refused.
 * - 'metrics': the Prometheus scrape on the API port — METRICS_TOKEN only (404 without one
 *   configured, 401 without the token): never a session;
 * - 'scim': the SCIM 2.0 API — the organization's SCIM bearer token only, so every session
 *   (and every API key) is refused with 401.
 * - 'operator': the platform operators' own routes (origin/governance) — an operator session
 *   only, so every member session is refused with 401 (operators under support grants:
 *   test/integration/support-access.test.ts, every scope and state).
 */
type Rule = Action | 'public' | 'self' | 'key' | 'scim' | 'metrics' | 'operator';

const RULES: Record<string, Rule> = {
  'GET /healthz': 'public',
  'GET /metrics': 'metrics',
  'GET /readyz': 'public',
  // The OpenAPI document (origin/http/openapi-spec.ts): describes routes, reveals no data.
  'GET /openapi.json': 'public',
  // Its public part (what the edge serves as /openapi.json) and the browsable reference with its files: no data either.
  'GET /openapi/public.json': 'public',
  'GET /reference': 'public',
  'GET /reference/assets/:file': 'public',
  'GET /internal/v1/keys/introspect': 'key',
  'POST /v1/auth/signup': 'public',
  'POST /v1/auth/verify-email': 'public',
  'GET /v1/auth/captcha': 'public',
  'POST /v1/auth/login': 'public',
  'GET /v1/auth/session': 'self',
  'POST /v1/auth/logout': 'self',
  'POST /v1/auth/logout-all': 'self',
  'GET /v1/auth/sessions': 'self',
  'DELETE /v1/auth/sessions/:id': 'self',
  'POST /v1/auth/password/forgot': 'public',
  'POST /v1/auth/password/reset': 'public',
  'POST /v1/auth/password/change': 'self',
  'POST /v1/auth/2fa/setup': 'self',
  'POST /v1/auth/2fa/confirm': 'self',
  'POST /v1/auth/2fa/disable': 'self',
  'POST /v1/auth/reauthenticate': 'self',
  'POST /v1/invitations/accept': 'public',
  'POST /v1/auth/sso/discover': 'public',
  'GET /v1/auth/sso/login/:id': 'public',
  'GET /v1/auth/sso/oidc/callback': 'public',
  'GET /v1/auth/sso/saml/:id/metadata': 'public',
  'POST /v1/auth/sso/saml/:id/acs': 'public',
  'GET /v1/orgs/:orgId/billing': 'billing.read',
  'POST /v1/orgs/:orgId/billing/checkout': 'billing.manage',
  'POST /v1/orgs/:orgId/billing/portal': 'billing.manage',
  // Stripe's signed webhook: no session or key (its signature is the credential; test/integration/billing-webhooks.test.ts).
  'POST /v1/billing/stripe/webhook': 'public',
  'GET /v1/orgs/:orgId/sso/connections': 'sso.manage',
  'POST /v1/orgs/:orgId/sso/connections': 'sso.manage',
  'GET /v1/orgs/:orgId/sso/connections/:id': 'sso.manage',
  'PATCH /v1/orgs/:orgId/sso/connections/:id': 'sso.manage',
  'DELETE /v1/orgs/:orgId/sso/connections/:id': 'sso.manage',
  'POST /v1/orgs/:orgId/sso/connections/:id/idp-metadata': 'sso.manage',
  'GET /v1/orgs/:orgId/sso/domains': 'sso.manage',
  'POST /v1/orgs/:orgId/sso/domains': 'sso.manage',
  'PATCH /v1/orgs/:orgId/sso/domains/:id': 'sso.manage',
  'POST /v1/orgs/:orgId/sso/domains/:id/verify': 'sso.manage',
  'DELETE /v1/orgs/:orgId/sso/domains/:id': 'sso.manage',
  'GET /v1/orgs/:orgId/sso/policy': 'sso.manage',
  'PUT /v1/orgs/:orgId/sso/policy': 'sso.manage',
  'GET /v1/orgs/:orgId/scim/token': 'sso.manage',
  'POST /v1/orgs/:orgId/scim/token': 'sso.manage',
  'DELETE /v1/orgs/:orgId/scim/token': 'sso.manage',
  'GET /scim/v2/Users': 'scim',
  'POST /scim/v2/Users': 'scim',
  'GET /scim/v2/Users/:id': 'scim',
  'PUT /scim/v2/Users/:id': 'scim',
  'PATCH /scim/v2/Users/:id': 'scim',
  'DELETE /scim/v2/Users/:id': 'scim',
  'GET /scim/v2/Groups': 'scim',
  'POST /scim/v2/Groups': 'scim',
  'GET /scim/v2/Groups/:id': 'scim',
  'PUT /scim/v2/Groups/:id': 'scim',
  'PATCH /scim/v2/Groups/:id': 'scim',
  'DELETE /scim/v2/Groups/:id': 'scim',
  'GET /scim/v2/ServiceProviderConfig': 'scim',
  'GET /scim/v2/ResourceTypes': 'scim',
  'GET /scim/v2/ResourceTypes/:id': 'scim',
  'GET /scim/v2/Schemas': 'scim',
  'GET /scim/v2/Schemas/:id': 'scim',
  'GET /v1/orgs/:orgId': 'members.read',
  'PATCH /v1/orgs/:orgId': 'org.manage',
  'GET /v1/orgs/:orgId/spaces': 'members.read',
  'POST /v1/orgs/:orgId/spaces': 'spaces.manage',
  'GET /v1/orgs/:orgId/members': 'members.read',
  'PATCH /v1/orgs/:orgId/members/:userId': 'members.manage',
  'DELETE /v1/orgs/:orgId/members/:userId': 'members.manage',
  'GET /v1/orgs/:orgId/invitations': 'members.read',
  'POST /v1/orgs/:orgId/invitations': 'members.manage',
  'DELETE /v1/orgs/:orgId/invitations/:id': 'members.manage',
  'GET /v1/orgs/:orgId/audit-events': 'audit.read',
  'GET /v1/orgs/:orgId/audit-events/verify': 'audit.read',
  'GET /v1/orgs/:orgId/security-events': 'audit.read',
  'GET /v1/orgs/:orgId/incidents': 'audit.read',
  'GET /v1/orgs/:orgId/security-settings': 'audit.read',
  'PUT /v1/orgs/:orgId/security-settings': 'org.manage',
  'POST /v1/operator/login': 'public',
  'POST /v1/operator/logout': 'operator',
  'GET /v1/orgs/:orgId/support-grants': 'support.manage',
  'POST /v1/orgs/:orgId/support-grants': 'support.manage',
  'DELETE /v1/orgs/:orgId/support-grants/:grantId': 'support.manage',
  'GET /v1/orgs/:orgId/support-access': 'support.manage',
  'GET /v1/orgs/:orgId/ip-allowlist': 'allowlist.manage',
  'PUT /v1/orgs/:orgId/ip-allowlist': 'allowlist.manage',
  'POST /v1/orgs/:orgId/ip-allowlist/break-glass': 'allowlist.break_glass',
  // Data lifecycle (origin/governance): retention policy, exports, deletion; a user's own export and erasure.
  'GET /v1/orgs/:orgId/retention': 'org.manage',
  'PUT /v1/orgs/:orgId/retention': 'org.manage',
  'POST /v1/orgs/:orgId/exports': 'org.manage',
  'GET /v1/orgs/:orgId/exports': 'org.manage',
  'GET /v1/orgs/:orgId/exports/:id': 'org.manage',
  'GET /v1/orgs/:orgId/deletion': 'org.manage',
  'POST /v1/orgs/:orgId/deletion': 'org.delete',
  'DELETE /v1/orgs/:orgId/deletion': 'org.delete',
  'POST /v1/auth/me/exports': 'self',
  'GET /v1/auth/me/exports/:id': 'self',
  'POST /v1/auth/me/erase': 'self',
  // The signed download link is the credential (test/integration/data-export.test.ts: tampered, expired, reused).
  'GET /v1/exports/:id/download': 'public',
  'GET /v1/orgs/:orgId/api-keys': 'keys.read',
  'POST /v1/orgs/:orgId/api-keys': 'keys.manage',
  'POST /v1/orgs/:orgId/api-keys/:keyId/rotate': 'keys.manage',
  'DELETE /v1/orgs/:orgId/api-keys/:keyId': 'keys.manage',
  'POST /v2/assets': 'assets.write',
  'GET /v2/manage/spaces/:spaceId/assets': 'content.preview',
  'DELETE /v2/manage/spaces/:spaceId/assets/:assetId': 'content.delete',
  'GET /v2/manage/media-imports': 'assets.write',
  'POST /v2/manage/media-imports': 'assets.write',
  'POST /v2/manage/media-imports/:id/retry': 'assets.write',
  'GET /assets/:spaceId/:assetId/:filename': 'public',
  'POST /v2/pages': 'content.write',
  'PATCH /v2/pages/:pageType/:slug': 'content.write',
  'PUT /v2/pages/:pageType/:slug': 'content.write',
  'DELETE /v2/pages/:pageType/:slug': 'content.delete',
  'GET /v2/manage/pages/:pageType/:slug': 'content.preview',
  'GET /v2/manage/pages/:pageType/:slug/revisions': 'content.preview',
  'GET /v2/manage/pages/:pageType/:slug/revisions/:version': 'content.preview',
  'GET /v2/manage/spaces/:spaceId/pages': 'content.preview',
  'POST /v2/manage/pages/:pageType/:slug/rollback': 'content.publish',
  'POST /v2/manage/pages/:pageType/:slug/restore': 'content.delete',
  'POST /v2/manage/pages/:pageType/:slug/unpublish': 'content.publish',
  'POST /v2/manage/spaces/:spaceId/webhooks': 'webhooks.manage',
  'GET /v2/manage/spaces/:spaceId/webhooks': 'webhooks.manage',
  'GET /v2/manage/spaces/:spaceId/webhooks/:id/deliveries': 'webhooks.manage',
  'POST /v2/manage/spaces/:spaceId/webhooks/:id/deliveries/:deliveryId/retry': 'webhooks.manage',
  'DELETE /v2/manage/spaces/:spaceId/webhooks/:id': 'webhooks.manage',
  'POST /v2/manage/spaces/:spaceId/page_types': 'schema.manage',
  'GET /v2/manage/spaces/:spaceId/page_types': 'content.preview',
  'GET /v2/manage/spaces/:spaceId/page_types/:slug': 'content.preview',
  'PUT /v2/manage/spaces/:spaceId/page_types/:slug': 'schema.manage',
  'GET /v2/manage/spaces/:spaceId/locales': 'content.preview',
  'POST /v2/manage/spaces/:spaceId/locales': 'schema.manage',
  'POST /v2/manage/spaces/:spaceId/collections': 'schema.manage',
  'GET /v2/manage/spaces/:spaceId/collections': 'content.preview',
  'GET /v2/manage/spaces/:spaceId/collections/:key': 'content.preview',
  'PUT /v2/manage/spaces/:spaceId/collections/:key': 'schema.manage',
  'GET /v2/manage/spaces/:spaceId/collections/:key/items': 'content.preview',
  'GET /v2/manage/content/:key/:id/revisions/:version': 'content.preview',
  'GET /v2/manage/spaces/:spaceId/posts': 'content.preview',
  'GET /v2/manage/posts/:slug/revisions/:version': 'content.preview',
  'POST /v2/manage/spaces/:spaceId/authors': 'schema.manage',
  'GET /v2/manage/content/:key/:id': 'content.preview',
  'GET /v2/manage/content/:key/:id/revisions': 'content.preview',
  'POST /v2/manage/content/:key/:id/rollback': 'content.publish',
  'POST /v2/manage/content/:key/:id/restore': 'content.delete',
  'POST /v2/content': 'content.write',
  'PATCH /v2/content/:key/:id': 'content.write',
  'PUT /v2/content/:key/:id': 'content.write',
  'DELETE /v2/content/:key/:id': 'content.delete',
  'POST /v2/posts': 'content.write',
  'PATCH /v2/posts/:slug': 'content.write',
  'PUT /v2/posts/:slug': 'content.write',
  'DELETE /v2/posts/:slug': 'content.delete',
  'GET /v2/manage/posts/:slug': 'content.preview',
  'GET /v2/manage/posts/:slug/revisions': 'content.preview',
  'POST /v2/manage/posts/:slug/rollback': 'content.publish',
  'POST /v2/manage/posts/:slug/restore': 'content.delete',
  'POST /v2/manage/posts/:slug/unpublish': 'content.publish',
  'GET /v2/pages/:pageType': 'key',
  'GET /v2/pages/:pageType/:slug': 'key',
  'GET /v2/content': 'key',
  'GET /v2/content/:key': 'key',
  'GET /v2/content/:key/:id': 'key',
  'GET /v2/posts': 'key',
  'GET /v2/posts/:slug': 'key',
  'GET /v2/authors': 'key',
  'GET /v2/authors/:slug': 'key',
  'GET /v2/categories': 'key',
  'GET /v2/categories/:slug': 'key',
  'GET /v2/tags': 'key',
  'GET /v2/tags/:slug': 'key',
  'GET /v2/feeds/:feed': 'key',
};

interface Tenant {
  organizationId: string;
  spaceId: string;
  /** A member the role routes may change or remove (never the acting user). */
  memberId: string;
  keyId: string;
  invitationId: string;
}

let origin: OriginUnderTest;
let own: Tenant;
let other: Tenant;
const clients = new Map<Role, SessionClient>();
let routes: string[] = [];

async function tenantObjects(organizationId: string, spaceId: string): Promise<Tenant> {
  const db = origin.database.db;
  const member = await createUser(origin, organizationId, 'viewer');
  const key = await issueApiKey(db, { organizationId, spaceId, kind: 'read', name: 'matrix target' });
  const [inv] = await db
    .insert(invitations)
    .values({ organizationId, ...sealedInvitation(origin, uniqueEmail('inv')), role: 'viewer', tokenHash: `${organizationId.replace(/-/g, '')}${'0'.repeat(32)}`, expiresAt: new Date(Date.now() + 86_400_000) })
    .returning({ id: invitations.id });
  return { organizationId, spaceId, memberId: member.id, keyId: key.id, invitationId: inv!.id };
}

/** The concrete path for a route, pointed at `t`'s objects. */
function fill(path: string, t: Tenant): string {
  const values = new Map<string, string>([
    ['orgId', t.organizationId],
    ['spaceId', t.spaceId],
    ['userId', t.memberId],
    ['keyId', t.keyId],
    ['pageType', '*'],
    ['slug', 'matrix-draft'],
    ['key', 'matrix'],
    ['assetId', '00000000-0000-4000-8000-000000000000'],
    ['filename', 'x.png'],
    ['feed', 'rss'],
  ]);
  return `${path
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part;
      const name = part.slice(1);
      if (name === 'id') return path.includes('/invitations/') ? t.invitationId : path.includes('/content/') ? '1' : '00000000-0000-4000-8000-000000000000';
      return values.get(name) ?? part;
    })
    .join('/')}/`;
}

beforeAll(async () => {
  origin = await startTestOrigin({ BCRYPT_COST: '10' });
  const b = await createOrganization(origin, 'matrix-other');
  // Both tenants have a draft page (editing live content needs content.publish: a finer rule
  // tested in test/integration/roles.test.ts), so content routes find something in either.
  for (const spaceId of [origin.seed.spaceId, b.spaceId]) {
    await origin.database.db.insert(pages).values({ spaceId, pageType: '*', slug: 'matrix-draft', locale: 'en', name: 'Draft', status: 'draft', fields: {} });
  }
  own = await tenantObjects(origin.seed.organizationId, origin.seed.spaceId);
  other = await tenantObjects(b.organizationId, b.spaceId);
  for (const role of ROLES) {
    const u = await createUser(origin, own.organizationId, role);
    const c = new SessionClient(origin.server.url);
    await c.login(u.email, u.password);
    clients.set(role, c);
  }
  const app = newApp({ config: origin.config, database: origin.database, logger: (await import('../../origin/logger.js')).createLogger('silent'), envelope: origin.envelope });
  routes = [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
});

afterAll(async () => {
  await origin?.stop();
});

async function call(role: Role, route: string, t: Tenant): Promise<Response> {
  const [method, path] = route.split(' ') as [string, string];
  const body = method === 'GET' || method === 'DELETE' ? undefined : {};
  // Content writes name their space in a header (sessions have no space of their own).
  return clients.get(role)!.request(method, fill(path, t), body, { 'x-ghee-space': t.spaceId });
}

describe('authorization matrix', () => {
  it('classifies every route of the origin (a new route needs a decision here)', () => {
    expect(routes.length).toBeGreaterThan(50);
    const unclassified = routes.filter((r) => !(r in RULES));
    expect(unclassified).toEqual([]);
    const stale = Object.keys(RULES).filter((r) => !routes.includes(r));
    expect(stale).toEqual([]);
    for (const rule of Object.values(RULES)) expect(['public', 'self', 'key', 'scim', 'metrics', 'operator', ...ACTIONS]).toContain(rule);
  });

  it('allows exactly what the permission table grants, in the own organization only', async () => {
    const problems: string[] = [];
    for (const route of routes) {
      const rule = RULES[route];
      if (rule === undefined || rule === 'public' || rule === 'self') continue;
      if (rule === 'operator') {
        for (const role of ROLES) {
          const res = await call(role, route, own);
          if (res.status !== 401) problems.push(`${route} as ${role}: ${res.status} (operator sessions only: want 401)`);
        }
        continue;
      }
      if (rule === 'metrics') {
        for (const role of ROLES) {
          const res = await call(role, route, own);
          if (res.status !== 404 && res.status !== 401) problems.push(`${route} as ${role}: ${res.status} (want 404 without METRICS_TOKEN, 401 without the token)`);
        }
        continue;
      }
      for (const role of ROLES) {
        // Another organization: always refused, as if it did not exist (or 401 for key-only and SCIM routes).
        const tokenOnly = rule === 'key' || rule === 'scim';
        const foreign = await call(role, route, other);
        if (tokenOnly ? foreign.status !== 401 : foreign.status !== 404) problems.push(`${route} as ${role} on another organization: ${foreign.status} (want ${tokenOnly ? 401 : 404})`);
        const res = await call(role, route, own);
        if (tokenOnly) {
          if (res.status !== 401) problems.push(`${route} as ${role}: ${res.status} (sessions cannot use the key-only API)`);
          continue;
        }
        const allowed = roleAllows(role, rule);
        // Allowed requests may still fail validation (400) or find nothing (404): never 401/403.
        if (allowed && (res.status === 401 || res.status === 403)) problems.push(`${route} as ${role}: ${res.status}, but the table allows ${rule}`);
        if (!allowed && res.status !== 403) problems.push(`${route} as ${role}: ${res.status}, but the table denies ${rule} (want 403)`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('lets an operator act only under an active grant of this organization, in its spaces, within its scope', async () => {
    // An operator (npm run operators, in process) signed in with password + TOTP.
    const email = `matrix-op-${Date.now()}@support.example`;
    const io = captureIo();
    const password = 'Matrix-Operator-Lantern-77!';
    const open = async () => ({ db: origin.database.db, close: async () => {} });
    expect(await runOperators(['add', email, '--name', 'Matrix'], io, open, { config: origin.config, envelope: origin.envelope, readPassword: async () => password })).toBe(0);
    const secret = /TOTP secret[^:]*: ([A-Z2-7]+)/.exec(io.stdout)![1]!;
    const login = await fetch(`${origin.server.url}/v1/operator/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, otp: totpCode(secret, Date.now()) }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = ((await login.json()) as { csrf_token: string }).csrf_token;
    const db = origin.database.db;
    const grant = async (organizationId: string, spaceId: string, scope: 'read_only' | 'read_write', state: 'active' | 'expired' | 'revoked') => {
      const now = Date.now();
      const [g] = await db
        .insert(supportGrants)
        .values({ organizationId, scope, spaceIds: [spaceId], reason: 'matrix', expiresAt: new Date(state === 'expired' ? now - 1000 : now + 3_600_000), revokedAt: state === 'revoked' ? new Date(now) : null })
        .returning({ id: supportGrants.id });
      return g!.id;
    };
    const states = [
      { name: 'no grant', id: null as string | null, allows: (_: Action) => false },
      { name: 'read_only', id: await grant(own.organizationId, own.spaceId, 'read_only', 'active'), allows: (a: Action) => SCOPE_ACTIONS.read_only.includes(a) },
      { name: 'read_write', id: await grant(own.organizationId, own.spaceId, 'read_write', 'active'), allows: (a: Action) => SCOPE_ACTIONS.read_write.includes(a) },
      { name: 'expired read_write', id: await grant(own.organizationId, own.spaceId, 'read_write', 'expired'), allows: () => false },
      { name: 'revoked read_write', id: await grant(own.organizationId, own.spaceId, 'read_write', 'revoked'), allows: () => false },
      { name: "another organization's read_write", id: await grant(other.organizationId, other.spaceId, 'read_write', 'active'), allows: () => false },
    ];
    const problems: string[] = [];
    let allowedCalls = 0;
    for (const route of routes) {
      const rule = RULES[route];
      if (rule === undefined || !(ACTIONS as readonly string[]).includes(rule)) continue;
      const [method, path] = route.split(' ') as [string, string];
      // Organization settings (/v1/orgs/…) are never a grant's: it covers its spaces' content only.
      const spaceScoped = !path.startsWith('/v1/');
      for (const st of states) {
        const headers: Record<string, string> = { cookie, 'x-csrf-token': csrf, 'x-ghee-space': own.spaceId };
        if (st.id) headers['x-ghee-support-grant'] = st.id;
        const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
        if (body) headers['content-type'] = 'application/json';
        const res = await fetch(`${origin.server.url}${fill(path, own)}`, { method, headers, ...(body ? { body } : {}) });
        const allowed = spaceScoped && st.allows(rule as Action);
        if (allowed) allowedCalls++;
        if (allowed && (res.status === 401 || res.status === 403)) problems.push(`${route} as operator (${st.name}): ${res.status}, but the grant allows ${rule}`);
        if (!allowed && res.status !== 403) problems.push(`${route} as operator (${st.name}): ${res.status} (want 403)`);
      }
    }
    expect(problems).toEqual([]);
    expect(allowedCalls).toBeGreaterThan(30);
  }, 300_000);

  it('keeps the least-privilege promises of the table', () => {
    expect(roleAllows('author', 'content.publish')).toBe(false);
    expect(roleAllows('viewer', 'content.write')).toBe(false);
    // Spaces are created by owners and admins only (not by API keys: no key kind carries it).
    expect(ROLES.filter((r) => roleAllows(r, 'spaces.manage'))).toEqual(['owner', 'admin']);
    for (const scopes of Object.values(KIND_SCOPES)) expect(scopes).not.toContain('spaces.manage');
    // Billing: owners and the billing role only (issue 17), and never an API key.
    expect(ROLES.filter((r) => roleAllows(r, 'billing.manage'))).toEqual(['owner', 'billing']);
    expect(ROLES.filter((r) => roleAllows(r, 'billing.read'))).toEqual(['owner', 'billing']);
    for (const scopes of Object.values(KIND_SCOPES)) expect(scopes.filter((a) => a.startsWith('billing.'))).toEqual([]);
    // SSO decides who signs in: owners and admins only, and never an API key.
    expect(ROLES.filter((r) => roleAllows(r, 'sso.manage'))).toEqual(['owner', 'admin']);
    // Deleting the organization: owners only, never a key.
    expect(ROLES.filter((r) => roleAllows(r, 'org.delete'))).toEqual(['owner']);
    for (const scopes of Object.values(KIND_SCOPES)) expect(scopes).not.toContain('org.delete');
    for (const scopes of Object.values(KIND_SCOPES)) expect(scopes).not.toContain('sso.manage');
    // Support grants and IP allowlists: owners and admins, never a key; break-glass: owners only.
    expect(ROLES.filter((r) => roleAllows(r, 'support.manage'))).toEqual(['owner', 'admin']);
    expect(ROLES.filter((r) => roleAllows(r, 'allowlist.manage'))).toEqual(['owner', 'admin']);
    expect(ROLES.filter((r) => roleAllows(r, 'allowlist.break_glass'))).toEqual(['owner']);
    for (const scopes of Object.values(KIND_SCOPES)) for (const a of ['support.manage', 'allowlist.manage', 'allowlist.break_glass'] as const) expect(scopes).not.toContain(a);
  });
});
