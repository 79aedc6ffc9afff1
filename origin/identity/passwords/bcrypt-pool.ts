/**
 * bcrypt on a small pool of worker threads running at a lower CPU priority (nice 10 on Linux).
 * Hashing never runs on the event loop; on a busy machine it also yields CPU to the threads
 * serving reads, so a burst of logins cannot push content-read latency up (bench/login-load.ts).
 * At most `size` hashes run at once (default: cores − 1, at least 1); the rest queue in order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

type Job = { op: 'hash'; input: string; cost: number } | { op: 'verify'; input: string; hash: string };
interface Pending {
  job: Job;
  resolve: (v: string | boolean) => void;
  reject: (e: Error) => void;
}

const WORKER_URL = new URL('./bcrypt-worker.mjs', import.meta.url);

export class BcryptPool {
  readonly size: number;
  readonly #idle: Worker[] = [];
  readonly #queue: Pending[] = [];
  readonly #inFlight = new Map<Worker, Pending>();
  #workers = 0;
  #nextId = 0;

  constructor(opts: { size?: number; nice?: number } = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism() - 1);
    this.nice = opts.nice ?? 19;
  }

  private readonly nice: number;

  hash(input: string, cost: number): Promise<string> {
    return this.#submit({ op: 'hash', input, cost }) as Promise<string>;
  }

  verify(input: string, hash: string): Promise<boolean> {
    return this.#submit({ op: 'verify', input, hash }) as Promise<boolean>;
  }

  /** Ends the workers (idle ones at once; busy ones after their job). */
  async close(): Promise<void> {
    const all = [...this.#idle, ...this.#inFlight.keys()];
    this.#idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
    this.#workers = 0;
  }

  #submit(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      let worker = this.#idle.pop();
      if (!worker && this.#workers < this.size) worker = this.#spawn();
      if (!worker) return;
      const next = this.#queue.shift()!;
      this.#inFlight.set(worker, next);
      worker.postMessage({ id: this.#nextId++, ...next.job });
    }
  }

  #spawn(): Worker {
    const worker = new Worker(WORKER_URL, { workerData: { nice: this.nice } });
    this.#workers++;
    worker.unref();
    worker.on('message', (msg: { result?: string | boolean; error?: string }) => {
      const done = this.#inFlight.get(worker);
      this.#inFlight.delete(worker);
      this.#idle.push(worker);
      if (done) {
        if (msg.error !== undefined) done.reject(new Error(msg.error));
        else done.resolve(msg.result!);
      }
      this.#pump();
    });
    worker.on('error', (err) => {
      const done = this.#inFlight.get(worker);
      this.#inFlight.delete(worker);
      this.#workers--;
      done?.reject(err);
      this.#pump();
    });
    return worker;
  }
}

let shared: BcryptPool | null = null;

/** The process-wide pool (created on first use). */
export function bcryptPool(): BcryptPool {
  shared ??= new BcryptPool();
  return shared;
}
