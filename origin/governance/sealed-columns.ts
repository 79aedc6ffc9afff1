/**
 * Every column ghee stores as an envelope token (origin/crypto/envelope.ts) and every blind index
 * beside one: what `npm run keys -- rotate | status | verify` walks, and what the personal-data
 * conversion (personal-data.ts) fills. A new envelope-encrypted column is added here, with the
 * additional data its writer binds it to — the key-rotation test fails for a column missing here
 * (it looks for every `*_enc` / `*_encrypted` column of the schema).
 */
import { personalAad } from '../crypto/personal-data.js';
import type { BlindIndexKind } from '../crypto/personal-data.js';

export interface SealedColumn {
  table: string;
  column: string;
  /** The row's key column and its type (the rotation's cursor runs over it, in index order). */
  id: string;
  idType: 'uuid' | 'text';
  /** The additional data the writer sealed the value with. */
  aad: (id: string) => string;
  /** Personal data (the conversion seals legacy plaintext values; status counts plaintext left). */
  personal: boolean;
  /** Only rows matching this (raw SQL condition over the table's columns). */
  where?: string;
  /** A blind index computed from the plaintext, recomputed when its key version is stale. */
  blindIndex?: { column: string; kind: BlindIndexKind; format?: (index: string, stored: string) => string };
}

const pd = (table: string, column: string, extra: Partial<SealedColumn> = {}): SealedColumn => ({
  table,
  column: `${column}_enc`,
  id: 'id',
  idType: 'uuid',
  aad: (id) => personalAad(table, column, id),
  personal: true,
  ...extra,
});

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  // personal data (origin/identity/people.ts, sessions, security events, SCIM, operators, audit rows)
  pd('users', 'email', { blindIndex: { column: 'email_bidx', kind: 'email' } }),
  pd('users', 'name'),
  pd('invitations', 'email', { blindIndex: { column: 'email_bidx', kind: 'email' } }),
  pd('sessions', 'ip'),
  pd('sessions', 'user_agent'),
  pd('security_events', 'actor_ip'),
  {
    table: 'security_events',
    column: 'subject_id',
    id: 'id',
    idType: 'uuid',
    aad: (id) => personalAad('security_events', 'subject_id', id),
    personal: true,
    where: `subject_type = 'ip'`,
    // The dedup key of an address's event ends with the address's blind index (origin/ops/security/engine.ts).
    blindIndex: { column: 'dedup_key', kind: 'ip', format: (index, stored) => stored.replace(/:ip:[^:]*$/, `:ip:${index}`) },
  },
  pd('scim_users', 'user_name', { blindIndex: { column: 'user_name_bidx', kind: 'scim_user_name' } }),
  pd('scim_users', 'attributes'),
  pd('operators', 'email', { blindIndex: { column: 'email_bidx', kind: 'email' } }),
  pd('operators', 'name'),
  // The audit trail's client address and user agent (origin/audit/audit.ts): the chain hashes the plaintext, not the tokens.
  pd('audit_events', 'ip'),
  pd('audit_events', 'user_agent'),
  // secrets
  { table: 'webhooks', column: 'secret_encrypted', id: 'id', idType: 'uuid', aad: (id) => `webhooks.secret:${id}`, personal: false },
  { table: 'totp_factors', column: 'secret_encrypted', id: 'user_id', idType: 'uuid', aad: (id) => `totp:${id}`, personal: false },
  { table: 'sso_connections', column: 'secret_enc', id: 'id', idType: 'uuid', aad: (id) => `sso:${id}`, personal: false },
  { table: 'sso_login_states', column: 'secret_enc', id: 'id_hash', idType: 'text', aad: (id) => `sso-state:${id}`, personal: false },
  { table: 'operators', column: 'totp_secret_encrypted', id: 'id', idType: 'uuid', aad: (id) => `operator-totp:${id}`, personal: false },
  { table: 'data_exports', column: 'key_encrypted', id: 'id', idType: 'uuid', aad: (id) => `data_exports:${id}`, personal: false },
];

export const columnRef = (c: SealedColumn): string => `${c.table}.${c.column}`;
