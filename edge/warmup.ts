/**
 * Work done once at build time. On Fastly every request runs in a fresh instance of the
 * module, but top-level code runs under Wizer at build time and its heap is snapshotted: lazy
 * initialisation done here (zod's schema internals, Hono's router, compiled regular
 * expressions) is not repeated per request. Pure computation only — no env, stores or I/O.
 */
import type { Hono } from 'hono';
import { contentCacheKey } from '../shared/cache-key.js';
import { parseApiKey, generateApiKey, hashApiKey } from '../shared/api-key.js';
import { edgeConfigSchema } from './config.js';
import type { EdgeEnv } from './env.js';
import { matchSignature } from './middleware/waf/rules.js';

export function warmUp(app: Hono<EdgeEnv>): void {
  edgeConfigSchema.safeParse({ edge_shared_secret: 'w'.repeat(32), waf: '{}', rate_limits: '{}', cors: '{}' });
  edgeConfigSchema.safeParse({});
  for (const method of ['GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE']) {
    for (const path of ['/v2/pages/*/home/', '/assets/a/b/c.png', '/.edge/health', '/.edge/purge', '/']) app.router.match(method, path);
  }
  matchSignature(['/v2/pages/*/home/', "q=' or 1=1 <script> ../ $( union select"]);
  const key = generateApiKey('read');
  parseApiKey(key);
  hashApiKey(key);
  contentCacheKey('space', new URL('https://edge/v2/pages/*/home/?b=1&a=2'));
  JSON.parse(JSON.stringify({ warm: true }));
}
