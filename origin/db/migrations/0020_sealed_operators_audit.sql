-- Operators' email and name and the audit trail's client address and user agent sealed at rest
-- (issue 16; origin/crypto/personal-data.ts). SQL cannot encrypt: the columns are renamed to their
-- *_enc names with their values unchanged, and the conversion (origin/governance/keys.ts, run by
-- `npm run db:migrate` and at every start before serving) seals every value that is not yet an
-- envelope token and fills operators' email blind index, in batches. The audit chain is unchanged:
-- format 2 rows hash a salted digest of the plaintext, format 1 rows are verified on the opened values.
ALTER TABLE "operators" RENAME COLUMN "email" TO "email_enc";
--> statement-breakpoint
ALTER TABLE "operators" RENAME COLUMN "name" TO "name_enc";
--> statement-breakpoint
ALTER TABLE "operators" ADD COLUMN "email_bidx" text;
--> statement-breakpoint
DROP INDEX "operators_email_lower_unique";
--> statement-breakpoint
CREATE UNIQUE INDEX "operators_email_bidx_unique" ON "operators" USING btree ("email_bidx");
--> statement-breakpoint
ALTER TABLE "audit_events" RENAME COLUMN "ip" TO "ip_enc";
--> statement-breakpoint
ALTER TABLE "audit_events" RENAME COLUMN "user_agent" TO "user_agent_enc";
--> statement-breakpoint
-- What the conversion looks for at every start: empty once every row is sealed (no scan of the audit trail).
CREATE INDEX "audit_events_ip_unsealed_idx" ON "audit_events" USING btree ("id") WHERE "audit_events"."ip_enc" not like 'env1.%';
--> statement-breakpoint
CREATE INDEX "audit_events_user_agent_unsealed_idx" ON "audit_events" USING btree ("id") WHERE "audit_events"."user_agent_enc" not like 'env1.%';
