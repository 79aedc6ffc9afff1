/**
 * Erasure certificates: a row outside the erased data (no organization_id, no foreign key) that
 * says what was erased, when, at whose request (a pseudonymous user id) and how much, signed
 * with HMAC-SHA-256 under a key derived from AUTH_SECRET so an edited certificate is detectable
 * (`certificateValid`).
 */
import { canonicalJson } from '../../audit/index.js';
import { hmacSha256Hex, timingSafeEqual } from '../../../shared/crypto.js';
import type { Db } from '../../db/client.js';
import { erasureCertificates } from '../../db/schema/index.js';

export interface CertificateFields {
  subjectType: 'organization' | 'user';
  subjectId: string;
  requestedBy: string | null;
  requestedAt: Date;
  erasedAt: Date;
  summary: Record<string, unknown>;
}

const certKey = (authSecret: string) => hmacSha256Hex(authSecret, 'ghee erasure certificate v1');

export function signCertificate(authSecret: string, c: CertificateFields): string {
  return hmacSha256Hex(
    certKey(authSecret),
    canonicalJson({
      subject_type: c.subjectType,
      subject_id: c.subjectId,
      requested_by: c.requestedBy,
      requested_at: c.requestedAt.toISOString(),
      erased_at: c.erasedAt.toISOString(),
      summary: c.summary,
    }),
  );
}

export function certificateValid(authSecret: string, c: CertificateFields & { signature: string }): boolean {
  return timingSafeEqual(signCertificate(authSecret, c), c.signature);
}

export async function writeCertificate(t: Db, authSecret: string, c: CertificateFields): Promise<string> {
  // What the database returns: the summary as JSON sees it.
  const summary = JSON.parse(JSON.stringify(c.summary)) as Record<string, unknown>;
  const fields = { ...c, summary };
  const [row] = await t
    .insert(erasureCertificates)
    .values({ ...fields, signature: signCertificate(authSecret, fields) })
    .returning({ id: erasureCertificates.id });
  return row!.id;
}
