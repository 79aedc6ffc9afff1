/**
 * The public module of the audit domain for the rest of the origin: what other domains and the
 * plumbing may use. Anything not exported here is this domain's own (a dependency-cruiser rule).
 */
export { audit, auditCheckpointKeySet, canonicalJson, onAudit, openAuditPersonal, resignAuditCheckpoints, setAuditCheckpointKey, setAuditPersonalData, signAuditCheckpoint, verifyAuditChain } from './audit.js';
export type { AuditActor, AuditEvent, AuditListener, ChainBreakReason, CheckpointFields } from './audit.js';
