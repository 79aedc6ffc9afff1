/**
 * Sign-in admission (admission.ts) on a controlled clock (fake timers; the admission reads
 * Date.now()): the rate, FIFO within a connection, round robin across connections, the
 * per-connection in-flight cap, refusals (timeout, full, aborted) that never run the step, no
 * rate bound at rate 0, and memory bounded whatever keys a caller sends.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Refusal, SHARED_KEY, SignInAdmission, type AdmissionSettings } from './admission.js';

const make = (s: Partial<AdmissionSettings>) => new SignInAdmission({ rate: 10, maxWaitMs: 60_000, perKey: 100, now: () => Date.now(), ...s });

/** A step whose work ends when the test says so. */
function held() {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  let ran = false;
  return {
    work: async () => {
      ran = true;
      await done;
      return 'ran';
    },
    release,
    get ran() {
      return ran;
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('sign-in admission', () => {
  it('admits at the rate: a burst of 21 unit steps at 10 units/s is let in one every 100 ms, none refused', async () => {
    const a = make({ rate: 10 });
    const t0 = Date.now();
    const at: number[] = [];
    const all = Array.from({ length: 21 }, () => a.run('org-a', 1, async () => at.push(Date.now() - t0)));
    await vi.advanceTimersByTimeAsync(1999);
    expect(at.length).toBe(20);
    await vi.advanceTimersByTimeAsync(1);
    expect(at).toEqual(Array.from({ length: 21 }, (_, i) => i * 100));
    expect((await Promise.all(all)).some((r) => r instanceof Refusal)).toBe(false);
    expect(a.stats).toEqual({ waiting: 0, keys: 0, admitted: 21, refused: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('charges each step its cost: steps of 0.25 units go four times as often as whole ones', async () => {
    const a = make({ rate: 4 });
    let n = 0;
    const all = Array.from({ length: 9 }, () => a.run('org-a', 0.25, async () => n++));
    // Four at once from the full bucket (one unit), then one per 0.25 units / 4 units/s = 62.5 ms.
    await vi.advanceTimersByTimeAsync(0);
    expect(n).toBe(4);
    await vi.advanceTimersByTimeAsync(250);
    expect(n).toBe(8);
    await vi.advanceTimersByTimeAsync(63);
    expect(n).toBe(9);
    await Promise.all(all);
  });

  it('a step dearer than the bucket goes when it is full, and the next one waits for the debt', async () => {
    const a = make({ rate: 10 });
    const at: number[] = [];
    const t0 = Date.now();
    const all = [2, 1, 1].map((cost) => a.run('org-a', cost, async () => at.push(Date.now() - t0)));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    // 2 units at once (bucket full), then −1 → 0 → 1 takes 200 ms; then 100 ms more.
    expect(at).toEqual([0, 200, 300]);
  });

  it('serves one key first come, first served', async () => {
    const a = make({ rate: 20 });
    const order: number[] = [];
    const all = Array.from({ length: 8 }, (_, i) => a.run('org-a', 1, async () => order.push(i)));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("turns go round robin: one organization's surge of 50 delays another's sign-in by one turn at most", async () => {
    const a = make({ rate: 10 });
    const order: string[] = [];
    const surge = Array.from({ length: 50 }, (_, i) => a.run('org-a', 1, async () => order.push(`a${i}`)));
    await vi.advanceTimersByTimeAsync(250); // a0 (bucket), a1, a2 in; 47 still waiting
    const b = a.run('org-b', 1, async () => order.push('b'));
    const c = a.run('org-c', 1, async () => order.push('c'));
    await vi.advanceTimersByTimeAsync(400);
    // After b and c joined: one turn of a, then b, then c — not 47 of a's.
    expect(order.slice(0, 6)).toEqual(['a0', 'a1', 'a2', 'a3', 'b', 'c']);
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all([...surge, b, c]);
    expect(order.filter((s) => s.startsWith('a'))).toEqual(Array.from({ length: 50 }, (_, i) => `a${i}`));
  });

  it('lets at most perKey steps of one key run at once; another key is not held by it', async () => {
    const a = make({ rate: 0, perKey: 2 });
    const steps = Array.from({ length: 5 }, () => held());
    let running = 0;
    let most = 0;
    const all = steps.map((s) =>
      a.run('slow-idp', 1, async () => {
        running++;
        most = Math.max(most, running);
        await s.work();
        running--;
      }),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(steps.map((s) => s.ran)).toEqual([true, true, false, false, false]);
    // Another organization's sign-in goes at once.
    expect(await a.run('org-b', 1, async () => 'b')).toBe('b');
    steps[0]!.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(steps.map((s) => s.ran)).toEqual([true, true, true, false, false]);
    for (const s of steps) s.release();
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all(all);
    expect(most).toBe(2);
    expect(a.stats.keys).toBe(0);
  });

  it('refuses a step not admitted within maxWaitMs (timeout): its work never runs, its place is gone', async () => {
    const a = make({ rate: 100, perKey: 1, maxWaitMs: 500 });
    const first = held();
    const running = a.run('org-a', 1, first.work);
    const late = held();
    const waiting = a.run('org-a', 1, late.work);
    await vi.advanceTimersByTimeAsync(499);
    expect(a.stats.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const r = await waiting;
    expect(r).toBeInstanceOf(Refusal);
    expect((r as Refusal).refused).toBe('timeout');
    expect((r as Refusal).retryAfterS).toBeGreaterThanOrEqual(1);
    expect(a.stats.waiting).toBe(0);
    first.release();
    expect(await running).toBe('ran');
    await vi.advanceTimersByTimeAsync(1000);
    expect(late.ran).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses at once (full) a step its key could not serve within maxWaitMs even alone', async () => {
    const a = make({ rate: 2, maxWaitMs: 1200 }); // 2.4 units of waiting per key
    const ran: number[] = [];
    const admitted = [0, 1, 2].map((i) => a.run('org-a', 1, async () => ran.push(i))); // 0 at once, 1 and 2 wait (2 units)
    const refused = await a.run('org-a', 1, async () => ran.push(3));
    expect(refused).toBeInstanceOf(Refusal);
    expect((refused as Refusal).refused).toBe('full');
    // Retry when what waits ahead has gone through: 2 units + this one at 2 units/s.
    expect((refused as Refusal).retryAfterS).toBe(2);
    await vi.advanceTimersByTimeAsync(1000); // 1 at 500 ms, 2 at 1000 ms: within 1200
    await Promise.all(admitted);
    expect(ran).toEqual([0, 1, 2]);
    expect(a.stats.refused).toBe(1);
  });

  it('a waiter whose client went away leaves the queue; the next one takes its turn', async () => {
    const a = make({ rate: 0, perKey: 1 });
    const first = held();
    const running = a.run('org-a', 1, first.work);
    const gone = new AbortController();
    const leaver = held();
    const left = a.run('org-a', 1, leaver.work, () => gone.signal);
    const stays = held();
    const next = a.run('org-a', 1, stays.work);
    await vi.advanceTimersByTimeAsync(10);
    expect(a.stats.waiting).toBe(2);
    gone.abort();
    const r = await left;
    expect(r).toBeInstanceOf(Refusal);
    expect((r as Refusal).refused).toBe('aborted');
    expect(a.stats.waiting).toBe(1);
    first.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(stays.ran).toBe(true);
    expect(leaver.ran).toBe(false);
    stays.release();
    await Promise.all([running, next]);
    // Already aborted when it would wait: refused without waiting.
    const blocker = held();
    const b = a.run('org-a', 1, blocker.work);
    expect(((await a.run('org-a', 1, async () => 'x', () => AbortSignal.abort())) as Refusal).refused).toBe('aborted');
    blocker.release();
    await b;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rate 0 bounds only the in-flight places: a burst goes at once', async () => {
    const a = make({ rate: 0, perKey: 3 });
    let n = 0;
    await Promise.all(Array.from({ length: 50 }, () => a.run('org-a', 1, async () => n++)));
    expect(n).toBe(50); // no time passed
    expect(a.stats.refused).toBe(0);
  });

  it('a step that throws gives its place back', async () => {
    const a = make({ rate: 0, perKey: 1 });
    await expect(
      a.run('org-a', 1, async () => {
        throw new Error('idp down');
      }),
    ).rejects.toThrow('idp down');
    expect(await a.run('org-a', 1, async () => 'next')).toBe('next');
    expect(a.stats.keys).toBe(0);
  });

  it('whatever the caller cannot vouch for shares one queue: a flood of it costs a real organization one turn', async () => {
    const a = make({ rate: 10, maxWaitMs: 5_000 });
    const flood = Array.from({ length: 1000 }, () => a.run(SHARED_KEY, 1, async () => 'garbage'));
    // Bounded by what 5 s at 10 units/s can serve: the rest refused at once.
    expect(a.stats.waiting).toBe(50);
    const order: string[] = [];
    const legit = a.run('org-legit', 1, async () => order.push('legit'));
    await vi.advanceTimersByTimeAsync(200); // the shared queue's turn, then the organization's
    expect(order).toEqual(['legit']);
    await vi.advanceTimersByTimeAsync(10_000);
    const results = await Promise.all(flood);
    const why = (r: unknown) => (r instanceof Refusal ? r.refused : 'ran');
    // 949 refused at once; the organization's turn pushed the 50th waiter past 5 s.
    expect(results.filter((r) => why(r) === 'full').length).toBe(949);
    expect(results.filter((r) => why(r) === 'timeout').length).toBe(1);
    await legit;
    expect(a.stats).toMatchObject({ waiting: 0, keys: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('random keys cannot grow memory without bound: past maxKeys new keys share one queue, and empty keys are dropped', async () => {
    const a = make({ rate: 10, maxKeys: 10, maxWaitMs: 5_000 });
    const steps = Array.from({ length: 1000 }, (_, i) => a.run(`garbage-${i}-${Math.random()}`, 1, async () => 'x'));
    expect(a.stats.keys).toBe(11); // 10 keys + the shared one
    expect(a.stats.waiting).toBeLessThanOrEqual(9 + 50);
    await vi.advanceTimersByTimeAsync(10_000);
    const results = await Promise.all(steps);
    // The rate bounds them all together: what 5 s at 10 units/s serves (+ the full bucket); the rest refused.
    expect(results.filter((r) => r === 'x').length).toBe(51);
    expect(a.stats).toMatchObject({ waiting: 0, keys: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('caps waiters per key and in all (also without a rate bound)', async () => {
    const a = make({ rate: 0, perKey: 1, maxWaitingPerKey: 3, maxWaiting: 5 });
    const blockers = ['k1', 'k2', 'k3'].map((k) => ({ k, h: held() }));
    const running = blockers.map(({ k, h }) => a.run(k, 1, h.work));
    const queued = [a.run('k1', 1, async () => 1), a.run('k1', 1, async () => 1), a.run('k1', 1, async () => 1)];
    expect(((await a.run('k1', 1, async () => 1)) as Refusal).refused).toBe('full'); // 3 wait on k1
    queued.push(a.run('k2', 1, async () => 2), a.run('k3', 1, async () => 3));
    expect(((await a.run('k2', 1, async () => 2)) as Refusal).refused).toBe('full'); // 5 wait in all
    expect(((await a.run('k3', 1, async () => 3)) as Refusal).retryAfterS).toBe(1); // no rate: come back in 1 s
    for (const { h } of blockers) h.release();
    await Promise.all([...running, ...queued]);
    expect(a.stats).toMatchObject({ waiting: 0, keys: 0, refused: 3, admitted: 8 });
  });
});
