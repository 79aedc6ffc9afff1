/**
 * SSO with SAML 2.0, end to end over real HTTP: an owner creates connections (from the IdP's
 * metadata URL, its metadata XML, or its values given directly), verifies domains through a real
 * DNS responder, and users sign in SP-initiated (HTTP-Redirect AuthnRequest → the IdP's
 * auto-submitting form → HTTP-POST to the ACS) and IdP-initiated. The IdP (test/helpers/saml-idp.ts)
 * shares no code with node-saml: its responses are XML strings signed with xml-crypto. Every
 * attack is refused with a 4xx, leaves no session, and is audited with a reason code.
 */
import { openUserName } from '../../origin/identity/people.js';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, memberships, sessions, ssoConnections, users } from '../../origin/db/schema/index.js';
import { createUser, SessionClient, userWithEmail, personalDataOf } from '../helpers/identity.js';
import { assertionXml, b64, createIdp, encryptAssertion, newId, readAuthnRequest, responseXml, startSamlIdp, type AssertionOpts, type RunningSamlIdp, type TestIdp } from '../helpers/saml-idp.js';
import { Browser, freePort, startDnsServer, type DnsServer } from '../helpers/sso.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
let base: string;
let dns: DnsServer;
let idp: RunningSamlIdp;
let idp2: TestIdp;
let owner: SessionClient;
let org: string;
/** A: SP-initiated only, created from the IdP's metadata URL. */
let A: string;
/** B: another IdP, values given directly, IdP-initiated allowed. */
let B: string;
/** C: the first IdP again from its metadata XML, response and assertion signed ("both"). */
let C: string;
let spCertA: string;

const SESSION = '__Host-ghee_session';
const acs = (id: string) => `${base}/v1/auth/sso/saml/${id}/acs`;
const entity = (id: string) => `${base}/v1/auth/sso/saml/${id}/metadata`;

async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

async function verifiedDomain(domain: string, connection: string): Promise<void> {
  const { data } = await json<{ data: { id: string; txt_record: string } }>(await owner.request('POST', `/v1/orgs/${org}/sso/domains`, { domain, connection_id: connection }), 201);
  dns.setTxt(domain, [data.txt_record]);
  await json(await owner.request('POST', `/v1/orgs/${org}/sso/domains/${data.id}/verify`), 200);
}

/** Starts an SP-initiated login at ghee; the request id the IdP will answer. */
async function startLogin(connection: string, b = new Browser(), returnTo = '/'): Promise<string> {
  const res = await b.request(`${base}/v1/auth/sso/login/${connection}?return_to=${encodeURIComponent(returnTo)}`);
  expect(res.status).toBe(302);
  const loc = new URL(res.headers.get('location')!);
  return readAuthnRequest(loc.searchParams.get('SAMLRequest')!).id;
}

/** A correct assertion for connection A (answering `inResponseTo`), overridable. */
const goodAssertion = (connection: string, inResponseTo: string | null, over: Partial<AssertionOpts> = {}): AssertionOpts => ({
  issuer: idp.idp.entityId,
  nameIdXml: 'user@example.test',
  audience: entity(connection),
  recipient: acs(connection),
  inResponseTo,
  ...over,
});

const signedResponse = (connection: string, a: AssertionOpts, signer: TestIdp = idp.idp, extra: { destination?: string | null; issuer?: string | null; status?: string } = {}) =>
  responseXml({
    issuer: extra.issuer === undefined ? signer.entityId : extra.issuer,
    destination: extra.destination === undefined ? acs(connection) : extra.destination,
    inResponseTo: a.inResponseTo ?? null,
    ...(extra.status ? { status: extra.status } : {}),
    inner: signer.sign(assertionXml(a), 'Assertion'),
  });

async function postAcs(connection: string, xml: string, relayState?: string, b = new Browser()): Promise<Response> {
  return b.request(acs(connection), { form: { SAMLResponse: b64(xml), ...(relayState === undefined ? {} : { RelayState: relayState }) } });
}

const failures = async (connection: string) =>
  (await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'sso.login'), eq(auditEvents.result, 'failure')))).filter(
    (r) => (r.metadata as { connection_id?: string }).connection_id === connection,
  );

/** Posts a response that must be refused: a 4xx, no session, one more failure row (with `reason` when given). */
async function refused(connection: string, xml: string, reason?: string): Promise<void> {
  const before = (await failures(connection)).length;
  const b = new Browser();
  const res = await postAcs(connection, xml, undefined, b);
  const body = await res.text();
  expect(res.status, body).toBeGreaterThanOrEqual(400);
  expect(res.status, body).toBeLessThan(500);
  expect(b.cookie(base, SESSION)).toBeUndefined();
  expect(body).not.toContain('Assertion');
  const after = await failures(connection);
  expect(after.length, body).toBe(before + 1);
  const last = after.map((r) => (r.metadata as { reason: string }).reason);
  if (reason) expect(last, body).toContain(reason);
  for (const r of after) expect(JSON.stringify(r)).not.toMatch(/PHNhbWxw|<saml/);
}

beforeAll(async () => {
  dns = await startDnsServer();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  idp = await startSamlIdp();
  idp2 = await createIdp('https://idp2.test/saml');
  origin = await startTestOrigin({ ORIGIN_PORT: String(port), PUBLIC_APP_URL: base, SSO_DNS_SERVERS: dns.address, SSO_ALLOW_LOOPBACK: 'true' });
  org = origin.seed.organizationId;
  const o = await createUser(origin, org, 'owner');
  owner = new SessionClient(base);
  await owner.login(o.email, o.password);
  const a = await json<{ data: { id: string; has_secret: boolean; settings: Record<string, unknown>; service_provider: Record<string, string> } }>(
    await owner.request('POST', `/v1/orgs/${org}/sso/connections`, {
      protocol: 'saml',
      name: 'Test IdP',
      idp_metadata_url: idp.metadataUrl,
      default_role: 'author',
      mapping_rules: [{ claim: 'groups', value: 'cms-admins', role: 'admin' }],
    }),
    201,
  );
  A = a.data.id;
  expect(a.data.has_secret).toBe(true);
  expect(a.data.settings).toMatchObject({ idp_entity_id: idp.idp.entityId, idp_sso_url: idp.ssoUrl, want_response_signed: false });
  expect(a.data.service_provider).toEqual({ entity_id: entity(A), acs_url: acs(A), metadata_url: entity(A), login_url: `${base}/v1/auth/sso/login/${A}` });
  expect(JSON.stringify(a.data)).not.toContain('PRIVATE KEY');
  spCertA = a.data.settings.sp_certificate as string;
  const bConn = await json<{ data: { id: string } }>(
    await owner.request('POST', `/v1/orgs/${org}/sso/connections`, {
      protocol: 'saml',
      name: 'Second IdP',
      idp_entity_id: idp2.entityId,
      idp_sso_url: 'https://idp2.test/sso',
      idp_certificates: [idp2.certPem],
      allow_idp_initiated: true,
    }),
    201,
  );
  B = bConn.data.id;
  const cConn = await json<{ data: { id: string } }>(
    await owner.request('POST', `/v1/orgs/${org}/sso/connections`, { protocol: 'saml', name: 'Both', idp_metadata_xml: idp.idp.metadataXml(idp.ssoUrl), want_response_signed: true }),
    201,
  );
  C = cConn.data.id;
  await verifiedDomain('example.test', A);
  await verifiedDomain('victim.test', A);
  await verifiedDomain('idp2.test', B);
  await verifiedDomain('both.test', C);
  // Claimed for A but never verified.
  await json(await owner.request('POST', `/v1/orgs/${org}/sso/domains`, { domain: 'unverified.test', connection_id: A }), 201);
}, 60_000);

afterAll(async () => {
  await origin?.stop();
  await idp?.close();
  await dns?.close();
});

describe('SAML sign-in', () => {
  it('SP-initiated: AuthnRequest by redirect, the IdP form posts to the ACS, JIT user with the mapped role and a working session', async () => {
    idp.user = { email: 'alice@example.test', attributes: { groups: ['staff', 'cms-admins'], displayName: ['Alice'] } };
    const b = new Browser();
    const start = await b.request(`${base}/v1/auth/sso/login/${A}?return_to=${encodeURIComponent('/admin/pages?x=1')}`);
    expect(start.status).toBe(302);
    const loc = new URL(start.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe(idp.ssoUrl);
    expect(loc.searchParams.get('RelayState')).toBe('/admin/pages?x=1');
    expect(loc.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const page = await b.follow(loc.href);
    const html = await page.res.text();
    const done = await b.submitForm(page.url, html, {}, { stopAt: () => true });
    expect(idp.lastRequest).toMatchObject({ acs: acs(A), issuer: entity(A) });
    expect(new URL(done.url).pathname).toBe('/admin/pages');
    expect(done.url).toBe(`${base}/admin/pages?x=1`);
    const cookie = b.cookie(base, SESSION);
    expect(cookie).toBeTruthy();
    const me = await json<{ data: { email: string } }>(await fetch(`${base}/v1/auth/session`, { headers: { cookie: `${SESSION}=${cookie}` } }), 200);
    expect(me.data.email).toBe('alice@example.test');
    const [u] = await origin.database.db.select().from(users).where(userWithEmail(origin, 'alice@example.test'));
    expect(u!.passwordHash).toBeNull();
    expect(openUserName(personalDataOf(origin), u!)).toBe('Alice');
    const [m] = await origin.database.db.select().from(memberships).where(and(eq(memberships.userId, u!.id), eq(memberships.organizationId, org)));
    expect(m!.role).toBe('admin');
    const [s] = await origin.database.db.select().from(sessions).where(eq(sessions.userId, u!.id));
    expect(s).toMatchObject({ authMethod: 'sso', ssoConnectionId: A });
    const ok = await origin.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'sso.login'), eq(auditEvents.result, 'success')));
    expect(ok.some((r) => (r.metadata as { connection_id?: string; protocol?: string }).connection_id === A && (r.metadata as { protocol?: string }).protocol === 'saml')).toBe(true);
  });

  it('serves the SP metadata: entity id, ACS URL, the signing and encryption certificate, no private key', async () => {
    const res = await fetch(entity(A));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('xml');
    const xml = await res.text();
    expect(xml).toContain(`entityID="${entity(A)}"`);
    expect(xml).toContain(`Location="${acs(A)}"`);
    const der = spCertA.replace(/-----[A-Z ]+-----|\s/g, '');
    expect(xml).toContain('use="signing"');
    expect(xml).toContain('use="encryption"');
    expect(xml.replace(/\s/g, '')).toContain(der);
    expect(xml).not.toContain('PRIVATE');
    expect((await fetch(`${base}/v1/auth/sso/saml/00000000-0000-4000-8000-000000000000/metadata`)).status).toBe(404);
  });

  it('accepts an encrypted assertion (encrypted to the connection certificate, signed inside)', async () => {
    const id = await startLogin(A);
    const signed = idp.idp.sign(assertionXml(goodAssertion(A, id, { nameIdXml: 'enc@example.test' })), 'Assertion');
    const res = await postAcs(A, responseXml({ issuer: idp.idp.entityId, destination: acs(A), inResponseTo: id, inner: encryptAssertion(signed, spCertA) }));
    expect(res.status, await res.clone().text()).toBe(302);
    const [u] = await origin.database.db.select().from(users).where(userWithEmail(origin, 'enc@example.test'));
    expect(u).toBeTruthy();
  });

  it('IdP-initiated where allowed: RelayState honoured only as a same-origin relative path', async () => {
    const ok = await postAcs(B, signedResponse(B, goodAssertion(B, null, { issuer: idp2.entityId, nameIdXml: 'bob@idp2.test' }), idp2), '/admin/x');
    expect(ok.status, await ok.clone().text()).toBe(302);
    expect(ok.headers.get('location')).toBe('/admin/x');
    for (const evil of ['https://evil.test/', '//evil.test/x', '/\\evil.test', 'javascript:alert(1)']) {
      const res = await postAcs(B, signedResponse(B, goodAssertion(B, null, { issuer: idp2.entityId, nameIdXml: 'bob@idp2.test' }), idp2), evil);
      expect(res.status).toBe(302);
      expect(res.headers.get('location'), evil).toBe('/');
    }
  });

  it('"both": a connection that wants the response signed refuses an assertion-only signature and accepts both', async () => {
    const only = signedResponse(C, goodAssertion(C, null, { nameIdXml: 'c@both.test' }));
    await refused(C, only, 'signature_invalid');
    await json(await owner.request('PATCH', `/v1/orgs/${org}/sso/connections/${C}`, { allow_idp_initiated: true }), 200);
    const both = idp.idp.sign(signedResponse(C, goodAssertion(C, null, { nameIdXml: 'c@both.test' })), 'Response');
    const res = await postAcs(C, both);
    expect(res.status, await res.clone().text()).toBe(302);
  });

  it('refuses bad connection input with a 400 and stores nothing', async () => {
    const count = (await origin.database.db.select().from(ssoConnections)).length;
    for (const body of [
      { protocol: 'saml', name: 'x' },
      { protocol: 'saml', name: 'x', idp_entity_id: 'e', idp_sso_url: 'https://i.test/sso', idp_certificates: ['not a certificate'] },
      { protocol: 'saml', name: 'x', idp_entity_id: 'e', idp_sso_url: 'https://i.test/sso' },
      { protocol: 'saml', name: 'x', idp_metadata_xml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' },
      { protocol: 'saml', name: 'x', idp_metadata_xml: '<EntityDescriptor' },
      { protocol: 'saml', name: 'x', idp_metadata_url: `${idp.url}/nothing-here` },
      { protocol: 'saml', name: 'x', idp_metadata_url: 'https://10.0.0.1/metadata' },
    ]) {
      expect((await owner.request('POST', `/v1/orgs/${org}/sso/connections`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await owner.request('PATCH', `/v1/orgs/${org}/sso/connections/${A}`, { client_secret: 'x' })).status).toBe(400);
    expect((await origin.database.db.select().from(ssoConnections)).length).toBe(count);
  });
});

describe('SAML attacks (each refused and audited)', () => {
  it('XML signature wrapping XSW1–XSW8', async () => {
    const evil = (id: string) => assertionXml(goodAssertion(A, id, { id: newId(), nameIdXml: 'admin@victim.test' }));
    const signedA = (id: string) => idp.idp.sign(assertionXml(goodAssertion(A, id, { nameIdXml: 'user@example.test' })), 'Assertion');
    const sigOf = (xml: string) => /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(xml)![0];
    const withoutSig = (xml: string) => xml.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
    const resp = (id: string, inner: string, rid?: string) => responseXml({ id: rid ?? newId(), issuer: idp.idp.entityId, destination: acs(A), inResponseTo: id, inner });
    const variants: [string, (id: string) => string][] = [
      // XSW1/2: a signed Response is moved inside (1) or before (2) the evil Response's content.
      [
        'XSW1',
        (id) => {
          const signedResp = idp.idp.sign(resp(id, signedA(id)), 'Response');
          const rid = /ID="([^"]+)"/.exec(signedResp)![1]!;
          return resp(id, `${evil(id)}`, rid).replace('</saml:Issuer>', `</saml:Issuer>${sigOf(signedResp).replace('</ds:SignatureValue>', `</ds:SignatureValue><ds:Object>${withoutSig(signedResp)}</ds:Object>`)}`);
        },
      ],
      [
        'XSW2',
        (id) => {
          const signedResp = idp.idp.sign(resp(id, signedA(id)), 'Response');
          const rid = /ID="([^"]+)"/.exec(signedResp)![1]!;
          return resp(id, `${withoutSig(signedResp)}${sigOf(signedResp)}${evil(id)}`, rid);
        },
      ],
      // XSW3: the evil assertion before the signed one; XSW4: the evil assertion wraps it.
      ['XSW3', (id) => resp(id, `${evil(id)}${signedA(id)}`)],
      ['XSW4', (id) => resp(id, evil(id).replace('</saml:Assertion>', `${signedA(id)}</saml:Assertion>`))],
      // XSW5: the evil copy carries the signature, the original follows unsigned.
      [
        'XSW5',
        (id) => {
          const s = signedA(id);
          const copy = s.replace('user@example.test', 'admin@victim.test');
          return resp(id, `${copy}${withoutSig(s)}`);
        },
      ],
      // XSW6: the evil copy carries the signature, which carries the original.
      [
        'XSW6',
        (id) => {
          const s = signedA(id);
          const copy = s.replace('user@example.test', 'admin@victim.test');
          return resp(id, copy.replace('</ds:Signature>', `<ds:Object>${withoutSig(s)}</ds:Object></ds:Signature>`));
        },
      ],
      // XSW7: the signed original hidden in an Extensions element, the evil one outside.
      ['XSW7', (id) => resp(id, `<samlp:Extensions>${signedA(id)}</samlp:Extensions>${evil(id)}`)],
      // XSW8: the original (unsigned) inside the signature's Object, the signature on the evil copy.
      [
        'XSW8',
        (id) => {
          const s = signedA(id);
          const copy = s.replace('user@example.test', 'admin@victim.test');
          return resp(id, copy.replace('</ds:SignatureValue>', `</ds:SignatureValue><ds:Object>${withoutSig(s)}</ds:Object>`));
        },
      ],
    ];
    for (const [name, build] of variants) {
      const id = await startLogin(A);
      await refused(A, build(id)).catch((e: unknown) => {
        throw new Error(`${name}: ${String(e)}`);
      });
    }
    const [admin] = await origin.database.db.select().from(users).where(userWithEmail(origin, 'admin@victim.test'));
    expect(admin).toBeUndefined();
  });

  it('comment injection in NameID does not truncate the email', async () => {
    const id = await startLogin(A);
    await refused(A, signedResponse(A, goodAssertion(A, id, { nameIdXml: 'admin@victim.test<!---->.evil.test' })), 'domain_not_verified');
    expect(await origin.database.db.select().from(users).where(userWithEmail(origin, 'admin@victim.test'))).toHaveLength(0);
  });

  it('an unsigned assertion inside a signed response', async () => {
    const id = await startLogin(A);
    const xml = idp.idp.sign(responseXml({ issuer: idp.idp.entityId, destination: acs(A), inResponseTo: id, inner: assertionXml(goodAssertion(A, id)) }), 'Response');
    await refused(A, xml, 'signature_invalid');
  });

  it('a signature that covers another element', async () => {
    const id = await startLogin(A);
    const signedResp = idp.idp.sign(responseXml({ issuer: idp.idp.entityId, destination: acs(A), inResponseTo: id, inner: assertionXml(goodAssertion(A, id)) }), 'Response');
    const sig = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signedResp)![0];
    const moved = signedResp.replace(sig, '').replace(/(<saml:Assertion[\s\S]*?<\/saml:Issuer>)/, `$1${sig}`);
    await refused(A, moved, 'signature_invalid');
  });

  const cases: [string, string, (id: string) => string][] = [
    ['wrong audience', 'audience_mismatch', (id) => signedResponse(A, goodAssertion(A, id, { audience: 'https://other-sp.test' }))],
    ['wrong recipient', 'recipient_mismatch', (id) => signedResponse(A, goodAssertion(A, id, { recipient: acs(B) }))],
    ['missing recipient', 'recipient_mismatch', (id) => signedResponse(A, goodAssertion(A, id, { recipient: null }))],
    ['wrong destination', 'destination_mismatch', (id) => signedResponse(A, goodAssertion(A, id), idp.idp, { destination: acs(B) })],
    ['missing destination', 'destination_mismatch', (id) => signedResponse(A, goodAssertion(A, id), idp.idp, { destination: null })],
    ['expired', 'expired', (id) => signedResponse(A, goodAssertion(A, id, { notBefore: -20 * 60_000, notOnOrAfter: -10 * 60_000, confirmationNotOnOrAfter: -10 * 60_000 }))],
    ['not yet valid', 'not_yet_valid', (id) => signedResponse(A, goodAssertion(A, id, { notBefore: 10 * 60_000, notOnOrAfter: 20 * 60_000 }))],
    ['SHA-1 signature', 'algorithm_refused', (id) => responseXml({ issuer: idp.idp.entityId, destination: acs(A), inResponseTo: id, inner: idp.idp.sign(assertionXml(goodAssertion(A, id)), 'Assertion', 'sha1') })],
    ['Responder status with a signed assertion', 'status_not_success', (id) => signedResponse(A, goodAssertion(A, id), idp.idp, { status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' })],
    ['issuer of another IdP (signed with the right key)', 'issuer_mismatch', (id) => signedResponse(A, goodAssertion(A, id, { issuer: idp2.entityId }), idp.idp, { issuer: null })],
    ["an assertion from another connection's IdP", 'signature_invalid', (id) => signedResponse(A, goodAssertion(A, id), idp2, { issuer: null })],
    ['a domain not verified', 'domain_not_verified', (id) => signedResponse(A, goodAssertion(A, id, { nameIdXml: 'eve@unverified.test' }))],
    ['an InResponseTo ghee never issued', 'in_response_to_invalid', () => signedResponse(A, goodAssertion(A, newId()))],
    ['IdP-initiated where the connection does not allow it', 'idp_initiated_refused', () => signedResponse(A, goodAssertion(A, null))],
    [
      'XXE',
      'xml_refused',
      (id) => `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${signedResponse(A, goodAssertion(A, id, { nameIdXml: 'XXE@example.test' })).replace('XXE@example.test', '&xxe;')}`,
    ],
    [
      'entity expansion',
      'xml_refused',
      (id) => `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>${signedResponse(A, goodAssertion(A, id, { nameIdXml: 'BOMB@example.test' })).replace('BOMB@example.test', '&c;')}`,
    ],
  ];
  for (const [name, reason, build] of cases) {
    it(`refuses: ${name}`, async () => {
      const id = await startLogin(A);
      await refused(A, build(id), reason);
    });
  }

  it('an expired bearer confirmation, IdP-initiated (InResponseTo not in play)', async () => {
    await refused(B, signedResponse(B, goodAssertion(B, null, { issuer: idp2.entityId, nameIdXml: 'late@idp2.test', confirmationNotOnOrAfter: -5 * 60_000 }), idp2), 'expired');
  });

  it('accepts clocks within the 2-minute skew', async () => {
    const res = await postAcs(B, signedResponse(B, goodAssertion(B, null, { issuer: idp2.entityId, nameIdXml: 'skew@idp2.test', notBefore: 90_000, notOnOrAfter: 10 * 60_000 }), idp2));
    expect(res.status, await res.clone().text()).toBe(302);
  });

  it('a replayed assertion, SP- and IdP-initiated', async () => {
    const id = await startLogin(A);
    const xml = signedResponse(A, goodAssertion(A, id, { nameIdXml: 'replay@example.test' }));
    expect((await postAcs(A, xml)).status).toBe(302);
    await refused(A, xml, 'replayed');
    const unsolicited = signedResponse(B, goodAssertion(B, null, { issuer: idp2.entityId, nameIdXml: 'replay@idp2.test' }), idp2);
    expect((await postAcs(B, unsolicited)).status).toBe(302);
    await refused(B, unsolicited, 'replayed');
  });

  it('a replayed InResponseTo (a second assertion for a request already answered)', async () => {
    const id = await startLogin(A);
    expect((await postAcs(A, signedResponse(A, goodAssertion(A, id, { nameIdXml: 'once@example.test' })))).status).toBe(302);
    await refused(A, signedResponse(A, goodAssertion(A, id, { nameIdXml: 'once@example.test' })), 'in_response_to_invalid');
  });

  it('an oversized body is refused with 413', async () => {
    const res = await new Browser().request(acs(A), { form: { SAMLResponse: 'A'.repeat(300 * 1024) } });
    expect(res.status).toBe(413);
  });
});

describe('IdP certificate rollover', () => {
  it("replaces a connection's IdP values: the new key is trusted, the old one no longer, the change audited by fingerprint", async () => {
    const rolled = await createIdp(idp2.entityId); // the same IdP with a new signing key
    const asBob = (signer: TestIdp) => signedResponse(B, goodAssertion(B, null, { issuer: idp2.entityId, nameIdXml: 'bob@idp2.test' }), signer);
    await refused(B, asBob(rolled));
    // B was made from values given directly: an empty body has no metadata URL to re-read.
    expect((await owner.request('POST', `/v1/orgs/${org}/sso/connections/${B}/idp-metadata`, {})).status).toBe(400);
    expect((await owner.request('POST', `/v1/orgs/${org}/sso/connections/${B}/idp-metadata`, { idp_metadata_xml: '<!DOCTYPE x><x/>' })).status).toBe(400);
    const updated = await json<{ data: { settings: { idp_entity_id: string } } }>(
      await owner.request('POST', `/v1/orgs/${org}/sso/connections/${B}/idp-metadata`, { idp_metadata_xml: rolled.metadataXml('https://idp2.test/sso') }),
      200,
    );
    expect(updated.data.settings.idp_entity_id).toBe(idp2.entityId);
    expect((await postAcs(B, asBob(rolled))).status).toBe(302);
    await refused(B, asBob(idp2));
    const rows = await origin.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'sso.connection_idp_update'));
    expect(rows).toHaveLength(1); // the two refusals wrote none
    const row = rows[0];
    expect(row).toMatchObject({ result: 'success', organizationId: org, targetId: B });
    expect(JSON.stringify(row!.metadata)).not.toContain('BEGIN CERTIFICATE');
    expect((row!.metadata as { certificates: { before: string[]; after: string[] } }).certificates.before).not.toEqual((row!.metadata as { certificates: { after: string[] } }).certificates.after);
    // A (made from a metadata URL) re-reads it with an empty body.
    expect((await owner.request('POST', `/v1/orgs/${org}/sso/connections/${A}/idp-metadata`, {})).status).toBe(200);
  });
});
