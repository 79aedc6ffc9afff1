import { describe, expect, it } from 'vitest';
import { INLINE_BODY_MAX, decodeMeta, encodeMeta, type Meta } from './meta.js';

const buffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

describe('Fastly cache item metadata', () => {
  const meta: Meta = { s: 200, h: [['content-type', 'application/json; charset=utf-8'], ['etag', '"é"']], swr: 30_000 };

  it('round-trips status, headers and swr, with an inline body byte for byte', () => {
    const body = new Uint8Array([0, 1, 2, 0x47, 0x4d, 0x32, 255, 123]);
    const decoded = decodeMeta(buffer(encodeMeta({ ...meta, i: 1 }, body)));
    expect(decoded.meta).toEqual({ ...meta, i: 1 });
    expect([...decoded.body!]).toEqual([...body]);
  });

  it('reads the JSON length whatever its bytes (high bits set, several bytes) and UTF-8 beyond ASCII', () => {
    for (const size of [1, 127, 128, 200, 255, 256, 300, 40_000, 70_000]) {
      const big: Meta = { s: 200, h: [['x-pad', 'é'.repeat(size)], ['x-emoji', '🦊']], swr: 0, i: 1 };
      const encoded = encodeMeta(big, new Uint8Array([7, 8, 9]));
      const length = new DataView(encoded.buffer, encoded.byteOffset).getUint32(3);
      expect(length).toBe(new TextEncoder().encode(JSON.stringify(big)).byteLength);
      const decoded = decodeMeta(buffer(encoded));
      expect(decoded.meta).toEqual(big);
      expect([...decoded.body!]).toEqual([7, 8, 9]);
    }
  });

  it('an empty inline body is a body (not a stream); no inline flag means the stream', () => {
    expect(decodeMeta(buffer(encodeMeta({ ...meta, i: 1 }, new Uint8Array(0)))).body).toEqual(new Uint8Array(0));
    expect(decodeMeta(buffer(encodeMeta(meta, null)))).toEqual({ meta, body: null });
  });

  it('reads items stored before the inline layout (JSON alone)', () => {
    const old = new TextEncoder().encode(JSON.stringify(meta));
    expect(decodeMeta(buffer(old))).toEqual({ meta, body: null });
  });

  it('refuses truncated or garbled metadata instead of misreading it', () => {
    const full = encodeMeta({ ...meta, i: 1 }, new Uint8Array(10));
    expect(() => decodeMeta(buffer(full.subarray(0, 12)))).toThrow();
    expect(() => decodeMeta(buffer(new Uint8Array([0x47, 0x4d, 0x32, 0, 0, 0, 2, 0x7b])))).toThrow();
    expect(() => decodeMeta(buffer(new TextEncoder().encode('not json')))).toThrow();
  });

  it('inlines bodies up to a few KB only', () => {
    expect(INLINE_BODY_MAX).toBeGreaterThanOrEqual(1024);
    expect(INLINE_BODY_MAX).toBeLessThanOrEqual(16 * 1024);
  });
});
