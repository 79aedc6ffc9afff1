/**
 * A TCP port free on 127.0.0.1 right now (the OS picks it; closed again before returning) — for
 * scratch servers: the backup drill's cluster, local test stand-ins, benches.
 */
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}
