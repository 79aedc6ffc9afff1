/**
 * The one authorizer of the management and write API. Every route that changes or manages
 * something calls `authorizeOrg` or `authorizeSpace` with an action from the permission table
 * (shared/permissions.ts); nothing else grants access.
 *
 * - API keys: the key's organization / space must match, and `keyAllows(key, action)`.
 * - Users: their role in the organization (a per-space membership overrides it for that
 *   space) must allow the action; an organization that requires 2FA refuses members without it.
 * Another tenant's organization or space answers 404, exactly as one that does not exist;
 * a member without the permission gets 403.
 */
import { and, eq, isNull, or } from 'drizzle-orm';
import type { Context } from 'hono';
import { ApiError } from '../../shared/errors.js';
import { keyAllows, roleAllows, type Action, type Role } from '../../shared/permissions.js';
import type { Db } from '../db/client.js';
import { memberships, organizations, spaces } from '../db/schema/index.js';
import type { OriginEnv, SupportPrincipal } from '../env.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(v: string | undefined | null): v is string {
  return typeof v === 'string' && UUID_RE.test(v);
}

/** Who acts, as recorded in revisions and audit rows. */
export interface Actor {
  organizationId: string;
  userId: string | null;
  keyId: string | null;
  /** The user's effective role (null for API keys). */
  role: Role | null;
}

/**
 * The user's effective role in an organization, or in one of its spaces when `spaceId` is
 * given (a membership for that space overrides the organization-wide one).
 */
export async function effectiveRole(db: Db, userId: string, organizationId: string, spaceId: string | null): Promise<Role | null> {
  const rows = await db
    .select({ role: memberships.role, spaceId: memberships.spaceId })
    .from(memberships)
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.organizationId, organizationId),
        spaceId ? or(isNull(memberships.spaceId), eq(memberships.spaceId, spaceId)) : isNull(memberships.spaceId),
      ),
    );
  const override = spaceId ? rows.find((r) => r.spaceId === spaceId) : undefined;
  return (override ?? rows.find((r) => r.spaceId === null))?.role ?? null;
}

async function userActor(db: Db, c: Context<OriginEnv>, organizationId: string, spaceId: string | null, action: Action, notFound: string): Promise<Actor> {
  const user = c.get('user')!;
  const role = await effectiveRole(db, user.userId, organizationId, spaceId);
  // A space-only member (no org-wide role) sees the organization only through that space.
  if (!role) throw new ApiError('not_found', notFound);
  if (!user.hasTotp) {
    const [org] = await db.select({ require2fa: organizations.require2fa }).from(organizations).where(eq(organizations.id, organizationId)).limit(1);
    if (org?.require2fa) throw new ApiError('mfa_enrollment_required', 'This organization requires two-factor authentication: enroll first.');
  }
  if (!roleAllows(role, action)) throw new ApiError('forbidden', `Your role (${role}) does not allow ${action}.`);
  return { organizationId, userId: user.userId, keyId: null, role };
}

/**
 * The network check of management and write calls (origin/governance: the organization's IP
 * allowlist for keys and for sessions), registered once by the app; it throws to refuse.
 */
export type NetworkGuard = (db: Db, c: Context<OriginEnv>, organizationId: string, credential: 'api_key' | 'session') => Promise<void>;
let networkGuard: NetworkGuard | null = null;
export function setNetworkGuard(guard: NetworkGuard | null): void {
  networkGuard = guard;
}
async function checkNetwork(db: Db, c: Context<OriginEnv>, organizationId: string, credential: 'api_key' | 'session'): Promise<void> {
  if (networkGuard) await networkGuard(db, c, organizationId, credential);
}

/** An operator under a support grant: its organization, its spaces (never organization-level), its scope's actions. */
function supportActor(s: SupportPrincipal, organizationId: string, spaceId: string | null, action: Action): Actor {
  if (s.organizationId !== organizationId) throw new ApiError('forbidden', 'This support grant is for another organization.');
  if (spaceId === null || !s.spaceIds.includes(spaceId)) throw new ApiError('forbidden', 'This support grant does not cover this resource (it covers its spaces only).');
  if (!s.actions.includes(action)) throw new ApiError('forbidden', `This support grant (${s.scope}) does not allow ${action}.`);
  return { organizationId, userId: null, keyId: null, role: null };
}

function requireAuthenticated(c: Context<OriginEnv>): void {
  if (!c.get('principal') && !c.get('user') && !c.get('support')) throw new ApiError('unauthenticated', 'Authentication credentials were not provided.');
}

/** Authorizes `action` on the organization `organizationId` (from the path). */
export async function authorizeOrg(db: Db, c: Context<OriginEnv>, organizationId: string | undefined, action: Action): Promise<Actor> {
  requireAuthenticated(c);
  const notFound = 'Organization not found.';
  if (!isUuid(organizationId)) throw new ApiError('not_found', notFound);
  const support = c.get('support');
  if (support) return supportActor(support, organizationId, null, action);
  const key = c.get('principal');
  if (key) {
    // Space keys act inside their space only; organization actions need an admin key.
    if (key.organizationId !== organizationId || key.spaceId !== null) throw new ApiError('not_found', notFound);
    if (!keyAllows(key, action)) throw new ApiError('forbidden', `This API key does not allow ${action}.`);
    await checkNetwork(db, c, organizationId, 'api_key');
    return { organizationId, userId: null, keyId: key.keyId, role: null };
  }
  const actor = await userActor(db, c, organizationId, null, action, notFound);
  await checkNetwork(db, c, organizationId, 'session');
  return actor;
}

/** Authorizes `action` in the space `spaceId`; returns the actor and the space's organization. */
export async function authorizeSpace(db: Db, c: Context<OriginEnv>, spaceId: string | undefined, action: Action): Promise<Actor & { spaceId: string }> {
  requireAuthenticated(c);
  const notFound = 'Space not found.';
  if (!isUuid(spaceId)) throw new ApiError('not_found', notFound);
  const [space] = await db.select({ organizationId: spaces.organizationId }).from(spaces).where(eq(spaces.id, spaceId)).limit(1);
  if (!space) throw new ApiError('not_found', notFound);
  const support = c.get('support');
  if (support) return { ...supportActor(support, space.organizationId, spaceId, action), spaceId };
  const key = c.get('principal');
  if (key) {
    const inScope = key.spaceId === null ? key.organizationId === space.organizationId : key.spaceId === spaceId;
    if (!inScope) throw new ApiError('not_found', notFound);
    if (!keyAllows(key, action)) throw new ApiError('forbidden', `This API key does not allow ${action}.`);
    await checkNetwork(db, c, space.organizationId, 'api_key');
    return { organizationId: space.organizationId, spaceId, userId: null, keyId: key.keyId, role: null };
  }
  const actor = await userActor(db, c, space.organizationId, spaceId, action, notFound);
  await checkNetwork(db, c, space.organizationId, 'session');
  return { ...actor, spaceId };
}

/** The header session users name the space with on the key-scoped Content Write API. */
export const SPACE_HEADER = 'x-ghee-space';

/**
 * The space a Content API write acts on: a space key's own space, or for a signed-in user
 * the space named by `X-Ghee-Space`. Then authorized like any other space action.
 */
export async function authorizeContent(db: Db, c: Context<OriginEnv>, action: Action): Promise<Actor & { spaceId: string }> {
  requireAuthenticated(c);
  const key = c.get('principal');
  if (key) {
    if (!key.spaceId) throw new ApiError('forbidden', 'Content writes need a space key (write).');
    if (!keyAllows(key, action)) throw new ApiError('forbidden', action === 'content.read' ? 'Invalid token' : `Writing content needs a write key (${action}).`);
    if (key.organizationId) await checkNetwork(db, c, key.organizationId, 'api_key');
    // Edge-asserted keys carry no organization; content routes only need the space.
    return { organizationId: key.organizationId ?? '', spaceId: key.spaceId, userId: null, keyId: key.keyId, role: null };
  }
  const spaceId = c.req.header(SPACE_HEADER);
  if (!isUuid(spaceId)) throw new ApiError('bad_request', `Name the space with the ${SPACE_HEADER} header.`);
  return authorizeSpace(db, c, spaceId, action);
}

/** Whether an already-authorized actor may also perform `action` (same key or role). */
export function actorMay(c: Context<OriginEnv>, actor: Actor, action: Action): boolean {
  const support = c.get('support');
  if (support) return support.actions.includes(action);
  const key = c.get('principal');
  if (key) return keyAllows(key, action);
  return actor.role !== null && roleAllows(actor.role, action);
}

const LIVE = new Set(['published', 'scheduled']);

/**
 * Least privilege for content saves, the early part: a save that asks to publish or schedule
 * (`status`) needs content.publish (drafts need only content.write, which the caller already
 * authorized). Everything else that would change live content — editing a published version,
 * unpublishing, renaming a live post, deleting or restoring live content, rolling it back — is
 * decided by the write services against the locked row (origin/content/live-changes.ts), given
 * `mayPublish`.
 */
export function requirePublishRight(c: Context<OriginEnv>, actor: Actor, status: string | undefined): void {
  if (actorMay(c, actor, 'content.publish')) return;
  if (status !== undefined && LIVE.has(status)) throw new ApiError('forbidden', 'Publishing or scheduling needs content.publish.');
}

/** What the write services take as the actor's right to change live content (content.publish). */
export function mayPublish(c: Context<OriginEnv>, actor: Actor): boolean {
  return actorMay(c, actor, 'content.publish');
}
