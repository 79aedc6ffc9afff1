/**
 * The navigation, by role: each entry names the permission (shared/permissions.ts) a member
 * needs for its screen; the layout shows only the entries the member's role allows in the
 * current organization / space. Hiding is a courtesy — the API refuses regardless (api.ts).
 *
 * To add a screen to the menu, add one line here (keep the groups' order).
 */
import { isRole, roleAllows, type Action, type Role } from '../../shared/permissions.js';
import type { Me } from './env.js';

export interface NavEntry {
  label: string;
  /** The permission the screen needs. */
  action: Action;
  /** 'space': under /admin/o/:org/s/:space/<path>; 'org': under /admin/o/:org/<path>. */
  scope: 'space' | 'org';
  path: string;
  group: 'Content' | 'Organization';
}

export const NAV: NavEntry[] = [
  { group: 'Content', label: 'Pages', action: 'content.preview', scope: 'space', path: 'pages' },
  { group: 'Content', label: 'Collections', action: 'content.preview', scope: 'space', path: 'items' },
  { group: 'Content', label: 'Blog posts', action: 'content.preview', scope: 'space', path: 'posts' },
  { group: 'Content', label: 'Media', action: 'content.preview', scope: 'space', path: 'media' },
  { group: 'Content', label: 'Content model', action: 'schema.manage', scope: 'space', path: 'model' },
  { group: 'Content', label: 'Webhooks', action: 'webhooks.manage', scope: 'space', path: 'webhooks' },
  { group: 'Organization', label: 'Members', action: 'members.read', scope: 'org', path: 'members' },
  { group: 'Organization', label: 'API keys', action: 'keys.read', scope: 'org', path: 'keys' },
  { group: 'Organization', label: 'Audit trail', action: 'audit.read', scope: 'org', path: 'audit' },
  { group: 'Organization', label: 'Security events', action: 'audit.read', scope: 'org', path: 'security' },
  { group: 'Organization', label: 'Single sign-on', action: 'sso.manage', scope: 'org', path: 'sso' },
  { group: 'Organization', label: 'Support access', action: 'support.manage', scope: 'org', path: 'support' },
  { group: 'Organization', label: 'Billing', action: 'billing.read', scope: 'org', path: 'billing' },
  { group: 'Organization', label: 'Settings', action: 'org.manage', scope: 'org', path: 'settings' },
];

/**
 * The member's effective role in an organization, or in one of its spaces (a membership for
 * that space overrides the organization-wide one) — what origin/http/authorize.ts decides with.
 */
export function roleIn(me: Me, organizationId: string, spaceId: string | null = null): Role | null {
  const rows = me.memberships.filter((m) => m.organization_id === organizationId);
  const own = spaceId ? rows.find((m) => m.space_id === spaceId) : undefined;
  const role = (own ?? rows.find((m) => m.space_id === null))?.role;
  return isRole(role) ? role : null;
}

/** Whether the member's role allows `action` there (for hiding buttons and links). */
export function can(me: Me | undefined, action: Action, organizationId: string, spaceId: string | null = null): boolean {
  if (!me) return false;
  const role = roleIn(me, organizationId, spaceId);
  return role !== null && roleAllows(role, action);
}

/** The URL of a screen in the current organization / space. */
export function screenUrl(entry: Pick<NavEntry, 'scope' | 'path'>, organizationId: string, spaceId: string | null): string | null {
  if (entry.scope === 'org') return `/admin/o/${organizationId}/${entry.path}`;
  return spaceId ? `/admin/o/${organizationId}/s/${spaceId}/${entry.path}` : null;
}

/** The nav entries this member may see there, grouped. */
export function visibleNav(me: Me, organizationId: string, spaceId: string | null): { group: string; entries: { label: string; href: string; path: string }[] }[] {
  const groups = new Map<string, { label: string; href: string; path: string }[]>();
  for (const e of NAV) {
    if (!can(me, e.action, organizationId, e.scope === 'space' ? spaceId : null)) continue;
    const href = screenUrl(e, organizationId, spaceId);
    if (!href) continue;
    const list = groups.get(e.group) ?? [];
    list.push({ label: e.label, href, path: e.path });
    groups.set(e.group, list);
  }
  return [...groups].map(([group, entries]) => ({ group, entries }));
}
