/**
 * `npm run billing`: Stripe set-up for the billing domain (origin/billing/).
 *
 *   npm run billing -- sync-plans
 *       Creates the paid plans' Products and monthly Prices in Stripe (STRIPE_SECRET_KEY, at
 *       STRIPE_API_BASE), idempotently — found by lookup_key ghee_<plan>_monthly, created with
 *       Idempotency-Keys — and prints the STRIPE_PRICE_<PLAN>=price_… lines (optional: ghee also
 *       finds the Prices by lookup_key).
 *
 * Exit status: 0 done; 1 configuration or Stripe error; 2 bad usage.
 */
import { stripeClient, syncPlans } from '../billing/index.js';
import { loadOriginConfig } from '../config.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, printable, runIfScript, type CliIo, type OpenDatabase } from './run.js';

export const USAGE = 'usage: npm run billing -- sync-plans';

export async function runBilling(argv: string[], io: CliIo, _open: OpenDatabase, env: Record<string, string | undefined> = process.env): Promise<number> {
  const parsed = parseCommandLine(argv, {});
  if ('error' in parsed) {
    io.err(`billing: ${parsed.error}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    io.out(`${USAGE}\n`);
    return EXIT_OK;
  }
  const [command, ...extra] = parsed.positionals;
  if (command !== 'sync-plans' || extra.length > 0) {
    io.err(`billing: ${command === undefined ? 'a command is required' : `unknown command "${printable([command, ...extra].join(' '))}"`}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const config = loadOriginConfig(env);
  if (!config.STRIPE_SECRET_KEY) {
    io.err('billing: STRIPE_SECRET_KEY is required\n');
    return EXIT_FAILED;
  }
  const synced = await syncPlans(stripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE));
  for (const s of synced) io.out(`${s.plan}: ${s.created ? 'created' : 'exists '} product ${s.product} price ${s.price}\n`);
  for (const s of synced) io.out(`STRIPE_PRICE_${s.plan.toUpperCase()}=${s.price}\n`);
  return EXIT_OK;
}

await runIfScript(import.meta.url, 'billing', runBilling);
