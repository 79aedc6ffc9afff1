/**
 * The public module of the outbox domain for the rest of the origin: what other domains and the
 * plumbing may use. Anything not exported here is this domain's own (a dependency-cruiser rule).
 */
export { SCHEDULER, commitAccountWrite, commitWrite, guardWrites, limitConcurrentWrites, onWritesCommitted } from './commit.js';
export type { Change, GuardedWrite, WriteActor, WriteAudit, WriteGuard, WriteScope } from './commit.js';
export { enqueuePurge } from './purge-outbox.js';
export { PurgeWorker } from './purge-worker.js';
export { createPurger } from './purgers.js';
export type { Purger } from './purgers.js';
export { collectionItemWebhookData, pageWebhookData, postWebhookData, WEBHOOK_SUBSCRIPTIONS } from './webhook-events.js';
export { WebhookWorker } from './webhook-worker.js';
export { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from './webhooks.js';
