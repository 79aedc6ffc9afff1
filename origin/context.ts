/**
 * What the origin's app is built from (OriginDeps) and what its routes, middleware and fast read
 * path are handed (AppContext). Types only, in a module of their own, so that the app (which
 * imports every route) and the routes (which need the context) do not import each other.
 */
import type { OriginConfig } from './config.js';
import type { Envelope } from './crypto/envelope.js';
import type { Database } from './db/client.js';
import type { AfterResponseQueue } from './identity/index.js';
import type { MailTransport } from './identity/index.js';
import type { Logger } from './logger.js';
import type { IdentityContext } from './identity/index.js';
import type { KeyUsageSink } from './identity/index.js';

export interface OriginDeps {
  config: OriginConfig;
  database: Database;
  logger: Logger;
  /** Encrypts secrets at rest; shared with the workers that decrypt them. */
  envelope: Envelope;
  /** Seconds since the epoch; injectable for tests. */
  now?: () => number;
  /** Told after a write committed rows to the purge outbox (the worker drains at once). */
  onPurgeQueued?: () => void;
  /** Outgoing mail (verification, reset, invitations); default: logged (local use). */
  mail?: MailTransport;
  /** Batches API keys' last-used times (origin/identity/keys/key-usage.ts); none = not recorded. */
  keyUsage?: KeyUsageSink;
  /** Work done after an answer (reset and sign-up mail); the owner drains it at shutdown. Default: one of the app's own. */
  afterResponse?: AfterResponseQueue;
}

export type AppContext = Required<Omit<OriginDeps, 'mail' | 'keyUsage' | 'afterResponse'>> & { identity: IdentityContext; keyUsage?: KeyUsageSink };
