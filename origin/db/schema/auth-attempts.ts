import { bigserial, boolean, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Attempts at rate-limited auth actions (login, sign-up, reset, 2FA), per account and per
 * IP, in Postgres so the counters hold across origin instances. Old rows are pruned.
 */
export const authAttempts = pgTable(
  'auth_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    action: text('action').notNull(),
    /** The keyed blind index (origin/crypto/personal-data.ts) of lower(email) or the user id; null for per-IP-only actions. */
    account: text('account'),
    /** The keyed blind index of the client address (personal data: never stored as such). */
    ip: text('ip').notNull(),
    success: boolean('success').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('auth_attempts_account_idx').on(t.action, t.account, t.createdAt), index('auth_attempts_ip_idx').on(t.action, t.ip, t.createdAt)],
);

/** Captcha solutions already redeemed (single use), kept until they expire. */
export const captchaUses = pgTable('captcha_uses', {
  signature: text('signature').primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
