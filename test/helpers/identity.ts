/**
 * Identity helpers for integration tests: users with passwords and roles created directly,
 * and a small cookie-aware client that signs in through the real login route.
 */
import { expect } from 'vitest';
import type { Role } from '../../shared/permissions.js';
import { memberships, organizations, spaces, users } from '../../origin/db/schema/index.js';
import { MemoryTransport } from '../../origin/identity/mail.js';
import { hashNewPassword, identityFromConfig } from '../../origin/identity/context.js';
import { personalDataFromConfig, type PersonalData } from '../../origin/crypto/personal-data.js';
import { invitationEmailIs, sealInvitationEmail, sealUser, userEmailIs } from '../../origin/identity/people.js';
import { randomUUID } from 'node:crypto';
import type { OriginUnderTest } from './stack.js';

export const GOOD_PASSWORD = 'Quiet-Harbor-73-Lantern!';

let counter = 0;
export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/** A verified user with `role` in `organizationId` (or no membership when role is null). */
export async function createUser(origin: OriginUnderTest, organizationId: string | null, role: Role | null, opts: { spaceId?: string | null; password?: string; email?: string } = {}): Promise<TestUser> {
  const identity = identityFromConfig(origin.config, new MemoryTransport());
  const password = opts.password ?? GOOD_PASSWORD;
  const email = opts.email ?? uniqueEmail(role ?? 'nobody');
  const [u] = await origin.database.db
    .insert(users)
    .values({ ...sealUser(identity.personalData, { email, name: `Test ${role ?? 'user'}` }), passwordHash: await hashNewPassword(identity, password), emailVerifiedAt: new Date() })
    .returning({ id: users.id });
  if (organizationId && role) await origin.database.db.insert(memberships).values({ userId: u!.id, organizationId, spaceId: opts.spaceId ?? null, role });
  return { id: u!.id, email, password };
}

/** A second organization with one space (the "other tenant"). */
export async function createOrganization(origin: OriginUnderTest, slug: string): Promise<{ organizationId: string; spaceId: string }> {
  const [org] = await origin.database.db.insert(organizations).values({ slug, name: `Org ${slug}` }).returning({ id: organizations.id });
  const [space] = await origin.database.db.insert(spaces).values({ organizationId: org!.id, slug: 'main', name: `Site ${slug}` }).returning({ id: spaces.id });
  return { organizationId: org!.id, spaceId: space!.id };
}

/** The keys the origin under test seals personal data with (its MASTER_KEYS, else the development key). */
export function personalDataOf(origin: Pick<OriginUnderTest, 'config'>): PersonalData {
  return personalDataFromConfig(origin.config.MASTER_KEYS);
}

/** `users` rows whose email is `email`, as the origin looks them up (the blind index). */
export function userWithEmail(origin: Pick<OriginUnderTest, 'config'>, email: string) {
  return userEmailIs(personalDataOf(origin), email);
}

/** The stored columns of a new invitation row addressed to `email` (its id chosen here: the seal is bound to it). */
export function sealedInvitation(origin: Pick<OriginUnderTest, 'config'>, email: string): { id: string; emailEnc: string; emailBidx: string } {
  const id = randomUUID();
  return { id, ...sealInvitationEmail(personalDataOf(origin), id, email) };
}

/** `invitations` rows addressed to `email`. */
export function invitationWithEmail(origin: Pick<OriginUnderTest, 'config'>, email: string) {
  return invitationEmailIs(personalDataOf(origin), email);
}

export async function userIdByEmail(origin: OriginUnderTest, email: string): Promise<string | null> {
  const [u] = await origin.database.db.select({ id: users.id }).from(users).where(userEmailIs(personalDataOf(origin), email)).limit(1);
  return u?.id ?? null;
}

/** A browser-like client: keeps the session cookie and sends the CSRF token on writes. */
export class SessionClient {
  cookie: string | null = null;
  csrf: string | null = null;

  constructor(private readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && h['x-csrf-token'] === undefined) h['x-csrf-token'] = this.csrf;
    const res = await fetch(`${this.base}${path}`, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const set = res.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      this.cookie = pair!.endsWith('=') ? null : pair!;
    }
    return res;
  }

  /** Signs in through POST /v1/auth/login; fails the test unless it succeeds. */
  async login(email: string, password: string, extra: Record<string, string> = {}): Promise<void> {
    const res = await this.request('POST', '/v1/auth/login', { email, password, ...extra });
    expect(res.status, await res.clone().text()).toBe(200);
    this.csrf = ((await res.json()) as { csrf_token: string }).csrf_token;
  }
}
