/**
 * The audit writer. It takes the caller's transaction, so the row commits (or rolls back)
 * with the change it records; failures that change nothing are written on their own.
 */
import type { Db } from '../db/client.js';
import { auditEvents } from '../db/schema/index.js';

export interface AuditActor {
  userId?: string | null;
  keyId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEvent {
  action: string;
  result: 'success' | 'failure';
  organizationId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  /** Never secrets: ids, reasons, role names. */
  metadata?: Record<string, unknown>;
}

const MAX_USER_AGENT = 512;

export async function audit(tx: Db, actor: AuditActor, event: AuditEvent): Promise<void> {
  await tx.insert(auditEvents).values({
    organizationId: event.organizationId ?? null,
    actorUserId: actor.userId ?? null,
    actorKeyId: actor.keyId ?? null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    ip: actor.ip ?? null,
    userAgent: actor.userAgent ? actor.userAgent.slice(0, MAX_USER_AGENT) : null,
    result: event.result,
    metadata: event.metadata ?? {},
  });
}
