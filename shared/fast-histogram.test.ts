import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastHistogram } from './fast-histogram.js';

describe('FastHistogram', () => {
  it('exposes exactly what prom-client’s own Histogram exposes for the same observations (text and JSON)', async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({ name: 'h_seconds', help: 'A histogram.', labelNames: ['route', 'method'] as const, buckets, registers: [theirs] });
    const fast = new FastHistogram('h_seconds', 'A histogram.', ['route', 'method'] as const, buckets);
    ours.registerMetric(fast as never);
    const cell = fast.cell({ route: '/a/:id', method: 'GET' });
    const observations: [Record<'route' | 'method', string>, number][] = [
      [{ route: '/a/:id', method: 'GET' }, 0.0005],
      [{ route: '/a/:id', method: 'GET' }, 0.001], // on a bound: counted in it (le is inclusive)
      [{ route: '/a/:id', method: 'GET' }, 0.05],
      [{ route: '/a/:id', method: 'GET' }, 7],
      [{ route: 'other', method: 'POST' }, 0.2],
    ];
    for (const [labels, v] of observations) {
      reference.observe(labels, v);
      if (labels.route === '/a/:id') fast.observeCell(cell, v);
      else fast.observe(labels, v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    // The same samples (prom-client's own also carries an empty `exemplar` on each).
    const withoutExemplars = (families: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      families.map((f) => ({ ...f, values: f.values.map(({ labels, value, metricName }: { labels: unknown; value: number; metricName?: string }) => ({ labels, value, metricName })) }));
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()));
  });

  it('makes each label set’s cell once, and reset empties it', async () => {
    const fast = new FastHistogram('r_seconds', 'R.', ['route'] as const, [1]);
    const a = fast.cell({ route: 'x' });
    expect(fast.cell({ route: 'x' })).toBe(a);
    fast.observeCell(a, 0.5);
    expect((await fast.get()).values.find((v) => v.metricName === 'r_seconds_count')?.value).toBe(1);
    fast.reset();
    expect((await fast.get()).values).toEqual([]);
  });
});
