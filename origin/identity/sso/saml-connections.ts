/**
 * SAML 2.0 connections: the creation schema, the IdP's settings (from its metadata XML, from its
 * metadata URL fetched through the SSRF guard, size- and time-limited, or given field by field)
 * and the service provider's own key pair per connection (RSA 2048 from node:crypto; the private
 * key envelope-encrypted in `secret_enc` with aad `sso:<id>`, the self-signed certificate
 * — @peculiar/x509 — public in the settings and the SP metadata). IdP metadata is parsed with
 * node-saml's own XML layer (@xmldom/xmldom + xpath); a DOCTYPE is refused outright (no
 * entities, internal or external).
 */
import { createHash, generateKeyPairSync, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { parseDomFromString, xpath } from '@node-saml/node-saml/lib/xml.js';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Envelope } from '../../crypto/envelope.js';
import type { Db } from '../../db/client.js';
import { ssoConnections } from '../../db/schema/index.js';
import type { Result } from '../../http/result.js';
import { guardedFetch } from '../../net/guarded-fetch.js';
import { commitWrite, type WriteActor } from '../../outbox/index.js';
import { connectionCommon, findConnection, insertConnection, type ConnectionRow } from './connections.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** The slice of @xmldom/xmldom's DOM that ghee reads (the origin compiles without the DOM lib). */
export interface XmlElement {
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  toString(): string;
}
export interface XmlDocument {
  readonly documentElement: XmlElement | null;
}
/** Parses with node-saml's parser (@xmldom/xmldom, errors are failures). */
export const parseXml = async (xml: string): Promise<XmlDocument> => (await parseDomFromString(xml)) as unknown as XmlDocument;
/** The elements an XPath selects under a node. */
export const selectElements = (node: XmlElement | XmlDocument, path: string): XmlElement[] => xpath.selectElements(node as never, path) as unknown as XmlElement[];

const METADATA_MAX_BYTES = 256 * 1024;
const CERT_MAX = 5;
const httpUrl = z
  .string()
  .max(2048)
  .url({ message: 'must be a URL' })
  .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http(s) URL' });
const attributeName = z.string().trim().min(1).max(256);

export const samlCreate = z
  .object({
    protocol: z.literal('saml'),
    ...connectionCommon,
    /** The IdP's metadata document (EntityDescriptor). */
    idp_metadata_xml: z.string().min(1).max(METADATA_MAX_BYTES).optional(),
    /** Where ghee fetches the IdP's metadata (once, at creation). */
    idp_metadata_url: httpUrl.optional(),
    idp_entity_id: z.string().trim().min(1).max(1024).optional(),
    idp_sso_url: httpUrl.optional(),
    /** PEM or bare base64 DER X.509 certificates the IdP signs with. */
    idp_certificates: z.array(z.string().min(1).max(16 * 1024)).min(1).max(CERT_MAX).optional(),
    allow_idp_initiated: z.boolean().optional(),
    /** true: the Response must be signed as well as the assertion ("both"). */
    want_response_signed: z.boolean().optional(),
    email_attribute: attributeName.optional(),
    groups_attribute: attributeName.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const direct = v.idp_entity_id !== undefined || v.idp_sso_url !== undefined || v.idp_certificates !== undefined;
    const sources = [v.idp_metadata_xml !== undefined, v.idp_metadata_url !== undefined, direct].filter(Boolean).length;
    if (sources !== 1) ctx.addIssue({ code: 'custom', path: ['idp_metadata_xml'], message: 'give exactly one of idp_metadata_xml, idp_metadata_url, or idp_entity_id + idp_sso_url + idp_certificates' });
    else if (direct && (!v.idp_entity_id || !v.idp_sso_url || !v.idp_certificates)) ctx.addIssue({ code: 'custom', path: ['idp_entity_id'], message: 'idp_entity_id, idp_sso_url and idp_certificates go together' });
  });

export type SamlCreate = z.infer<typeof samlCreate>;

/**
 * New IdP values for a SAML connection (certificate rollover, a moved SSO URL): from metadata
 * XML, a metadata URL, or the values given directly — or, with an empty body, from the metadata
 * URL the connection was made with.
 */
export const samlIdpUpdate = z
  .object({
    idp_metadata_xml: samlCreate.shape.idp_metadata_xml,
    idp_metadata_url: samlCreate.shape.idp_metadata_url,
    idp_entity_id: samlCreate.shape.idp_entity_id,
    idp_sso_url: samlCreate.shape.idp_sso_url,
    idp_certificates: samlCreate.shape.idp_certificates,
  })
  .strict()
  .superRefine((v, ctx) => {
    const direct = v.idp_entity_id !== undefined || v.idp_sso_url !== undefined || v.idp_certificates !== undefined;
    const sources = [v.idp_metadata_xml !== undefined, v.idp_metadata_url !== undefined, direct].filter(Boolean).length;
    if (sources > 1) ctx.addIssue({ code: 'custom', path: ['idp_metadata_xml'], message: 'give at most one of idp_metadata_xml, idp_metadata_url, or idp_entity_id + idp_sso_url + idp_certificates' });
    else if (direct && (!v.idp_entity_id || !v.idp_sso_url || !v.idp_certificates)) ctx.addIssue({ code: 'custom', path: ['idp_entity_id'], message: 'idp_entity_id, idp_sso_url and idp_certificates go together' });
  });
export type SamlIdpUpdate = z.infer<typeof samlIdpUpdate>;

/** What a SAML connection stores in `settings` (no secret). */
export interface SamlSettings {
  idpEntityId: string;
  idpSsoUrl: string;
  idpCerts: string[];
  wantResponseSigned: boolean;
  /** The SP's certificate (signing and encryption), PEM. */
  spCert: string;
  emailAttribute: string | null;
  groupsAttribute: string | null;
  metadataUrl: string | null;
}

export function samlSettings(row: ConnectionRow): SamlSettings {
  return row.settings as unknown as SamlSettings;
}

/** A certificate as PEM, or null when it does not parse as X.509. */
export function certificatePem(input: string): string | null {
  const body = input
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
    return pem;
  } catch {
    return null;
  }
}

export const hasDoctype = (xml: string) => /<!DOCTYPE|<!ENTITY/i.test(xml);

interface IdpValues {
  entityId: string;
  ssoUrl: string;
  certs: string[];
}

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** The IdP's entity id, HTTP-Redirect SSO URL and signing certificates from its metadata. */
export async function parseIdpMetadata(xml: string): Promise<Result<IdpValues>> {
  const bad = (detail: string): Result<IdpValues> => ({ ok: false, error: 'invalid', detail: `idp_metadata: ${detail}` });
  if (hasDoctype(xml)) return bad('a DOCTYPE is not accepted');
  let doc: XmlDocument;
  try {
    doc = await parseXml(xml);
  } catch {
    return bad('not well-formed XML');
  }
  const root = doc.documentElement;
  const entity = root?.localName === 'EntityDescriptor' ? root : selectElements(doc, "/*[local-name()='EntitiesDescriptor']/*[local-name()='EntityDescriptor'][*[local-name()='IDPSSODescriptor']]")[0];
  if (!entity) return bad('no EntityDescriptor with an IDPSSODescriptor');
  const entityId = entity.getAttribute('entityID') ?? '';
  const idp = selectElements(entity, "./*[local-name()='IDPSSODescriptor']")[0];
  if (!entityId || !idp) return bad('no entityID or IDPSSODescriptor');
  const sso = selectElements(idp, "./*[local-name()='SingleSignOnService']").find((e) => e.getAttribute('Binding') === REDIRECT_BINDING);
  const ssoUrl = sso?.getAttribute('Location') ?? '';
  if (!/^https?:\/\//i.test(ssoUrl)) return bad('no HTTP-Redirect SingleSignOnService');
  const certs = selectElements(idp, "./*[local-name()='KeyDescriptor'][not(@use) or @use='signing']//*[local-name()='X509Certificate']")
    .map((e) => certificatePem(e.textContent ?? ''))
    .filter((c): c is string => c !== null);
  if (certs.length === 0) return bad('no signing certificate');
  return { ok: true, value: { entityId: entityId.slice(0, 1024), ssoUrl, certs: [...new Set(certs)].slice(0, CERT_MAX) } };
}

async function idpValues(input: Pick<SamlCreate, 'idp_metadata_xml' | 'idp_metadata_url' | 'idp_entity_id' | 'idp_sso_url' | 'idp_certificates'>, allowLoopback: boolean): Promise<Result<IdpValues>> {
  if (input.idp_metadata_xml !== undefined) return parseIdpMetadata(input.idp_metadata_xml);
  if (input.idp_metadata_url !== undefined) {
    let text: string;
    try {
      const res = await guardedFetch({ allowLoopback, maxBytes: METADATA_MAX_BYTES, timeoutMs: 5000 })(input.idp_metadata_url, { headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } });
      if (res.status !== 200) return { ok: false, error: 'invalid', detail: `idp_metadata_url: the IdP answered ${res.status}` };
      text = await res.text();
    } catch (err) {
      return { ok: false, error: 'invalid', detail: `idp_metadata_url: could not be read (${err instanceof Error ? err.message : 'error'})` };
    }
    return parseIdpMetadata(text);
  }
  const certs = (input.idp_certificates ?? []).map(certificatePem);
  if (certs.some((c) => c === null)) return { ok: false, error: 'invalid', detail: 'idp_certificates: each must be an X.509 certificate (PEM or base64 DER)' };
  return { ok: true, value: { entityId: input.idp_entity_id!, ssoUrl: input.idp_sso_url!, certs: certs as string[] } };
}

/** A fresh SP key pair: the private key (PKCS#8 PEM) and a self-signed certificate for ten years. */
export async function spKeyPair(id: string, now: Date): Promise<{ privateKeyPem: string; certPem: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${randomBytes(15).toString('hex')}`,
    name: `CN=ghee SAML SP ${id}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 86_400_000),
    signingAlgorithm: alg,
    keys: { privateKey: privateKey.toCryptoKey(alg, false, ['sign']), publicKey: publicKey.toCryptoKey(alg, true, ['verify']) },
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true)],
  });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: cert.toString('pem') };
}

export async function createSamlConnection(
  db: Db,
  envelope: Envelope,
  actor: WriteActor & { organizationId: string },
  input: SamlCreate,
  opts: { allowLoopback: boolean; now: Date },
): Promise<Result<ConnectionRow>> {
  const idp = await idpValues(input, opts.allowLoopback);
  if (!idp.ok) return idp;
  const id = webcrypto.randomUUID();
  const sp = await spKeyPair(id, opts.now);
  const settings: SamlSettings = {
    idpEntityId: idp.value.entityId,
    idpSsoUrl: idp.value.ssoUrl,
    idpCerts: idp.value.certs,
    wantResponseSigned: input.want_response_signed ?? false,
    spCert: sp.certPem,
    emailAttribute: input.email_attribute ?? null,
    groupsAttribute: input.groups_attribute ?? null,
    metadataUrl: input.idp_metadata_url ?? null,
  };
  return insertConnection(db, envelope, actor, {
    id,
    protocol: 'saml',
    common: input,
    allowIdpInitiated: input.allow_idp_initiated ?? false,
    settings: settings as unknown as Record<string, unknown>,
    secret: sp.privateKeyPem,
    auditDetails: { idp_entity_id: settings.idpEntityId, allow_idp_initiated: input.allow_idp_initiated ?? false },
  });
}

/**
 * Replaces a SAML connection's IdP values (entity id, SSO URL, signing certificates) — the
 * rollover of an IdP's certificate — with one `sso.connection_idp_update` audit row naming what
 * changed (never the certificates' bytes: their SHA-256 fingerprints).
 */
export async function updateSamlIdp(
  db: Db,
  actor: WriteActor & { organizationId: string },
  id: string,
  input: SamlIdpUpdate,
  opts: { allowLoopback: boolean; now: Date },
): Promise<Result<ConnectionRow>> {
  const row = await findConnection(db, actor.organizationId, id);
  if (!row) return { ok: false, error: 'not_found', detail: 'SSO connection not found.' };
  if (row.protocol !== 'saml') return { ok: false, error: 'invalid', detail: 'Only SAML connections have IdP metadata.' };
  const current = samlSettings(row);
  const given = input.idp_metadata_xml !== undefined || input.idp_metadata_url !== undefined || input.idp_entity_id !== undefined;
  if (!given && !current.metadataUrl) return { ok: false, error: 'invalid', detail: 'This connection was not made from a metadata URL: give idp_metadata_xml, idp_metadata_url or the IdP values.' };
  const idp = await idpValues(given ? input : { idp_metadata_url: current.metadataUrl! }, opts.allowLoopback);
  if (!idp.ok) return idp;
  const fingerprint = (pem: string) => createHash('sha256').update(pem).digest('hex').slice(0, 16);
  const settings: SamlSettings = {
    ...current,
    idpEntityId: idp.value.entityId,
    idpSsoUrl: idp.value.ssoUrl,
    idpCerts: idp.value.certs,
    metadataUrl: input.idp_metadata_url ?? (input.idp_metadata_xml !== undefined || input.idp_entity_id !== undefined ? null : current.metadataUrl),
  };
  return commitWrite(db, actor, null, async (w): Promise<Result<ConnectionRow>> => {
    const [updated] = await w.t
      .update(ssoConnections)
      .set({ settings: settings as unknown as Record<string, unknown>, updatedAt: opts.now })
      .where(and(eq(ssoConnections.id, id), eq(ssoConnections.organizationId, actor.organizationId)))
      .returning();
    if (!updated) return { ok: false, error: 'not_found', detail: 'SSO connection not found.' };
    w.audit({
      action: 'sso.connection_idp_update',
      target: { type: 'sso_connection', id },
      metadata: {
        idp_entity_id: { before: current.idpEntityId, after: settings.idpEntityId },
        idp_sso_url: { before: current.idpSsoUrl, after: settings.idpSsoUrl },
        certificates: { before: current.idpCerts.map(fingerprint), after: settings.idpCerts.map(fingerprint) },
      },
    });
    return { ok: true, value: updated };
  });
}
