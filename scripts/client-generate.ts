/**
 * `npm run client:generate [-- <url of a running origin's /openapi.json>]`: regenerates the typed
 * client's types (client/schema.d.ts) from the OpenAPI document with openapi-typescript — the
 * Write API, the content model, media, webhooks, API keys, organizations, accounts, SSO, billing,
 * security operations and governance (the Content API's readers keep the official buttercms
 * clients; SCIM is for identity providers; internal calls are never in it). Without a URL the
 * document is the one this checkout's route table describes (scripts/openapi-document.ts).
 * test/integration/client.test.ts regenerates it from a running origin and fails when the
 * checked-in file differs.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenAPIV3_1 } from 'openapi-types';
import { subsetDocument } from '../origin/http/openapi-public.js';

/** The tags whose operations the client covers. */
export const CLIENT_TAGS: readonly string[] = ['Write API', 'Content model', 'Media', 'Webhooks', 'API keys', 'Organizations', 'Accounts', 'SSO', 'Billing', 'Security operations', 'Governance'];

export const CLIENT_SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'client', 'schema.d.ts');

const HEADER = `/**
 * ghee's Write, management and identity APIs as TypeScript types, generated from the OpenAPI
 * document by openapi-typescript. Do not edit: run \`npm run client:generate\`
 * (test/integration/client.test.ts fails while this file differs from what the routes describe).
 */

`;

/** The part of the document the client covers. */
export function clientDocument(doc: OpenAPIV3_1.Document): OpenAPIV3_1.Document {
  return subsetDocument(
    doc,
    (op) => (op.tags ?? []).some((t) => CLIENT_TAGS.includes(t)),
    'ghee\'s Write API and its management views, the content model, media, webhooks, API keys, organizations, accounts, SSO, billing, security operations and governance. Every error is `{"detail","code","request_id"}`.',
  );
}

/** client/schema.d.ts's text for `doc`. */
export async function clientSchema(doc: OpenAPIV3_1.Document): Promise<string> {
  const ast = await openapiTS(clientDocument(doc) as never, { silent: true });
  return HEADER + astToString(ast);
}

async function main(): Promise<void> {
  const { loadDocument } = await import('./openapi-document.js');
  const text = await clientSchema(await loadDocument(process.argv[2]));
  writeFileSync(CLIENT_SCHEMA_PATH, text);
  const operations = (text.match(/^ {4}[A-Za-z0-9]+: \{$/gm) ?? []).length;
  console.log(`client/schema.d.ts: ${text.length} characters (operations block: ${operations})`);
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
