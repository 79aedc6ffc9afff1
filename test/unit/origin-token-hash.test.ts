import { describe, expect, it } from 'vitest';
import { API_KEY_KINDS, generateApiKey, hashApiKey, parseApiKey } from '../../shared/api-key.js';
import { wellFormedTokenHash } from '../../origin/services/api-keys.js';

describe('wellFormedTokenHash (node:crypto) agrees with shared/api-key.ts (@noble)', () => {
  it('hashes every well-formed key exactly as hashApiKey', () => {
    for (const kind of API_KEY_KINDS) {
      for (let i = 0; i < 50; i++) {
        const token = generateApiKey(kind);
        expect(wellFormedTokenHash(token)).toBe(hashApiKey(token));
      }
    }
  });

  it('refuses whatever parseApiKey refuses', () => {
    const token = generateApiKey('read');
    const flipped = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    const bodyTypo = token.replace(/_(.)/, (_m, c: string) => `_${c === 'x' ? 'y' : 'x'}`);
    for (const bad of [flipped, bodyTypo, '', 'not-a-key', token + 'x', ` ${token}`, token.replace('read', 'root'), 'ghee_read_' + 'a'.repeat(500)]) {
      expect(parseApiKey(bad)).toBeNull();
      expect(wellFormedTokenHash(bad)).toBeNull();
    }
  });
});
