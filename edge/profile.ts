/**
 * Step timings of the hit path, for finding where a hit's time goes under Viceroy
 * (`BENCH_PROFILE=1 npx tsx bench/viceroy-hit.ts`). Off everywhere else: the edge bundle is built
 * with GHEE_PROFILE defined as `false` (scripts/edge-bundle.mjs) and Node never defines it, so
 * `mark` returns at once. The profiling build defines it as `true`; then the entry point logs
 * one `profile` line per hit served by the hit path.
 */
declare const GHEE_PROFILE: boolean | undefined;

export const profiling: boolean = typeof GHEE_PROFILE !== 'undefined' && GHEE_PROFILE;

let active = false;
let last = 0;
let steps: Record<string, number> = {};

/** Starts timing a request (marks before this — the build-time warm-up, where no clock may be read — record nothing). */
export function beginProfile(): void {
  if (!profiling) return;
  active = true;
  steps = {};
  last = performance.now();
}

/** Ends the step `name`: the milliseconds since the previous mark (or beginProfile). */
export function mark(name: string): void {
  if (!active) return;
  const now = performance.now();
  steps[name] = (steps[name] ?? 0) + (now - last);
  last = now;
}

/** The steps timed since beginProfile, in milliseconds. */
export function profileSteps(): Readonly<Record<string, number>> {
  return steps;
}
