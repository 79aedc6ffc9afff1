/**
 * A gate: at most `size` holders at once; the others wait in memory, in arrival order. Used where
 * a burst must not take a shared resource from everything else (the commit step's database
 * connections, SSO sign-ins' share of the event loop).
 */
export class Gate {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = Math.max(1, size);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }

  /** Holders waiting for a place. */
  get waiting(): number {
    return this.#waiting.length;
  }
}

/**
 * One gate per key (e.g. an SSO connection), made on first use and dropped when idle, so one
 * key's burst — or one identity provider that answers slowly — holds only its own places.
 * `run` refuses (returns `full`) when `maxWaiting` are already waiting for that key.
 */
export class KeyedGates {
  readonly #gates = new Map<string, { gate: Gate; users: number }>();

  constructor(
    private readonly size: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T | typeof FULL> {
    let g = this.#gates.get(key);
    if (!g) this.#gates.set(key, (g = { gate: new Gate(this.size), users: 0 }));
    if (g.gate.waiting >= this.maxWaiting) return FULL;
    g.users++;
    try {
      return await g.gate.run(work);
    } finally {
      if (--g.users === 0) this.#gates.delete(key);
    }
  }
}

/** What `KeyedGates.run` answers when too many are already waiting. */
export const FULL: unique symbol = Symbol('full');
