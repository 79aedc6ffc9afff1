/**
 * The importer's progress on stderr: a bar redrawn in place on a terminal, a few plain lines
 * (start, quarters, end) when stderr is a pipe or a file.
 */
import { describe, expect, it } from 'vitest';
import { streamProgress } from './progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, s: { isTTY, write: (t: string) => written.push(t) } as unknown as NodeJS.WriteStream };
}

describe('streamProgress', () => {
  it('draws a bar in place on a terminal, and ends the line', () => {
    const { written, s } = stream(true);
    const p = streamProgress(s);
    p.phase('pages', 4);
    p.tick();
    p.tick(2);
    p.end();
    expect(written[0]).toBe(`\rpages        [${'-'.repeat(30)}] 0/4`);
    expect(written).toContain(`\rpages        [${'#'.repeat(23)}${'-'.repeat(7)}] 3/4`);
    expect(written.slice(-2)).toEqual([`\rpages        [${'#'.repeat(30)}] 4/4`, '\n']);
    expect(written.every((w) => !w.includes('\n') || w === '\n')).toBe(true);
  });

  it('writes plain lines, one per quarter, when not a terminal', () => {
    const { written, s } = stream(false);
    const p = streamProgress(s);
    p.phase('posts', 100);
    for (let i = 0; i < 100; i++) p.tick();
    p.end();
    expect(written).toEqual(['posts: 0/100\n', 'posts: 25/100\n', 'posts: 50/100\n', 'posts: 75/100\n', 'posts: 100/100\n']);
  });
});
