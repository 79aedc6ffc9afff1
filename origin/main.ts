/**
 * Standalone origin process: config → database (+ migrations) → HTTP(S) server, with
 * graceful shutdown on SIGTERM/SIGINT. `npm start` uses scripts/start.ts instead, which also
 * seeds the demo and starts the Node edge in front.
 */
import { ConfigError } from '../shared/config.js';
import { newApp } from './app.js';
import { loadOriginConfig, type OriginConfig } from './config.js';
import { createDatabase, type Database } from './db/client.js';
import { createLogger, type Logger } from './logger.js';
import { listen, type RunningServer } from './server.js';

export interface StartedOrigin {
  config: OriginConfig;
  database: Database;
  logger: Logger;
  server: RunningServer;
  stop(): Promise<void>;
}

export async function startOrigin(config: OriginConfig, logger = createLogger(config.LOG_LEVEL)): Promise<StartedOrigin> {
  const database = await createDatabase(config);
  await database.migrate();
  const server = await listen(newApp({ config, database, logger }), config, logger);
  let stopping: Promise<void> | null = null;
  return {
    config,
    database,
    logger,
    server,
    stop: () =>
      (stopping ??= (async () => {
        await server.close();
        await database.close();
      })()),
  };
}

/** Stops `stop` once on SIGTERM/SIGINT; a second signal exits at once. */
export function onShutdownSignal(stop: () => Promise<void>, logger: Logger): void {
  let signalled = false;
  const handler = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** Loads config or prints the one clear line and exits 1. */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfigOrExit(() => loadOriginConfig());
  const origin = await startOrigin(config);
  onShutdownSignal(origin.stop, origin.logger);
}
