/**
 * The build-time warm-up (edge/warmup.ts) runs without initialising zod, so its settings are a
 * document written out in canonical form: it must stay exactly what validating it gives (a
 * changed default or field would otherwise warm a document the edge would never serve from),
 * and the warm-up must still serve its hits through the hit path.
 */
import { describe, expect, it } from 'vitest';
import { validateSettings } from './settings.js';
import { WARM_SETTINGS, warmUpHits } from './warmup.js';
import { hashApiKey } from '../shared/api-key.js';

describe('build-time warm-up', () => {
  it('uses a settings document that is valid and already canonical', () => {
    const text = JSON.stringify(WARM_SETTINGS);
    const verdict = validateSettings(text);
    expect(verdict.ok).toBe(true);
    expect(verdict.ok && verdict.canonical).toBe(text);
  });

  it('serves its content and asset hits from the hit path (with and without the single-hash option)', async () => {
    // 5 variants are hits (2 declines) × 2 rounds
    expect(await warmUpHits()).toBe(10);
    expect(await warmUpHits(hashApiKey)).toBe(10);
  });
});
