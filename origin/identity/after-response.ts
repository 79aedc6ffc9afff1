/**
 * Work done after the answer, for unauthenticated identity requests that name an email. A
 * password reset request does only account-independent work before answering (validation,
 * rate limits) and runs the lookup, the token and the mail here, so neither its answer nor its
 * timing tells an attacker which emails exist; sign-ups queue their mail here. A slow or
 * failing mail server never delays an answer.
 *
 * Tasks run one at a time, in order, each after the current turn of the event loop (so the
 * response is written first). A failing task is logged by its label and error name/code only —
 * never the email, the message or the error text (which may quote statement parameters). The
 * queue is bounded: beyond `maxPending` tasks a new one is dropped and logged (the requester
 * can ask again; the per-IP limits keep honest use far below the bound).
 */

export interface AfterResponseLogger {
  error(obj: object, msg: string): void;
}

export class AfterResponseQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly maxPending = 1000) {}

  /** Queues `task`; false when the queue is full (the task is dropped and logged). */
  enqueue(logger: AfterResponseLogger, label: string, task: () => Promise<void>): boolean {
    if (this.pending >= this.maxPending) {
      logger.error({ task: label, pending: this.pending }, 'after-response queue full; task dropped');
      return false;
    }
    this.pending++;
    this.tail = this.tail
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(task)
      .catch((err: unknown) => {
        logger.error({ task: label, error: describe(err) }, 'after-response task failed');
      })
      .finally(() => {
        this.pending--;
      });
    return true;
  }

  /** How many tasks are queued or running. */
  get size(): number {
    return this.pending;
  }

  /** Resolves once every task queued so far has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}

/** The error's kind only: its text may quote an email or a statement's parameters. */
function describe(err: unknown): { name: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: typeof err };
}
