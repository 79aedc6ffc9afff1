/**
 * Admission control for SSO sign-in work in one origin process: the login start, the OIDC
 * callback and the SAML ACS take their turn here before they do anything.
 *
 * Why: a sign-in costs the origin's main thread about 3 ms of CPU (two HTTP requests, the state
 * row, the code redemption at the IdP, the ID token or XML signature checks, the login
 * transaction: user, membership, session, audit row) and, unlike a password login (bcrypt runs
 * on the thread pool, which bounds the rate), nothing else bounds how many run per second. 100
 * browsers signing in at once made 128 sign-ins/s, ~41% of the thread, and content reads' p99
 * went from 2 to 11 ms (bench/sso-login-load.ts). A bound on concurrency alone does not help:
 * a sign-in spends most of its time waiting on the IdP and Postgres, so a few places still turn
 * over a hundred times a second.
 *
 * So the budget is a rate: a token bucket refilled at `rate` sign-in units per second (one unit
 * ≈ one OpenID Connect sign-in: its start costs START_COST, its callback CALLBACK_COST; a SAML
 * ACS costs ACS_COST — its XML signature check is dearer). The bucket holds at most one unit, so
 * sign-ins are spread evenly over the second rather than let in by the dozen. At the default 30
 * units/s sign-ins take ≈ 11% of the thread on the reference machine (30 × 3.6–4.2 ms; content
 * reads' p99 under 100 browsers signing in stayed within 1.00× idle in two quiet runs — 40 gave
 * 1.00–2.50×, no bound 5.75–8.00×); a surge is served in arrival order at that rate while
 * content reads keep their latency: 240 people at 9:00 are signed in within ≈ 8 s by one
 * process, each waiting, none refused. Past what
 * rate × maxWaitMs serves, the rest are told to come back (503 + Retry-After) rather than
 * everyone being slowed down.
 *
 * Fairness: each key (an SSO connection, i.e. one organization's IdP) has its own FIFO queue,
 * and turns go round-robin across the keys that have someone waiting — one organization's
 * surge delays another's sign-ins by one turn at most, whatever its size. A key also has at most
 * `perKey` steps in flight (a slow IdP holds only its own places).
 *
 * Refusals (the caller answers 503 + Retry-After; the step did nothing, wrote nothing):
 *  - a step that waited `maxWaitMs` (routes.ts keeps it within half ORIGIN_REQUEST_TIMEOUT_MS:
 *    a request the deadline answered must not still run later);
 *  - at once, a step whose key already has more waiting than the whole budget serves within
 *    `maxWaitMs` (rate × maxWaitMs) — it could not be served in time even alone.
 * A waiter whose client went away (`signal` aborted) leaves the queue.
 *
 * Memory stays bounded whatever the keys callers send: a key's state exists only while a step of
 * it waits or runs; at most `maxKeys` keys exist at once (past that, a new key shares SHARED_KEY's
 * queue); a key holds at most `maxWaitingPerKey` waiters and all keys together `maxWaiting`
 * (past either, refused at once). The caller maps what it cannot vouch for — an unknown
 * connection id, a garbage OIDC state — to SHARED_KEY, so random keys cannot multiply the
 * round-robin turns either: all of them together get one turn per round.
 *
 * Trade-off (documented for operators): a lower rate keeps reads faster under a surge and makes
 * a surge take longer to sign in; `rate` 0 turns the rate bound off (only `perKey` and the
 * waiting caps remain).
 */

/**
 * Cost of each step, in sign-in units (one unit ≈ one whole OpenID Connect sign-in ≈ 3.2–3.5 ms
 * of the origin's main thread). bench/sso-login-load.ts measures the split: a login start alone
 * (state row, authorization URL) is 0.11–0.12 of a sign-in; the callback (code redemption,
 * ID-token checks, the login transaction) the rest.
 */
export const START_COST = 0.15;
export const CALLBACK_COST = 0.85;
/**
 * The ACS verifies an XML signature, then logs in: bench/saml-acs.ts measured 9–10.5 ms of main
 * thread per ACS against 3.5–6.9 ms per OIDC sign-in on the same (busy) machine, so 2 units (a
 * cost above the bucket's one unit is taken as debt: the next step waits for it to refill).
 */
export const ACS_COST = 2;

/** The key of whatever the caller cannot vouch for (and of new keys past `maxKeys`): one queue, one turn per round. */
export const SHARED_KEY = '';

export interface AdmissionSettings {
  /** Sign-in units per second this process admits; 0 = no rate bound. */
  rate: number;
  /** Longest wait for a turn, ms. */
  maxWaitMs: number;
  /** Steps of one key in flight at once. */
  perKey: number;
  /** Keys at once (default 1,000); a new key past it shares SHARED_KEY. */
  maxKeys?: number;
  /** Waiters of one key (default 1,000). */
  maxWaitingPerKey?: number;
  /** Waiters of all keys (default 10,000). */
  maxWaiting?: number;
  /** The clock (ms, monotonic); tests pass a controllable one. */
  now?: () => number;
}

/** Why a step was not admitted, and when to come back. */
export class Refusal {
  constructor(
    readonly refused: 'full' | 'timeout' | 'aborted',
    readonly retryAfterS: number,
  ) {}
}

interface Waiter {
  cost: number;
  admit: () => void;
  refuse: (why: Refusal['refused']) => void;
}

interface KeyState {
  waiting: Waiter[];
  inFlight: number;
  queuedCost: number;
}

/** The bucket holds one unit at most: sign-ins are spread over the second, not let in by the dozen. */
const BUCKET = 1;

/**
 * This process's sign-in steps over every admission (one per app): waiting now, admitted and
 * refused (by why) so far — read by the metrics (origin/ops/metrics/auth.ts), as a scrape of the
 * process sees them.
 */
const processTotals = { waiting: 0, admitted: 0, refused: { full: 0, timeout: 0, aborted: 0 } as Record<Refusal['refused'], number> };

/** A copy of this process's admission totals (see processTotals). */
export function signInAdmissionTotals(): { waiting: number; admitted: number; refused: Readonly<Record<Refusal['refused'], number>> } {
  return { waiting: processTotals.waiting, admitted: processTotals.admitted, refused: { ...processTotals.refused } };
}

export class SignInAdmission {
  readonly #keys = new Map<string, KeyState>();
  /** Keys with someone waiting, in round-robin order (served: moved to the end). */
  readonly #ring = new Map<string, KeyState>();
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #maxWaitingPerKey: number;
  readonly #maxWaiting: number;
  #waiting = 0;
  #tokens = BUCKET;
  #refilledAt: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #admitted = 0;
  #refused = 0;

  constructor(private readonly settings: AdmissionSettings) {
    this.#now = settings.now ?? (() => performance.now());
    this.#maxKeys = settings.maxKeys ?? 1000;
    this.#maxWaitingPerKey = settings.maxWaitingPerKey ?? 1000;
    this.#maxWaiting = settings.maxWaiting ?? 10_000;
    this.#refilledAt = this.#now();
  }

  /** `work` once admitted, or a Refusal (work never ran). `abortSignal`: read only if the step has to wait. */
  async run<T>(requestedKey: string, cost: number, work: () => Promise<T>, abortSignal?: () => AbortSignal | undefined): Promise<T | Refusal> {
    const key = this.#keys.has(requestedKey) || this.#keys.size < this.#maxKeys ? requestedKey : SHARED_KEY;
    const k = this.#keys.get(key) ?? this.#newKey(key);
    const unbounded = this.settings.rate <= 0;
    if (k.waiting.length === 0 && k.inFlight < this.settings.perKey && (unbounded || (this.#ring.size === 0 && this.#take(cost)))) {
      // Fast path: nobody waiting ahead, a place and budget free.
      k.inFlight++;
    } else {
      const full =
        k.waiting.length >= this.#maxWaitingPerKey || this.#waiting >= this.#maxWaiting || (!unbounded && k.queuedCost + cost > (this.settings.rate * this.settings.maxWaitMs) / 1000);
      if (full) {
        this.#dropIfIdle(key, k);
        return this.#refusal('full', k);
      }
      const signal = abortSignal?.();
      const why = await new Promise<Refusal['refused'] | null>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined = undefined;
        const leave = (w: Waiter, reason: Refusal['refused']) => {
          const i = k.waiting.indexOf(w);
          if (i < 0) return;
          k.waiting.splice(i, 1);
          k.queuedCost -= w.cost;
          this.#waiting--;
          processTotals.waiting--;
          if (k.waiting.length === 0) {
            k.queuedCost = 0;
            this.#ring.delete(key);
          }
          w.refuse(reason);
          // Its leaving may let the next one in (the head of a key that waited behind it).
          this.#dispatch();
        };
        const onAbort = () => leave(waiter, 'aborted');
        const settle = (v: Refusal['refused'] | null) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        };
        const waiter: Waiter = { cost, admit: () => settle(null), refuse: settle };
        k.waiting.push(waiter);
        k.queuedCost += cost;
        this.#waiting++;
        processTotals.waiting++;
        if (!this.#ring.has(key)) this.#ring.set(key, k);
        if (signal?.aborted) return leave(waiter, 'aborted');
        timer = setTimeout(() => leave(waiter, 'timeout'), this.settings.maxWaitMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#dispatch();
      });
      if (why) {
        this.#dropIfIdle(key, k);
        return this.#refusal(why, k);
      }
    }
    // Admitted: its place in k.inFlight is taken (here or by #dispatch).
    this.#admitted++;
    processTotals.admitted++;
    try {
      return await work();
    } finally {
      k.inFlight--;
      this.#dropIfIdle(key, k);
      this.#dispatch();
    }
  }

  /** Counters for tests, metrics and the bench: waiting now, keys now, admitted and refused so far. */
  get stats(): { waiting: number; keys: number; admitted: number; refused: number } {
    return { waiting: this.#waiting, keys: this.#keys.size, admitted: this.#admitted, refused: this.#refused };
  }

  #newKey(key: string): KeyState {
    const k: KeyState = { waiting: [], inFlight: 0, queuedCost: 0 };
    this.#keys.set(key, k);
    return k;
  }

  #dropIfIdle(key: string, k: KeyState) {
    if (k.inFlight === 0 && k.waiting.length === 0 && this.#keys.get(key) === k) this.#keys.delete(key);
  }

  #refill() {
    const now = this.#now();
    this.#tokens = Math.min(BUCKET, this.#tokens + ((now - this.#refilledAt) / 1000) * this.settings.rate);
    this.#refilledAt = now;
  }

  #take(cost: number): boolean {
    this.#refill();
    if (this.#tokens < Math.min(cost, BUCKET)) return false;
    this.#tokens -= cost;
    return true;
  }

  /** Lets in whoever's turn it is, as far as budget and places allow; else waits for the budget. */
  #dispatch() {
    const unbounded = this.settings.rate <= 0;
    for (;;) {
      let next: [string, KeyState] | undefined;
      for (const entry of this.#ring) {
        if (entry[1].inFlight < this.settings.perKey) {
          next = entry;
          break;
        }
      }
      // Nobody can go now: the next one waits for a place (a step that ends dispatches again).
      if (!next) return;
      const [key, k] = next;
      const w = k.waiting[0]!;
      if (!unbounded && !this.#take(w.cost)) {
        if (this.#timer === undefined) {
          const ms = Math.max(1, Math.ceil(((Math.min(w.cost, BUCKET) - this.#tokens) / this.settings.rate) * 1000));
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            this.#dispatch();
          }, ms);
        }
        return;
      }
      k.waiting.shift();
      k.queuedCost -= w.cost;
      this.#waiting--;
      processTotals.waiting--;
      // Round robin: the key served goes to the end of the turn order.
      this.#ring.delete(key);
      if (k.waiting.length > 0) this.#ring.set(key, k);
      else k.queuedCost = 0; // no float drift left behind
      k.inFlight++;
      w.admit();
    }
  }

  #refusal(why: Refusal['refused'], k: KeyState): Refusal {
    this.#refused++;
    processTotals.refused[why]++;
    // Long enough for what waits ahead on this key to be served (1 s without a rate bound).
    const s = this.settings.rate > 0 ? Math.ceil((k.queuedCost + 1) / this.settings.rate) : 1;
    return new Refusal(why, Math.max(1, s));
  }
}
