import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * Login sessions. The cookie carries an opaque 256-bit token; only its SHA-256 is stored.
 * A session ends at `expires_at` (absolute lifetime), after the idle timeout since
 * `last_seen_at`, or when revoked (logout, log out everywhere, password / 2FA change).
 * `reauthenticated_at` is when the user last proved their password in this session (login,
 * POST /v1/auth/reauthenticate); sensitive changes need it recent. Null: never (sessions
 * created before the column existed), which counts as stale.
 * `auth_method` is how the user signed in ('password', or 'sso' through `sso_connection_id`,
 * which organizations can cap and whose deprovisioning ends the session).
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    /** Personal data: envelope tokens (`personalAad('sessions', 'ip' | 'user_agent', id)`). */
    ipEnc: text('ip_enc'),
    userAgentEnc: text('user_agent_enc'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    reauthenticatedAt: timestamp('reauthenticated_at', { withTimezone: true }),
    authMethod: text('auth_method', { enum: ['password', 'sso'] }).notNull().default('password'),
    ssoConnectionId: uuid('sso_connection_id'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
