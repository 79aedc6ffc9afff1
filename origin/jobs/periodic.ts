import type { Logger } from '../logger.js';

/**
 * Runs a job's `runOnce` every `intervalMs` (measured from the end of a run, so runs never
 * overlap), logging failures instead of dying, and lets `stop()` wait for the run in flight.
 * The loop of the scheduler and the key revoker.
 */
export class PeriodicRunner {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #current: Promise<unknown> | null = null;
  #running = false;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly run: () => Promise<unknown>,
  ) {}

  start(intervalMs: number): void {
    if (this.#running) return;
    this.#running = true;
    const tick = async () => {
      this.#timer = null;
      if (!this.#running) return;
      this.#current = this.run().catch((err: unknown) => this.logger.error({ error: err instanceof Error ? err.message : String(err) }, `${this.name} run failed`));
      await this.#current;
      this.#current = null;
      if (this.#running) {
        this.#timer = setTimeout(() => void tick(), intervalMs);
        this.#timer.unref();
      }
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#current;
  }
}
