/**
 * A test SAML identity provider that shares no code with node-saml: responses are XML strings
 * built here and signed with xml-crypto; encrypted assertions are made with node:crypto
 * (AES-256-GCM content, RSA-OAEP key transport, as XML Encryption 1.1 describes); the IdP's
 * certificate is self-signed with @peculiar/x509. `startSamlIdp` also serves, on loopback, its
 * metadata and an SSO endpoint that answers an AuthnRequest (HTTP-Redirect binding) with the
 * auto-submitting HTML form real IdPs answer (HTTP-POST binding), for the user the test sets.
 */
import { constants, createCipheriv, generateKeyPairSync, publicEncrypt, randomBytes, randomUUID, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import { inflateRawSync } from 'node:zlib';
import * as x509 from '@peculiar/x509';
import { SignedXml } from 'xml-crypto';
import { freePort } from './sso.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ALG = {
  sha256: { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
  sha1: { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (ms: number) => new Date(ms).toISOString();
export const newId = () => `_${randomUUID().replace(/-/g, '')}`;

export interface AssertionOpts {
  id?: string;
  issuer: string;
  /** Raw XML for the NameID's content (a test may put a comment in it). */
  nameIdXml: string;
  nameIdFormat?: string;
  audience: string;
  recipient: string | null;
  inResponseTo?: string | null;
  /** ms offsets from now. */
  notBefore?: number;
  notOnOrAfter?: number;
  confirmationNotOnOrAfter?: number;
  attributes?: Record<string, string[]>;
  /** Pads the assertion with this many bytes of attribute values (a ~10 KB response for the bench). */
  padding?: number;
}

export function assertionXml(o: AssertionOpts, now = Date.now()): string {
  const attrs = Object.entries(o.attributes ?? {})
    .map(([k, vs]) => `<saml:Attribute Name="${esc(k)}">${vs.map((v) => `<saml:AttributeValue>${esc(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
    .join('');
  const pad = o.padding ? `<saml:Attribute Name="padding"><saml:AttributeValue>${'x'.repeat(o.padding)}</saml:AttributeValue></saml:Attribute>` : '';
  const irt = o.inResponseTo ? ` InResponseTo="${esc(o.inResponseTo)}"` : '';
  const recipient = o.recipient === null ? '' : ` Recipient="${esc(o.recipient)}"`;
  return (
    `<saml:Assertion xmlns:saml="${SAML_NS}" ID="${o.id ?? newId()}" IssueInstant="${iso(now)}" Version="2.0">` +
    `<saml:Issuer>${esc(o.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${o.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'}">${o.nameIdXml}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${irt} NotOnOrAfter="${iso(now + (o.confirmationNotOnOrAfter ?? 5 * 60_000))}"${recipient}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(now + (o.notBefore ?? -60_000))}" NotOnOrAfter="${iso(now + (o.notOnOrAfter ?? 5 * 60_000))}"><saml:AudienceRestriction><saml:Audience>${esc(o.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attrs || pad ? `<saml:AttributeStatement>${attrs}${pad}</saml:AttributeStatement>` : '') +
    `</saml:Assertion>`
  );
}

export interface ResponseOpts {
  id?: string;
  issuer: string | null;
  destination: string | null;
  inResponseTo?: string | null;
  status?: string;
  /** The assertion (or EncryptedAssertion, or anything) as XML. */
  inner: string;
}

export function responseXml(o: ResponseOpts, now = Date.now()): string {
  const dest = o.destination === null ? '' : ` Destination="${esc(o.destination)}"`;
  const irt = o.inResponseTo ? ` InResponseTo="${esc(o.inResponseTo)}"` : '';
  return (
    `<samlp:Response xmlns:samlp="${SAMLP_NS}" xmlns:saml="${SAML_NS}" ID="${o.id ?? newId()}" Version="2.0" IssueInstant="${iso(now)}"${dest}${irt}>` +
    (o.issuer === null ? '' : `<saml:Issuer>${esc(o.issuer)}</saml:Issuer>`) +
    `<samlp:Status><samlp:StatusCode Value="${o.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
    o.inner +
    `</samlp:Response>`
  );
}

export const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

export interface TestIdp {
  entityId: string;
  certPem: string;
  privateKeyPem: string;
  /** Signs the first element of that local name (enveloped signature after its Issuer). */
  sign(xml: string, element: 'Assertion' | 'Response', alg?: 'sha256' | 'sha1'): string;
  metadataXml(ssoUrl: string): string;
}

export async function createIdp(entityId: string): Promise<TestIdp> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${randomBytes(8).toString('hex')}`,
    name: 'CN=test idp',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000 * 30),
    signingAlgorithm: alg,
    keys: { privateKey: privateKey.toCryptoKey(alg, false, ['sign']), publicKey: publicKey.toCryptoKey(alg, true, ['verify']) },
  });
  const certPem = cert.toString('pem');
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    entityId,
    certPem,
    privateKeyPem,
    sign(xml, element, a = 'sha256') {
      const sig = new SignedXml({ privateKey: privateKeyPem, publicCert: certPem, signatureAlgorithm: ALG[a].signature, canonicalizationAlgorithm: EXC_C14N });
      const target = `//*[local-name(.)='${element}']`;
      sig.addReference({ xpath: target, transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', EXC_C14N], digestAlgorithm: ALG[a].digest });
      sig.computeSignature(xml, { prefix: 'ds', location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' } });
      return sig.getSignedXml();
    },
    metadataXml(ssoUrl) {
      const der = new X509Certificate(certPem).raw.toString('base64');
      return (
        `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${esc(entityId)}">` +
        `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
        `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
        `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
        `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${esc(ssoUrl)}"/>` +
        `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${esc(ssoUrl)}"/>` +
        `</md:IDPSSODescriptor></md:EntityDescriptor>`
      );
    },
  };
}

/** An EncryptedAssertion for the SP's certificate: AES-256-GCM content key wrapped with RSA-OAEP (SHA-1 MGF, as xmlenc's rsa-oaep-mgf1p). */
export function encryptAssertion(assertion: string, spCertPem: string): string {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([iv, cipher.update(assertion, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const spKey: KeyObject = new X509Certificate(spCertPem).publicKey;
  const wrapped = publicEncrypt({ key: spKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key);
  return (
    `<saml:EncryptedAssertion xmlns:saml="${SAML_NS}"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
    `<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>` +
    `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${body.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>`
  );
}

/** The id and ACS URL of an HTTP-Redirect AuthnRequest (deflated, base64). */
export function readAuthnRequest(samlRequest: string): { id: string; acs: string; issuer: string; xml: string } {
  const xml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
  const id = /<samlp:AuthnRequest[^>]*\sID="([^"]+)"/.exec(xml)?.[1] ?? '';
  const acs = /\sAssertionConsumerServiceURL="([^"]+)"/.exec(xml)?.[1] ?? '';
  const issuer = /<saml:Issuer[^>]*>([^<]+)<\/saml:Issuer>/.exec(xml)?.[1] ?? '';
  return { id, acs, issuer, xml };
}

export interface RunningSamlIdp {
  idp: TestIdp;
  url: string;
  ssoUrl: string;
  metadataUrl: string;
  /** The user the SSO endpoint signs in next. */
  user: { email: string; attributes?: Record<string, string[]> };
  /** The last AuthnRequest the SSO endpoint received. */
  lastRequest: ReturnType<typeof readAuthnRequest> | null;
  /** The SP's entity id (its metadata URL) for the audience. */
  audienceFor: (acs: string) => string;
  close(): Promise<void>;
}

/** The IdP on loopback: GET /metadata, GET /sso (HTTP-Redirect in, auto-submit form out). */
export async function startSamlIdp(): Promise<RunningSamlIdp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const idp = await createIdp(`${url}/idp`);
  const running: RunningSamlIdp = {
    idp,
    url,
    ssoUrl: `${url}/sso`,
    metadataUrl: `${url}/metadata`,
    user: { email: 'nobody@example.test' },
    lastRequest: null,
    audienceFor: (acs) => acs.replace(/\/acs$/, '/metadata'),
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', url);
    if (u.pathname === '/metadata') {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      res.end(idp.metadataXml(running.ssoUrl));
      return;
    }
    if (u.pathname === '/sso') {
      const request = readAuthnRequest(u.searchParams.get('SAMLRequest') ?? '');
      running.lastRequest = request;
      const assertion = assertionXml({
        issuer: idp.entityId,
        nameIdXml: esc(running.user.email),
        audience: request.issuer,
        recipient: request.acs,
        inResponseTo: request.id,
        ...(running.user.attributes ? { attributes: running.user.attributes } : {}),
      });
      const response = responseXml({ issuer: idp.entityId, destination: request.acs, inResponseTo: request.id, inner: idp.sign(assertion, 'Assertion') });
      const relay = u.searchParams.get('RelayState');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<html><body onload="document.forms[0].submit()"><form method="post" action="${esc(request.acs)}">` +
          `<input type="hidden" name="SAMLResponse" value="${b64(response)}"/>` +
          (relay === null ? '' : `<input type="hidden" name="RelayState" value="${esc(relay)}"/>`) +
          `</form></body></html>`,
      );
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  running.close = () => new Promise((r) => server.close(() => r()));
  return running;
}
