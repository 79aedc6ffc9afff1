/**
 * SAML 2.0 service provider, with @node-saml/node-saml 5.1 (it verifies the XML signatures and
 * reads only the bytes a signature covers). Signed assertions are always required (and a signed
 * Response too when the connection says "both"). ghee adds around it the checks node-saml 5.1
 * lacks (measured in issue 13), always on the verified assertion, never on the raw document:
 *  - the Response's `Destination` is this connection's ACS URL (a missing one is refused);
 *  - the top-level `Status` is Success, even when the assertion is signed;
 *  - every signature uses RSA-SHA256 or stronger, digests SHA-256 or stronger (SHA-1 refused);
 *  - the assertion's `Issuer` is the connection's IdP entity id;
 *  - the bearer `SubjectConfirmationData` names this ACS as `Recipient` and its `NotOnOrAfter`
 *    holds on every login, IdP-initiated included; `Conditions` NotBefore/NotOnOrAfter hold
 *    (2 min skew at most);
 *  - `InResponseTo` names a request ghee made for this connection, stored in Postgres
 *    (sso_login_states, id_hash = SHA-256 of the request id), single use, five minutes; without
 *    it the login is IdP-initiated and refused unless the connection allows those;
 *  - the assertion id is kept until the assertion expires (sso_replay_cache): a replay is refused.
 * A DOCTYPE anywhere is refused before any parsing (no entities: no XXE, no expansion bombs).
 */
import { createHash, randomBytes } from 'node:crypto';
import { SAML, SamlStatusError, ValidateInResponseTo } from '@node-saml/node-saml';
import { decryptXml } from '@node-saml/node-saml/lib/xml.js';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Envelope } from '../../crypto/envelope.js';
import type { Db } from '../../db/client.js';
import { ssoLoginStates, ssoReplayCache } from '../../db/schema/index.js';
import { perDatabase, type ConnectionRow } from './connections.js';
import type { AssertedIdentity } from './login.js';
import { hasDoctype, parseXml, samlSettings, selectElements, type XmlDocument, type XmlElement } from './saml-connections.js';

export const REQUEST_TTL_MS = 5 * 60_000;
export const CLOCK_SKEW_MS = 2 * 60_000;
export const ACS_BODY_LIMIT = 256 * 1024;
const PURGE_EVERY_MS = 60_000;
let lastPurge = 0;

const NS_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const NS_DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
/** RSA with SHA-256 or stronger; digests SHA-256 or stronger. */
const SIGNATURE_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const DIGEST_ALGORITHMS = new Set(['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmldsig-more#sha384', 'http://www.w3.org/2001/04/xmlenc#sha512']);
/** Where IdPs put the email and the groups when the connection names no attribute. */
const EMAIL_ATTRIBUTES = ['email', 'mail', 'emailaddress', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3'];
const GROUP_ATTRIBUTES = ['groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'memberof'];
const NAME_ATTRIBUTES = ['name', 'displayname', 'http://schemas.microsoft.com/identity/claims/displayname', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];

/** Why a SAML login was refused (audited as the reason code). */
export type SamlFailure =
  | 'xml_refused'
  | 'status_not_success'
  | 'destination_mismatch'
  | 'algorithm_refused'
  | 'signature_invalid'
  | 'issuer_mismatch'
  | 'recipient_mismatch'
  | 'audience_mismatch'
  | 'expired'
  | 'not_yet_valid'
  | 'in_response_to_invalid'
  | 'idp_initiated_refused'
  | 'replayed'
  | 'claims_missing';

export class SamlError extends Error {
  constructor(readonly reason: SamlFailure, detail: string) {
    super(detail);
  }
}

export interface SamlDeps {
  envelope: Envelope;
  /** PUBLIC_APP_URL without a trailing slash. */
  publicUrl: string;
}

export const spEntityId = (publicUrl: string, id: string) => `${publicUrl}/v1/auth/sso/saml/${id}/metadata`;
export const acsUrl = (publicUrl: string, id: string) => `${publicUrl}/v1/auth/sso/saml/${id}/acs`;
const requestHash = (requestId: string) => createHash('sha256').update(requestId).digest('hex');

function samlFor(row: ConnectionRow, deps: SamlDeps, requestId?: string): SAML {
  const s = samlSettings(row);
  const key = deps.envelope.decrypt(row.secretEnc ?? '', `sso:${row.id}`);
  const entityId = spEntityId(deps.publicUrl, row.id);
  return new SAML({
    idpCert: s.idpCerts,
    idpIssuer: s.idpEntityId,
    issuer: entityId,
    audience: entityId,
    callbackUrl: acsUrl(deps.publicUrl, row.id),
    entryPoint: s.idpSsoUrl,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: s.wantResponseSigned,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    // ghee keeps the requests itself (Postgres, single use); node-saml's cache is per process.
    validateInResponseTo: ValidateInResponseTo.never,
    decryptionPvk: key,
    privateKey: key,
    publicCert: s.spCert,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    // No RequestedAuthnContext: an IdP may use MFA or passwordless without failing the request.
    disableRequestedAuthnContext: true,
    ...(requestId ? { generateUniqueId: () => requestId } : {}),
  });
}

/** The SP metadata (entity id, ACS URL, the signing and encryption certificate). */
export function spMetadata(row: ConnectionRow, deps: SamlDeps): string {
  const cert = samlSettings(row).spCert;
  return samlFor(row, deps).generateServiceProviderMetadata(cert, cert);
}

// The sign-in's statements, prepared (one round trip each; connections.ts perDatabase).
const insertRequest = perDatabase((db) =>
  db
    .insert(ssoLoginStates)
    .values({ idHash: sql.placeholder('hash'), connectionId: sql.placeholder('id'), secretEnc: null, returnTo: sql.placeholder('returnTo'), expiresAt: sql.placeholder('expiresAt') })
    .prepare('saml_request_insert'),
);
const keepAssertionId = perDatabase((db) =>
  db
    .insert(ssoReplayCache)
    .values({ connectionId: sql.placeholder('id'), assertionId: sql.placeholder('assertionId'), expiresAt: sql.placeholder('expiresAt') })
    .onConflictDoNothing()
    .returning({ id: ssoReplayCache.assertionId })
    .prepare('saml_replay_insert'),
);
/** Takes (deletes: single use) the pending request a response answers. */
const takeRequest = perDatabase((db) =>
  db
    .delete(ssoLoginStates)
    .where(
      and(
        eq(ssoLoginStates.idHash, sql.placeholder('hash')),
        eq(ssoLoginStates.connectionId, sql.placeholder('id')),
        isNull(ssoLoginStates.usedAt),
        sql`${ssoLoginStates.expiresAt} > ${sql.placeholder('now')}::timestamptz`,
      ),
    )
    .returning({ returnTo: ssoLoginStates.returnTo })
    .prepare('saml_request_take'),
);

/** Starts an SP-initiated login: stores the request id (five minutes, single use), answers the IdP's HTTP-Redirect URL. */
export async function beginSamlLogin(db: Db, row: ConnectionRow, deps: SamlDeps, returnTo: string, now: Date): Promise<string> {
  const requestId = `_${randomBytes(20).toString('hex')}`;
  await insertRequest(db).execute({ hash: requestHash(requestId), id: row.id, returnTo, expiresAt: new Date(now.getTime() + REQUEST_TTL_MS) });
  return samlFor(row, deps, requestId).getAuthorizeUrlAsync(returnTo, undefined, {});
}

const children = (node: XmlElement, name: string) => selectElements(node, `./*[local-name()='${name}']`);
const text = (el: XmlElement | undefined) => (el?.textContent ?? '').trim();
const time = (v: string | null): number | null => {
  if (!v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
};

/** Refuses any signature weaker than RSA-SHA256 (SignatureMethod and every DigestMethod). */
function checkAlgorithms(doc: XmlDocument): void {
  const methods = selectElements(doc, `//*[local-name()='Signature' and namespace-uri()='${NS_DSIG}']//*[local-name()='SignatureMethod' or local-name()='DigestMethod']`);
  for (const m of methods) {
    const allowed = m.localName === 'SignatureMethod' ? SIGNATURE_ALGORITHMS : DIGEST_ALGORITHMS;
    if (!allowed.has(m.getAttribute('Algorithm') ?? '')) throw new SamlError('algorithm_refused', 'The response is signed with an algorithm weaker than RSA-SHA256.');
  }
}

function nodeSamlFailure(err: unknown): SamlError {
  if (err instanceof SamlStatusError) return new SamlError('status_not_success', 'The identity provider refused the sign-in.');
  const m = err instanceof Error ? err.message : '';
  if (/audience/i.test(m)) return new SamlError('audience_mismatch', 'The assertion is meant for another service provider.');
  if (/not yet valid/i.test(m)) return new SamlError('not_yet_valid', 'The assertion is not valid yet.');
  if (/expired|too old/i.test(m)) return new SamlError('expired', 'The assertion has expired.');
  if (/subject confirmation/i.test(m)) return new SamlError('expired', 'The assertion has no valid subject confirmation.');
  return new SamlError('signature_invalid', 'The response is not signed as required.');
}

export interface SamlAnswer {
  identity: AssertedIdentity;
  /** SP-initiated: the return path stored with the request; IdP-initiated: null (RelayState decides). */
  returnTo: string | null;
  idpInitiated: boolean;
}

/** Checks a POSTed SAMLResponse for a connection; the asserted identity, or a SamlError. */
export async function finishSamlLogin(db: Db, row: ConnectionRow, deps: SamlDeps, samlResponse: string, now: Date): Promise<SamlAnswer> {
  const s = samlSettings(row);
  const acs = acsUrl(deps.publicUrl, row.id);
  const b64 = samlResponse.replace(/[\r\n ]/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new SamlError('xml_refused', 'SAMLResponse is not base64.');
  const xml = Buffer.from(b64, 'base64').toString('utf8');
  if (hasDoctype(xml)) throw new SamlError('xml_refused', 'A DOCTYPE is not accepted.');
  let doc: XmlDocument;
  try {
    doc = await parseXml(xml);
  } catch {
    throw new SamlError('xml_refused', 'SAMLResponse is not well-formed XML.');
  }
  const root = doc.documentElement;
  if (!root || root.localName !== 'Response' || root.namespaceURI !== NS_PROTOCOL) throw new SamlError('xml_refused', 'SAMLResponse is not a SAML 2.0 Response.');
  const status = children(root, 'Status')[0];
  const code = status ? children(status, 'StatusCode')[0]?.getAttribute('Value') : null;
  if (code !== SUCCESS) throw new SamlError('status_not_success', 'The identity provider refused the sign-in.');
  if (root.getAttribute('Destination') !== acs) throw new SamlError('destination_mismatch', 'The response is addressed to another endpoint.');
  const responseIssuer = children(root, 'Issuer')[0];
  if (responseIssuer && text(responseIssuer) !== s.idpEntityId) throw new SamlError('issuer_mismatch', 'The response comes from another identity provider.');
  checkAlgorithms(doc);
  const encrypted = children(root, 'EncryptedAssertion');
  if (encrypted.length === 1) {
    let decrypted: XmlDocument;
    try {
      decrypted = await parseXml(await decryptXml(encrypted[0]!.toString(), deps.envelope.decrypt(row.secretEnc ?? '', `sso:${row.id}`)));
    } catch {
      throw new SamlError('xml_refused', 'The encrypted assertion could not be decrypted.');
    }
    checkAlgorithms(decrypted);
  }

  let profile;
  try {
    ({ profile } = await samlFor(row, deps).validatePostResponseAsync({ SAMLResponse: b64 }));
  } catch (err) {
    throw nodeSamlFailure(err);
  }
  const verified = profile?.getAssertionXml?.();
  if (!verified) throw new SamlError('signature_invalid', 'The response carries no assertion.');
  // From here on only the verified assertion is read.
  const assertion = (await parseXml(verified)).documentElement!;
  if (text(children(assertion, 'Issuer')[0]) !== s.idpEntityId) throw new SamlError('issuer_mismatch', 'The assertion comes from another identity provider.');
  const assertionId = assertion.getAttribute('ID') ?? '';
  if (!assertionId) throw new SamlError('signature_invalid', 'The assertion has no ID.');
  const nowMs = now.getTime();
  const within = (notBefore: number | null, notOnOrAfter: number | null) => {
    if (notOnOrAfter === null || nowMs >= notOnOrAfter + CLOCK_SKEW_MS) throw new SamlError('expired', 'The assertion has expired.');
    if (notBefore !== null && nowMs + CLOCK_SKEW_MS < notBefore) throw new SamlError('not_yet_valid', 'The assertion is not valid yet.');
  };
  const conditions = children(assertion, 'Conditions');
  if (conditions.length !== 1) throw new SamlError('expired', 'The assertion has no Conditions.');
  const condEnd = time(conditions[0]!.getAttribute('NotOnOrAfter'));
  within(time(conditions[0]!.getAttribute('NotBefore')), condEnd);

  const subject = children(assertion, 'Subject')[0];
  const bearers = subject ? children(subject, 'SubjectConfirmation').filter((c) => c.getAttribute('Method') === BEARER) : [];
  if (bearers.length === 0) throw new SamlError('recipient_mismatch', 'The assertion has no bearer subject confirmation.');
  let inResponseTo: string | null = null;
  let confirmEnd = 0;
  for (const b of bearers) {
    const data = children(b, 'SubjectConfirmationData')[0];
    if (!data || data.getAttribute('Recipient') !== acs) throw new SamlError('recipient_mismatch', 'The assertion is meant for another endpoint.');
    const end = time(data.getAttribute('NotOnOrAfter'));
    within(time(data.getAttribute('NotBefore')), end);
    confirmEnd = Math.max(confirmEnd, end!);
    const irt = data.getAttribute('InResponseTo');
    if (irt && inResponseTo !== null && irt !== inResponseTo) throw new SamlError('in_response_to_invalid', 'The assertion answers several requests.');
    if (irt) inResponseTo = irt;
  }
  const responseIrt = root.getAttribute('InResponseTo') || null;
  if (responseIrt !== inResponseTo) throw new SamlError('in_response_to_invalid', 'The response and its assertion answer different requests.');

  const identity = identityFrom(assertion, s.emailAttribute, s.groupsAttribute);

  // A replay of this assertion is refused until it expires (then its conditions refuse it).
  // Expired ids are purged at most once a minute per process (they refuse nothing any more).
  if (now.getTime() - lastPurge > PURGE_EVERY_MS) {
    lastPurge = now.getTime();
    await db.delete(ssoReplayCache).where(lt(ssoReplayCache.expiresAt, now));
  }
  const kept = await keepAssertionId(db).execute({ id: row.id, assertionId: assertionId.slice(0, 256), expiresAt: new Date(Math.max(condEnd ?? 0, confirmEnd) + CLOCK_SKEW_MS) });
  if (kept.length === 0) throw new SamlError('replayed', 'This assertion was already used.');

  if (inResponseTo === null) {
    if (!row.allowIdpInitiated) throw new SamlError('idp_initiated_refused', 'This connection accepts only sign-ins started at ghee.');
    return { identity, returnTo: null, idpInitiated: true };
  }
  const [taken] = await takeRequest(db).execute({ hash: requestHash(inResponseTo), id: row.id, now: now.toISOString() });
  if (!taken) throw new SamlError('in_response_to_invalid', 'This sign-in answers no pending request (used, expired or unknown).');
  return { identity, returnTo: taken.returnTo, idpInitiated: false };
}

/** The attributes of the verified assertion, by name (values as strings). */
function attributesOf(assertion: XmlElement): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const st of children(assertion, 'AttributeStatement')) {
    for (const a of children(st, 'Attribute')) {
      const name = a.getAttribute('Name') ?? '';
      if (!name) continue;
      const values = children(a, 'AttributeValue').map((v) => text(v)).filter((v) => v.length > 0);
      out.set(name, [...(out.get(name) ?? []), ...values]);
    }
  }
  return out;
}

function pick(attrs: Map<string, string[]>, configured: string | null, defaults: string[]): string[] {
  if (configured) return attrs.get(configured) ?? [];
  for (const [k, v] of attrs) if (defaults.includes(k.toLowerCase())) return v;
  return [];
}

function identityFrom(assertion: XmlElement, emailAttribute: string | null, groupsAttribute: string | null): AssertedIdentity {
  const subject = children(assertion, 'Subject')[0];
  const nameIdEl = subject ? children(subject, 'NameID')[0] : undefined;
  // textContent joins every text node: a comment inside the NameID cannot truncate it.
  const nameId = text(nameIdEl);
  const attrs = attributesOf(assertion);
  const fromAttr = pick(attrs, emailAttribute, EMAIL_ATTRIBUTES)[0];
  const nameIdIsEmail = nameIdEl?.getAttribute('Format') === EMAIL_FORMAT || (!fromAttr && nameId.includes('@'));
  const email = emailAttribute ? fromAttr : nameIdIsEmail ? nameId : fromAttr;
  if (!email || !email.includes('@')) throw new SamlError('claims_missing', 'The identity provider sent no email address.');
  const claims: Record<string, unknown> = {};
  for (const [k, v] of attrs) claims[k] = v.length === 1 ? v[0] : v;
  claims.groups = pick(attrs, groupsAttribute, GROUP_ATTRIBUTES);
  return { email, emailVerified: true, subject: nameId || email, name: pick(attrs, null, NAME_ATTRIBUTES)[0] ?? null, claims };
}
