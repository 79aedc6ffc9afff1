/**
 * The export archive: one file, NDJSON compressed with gzip and encrypted with AES-256-GCM
 * (node:crypto) under a per-export random 256-bit key, which is shown to the requester once.
 *
 *   bytes 0–7     magic "GHEEXP01"
 *   bytes 8–19    the 12-byte random IV
 *   bytes 20–n−16 ciphertext of gzip(NDJSON)
 *   last 16 bytes the GCM authentication tag
 *   AAD           "ghee-export:<export id>" (an archive cannot pass for another export)
 *
 * Each NDJSON line is `{"type":"<table>","row":{…}}` (database column names; bytea as base64 in
 * `<column>_base64`), preceded by `{"type":"manifest",…}` and followed by `{"type":"end","counts":{…}}`.
 * `decryptArchive` (below) reads it back; README "Data lifecycle" has the same steps in a few
 * lines of Node for users without ghee.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { gunzipSync, createGzip } from 'node:zlib';

export const ARCHIVE_MAGIC = Buffer.from('GHEEXP01', 'ascii');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const archiveAad = (exportId: string) => Buffer.from(`ghee-export:${exportId}`, 'utf8');

export function newExportKey(): Buffer {
  return randomBytes(32);
}

/** Collects NDJSON lines into the encrypted archive, streaming through gzip and the cipher. */
export class ArchiveWriter {
  readonly #gzip = createGzip({ level: 6 });
  readonly #cipher;
  readonly #out: Buffer[] = [];
  readonly #done: Promise<void>;

  constructor(key: Buffer, exportId: string) {
    const iv = randomBytes(IV_BYTES);
    this.#cipher = createCipheriv('aes-256-gcm', key, iv);
    this.#cipher.setAAD(archiveAad(exportId));
    this.#out.push(ARCHIVE_MAGIC, iv);
    this.#gzip.on('data', (chunk: Buffer) => this.#out.push(this.#cipher.update(chunk)));
    this.#done = new Promise((resolve, reject) => {
      this.#gzip.on('end', resolve);
      this.#gzip.on('error', reject);
    });
  }

  #pending: string[] = [];
  #pendingBytes = 0;

  /** Writes one NDJSON line (in 256 KB chunks to gzip, waiting when its buffer is full). */
  async line(value: unknown): Promise<void> {
    const text = `${JSON.stringify(value)}\n`;
    this.#pending.push(text);
    this.#pendingBytes += text.length;
    if (this.#pendingBytes >= 256 * 1024) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const chunk = this.#pending.join('');
    this.#pending = [];
    this.#pendingBytes = 0;
    if (!this.#gzip.write(chunk)) await new Promise((r) => this.#gzip.once('drain', r));
  }

  async finish(): Promise<Buffer> {
    await this.#flush();
    this.#gzip.end();
    await this.#done;
    this.#out.push(this.#cipher.final(), this.#cipher.getAuthTag());
    return Buffer.concat(this.#out);
  }
}

/** Decrypts and parses an archive; throws when the key, the export id or any byte is wrong. */
export function decryptArchive(archive: Uint8Array, key: Buffer, exportId: string): unknown[] {
  const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  if (buf.length < ARCHIVE_MAGIC.length + IV_BYTES + TAG_BYTES || !buf.subarray(0, ARCHIVE_MAGIC.length).equals(ARCHIVE_MAGIC)) throw new Error('not a ghee export archive');
  const iv = buf.subarray(ARCHIVE_MAGIC.length, ARCHIVE_MAGIC.length + IV_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(archiveAad(exportId));
  decipher.setAuthTag(tag);
  const plain = Buffer.concat([decipher.update(buf.subarray(ARCHIVE_MAGIC.length + IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
  return gunzipSync(plain)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);
}
