/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL (or the local PGlite). */
import { loadOriginConfig } from '../config.js';
import { personalDataFromConfig } from '../crypto/personal-data.js';
import { createDatabase } from '../db/client.js';
import { convertPersonalData } from '../governance/index.js';
import { loadConfigOrExit } from '../main.js';

const config = loadConfigOrExit(() => loadOriginConfig());
const database = await createDatabase(config);
try {
  await database.migrate();
  process.stdout.write(`migrations applied (${database.kind})\n`);
  // SQL cannot encrypt: personal data written before migration 0015 is sealed here (and at start).
  const converted = await convertPersonalData(database.db, personalDataFromConfig(config.MASTER_KEYS));
  const sealed = Object.values(converted.sealed).reduce((a, b) => a + b, 0) + converted.attempts;
  if (sealed > 0) process.stdout.write(`personal data sealed: ${sealed} values\n`);
} finally {
  await database.close();
}
