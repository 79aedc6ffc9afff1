/**
 * The user metadata the Fastly platform (./platform.ts) stores with each Core Cache item: the
 * response status and headers, the logical stale-while-revalidate, and — for small bodies — the
 * body itself, so reading a small item (a key record, the settings, most API responses) is one
 * runtime call with no body stream. Runtime-neutral (tested under Node): the adapter and the
 * build-time platform (./build-time.ts) both store and read items through itemMetadata and
 * freshHitOf.
 *
 * Layout (v2): "GM2", the JSON Meta's length (u32, big-endian), the JSON, then the inline body
 * when `i` is 1. Items stored before v2 hold the JSON alone (their body is the item's stream).
 */
import type { CachedObject, FreshHit } from '../port.js';

export interface Meta {
  s: number;
  h: [string, string][];
  /** The logical stale-while-revalidate (ms); Core Cache's own swr also spans stale-if-error. */
  swr: number;
  /** 1: the body follows the JSON in the metadata (the item's own body is empty). */
  i?: 1;
}

/** Bodies up to this size travel in the item's user metadata. */
export const INLINE_BODY_MAX = 4096;
export const EMPTY_BODY = new Uint8Array(0);
const MAGIC = [0x47, 0x4d, 0x32] as const; // "GM2"
const HEAD = 7;
/** One decoder for every item, made at build time (a fresh `new TextDecoder()` costs each request's instance). */
const decoder = new TextDecoder();

export function encodeMeta(meta: Meta, inlineBody: Uint8Array | null): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const out = new Uint8Array(HEAD + json.byteLength + (inlineBody?.byteLength ?? 0));
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(3, json.byteLength);
  out.set(json, HEAD);
  if (inlineBody) out.set(inlineBody, HEAD + json.byteLength);
  return out;
}

/** The Meta and the inline body (null: the body is the item's stream). Throws on metadata that is neither layout. */
export function decodeMeta(buffer: ArrayBuffer): { meta: Meta; body: Uint8Array | null } {
  const bytes = new Uint8Array(buffer);
  if (bytes.byteLength >= HEAD && bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1] && bytes[2] === MAGIC[2]) {
    const length = new DataView(buffer).getUint32(3);
    if (HEAD + length > bytes.byteLength) throw new RangeError('cache metadata truncated');
    const meta = JSON.parse(decoder.decode(bytes.subarray(HEAD, HEAD + length))) as Meta;
    return { meta, body: meta.i === 1 ? bytes.subarray(HEAD + length) : null };
  }
  return { meta: JSON.parse(decoder.decode(bytes)) as Meta, body: null };
}

/**
 * The user metadata to store with `object` (swrMs: the logical stale-while-revalidate), and
 * whether its body travels in it (then the item's own body is empty).
 */
export function itemMetadata(object: CachedObject, swrMs: number): { userMetadata: Uint8Array; inline: boolean } {
  const inline = object.body.byteLength <= INLINE_BODY_MAX;
  const meta: Meta = { s: object.status, h: object.headers, swr: swrMs, ...(inline ? { i: 1 as const } : {}) };
  return { userMetadata: encodeMeta(meta, inline ? object.body : null), inline };
}

/**
 * A fresh item read back from its metadata: the inline body, or `stream` for a body stored in the
 * item. `ageMs` (the item's age) is asked only when `age` is read — a key record's or the
 * settings' lookup never needs it, and on Fastly it is a runtime call.
 */
export function freshHitOf(userMetadata: ArrayBuffer, ageMs: () => number, stream: () => ReadableStream<Uint8Array>): FreshHit {
  const { meta, body } = decodeMeta(userMetadata);
  const object: CachedObject = { status: meta.s, headers: meta.h, body: body ?? EMPTY_BODY };
  return body
    ? {
        object,
        get age() {
          return Math.floor(ageMs() / 1000);
        },
      }
    : {
        object,
        get age() {
          return Math.floor(ageMs() / 1000);
        },
        stream,
      };
}
