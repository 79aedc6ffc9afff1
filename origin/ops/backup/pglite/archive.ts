/**
 * The encrypted, authenticated backup archive of the embedded database (PGlite). Only node:crypto's
 * AES-256-GCM is used; nothing here is a home-made primitive.
 *
 * File layout (`<name>.gbak`):
 *
 *     magic    8 bytes   "GHEEBAK" 0x01 (format version 1)
 *     length   4 bytes   big-endian length of the header
 *     header   JSON      { format: 1, kind: "pglite", name, created_at, key_id, iv }
 *     sealed   …         AES-256-GCM ciphertext of the payload
 *     tag      16 bytes  the GCM tag
 *
 * The additional authenticated data is magic ‖ length ‖ header, so the format version, the
 * archive's own file name and its creation time are bound to the ciphertext: an archive renamed,
 * re-dated or with any flipped bit anywhere fails authentication. `key_id` (an HMAC of a fixed
 * label under the key, not the key) only lets a wrongly keyed archive be named as such; changing
 * it changes nothing but the message, since the tag still fails.
 *
 * Payload (plaintext): 4-byte big-endian manifest length ‖ manifest JSON ‖ PGlite's own data
 * directory dump (`dumpDataDir('none')`, a tar) gzipped here (what `loadDataDir` reads back). The manifest (schema version, row counts and
 * checksums of every table at backup time) is what a restore and a drill compare against.
 *
 * Decryption streams into a private temporary file and nothing of it is used before GCM's final
 * check passed: a tampered archive leaves only a deleted temporary file behind.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

const MAGIC = Buffer.from('GHEEBAK\x01', 'latin1');
const FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const MAX_HEADER_BYTES = 4096;
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Stream chunk size: 1 MiB (the 64 KiB default costs throughput on large archives). */
const CHUNK = 1 << 20;
export const ARCHIVE_SUFFIX = '.gbak';
/** ghee-pglite-20261206T225500123Z.gbak: sortable by name = by time. */
export const ARCHIVE_NAME = /^ghee-pglite-(\d{8}T\d{9}Z)\.gbak$/;

export interface ArchiveHeader {
  format: number;
  kind: 'pglite';
  name: string;
  created_at: string;
  key_id: string;
  iv: string;
}

export interface TableSummary {
  rows: number;
  /** md5 over the sorted md5s of every row's text form. */
  checksum: string;
}

export interface Manifest {
  created_at: string;
  /** Applied drizzle migrations: how many, and the newest's hash. */
  schema: { migrations: number; last_hash: string | null };
  tables: Record<string, TableSummary>;
}

/** An archive that failed authentication: altered, truncated, renamed, or not an archive at all. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** An archive sealed with another BACKUP_KEY. */
export class WrongKeyError extends ArchiveError {
  constructor(message: string) {
    super(message);
    this.name = 'WrongKeyError';
  }
}

export function keyId(key: Buffer): string {
  if (key.length !== KEY_BYTES) throw new Error('backup key must be 32 bytes');
  return createHmac('sha256', key).update('ghee-backup-key-id/v1').digest('hex').slice(0, 16);
}

export function archiveName(at: Date): string {
  return `ghee-pglite-${at.toISOString().replace(/[-:.]/g, '')}${ARCHIVE_SUFFIX}`;
}

function headerBytes(header: ArchiveHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, len, json]);
}

/**
 * Seals `manifest` ‖ gzip(`dump`, an uncompressed tar) into `path` (written as `<path>.partial`, fsynced, then renamed, so a
 * crash never leaves a half archive under the final name). Mode 0600.
 */
export async function writeArchive(path: string, key: Buffer, createdAt: Date, manifest: Manifest, dump: Blob): Promise<number> {
  const name = basename(path);
  if (!ARCHIVE_NAME.test(name)) throw new Error(`not an archive name: ${name}`);
  const iv = randomBytes(IV_BYTES);
  const header: ArchiveHeader = { format: FORMAT, kind: 'pglite', name, created_at: createdAt.toISOString(), key_id: keyId(key), iv: iv.toString('base64') };
  const head = headerBytes(header);
  const manifestJson = Buffer.from(JSON.stringify(manifest), 'utf8');
  const manifestLen = Buffer.alloc(4);
  manifestLen.writeUInt32BE(manifestJson.length);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(head);
  const partial = `${path}.partial`;
  const out = createWriteStream(partial, { mode: 0o600, highWaterMark: CHUNK });
  try {
    out.write(head);
    async function* payload() {
      yield Buffer.concat([manifestLen, manifestJson]);
      // gzip level 1: PGlite's own gzip ran at ~27 MB/s here, node's zlib at level 1 is several times faster for a little more size.
      for await (const chunk of Readable.fromWeb(dump.stream() as WebReadableStream<Uint8Array>).pipe(createGzip({ level: 1, chunkSize: CHUNK }))) yield chunk as Buffer;
    }
    await pipeline(Readable.from(payload()), cipher, out, { end: false });
    await new Promise<void>((resolve, reject) => out.end(cipher.getAuthTag(), (err?: Error | null) => (err ? reject(err) : resolve())));
    const fh = await open(partial, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(partial, path);
  } catch (err) {
    out.destroy();
    await rm(partial, { force: true });
    throw err;
  }
  return (await stat(path)).size;
}

/** Reads and checks the header (format, name, key id); authenticates nothing yet. */
export async function readHeader(path: string, key: Buffer): Promise<{ header: ArchiveHeader; head: Buffer; size: number }> {
  const fh = await open(path, 'r');
  let buf: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    buf = Buffer.alloc(Math.min(size, MAGIC.length + 4 + MAX_HEADER_BYTES));
    await fh.read(buf, 0, buf.length, 0);
  } finally {
    await fh.close();
  }
  const name = basename(path);
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new ArchiveError(`${name}: not a ghee backup archive (or an unknown format version)`);
  const len = buf.readUInt32BE(MAGIC.length);
  if (len > MAX_HEADER_BYTES || MAGIC.length + 4 + len + TAG_BYTES > size) throw new ArchiveError(`${name}: damaged archive header`);
  const head = buf.subarray(0, MAGIC.length + 4 + len);
  let header: ArchiveHeader;
  try {
    header = JSON.parse(head.subarray(MAGIC.length + 4).toString('utf8')) as ArchiveHeader;
  } catch {
    throw new ArchiveError(`${name}: damaged archive header`);
  }
  if (header.format !== FORMAT || header.kind !== 'pglite' || typeof header.iv !== 'string' || typeof header.key_id !== 'string') {
    throw new ArchiveError(`${name}: damaged archive header`);
  }
  if (header.key_id !== keyId(key)) {
    throw new WrongKeyError(`${name}: sealed with another BACKUP_KEY (key id ${header.key_id.slice(0, 16)}, configured ${keyId(key)}); refusing it`);
  }
  if (header.name !== name) throw new ArchiveError(`${name}: the archive was renamed (it was written as ${String(header.name).slice(0, 80)}); refusing it`);
  const iv = Buffer.from(header.iv, 'base64');
  if (iv.length !== IV_BYTES) throw new ArchiveError(`${name}: damaged archive header`);
  return { header, head, size };
}

/**
 * Authenticates the whole archive and writes its plaintext payload to `plainPath` (mode 0600) when
 * `plainPath` is given, else only authenticates. Throws ArchiveError/WrongKeyError, deleting any
 * partial plaintext, when the archive is not intact under `key`.
 */
export async function openArchive(path: string, key: Buffer, plainPath?: string): Promise<{ header: ArchiveHeader; manifest?: Manifest; dumpOffset?: number; bytes: number }> {
  const { header, head, size } = await readHeader(path, key);
  const name = basename(path);
  const sealedEnd = size - TAG_BYTES;
  const tagBuf = Buffer.alloc(TAG_BYTES);
  const fh = await open(path, 'r');
  try {
    await fh.read(tagBuf, 0, TAG_BYTES, sealedEnd);
  } finally {
    await fh.close();
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.iv, 'base64'), { authTagLength: TAG_BYTES });
  decipher.setAAD(head);
  decipher.setAuthTag(tagBuf);
  const source = head.length < sealedEnd ? createReadStream(path, { start: head.length, end: sealedEnd - 1, highWaterMark: CHUNK }) : Readable.from([]);
  const sink = plainPath ? createWriteStream(plainPath, { mode: 0o600, highWaterMark: CHUNK }) : new Writable({ write: (_c, _e, done) => done() });
  try {
    await pipeline(source, decipher, sink);
  } catch (err) {
    if (plainPath) await rm(plainPath, { force: true });
    if ((err as Error).message?.includes('authenticate')) throw new ArchiveError(`${name}: failed authentication: the archive was altered or damaged; refusing it`);
    throw err;
  }
  if (!plainPath) return { header, bytes: size };
  const pf = await open(plainPath, 'r');
  try {
    const lenBuf = Buffer.alloc(4);
    await pf.read(lenBuf, 0, 4, 0);
    const len = lenBuf.readUInt32BE(0);
    if (len > MAX_MANIFEST_BYTES) throw new ArchiveError(`${name}: damaged manifest`);
    const json = Buffer.alloc(len);
    await pf.read(json, 0, len, 4);
    return { header, manifest: JSON.parse(json.toString('utf8')) as Manifest, dumpOffset: 4 + len, bytes: size };
  } finally {
    await pf.close();
  }
}
