/**
 * Envelope encryption for secrets at rest (webhook signing secrets, later personal data).
 *
 * Every record gets its own random 32-byte data key. The data key encrypts the plaintext with
 * AES-256-GCM; the data key itself is encrypted ("wrapped") with AES-256-GCM under a versioned
 * master key from MASTER_KEYS (`v1:<base64 32 bytes>,v2:…`). The highest version encrypts; every
 * listed version decrypts, so rotating is: add v<n+1>, deploy, re-encrypt at leisure
 * (`needsReencrypt`), then drop the old version. Only node:crypto primitives are used.
 *
 * Token format (ASCII, one line, `.`-separated, binary parts base64url without padding):
 *
 *     env1.v<ver>.<wrapped key>.<iv>.<ciphertext ‖ tag>
 *
 *   env1          format marker
 *   v<ver>        master-key version that wrapped the data key (decimal, 1–9999)
 *   wrapped key   60 bytes: 12-byte IV ‖ 32-byte AES-256-GCM ciphertext of the data key ‖ 16-byte tag
 *   iv            12 bytes: the IV of the data encryption
 *   ciphertext    the AES-256-GCM ciphertext of the UTF-8 plaintext ‖ 16-byte tag
 *
 * Additional authenticated data binds both layers to the format, the key version and the
 * caller's `aad` (e.g. the webhook id), with a distinct label per layer:
 *   wrap:  `env1|v<ver>|key|<aad>`     data:  `env1|v<ver>|data|<aad>`
 * A token copied to another row (different aad), a changed version, or any flipped bit in any
 * part fails authentication and `decrypt` throws `EnvelopeError` (with no detail on purpose).
 *
 * Local development without MASTER_KEYS uses `devEnvelope()`: a process-random master key.
 * Secrets encrypted with it do not survive a restart (decrypt then throws and the webhook worker
 * records the delivery attempt as failed); production config refuses to start without MASTER_KEYS.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT = 'env1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;
const MAX_VERSION = 9999;

const KEY_SPEC = /^v(\d{1,4}):([A-Za-z0-9+/_-]{43}=?)$/;
const VERSION_PART = /^v(\d{1,4})$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

export interface MasterKeys {
  /** The version new tokens are wrapped with (the highest listed). */
  readonly current: number;
  readonly keys: ReadonlyMap<number, Buffer>;
}

export interface Envelope {
  encrypt(plaintext: string, aad?: string): string;
  decrypt(token: string, aad?: string): string;
  /** The master-key version new tokens use. */
  readonly currentVersion: number;
  /** True when a token was wrapped with an older master key (re-encrypt it after a rotation). */
  needsReencrypt(token: string): boolean;
}

/** Thrown for any token that cannot be decrypted; the message never says which part failed. */
export class EnvelopeError extends Error {
  constructor(message = 'envelope: cannot decrypt') {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/**
 * Parses `v1:<base64 32 bytes>[,v2:…]` (standard or URL-safe base64). Throws on a malformed
 * entry, a key that is not 32 bytes, version 0 or a repeated version; messages never contain
 * key material.
 */
export function parseMasterKeys(spec: string): MasterKeys {
  const keys = new Map<number, Buffer>();
  const parts = spec.split(',').map((p) => p.trim());
  for (const [i, part] of parts.entries()) {
    const m = KEY_SPEC.exec(part);
    if (!m) throw new Error(`MASTER_KEYS entry ${i + 1} must be v<n>:<base64 32-byte key>`);
    const version = Number(m[1]);
    if (!(version >= 1 && version <= MAX_VERSION)) throw new Error(`MASTER_KEYS entry ${i + 1}: version must be 1–${MAX_VERSION}`);
    if (keys.has(version)) throw new Error(`MASTER_KEYS lists version v${version} twice`);
    const key = Buffer.from(m[2]!, 'base64');
    if (key.length !== KEY_BYTES) throw new Error(`MASTER_KEYS entry v${version} is not a 32-byte key`);
    keys.set(version, key);
  }
  if (keys.size === 0) throw new Error('MASTER_KEYS lists no key');
  return { current: Math.max(...keys.keys()), keys };
}

function b64u(buf: Buffer): string {
  return buf.toString('base64url');
}

function fromB64u(text: string): Buffer {
  if (!B64URL.test(text)) throw new EnvelopeError();
  const buf = Buffer.from(text, 'base64url');
  // Canonical encodings only, so no two token strings carry the same bytes.
  if (buf.toString('base64url') !== text) throw new EnvelopeError();
  return buf;
}

function aadFor(version: number, layer: 'key' | 'data', aad: string): Buffer {
  return Buffer.from(`${FORMAT}|v${version}|${layer}|${aad}`, 'utf8');
}

function seal(key: Buffer, iv: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, iv: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < TAG_BYTES) throw new EnvelopeError();
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
}

function versionOf(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== FORMAT) return null;
  const m = VERSION_PART.exec(parts[1] ?? '');
  return m ? Number(m[1]) : null;
}

export function createEnvelope(masterKeys: MasterKeys): Envelope {
  const currentKey = masterKeys.keys.get(masterKeys.current);
  if (!currentKey || currentKey.length !== KEY_BYTES) throw new Error('envelope: the current master key is missing');
  const version = masterKeys.current;

  return {
    currentVersion: version,

    encrypt(plaintext: string, aad = ''): string {
      const dataKey = randomBytes(KEY_BYTES);
      try {
        const iv = randomBytes(IV_BYTES);
        const ciphertext = seal(dataKey, iv, Buffer.from(plaintext, 'utf8'), aadFor(version, 'data', aad));
        const wrapIv = randomBytes(IV_BYTES);
        const wrapped = Buffer.concat([wrapIv, seal(currentKey, wrapIv, dataKey, aadFor(version, 'key', aad))]);
        return [FORMAT, `v${version}`, b64u(wrapped), b64u(iv), b64u(ciphertext)].join('.');
      } finally {
        dataKey.fill(0);
      }
    },

    decrypt(token: string, aad = ''): string {
      if (typeof token !== 'string') throw new EnvelopeError();
      const parts = token.split('.');
      const ver = versionOf(token);
      if (ver === null || parts.length !== 5) throw new EnvelopeError();
      const masterKey = masterKeys.keys.get(ver);
      if (!masterKey) throw new EnvelopeError();
      const wrapped = fromB64u(parts[2]!);
      const iv = fromB64u(parts[3]!);
      const ciphertext = fromB64u(parts[4]!);
      if (wrapped.length !== WRAPPED_BYTES || iv.length !== IV_BYTES || ciphertext.length < TAG_BYTES) throw new EnvelopeError();
      let dataKey: Buffer | undefined;
      try {
        dataKey = open(masterKey, wrapped.subarray(0, IV_BYTES), wrapped.subarray(IV_BYTES), aadFor(ver, 'key', aad));
        if (dataKey.length !== KEY_BYTES) throw new EnvelopeError();
        return open(dataKey, iv, ciphertext, aadFor(ver, 'data', aad)).toString('utf8');
      } catch {
        throw new EnvelopeError();
      } finally {
        dataKey?.fill(0);
      }
    },

    needsReencrypt(token: string): boolean {
      const ver = versionOf(token);
      return ver !== null && ver !== version;
    },
  };
}

/**
 * For local use when MASTER_KEYS is unset: a master key drawn at random when the process starts
 * and never written anywhere. Secrets encrypted with it cannot be decrypted after a restart —
 * recreate local webhooks (or set MASTER_KEYS) to keep them. Never used in production: the
 * config refuses to start there without MASTER_KEYS.
 */
export function devEnvelope(): Envelope {
  return createEnvelope({ current: 1, keys: new Map([[1, randomBytes(KEY_BYTES)]]) });
}

/** MASTER_KEYS when set, else the process-random development envelope. */
export function envelopeFromConfig(masterKeysSpec: string | undefined): Envelope {
  return masterKeysSpec ? createEnvelope(parseMasterKeys(masterKeysSpec)) : devEnvelope();
}
