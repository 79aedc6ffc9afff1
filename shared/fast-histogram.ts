/**
 * A Prometheus histogram whose observations cost a few array operations and no allocation, for
 * the hot paths (the edge's cache hit, the origin's fast page read): each label set is a `Cell`
 * made once (keep it; observing through it does no label hashing), its buckets a Float64Array.
 * It is read the way prom-client reads its own metrics — register it in a prom-client Registry
 * with `registry.registerMetric(h as never)`: it has the `name`, `get()` and `reset()` a
 * registry uses, and `get()` answers prom-client's metric object (cumulative `_bucket` samples
 * with `le`, then `_sum` and `_count`), so the exposition and getMetricsAsJSON are prom-client's.
 * (prom-client's own Histogram hashes the label set on every observation: about 0.5–1 µs.)
 * No runtime import: portable, though only Node code registers it.
 */
import type { MetricValueWithName } from 'prom-client';

export interface Cell {
  readonly labels: Readonly<Record<string, string>>;
  /** Per-bucket (not cumulative) counts; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export class FastHistogram<L extends string> {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #bounds: readonly number[];
  readonly #cells = new Map<string, Cell>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    buckets: readonly number[],
  ) {
    this.#bounds = [...buckets].sort((a, b) => a - b);
  }

  /** The cell of one label set (made on first use; the same object after). */
  cell(labels: Readonly<Record<L, string>>): Cell {
    const key = this.labelNames.map((n) => labels[n]).join('\u0000');
    let c = this.#cells.get(key);
    if (!c) {
      const own: Record<string, string> = {};
      for (const n of this.labelNames) own[n] = labels[n];
      c = { labels: own, counts: new Float64Array(this.#bounds.length + 1), sum: 0, count: 0 };
      this.#cells.set(key, c);
    }
    return c;
  }

  /** One observation (seconds, bytes…) in `cell`. */
  observeCell(cell: Cell, value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    cell.counts[i]! += 1;
    cell.sum += value;
    cell.count += 1;
  }

  /** One observation by label set (a map lookup: for paths that are not hot). */
  observe(labels: Readonly<Record<L, string>>, value: number): void {
    this.observeCell(this.cell(labels), value);
  }

  reset(): void {
    for (const c of this.#cells.values()) {
      c.counts.fill(0);
      c.sum = 0;
      c.count = 0;
    }
  }

  /** prom-client's metric object for this histogram. */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; values: MetricValueWithName<string>[]; aggregator: 'sum' }> {
    const values: MetricValueWithName<string>[] = [];
    const bucket = `${this.name}_bucket`;
    for (const c of this.#cells.values()) {
      if (c.count === 0) continue;
      let acc = 0;
      this.#bounds.forEach((le, i) => {
        acc += c.counts[i]!;
        values.push({ labels: { le, ...c.labels }, value: acc, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf', ...c.labels }, value: c.count, metricName: bucket });
      values.push({ labels: { ...c.labels }, value: c.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...c.labels }, value: c.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }
}
