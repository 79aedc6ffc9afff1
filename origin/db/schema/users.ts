import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Accounts. Email and name are personal data, stored as envelope tokens bound to the row
 * (origin/crypto/personal-data.ts: `personalAad('users', 'email' | 'name', id)`); `email_bidx` is
 * the keyed blind index of the lower-cased email that login, sign-up uniqueness, invitations and
 * SSO linking look up. It is null only for a row written before migration 0015 whose conversion
 * (run by `npm run migrate` and at start) has not reached it yet.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    emailEnc: text('email_enc').notNull(),
    emailBidx: text('email_bidx'),
    nameEnc: text('name_enc').notNull(),
    /** bcrypt over an HMAC pre-hash (identity issue); null until a password is set. */
    passwordHash: text('password_hash'),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_bidx_unique').on(t.emailBidx)],
);
