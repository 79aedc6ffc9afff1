/** Loud notices about environment-dependent suites, once per run. */
export default function setup(): void {
  if (!process.env.TEST_DATABASE_URL) {
    console.log('\n[ghee] TEST_DATABASE_URL unset: Postgres suites run on PGlite (CI sets it).\n');
  }
}
