import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The audit trail: one row per auth or access-control event, written in the same
 * transaction as the change it records. Actor and target are plain ids (no foreign keys),
 * so rows outlive what they describe.
 *
 * Tamper-evident: every row written by `audit()` (origin/audit/audit.ts) belongs to a hash
 * chain — its organization's, or 'global' for rows without one — with seq 1, 2, 3 … and
 * hash = SHA-256 over the canonical form of the row and the previous row's hash. Rows written
 * before the chain existed have all four columns null ("legacy"). The unique (chain, seq)
 * index means a chain cannot fork.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id'),
    actorUserId: uuid('actor_user_id'),
    actorKeyId: uuid('actor_key_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /**
     * The client address and user agent, sealed (origin/crypto/personal-data.ts:
     * `personalAad('audit_events', 'ip' | 'user_agent', id)`) — migration 0020; the chain covers
     * the plaintext (format 2: through personal_digest), never the tokens.
     */
    ipEnc: text('ip_enc'),
    userAgentEnc: text('user_agent_enc'),
    result: text('result', { enum: ['success', 'failure'] }).notNull(),
    metadata: jsonb('metadata').notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    chain: text('chain'),
    seq: bigint('seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
    /**
     * Chain format 2 (origin/audit/audit.ts): the hash covers this digest of the row's personal
     * data (ip, user agent) instead of the values, so erasing them (values and salt nulled,
     * digest kept) leaves the chain verifiable. Null on older rows.
     */
    personalDigest: text('personal_digest'),
    personalSalt: text('personal_salt'),
  },
  (t) => [
    index('audit_events_org_idx').on(t.organizationId, t.createdAt),
    index('audit_events_actor_idx').on(t.actorUserId, t.createdAt),
    uniqueIndex('audit_events_chain_seq_idx').on(t.chain, t.seq),
    /** Retention (origin/governance/retention) deletes each chain's oldest rows by age. */
    index('audit_events_created_idx').on(t.chain, t.createdAt),
    /**
     * Rows whose ip / user agent still await sealing (written before migration 0020): what the
     * conversion at every start looks for (origin/governance/keys.ts) — empty once converted, so
     * the check does not scan the largest table at each start.
     */
    index('audit_events_ip_unsealed_idx').on(t.id).where(sql`${t.ipEnc} not like 'env1.%'`),
    index('audit_events_user_agent_unsealed_idx').on(t.id).where(sql`${t.userAgentEnc} not like 'env1.%'`),
  ],
);
