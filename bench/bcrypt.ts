/**
 * Password hashing cost and event-loop impact, measured in one run on one machine.
 *
 * 1. Milliseconds per `hashPassword` (HMAC pre-hash + bcrypt) at cost 10, 11 and 12, one at a time.
 * 2. Event-loop delay (perf_hooks.monitorEventLoopDelay) while idle vs while 100 hashes at cost 11
 *    run concurrently. @node-rs/bcrypt hashes on the libuv thread pool, so the loop should stay
 *    responsive: the ratio of the two p99 delays is printed (≈1 means not blocked). For contrast,
 *    the same number of synchronous hashes would block the loop for their whole duration.
 *
 * `npx tsx bench/bcrypt.ts` (BENCH_HASHES=… to change the per-cost sample, UV_THREADPOOL_SIZE to
 * change the pool).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashPassword } from '../origin/identity/passwords/passwords.js';

const SAMPLES = Number(process.env.BENCH_HASHES ?? 5);
const CONCURRENT = 100;
const pepper = randomBytes(32);
const opts = (cost: number) => ({ pepper, pepperVersion: 1, cost });

async function perHash(cost: number): Promise<number> {
  await hashPassword('warm-up', opts(cost));
  const started = performance.now();
  for (let i = 0; i < SAMPLES; i++) await hashPassword(`correct horse battery staple ${i}`, opts(cost));
  return (performance.now() - started) / SAMPLES;
}

interface LoopDelay {
  meanMs: number;
  p99Ms: number;
  maxMs: number;
}

async function loopDelayDuring(work: () => Promise<unknown>): Promise<LoopDelay & { wallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  h.disable();
  return { meanMs: h.mean / 1e6, p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6, wallMs };
}

const fmt = (n: number) => n.toFixed(1).padStart(8);

console.log(`bcrypt via @node-rs/bcrypt (libuv pool, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, ${availableParallelism()} CPUs)\n`);
console.log('cost   ms/hash');
const perCost = new Map<number, number>();
for (const cost of [10, 11, 12]) {
  const ms = await perHash(cost);
  perCost.set(cost, ms);
  console.log(`${String(cost).padStart(4)} ${fmt(ms)}`);
}

const idle = await loopDelayDuring(() => sleep(Math.max(1000, (perCost.get(11) ?? 100) * 5)));
const busy = await loopDelayDuring(() =>
  Promise.all(Array.from({ length: CONCURRENT }, (_, i) => hashPassword(`concurrent password ${i}`, opts(11)))),
);

console.log(`\nevent-loop delay (ms)           mean      p99      max`);
console.log(`idle                       ${fmt(idle.meanMs)} ${fmt(idle.p99Ms)} ${fmt(idle.maxMs)}`);
console.log(`${CONCURRENT} concurrent hashes (c11) ${fmt(busy.meanMs)} ${fmt(busy.p99Ms)} ${fmt(busy.maxMs)}   (${busy.wallMs.toFixed(0)} ms wall, ${(busy.wallMs / CONCURRENT).toFixed(1)} ms/hash throughput)`);
console.log(`\np99 ratio busy/idle: ${(busy.p99Ms / idle.p99Ms).toFixed(2)}   mean ratio: ${(busy.meanMs / idle.meanMs).toFixed(2)}`);
console.log(`(blocking the loop instead would have delayed it by ~${busy.wallMs.toFixed(0)} ms at once; what remains is`);
console.log(` CPU contention: the pool threads compete with the main thread when they outnumber the CPUs)`);
