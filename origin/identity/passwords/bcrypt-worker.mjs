// bcrypt off the main thread at a lower CPU priority (see bcrypt-pool.ts). Plain JavaScript so
// it runs as a worker under Node, tsx and vitest alike.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/bcrypt';

try {
  // On Linux, pid 0 is this thread only: the loop serving requests keeps its priority.
  setPriority(0, workerData?.nice ?? 10);
} catch {
  // Not permitted or not supported: run at normal priority.
}

parentPort.on('message', (msg) => {
  try {
    const result = msg.op === 'hash' ? hashSync(msg.input, msg.cost) : verifySync(msg.input, msg.hash);
    parentPort.postMessage({ id: msg.id, result });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: err instanceof Error ? err.message : 'bcrypt failed' });
  }
});
