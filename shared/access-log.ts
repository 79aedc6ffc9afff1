/**
 * ACCESS_LOG: which per-request access lines are written (both sides; the lines are `info`
 * lines, so nothing below LOG_LEVEL is written whatever this says):
 *
 *   off          none
 *   all          every request
 *   sample:R     one request in round(1/R), 0 < R ≤ 1 — counted, not random, so the share is
 *                exact and costs one increment
 *
 * The origin defaults to `all`, the Node edge to `sample:0.01`. Metrics count every request
 * whatever this says.
 */

const SAMPLE = /^sample:([0-9]{0,2}\.?[0-9]{1,9})$/;

/** ACCESS_LOG as "every n-th request" (0: none); throws on anything else. */
export function parseAccessLog(value: string): { every: number } {
  const v = value.trim().toLowerCase();
  if (v === 'off') return { every: 0 };
  if (v === 'all') return { every: 1 };
  const m = SAMPLE.exec(v);
  const rate = m ? Number(m[1]) : Number.NaN;
  if (!(rate > 0 && rate <= 1)) throw new Error(`ACCESS_LOG must be off, all or sample:<rate> with 0 < rate ≤ 1 (got ${JSON.stringify(value)})`);
  return { every: Math.max(1, Math.round(1 / rate)) };
}

/** True when `value` is a valid ACCESS_LOG. */
export function isAccessLog(value: string): boolean {
  try {
    parseAccessLog(value);
    return true;
  } catch {
    return false;
  }
}

/** A sampler taking every `every`-th call (the 1st, the (every+1)-th, …); never when every is 0. */
export function accessSampler(every: number): () => boolean {
  if (every <= 0) return () => false;
  if (every === 1) return () => true;
  let n = 0;
  return () => {
    const take = n === 0;
    n = n + 1 === every ? 0 : n + 1;
    return take;
  };
}
