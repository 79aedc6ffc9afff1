import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './origin/db/schema/index.ts',
  out: './origin/db/migrations',
  strict: true,
});
