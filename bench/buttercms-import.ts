/**
 * How long `npm run import:buttercms` takes for an account of a given size: a generated
 * ButterCMS stand-in account (test/helpers/buttercms-standin.ts) of PAGES landing pages in two
 * locales, ITEMS collection items, POSTS posts and one media file per page, imported into a fresh
 * ghee (Postgres from TEST_DATABASE_URL, else PGlite) at RPS requests a second, then imported
 * again (the idempotent re-run). Prints the counts, requests, writes and seconds of both runs.
 *   PAGES=200 ITEMS=50 POSTS=100 RPS=40 npx tsx bench/buttercms-import.ts
 */
import { MediaImportWorker } from '../origin/content/index.js';
import { runImport, type ImportOptions, type Progress } from '../origin/importer/index.js';
import { createLogger } from '../origin/logger.js';
import { startButterStandin, standinAccount, type StandinAccount } from '../test/helpers/buttercms-standin.js';
import { startTestOrigin } from '../test/helpers/stack.js';

const PAGES = Number(process.env.PAGES ?? 200);
const ITEMS = Number(process.env.ITEMS ?? 50);
const POSTS = Number(process.env.POSTS ?? 100);
const RPS = Number(process.env.RPS ?? 40);

function account(base: string): StandinAccount {
  const small = standinAccount(base);
  const [spring] = small.pages;
  const [faq] = small.collections.faq!;
  const [post] = small.posts;
  const media = { ...small.media };
  const pages = Array.from({ length: PAGES }, (_, i) => {
    const file = `bench-${i}.png`;
    media[file] = Buffer.concat([small.media['inline.png']!, Buffer.from(file)]);
    const version = (locale: 'en' | 'fr') => ({ ...spring!.live![locale]!, headline: `Page ${i} ${locale}`, hero: `${base}/cdn/${file}`, related: [{ $page: `landing/page-${(i + 1) % PAGES}` }], faq: { $item: `faq/${1000 + (i % ITEMS)}` } });
    return { ...spring!, slug: `page-${i}`, name: `Page ${i}`, live: { en: version('en'), fr: version('fr') }, draft: undefined };
  });
  const items = Array.from({ length: ITEMS }, (_, i) => ({ ...faq!, id: 1000 + i, fields: { en: { ...faq!.fields.en!, question: `Q${i}?` }, fr: { ...faq!.fields.fr!, question: `Q${i} (fr) ?` } } }));
  const posts = Array.from({ length: POSTS }, (_, i) => ({ ...post!, slug: `post-${i}`, title: `Post ${i}`, published: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString() }));
  return { ...small, pages, collections: { faq: items }, posts, media };
}

const standin = await startButterStandin(account, { maxPerSecond: RPS + 10 });
const origin = await startTestOrigin({ MEDIA_IMPORT_ALLOW_LOOPBACK: 'true' });
const worker = new MediaImportWorker({ db: origin.database.db, logger: createLogger('silent'), allowLoopback: true, batchSize: 8 });
worker.start(100);
try {
  const options: ImportOptions = {
    source: { baseUrl: standin.api, readToken: standin.readToken, previewToken: standin.previewToken, rps: RPS, pageSize: 100 },
    target: { url: origin.server.url, spaceId: origin.seed.spaceId, writeToken: origin.seed.keys.write, adminToken: origin.seed.keys.admin },
    pageTypes: ['landing'],
    collections: ['faq'],
    locales: ['en', 'fr'],
  };
  for (const run of ['first run', 're-run']) {
    // Seconds per phase (read, model, media, items, pages, posts).
    const phases = new Map<string, number>();
    let current = '';
    let since = Date.now();
    const progress: Progress = {
      phase: (name) => {
        if (name === current) return;
        phases.set(current, (phases.get(current) ?? 0) + (Date.now() - since) / 1000);
        current = name;
        since = Date.now();
      },
      tick: () => {},
      end: () => {},
    };
    const r = await runImport({ ...options, progress });
    progress.phase('(end)', 0);
    phases.delete('');
    const resources = r.found.pages + r.found.items + r.found.posts + r.found.authors;
    console.log(
      `${run}: ${r.found.pages} pages × 2 locales, ${r.found.items} items, ${r.found.posts} posts, ${r.found.authors} authors, ${r.found.media} media — ` +
        `pages ${JSON.stringify(r.pages)}, items ${JSON.stringify(r.items)}, posts ${JSON.stringify(r.posts)}, media ${r.media.imported} imported / ${r.media.failed.length} failed; ` +
        `${r.sourceRequests} ButterCMS requests (peak ${standin.stats.peakPerSecond}/s, ${standin.stats.throttled} throttled), ${r.targetWrites} ghee writes, ${r.seconds.toFixed(1)} s (${(resources / r.seconds).toFixed(1)} resources/s); not carried over: ${r.unmapped.length}`,
    );
    console.log(`  phases: ${[...phases].map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`);
  }
} finally {
  await worker.stop();
  await origin.stop();
  await standin.close();
}
