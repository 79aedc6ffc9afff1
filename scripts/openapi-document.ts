/**
 * The origin's OpenAPI document without a server or a database of one's own: the app built over
 * an in-memory PGlite (nothing is queried: the document comes from the route table), or fetched
 * from a running origin when a URL is given. Used by `npm run openapi:lint` and
 * `npm run client:generate`.
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import { newApp } from '../origin/app.js';
import { loadOriginConfig } from '../origin/config.js';
import { envelopeFromConfig } from '../origin/crypto/envelope.js';
import { createDatabase } from '../origin/db/client.js';
import { openApiDocument } from '../origin/http/openapi-spec.js';
import { createLogger } from '../origin/logger.js';

/** The document of `url` (a running origin's /openapi.json), or of an app built here. */
export async function loadDocument(url?: string): Promise<OpenAPIV3_1.Document> {
  if (url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return (await res.json()) as OpenAPIV3_1.Document;
  }
  const config = loadOriginConfig({ PGLITE_DIR: 'memory://', LOG_LEVEL: 'silent' });
  const database = await createDatabase(config);
  try {
    const app = newApp({ config, database, logger: createLogger('silent'), envelope: envelopeFromConfig(config.MASTER_KEYS) });
    return await openApiDocument(app)();
  } finally {
    await database.close();
  }
}
