/**
 * `DEMO_SSO=true npm start`: a local OpenID Provider (oidc-provider, its development login and
 * consent pages — any name signs in) and an SSO connection of the demo organization to it, so a
 * newcomer can try an SSO sign-in end to end on the embedded defaults. The name typed at the
 * provider becomes `<name>@demo-sso.test` (a verified domain of the demo organization); the name
 * `admin` carries the group `ghee-admins`, mapped to the admin role, everyone else gets the
 * author role.
 *
 * Local only: the provider listens on loopback, over http, with development keys; the origin
 * must allow loopback identity providers (start.ts sets SSO_ALLOW_LOOPBACK for it). Each start
 * makes the connection anew (the provider's client secret is per process).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { and, eq } from 'drizzle-orm';
import Provider from 'oidc-provider';
import type { Envelope } from '../origin/crypto/envelope.js';
import type { Db } from '../origin/db/client.js';
import { ssoConnections, ssoDomains } from '../origin/db/schema/index.js';
import { unwrap } from '../origin/http/result.js';
import { createOidcConnection, deleteConnection } from '../origin/identity/sso/connections.js';
import { addDomain, assignDomain, verifyDomain, VERIFICATION_PREFIX } from '../origin/identity/sso/domains.js';
import type { WriteActor } from '../origin/outbox/index.js';

export const DEMO_SSO_DOMAIN = 'demo-sso.test';
const CONNECTION_NAME = 'Demo OpenID Provider (local)';

export interface DemoSso {
  issuer: string;
  loginUrl: string;
  close(): Promise<void>;
}

export async function startDemoSso(opts: { db: Db; envelope: Envelope; organizationId: string; publicUrl: string; port: number }): Promise<DemoSso> {
  const issuer = `http://127.0.0.1:${opts.port}`;
  const clientId = 'ghee-demo';
  const clientSecret = randomBytes(24).toString('base64url');
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [`${opts.publicUrl}/v1/auth/sso/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    findAccount: (_ctx, id) => {
      const name = id.toLowerCase().replace(/@.*$/, '').replace(/[^a-z0-9._-]/g, '') || 'user';
      return { accountId: id, claims: () => ({ sub: id, email: `${name}@${DEMO_SSO_DOMAIN}`, email_verified: true, name, groups: name === 'admin' ? ['ghee-admins'] : [] }) };
    },
  });
  const server: Server = provider.listen(opts.port);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });

  const actor: WriteActor & { organizationId: string } = { userId: null, keyId: null, system: 'operator', organizationId: opts.organizationId };
  const now = new Date();
  // A connection of an earlier start points at an issuer and a secret that are gone.
  const old = await opts.db
    .select({ id: ssoConnections.id })
    .from(ssoConnections)
    .where(and(eq(ssoConnections.organizationId, opts.organizationId), eq(ssoConnections.name, CONNECTION_NAME)));
  for (const c of old) unwrap(await deleteConnection(opts.db, actor, c.id, now));
  const connection = unwrap(
    await createOidcConnection(opts.db, opts.envelope, actor, {
      protocol: 'oidc',
      name: CONNECTION_NAME,
      issuer,
      client_id: clientId,
      client_secret: clientSecret,
      scopes: ['groups'],
      default_role: 'author',
      mapping_rules: [{ claim: 'groups', value: 'ghee-admins', role: 'admin' }],
    }),
  );
  let [domain] = await opts.db
    .select()
    .from(ssoDomains)
    .where(and(eq(ssoDomains.organizationId, opts.organizationId), eq(ssoDomains.domain, DEMO_SSO_DOMAIN)));
  const domainId = domain?.id ?? unwrap(await addDomain(opts.db, actor, { domain: DEMO_SSO_DOMAIN, connectionId: connection.id })).id;
  unwrap(await assignDomain(opts.db, actor, domainId, connection.id));
  [domain] = await opts.db.select().from(ssoDomains).where(eq(ssoDomains.id, domainId));
  // The demo domain is the demo's own: its "DNS" answers its own verification record.
  const record = `${VERIFICATION_PREFIX}${domain!.verificationToken}`;
  unwrap(await verifyDomain(opts.db, actor, domainId, async (name) => (name === DEMO_SSO_DOMAIN ? [record] : []), now));

  return {
    issuer,
    loginUrl: `${opts.publicUrl}/v1/auth/sso/login/${connection.id}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
