/**
 * `npm run import:buttercms -- --target-url https://origin.example --space <space id>
 *    [--page-types landing,product] [--collections faq,team] [--locales en,fr]
 *    [--source-url https://api.buttercms.com/v2] [--rps 5] [--dry-run] [--media-timeout 600]`
 * migrates a ButterCMS account into a ghee space (origin/importer/). Tokens come from the
 * environment (not the command line, which other users of the machine can read):
 * BUTTER_READ_TOKEN (required), BUTTER_PREVIEW_TOKEN (drafts), GHEE_WRITE_TOKEN and
 * GHEE_ADMIN_TOKEN (the space's write and admin keys; not needed with --dry-run).
 * Progress goes to stderr, the closing report to stdout. Exit status: 0 done (the report may
 * still list what could not be carried over); 1 failed; 2 bad usage.
 */
import { formatReport, runImport, streamProgress } from '../importer/index.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, runIfScript, type CliIo } from './run.js';

const USAGE = `usage: npm run import:buttercms -- --target-url <ghee origin URL> --space <space id>
  [--page-types a,b] [--collections k1,k2] [--locales en,fr] [--source-url https://api.buttercms.com/v2]
  [--rps 5] [--media-timeout <seconds>] [--dry-run]
environment: BUTTER_READ_TOKEN, BUTTER_PREVIEW_TOKEN (drafts), GHEE_WRITE_TOKEN, GHEE_ADMIN_TOKEN
`;

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

export async function importButterCms(argv: string[], io: CliIo, env: NodeJS.ProcessEnv, stderr: NodeJS.WriteStream | null): Promise<number> {
  const parsed = parseCommandLine(argv, {
    'source-url': { type: 'string' },
    'target-url': { type: 'string' },
    space: { type: 'string' },
    'page-types': { type: 'string' },
    collections: { type: 'string' },
    locales: { type: 'string' },
    rps: { type: 'string' },
    'media-timeout': { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if ('error' in parsed) {
    io.err(`import:buttercms: ${parsed.error}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  const dryRun = v['dry-run'] === true;
  const missing = [
    ...(env.BUTTER_READ_TOKEN ? [] : ['BUTTER_READ_TOKEN']),
    ...(dryRun ? [] : [...(v['target-url'] ? [] : ['--target-url']), ...(v.space ? [] : ['--space']), ...(env.GHEE_WRITE_TOKEN ? [] : ['GHEE_WRITE_TOKEN']), ...(env.GHEE_ADMIN_TOKEN ? [] : ['GHEE_ADMIN_TOKEN'])]),
  ];
  if (missing.length) {
    io.err(`import:buttercms: missing ${missing.join(', ')}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const rps = v.rps === undefined ? 5 : Number(v.rps);
  const mediaTimeout = v['media-timeout'] === undefined ? 600 : Number(v['media-timeout']);
  if (!(rps > 0 && rps <= 50) || !(mediaTimeout >= 0 && mediaTimeout <= 86_400)) {
    io.err(`import:buttercms: --rps takes 0–50 requests a second, --media-timeout 0–86400 seconds\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    const report = await runImport({
      source: { baseUrl: v['source-url'] ?? 'https://api.buttercms.com/v2', readToken: env.BUTTER_READ_TOKEN!, previewToken: env.BUTTER_PREVIEW_TOKEN || undefined, rps },
      target: { url: v['target-url'] ?? '', spaceId: v.space ?? '', writeToken: env.GHEE_WRITE_TOKEN ?? '', adminToken: env.GHEE_ADMIN_TOKEN ?? '' },
      pageTypes: list(v['page-types']),
      collections: list(v.collections),
      locales: list(v.locales),
      dryRun,
      mediaTimeoutMs: mediaTimeout * 1000,
      ...(stderr ? { progress: streamProgress(stderr) } : {}),
    });
    io.out(formatReport(report, { schemas: dryRun }));
    return EXIT_OK;
  } catch (err) {
    io.err(`import:buttercms: ${err instanceof Error ? err.message.split('\n')[0] : 'failed'}\n`);
    return EXIT_FAILED;
  }
}

await runIfScript(import.meta.url, 'import:buttercms', (argv, io) => importButterCms(argv, io, process.env, process.stderr));
