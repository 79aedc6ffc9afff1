/**
 * A gate: at most `size` holders at once; the others wait in memory, in arrival order. Used where
 * a burst must not take a shared resource from everything else (the commit step's database
 * connections). SSO sign-ins have their own rate-based admission (origin/identity/sso/admission.ts).
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
