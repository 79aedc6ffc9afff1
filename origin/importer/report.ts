/**
 * The closing report of an import, as text: what was found, created, updated, left unchanged
 * and refused, the inferred schemas (the review a `--dry-run` is for), and everything that could
 * not be carried over, each with its reason.
 */
import type { ImportReport } from './run.js';

export function formatReport(r: ImportReport, opts: { schemas: boolean }): string {
  const lines: string[] = [];
  const t = (name: string, x: { created: number; updated: number; unchanged: number; failed: number }) =>
    `  ${name.padEnd(8)} created ${x.created}, updated ${x.updated}, unchanged ${x.unchanged}${x.failed ? `, refused ${x.failed}` : ''}`;
  lines.push(r.dryRun ? 'ButterCMS import — dry run (nothing written)' : 'ButterCMS import');
  lines.push(`  found    ${r.found.pages} pages, ${r.found.items} collection items, ${r.found.posts} posts, ${r.found.authors} authors, ${r.found.media} media files`);
  if (!r.dryRun) {
    lines.push(t('model', r.model), t('pages', r.pages), t('items', r.items), t('posts', r.posts), t('authors', r.authors));
    lines.push(`  media    imported ${r.media.imported}, failed ${r.media.failed.length}`);
  }
  lines.push(`  ${r.sourceRequests} ButterCMS requests, ${r.targetWrites} ghee writes, ${r.seconds.toFixed(1)} s`);
  if (opts.schemas) {
    lines.push('', 'Inferred schemas (review before importing):');
    for (const [slug, fields] of Object.entries(r.schemas.pageTypes)) lines.push(`  page type ${slug}: ${JSON.stringify(fields)}`);
    for (const [key, fields] of Object.entries(r.schemas.collections)) lines.push(`  collection ${key}: ${JSON.stringify(fields)}`);
  }
  if (r.unmapped.length) {
    lines.push('', `Not carried over (${r.unmapped.length}):`);
    for (const u of r.unmapped) lines.push(`  - ${u.what}: ${u.why}`);
  }
  return `${lines.join('\n')}\n`;
}
