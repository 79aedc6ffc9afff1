/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL (or the local PGlite). */
import { loadOriginConfig } from '../config.js';
import { createDatabase } from '../db/client.js';
import { loadConfigOrExit } from '../main.js';

const config = loadConfigOrExit(() => loadOriginConfig());
const database = await createDatabase(config);
try {
  await database.migrate();
  process.stdout.write(`migrations applied (${database.kind})\n`);
} finally {
  await database.close();
}
