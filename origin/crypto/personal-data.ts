/**
 * Personal data at rest (issue 16): users' email and name, invitation and SCIM addresses, and the
 * IP addresses kept in sessions and security events are stored as envelope tokens
 * (origin/crypto/envelope.ts: AES-256-GCM, a data key per value wrapped by a MASTER_KEYS version),
 * each bound by its additional data to its table, column and row id (`personalAad`), so a token
 * copied to another row or column does not decrypt.
 *
 * Where a lookup needs equality (an email at login, sign-up uniqueness, invitations, SCIM
 * userName, SSO linking; an address in the login throttle) the row also keeps a keyed blind
 * index: `v<n>.<base64url HMAC-SHA-256(k_n, kind ‖ 0 ‖ normalised value)>`. k_n is derived with
 * HKDF-SHA-256 from MASTER_KEYS version n (salt `ghee/blind-index`), so the index has the same
 * versions as the master keys: new values use the newest, lookups try every listed version
 * (`blindIndexes`, one HMAC each) and `npm run keys -- rotate` recomputes old ones. Without the
 * keys the index is useless for guessing (an unkeyed hash of an email or an IPv4 address is not).
 *
 * This module sits beside the envelope (crypto plumbing, not a domain) so identity, security
 * operations, governance and the CLIs can all import it without a cycle through a domain's
 * public module.
 *
 * Without MASTER_KEYS (local use only; production refuses to start) a fixed development key is
 * used, like the development password pepper: local PGlite accounts survive restarts. It is not
 * a secret.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { createEnvelope, parseMasterKeys, type Envelope, type MasterKeys } from './envelope.js';

/** What a blind index is computed over; the kind is part of the HMAC input (an email's index never equals an IP's). */
export type BlindIndexKind = 'email' | 'ip' | 'account' | 'scim_user_name';

const DEV_MASTER_KEY = createHash('sha256').update('ghee local development personal-data key — not a secret').digest();
const BIDX_SALT = Buffer.from('ghee/blind-index', 'utf8');
const BIDX_FORMAT = /^v(\d{1,4})\.[A-Za-z0-9_-]{43}$/;

export interface PersonalData {
  /** The MASTER_KEYS version new tokens and blind indexes use. */
  readonly version: number;
  /** Every listed version, newest first. */
  readonly versions: readonly number[];
  /** Encrypts `value` bound to `aad` (use `personalAad`). */
  seal(value: string, aad: string): string;
  /** Decrypts; throws EnvelopeError for a tampered, moved or unknown-key token. */
  open(token: string, aad: string): string;
  /** `open` for nullable columns. */
  openOrNull(token: string | null | undefined, aad: string): string | null;
  /** `seal` for nullable columns. */
  sealOrNull(value: string | null | undefined, aad: string): string | null;
  /** The index of `value` under the newest key (what is stored). */
  blindIndex(kind: BlindIndexKind, value: string): string;
  /** The index under every listed key, newest first (what a lookup matches with `IN`). */
  blindIndexes(kind: BlindIndexKind, value: string): string[];
  /** True when a stored index was made with an older key. */
  blindIndexIsStale(stored: string): boolean;
  /** True when a token was wrapped with an older master key. */
  needsReencrypt(token: string): boolean;
  /** The envelope behind `seal`/`open` (the rotation re-encrypts with it). */
  readonly envelope: Envelope;
}

/** The additional data binding a personal-data token to its place: `pd|<table>.<column>|<row id>`. */
export function personalAad(table: string, column: string, rowId: string): string {
  return `pd|${table}.${column}|${rowId}`;
}

/** How each kind is compared: emails and SCIM userNames case-insensitively and trimmed; addresses as given. */
export function normaliseForIndex(kind: BlindIndexKind, value: string): string {
  switch (kind) {
    case 'email':
    case 'scim_user_name':
    case 'account':
      return value.trim().toLowerCase();
    case 'ip':
      return value.trim().toLowerCase();
  }
}

export function createPersonalData(masterKeys: MasterKeys): PersonalData {
  const envelope = createEnvelope(masterKeys);
  const versions = [...masterKeys.keys.keys()].sort((a, b) => b - a);
  const bidxKeys = new Map<number, Buffer>();
  for (const [v, key] of masterKeys.keys) bidxKeys.set(v, Buffer.from(hkdfSync('sha256', key, BIDX_SALT, `v${v}`, 32)));
  const index = (v: number, kind: BlindIndexKind, value: string): string => {
    const mac = createHmac('sha256', bidxKeys.get(v)!).update(`${kind}\u0000${normaliseForIndex(kind, value)}`, 'utf8').digest('base64url');
    return `v${v}.${mac}`;
  };
  return {
    version: masterKeys.current,
    versions,
    envelope,
    seal: (value, aad) => envelope.encrypt(value, aad),
    open: (token, aad) => envelope.decrypt(token, aad),
    openOrNull: (token, aad) => (token === null || token === undefined ? null : envelope.decrypt(token, aad)),
    sealOrNull: (value, aad) => (value === null || value === undefined ? null : envelope.encrypt(value, aad)),
    blindIndex: (kind, value) => index(masterKeys.current, kind, value),
    blindIndexes: (kind, value) => versions.map((v) => index(v, kind, value)),
    blindIndexIsStale(stored) {
      const m = BIDX_FORMAT.exec(stored);
      return !m || Number(m[1]) !== masterKeys.current;
    },
    needsReencrypt: (token) => envelope.needsReencrypt(token),
  };
}

/** MASTER_KEYS when set, else the fixed development key (local use only). */
export function personalDataFromConfig(masterKeysSpec: string | undefined): PersonalData {
  return createPersonalData(masterKeysSpec ? parseMasterKeys(masterKeysSpec) : { current: 1, keys: new Map([[1, DEV_MASTER_KEY]]) });
}

/** True when `value` is an envelope token (not a legacy plaintext value awaiting conversion). */
export function isSealed(value: string): boolean {
  return value.startsWith('env1.');
}

/** True when `value` has the shape of a blind index (not a legacy plaintext value). */
export function isBlindIndex(value: string): boolean {
  return BIDX_FORMAT.test(value);
}
