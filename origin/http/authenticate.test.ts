import { describe, expect, it } from 'vitest';
import { API_KEY_KINDS, checkApiKey, generateApiKey, hashApiKey, parseApiKey } from '../../shared/api-key.js';
import { NODE_SHA256 } from './authenticate.js';

describe("the origin's native SHA-256 (node:crypto) gives shared/api-key.ts's portable answers", () => {
  it('hashes every well-formed key exactly as hashApiKey, and parses it as parseApiKey', () => {
    for (const kind of API_KEY_KINDS) {
      for (let i = 0; i < 50; i++) {
        const token = generateApiKey(kind);
        expect(checkApiKey(token, NODE_SHA256)).toEqual({ kind, hash: hashApiKey(token) });
        expect(hashApiKey(token, NODE_SHA256)).toBe(hashApiKey(token));
        expect(parseApiKey(token, NODE_SHA256)).toEqual(parseApiKey(token));
      }
    }
  });

  it('refuses whatever parseApiKey refuses', () => {
    const token = generateApiKey('read');
    const flipped = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    const bodyTypo = token.replace(/_(.)/, (_m, c: string) => `_${c === 'x' ? 'y' : 'x'}`);
    for (const bad of [flipped, bodyTypo, '', 'not-a-key', token + 'x', ` ${token}`, token.replace('read', 'root'), 'ghee_read_' + 'a'.repeat(500)]) {
      expect(parseApiKey(bad)).toBeNull();
      expect(parseApiKey(bad, NODE_SHA256)).toBeNull();
      expect(checkApiKey(bad, NODE_SHA256)).toBeNull();
    }
  });
});
