/**
 * `npm run openapi:lint [-- <url of a running origin's /openapi.json>]`: lints the OpenAPI document
 * with Redocly under the project's rules (recommended-strict, tightened: every operation has an id,
 * a summary and a description; every example validates against its schema) — the same rules
 * test/integration/openapi.test.ts applies in `npm test`. Also lints the public part (what the
 * edge serves at /openapi.json). Exits 1 on any problem, warnings included.
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { OpenAPIV3_1 } from 'openapi-types';
import { publicDocument } from '../origin/http/openapi-public.js';

/** The project's Redocly rules (one copy: the test and this script). */
export const LINT_RULES = {
  extends: ['recommended-strict'],
  rules: {
    'operation-summary': 'error',
    'operation-description': 'error',
    'operation-operationId': 'error',
    'operation-operationId-unique': 'error',
    'no-invalid-media-type-examples': { severity: 'error', allowAdditionalProperties: false },
    'no-invalid-schema-examples': 'error',
    'security-defined': 'error',
    'info-license-strict': 'off',
    // The browser sign-in flows (SSO login, OIDC callback, SAML ACS) answer only 302; the test requires a 2xx or 3xx of every operation.
    'operation-2xx-response': 'off',
    // The servers entry is relative: the document describes whichever host serves it.
    'no-server-example.com': 'error',
  },
} as const;

/** Redocly's findings on `doc`, one line each (empty: clean). */
export async function lintOpenApi(doc: unknown): Promise<string[]> {
  const config = await createConfig(LINT_RULES as never);
  const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
  return problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`);
}

async function main(): Promise<void> {
  const { loadDocument } = await import('./openapi-document.js');
  const doc = await loadDocument(process.argv[2]);
  let failed = false;
  for (const [name, d] of [['openapi.json', doc], ['the public part', publicDocument(doc as OpenAPIV3_1.Document)]] as const) {
    const problems = await lintOpenApi(d);
    const ops = Object.values(d.paths ?? {}).reduce((n, item) => n + Object.keys(item ?? {}).filter((k) => ['get', 'put', 'post', 'delete', 'patch', 'head'].includes(k)).length, 0);
    console.log(`${name}: ${ops} operations, ${problems.length} problems`);
    for (const p of problems) console.log(`  ${p}`);
    failed ||= problems.length > 0;
  }
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
