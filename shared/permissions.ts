/**
 * The one permission table of ghee: action × role. Every management and write route asks
 * `roleAllows(role, action)` (users) or `keyAllows(key, action)` (API keys) through the
 * origin's authorizer; nothing else grants access. Least privilege by default: an action
 * not listed for a role is denied.
 *
 * Roles are per organization (`memberships.role`), optionally overridden per space.
 * API keys carry scopes: a subset of their kind's scopes, never more than the creating
 * user's role allows at creation time.
 */
import type { ApiKeyKind } from './api-key.js';

export const ROLES = ['owner', 'admin', 'publisher', 'author', 'viewer', 'billing'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  /** Read published content through the Content API. */
  'content.read',
  /** Read drafts (preview=1, management views, revisions). */
  'content.preview',
  /** Create and edit drafts. */
  'content.write',
  /** Publish, unpublish, schedule, roll back to a published state. */
  'content.publish',
  /** Soft-delete and restore content. */
  'content.delete',
  /** Upload assets. */
  'assets.write',
  /** Page types, collections' schemas, locales, authors. */
  'schema.manage',
  'webhooks.manage',
  /** List API keys (prefix and last four only). */
  'keys.read',
  /** Create, rotate, revoke API keys. */
  'keys.manage',
  'members.read',
  /** Invite, change roles, remove members. */
  'members.manage',
  /** Organization settings (e.g. require 2FA). */
  'org.manage',
  /** Schedule (or cancel) the organization's deletion: owners only (origin/governance erasure). */
  'org.delete',
  /** Create spaces in the organization (each space is a site with its own content and keys). */
  'spaces.manage',
  'audit.read',
  'billing.read',
  'billing.manage',
  'sso.manage',
  /** Grant, list and revoke support access (origin/governance), and read its access log. */
  'support.manage',
  /** The organization's management IP allowlists (origin/governance). */
  'allowlist.manage',
  /** Lift the IP allowlist from anywhere (owners with 2FA and a recent sign-in). */
  'allowlist.break_glass',
] as const;
export type Action = (typeof ACTIONS)[number];

const CONTENT_READ: Action[] = ['content.read', 'content.preview'];
const CONTENT_EDIT: Action[] = [...CONTENT_READ, 'content.write', 'assets.write'];
const CONTENT_ALL: Action[] = [...CONTENT_EDIT, 'content.publish', 'content.delete'];

/** The table. Read it as: a member with this role may do exactly these actions. */
export const PERMISSIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  owner: new Set<Action>(ACTIONS),
  admin: new Set<Action>([...CONTENT_ALL, 'schema.manage', 'webhooks.manage', 'keys.read', 'keys.manage', 'members.read', 'members.manage', 'org.manage', 'spaces.manage', 'audit.read', 'sso.manage', 'support.manage', 'allowlist.manage']),
  publisher: new Set<Action>([...CONTENT_ALL, 'members.read']),
  author: new Set<Action>([...CONTENT_EDIT, 'members.read']),
  viewer: new Set<Action>([...CONTENT_READ, 'members.read']),
  // SSO is managed by owners and admins
  // (sessions only: no key kind carries sso.manage, so a leaked key cannot redirect logins). Support
  // grants and IP allowlists likewise: owners and admins, sessions only.
  // Billing members manage the plan (Checkout, the Customer Portal) as owners do: the "owner or billing role".
  billing: new Set<Action>(['billing.read', 'billing.manage', 'members.read']),
};

/** Scopes an API key of each kind may carry (and has by default). */
export const KIND_SCOPES: Readonly<Record<ApiKeyKind, readonly Action[]>> = {
  read: ['content.read'],
  preview: CONTENT_READ,
  write: CONTENT_ALL,
  admin: [...CONTENT_ALL, 'schema.manage', 'webhooks.manage', 'keys.read', 'keys.manage', 'members.read', 'audit.read'],
};

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function isAction(v: unknown): v is Action {
  return typeof v === 'string' && (ACTIONS as readonly string[]).includes(v);
}

export function roleAllows(role: Role, action: Action): boolean {
  return PERMISSIONS[role].has(action);
}

/**
 * The scopes a key gets: the requested ones (default: all of its kind's), limited to its
 * kind and to what the creator's role allows. A key never exceeds its creator.
 */
export function grantableScopes(kind: ApiKeyKind, creatorRole: Role | null, requested?: readonly string[]): Action[] {
  const ofKind = KIND_SCOPES[kind];
  const wanted = requested === undefined ? ofKind : ofKind.filter((a) => requested.includes(a));
  return creatorRole === null ? [...wanted] : wanted.filter((a) => roleAllows(creatorRole, a));
}

/**
 * What a key may do. Keys created before scopes existed carry none and fall back to their
 * kind's defaults; otherwise the stored scopes, still limited to the kind.
 */
export function keyAllows(key: { kind: ApiKeyKind; scopes: readonly string[] }, action: Action): boolean {
  const ofKind = KIND_SCOPES[key.kind];
  if (!ofKind.includes(action)) return false;
  return key.scopes.length === 0 || key.scopes.includes(action);
}
