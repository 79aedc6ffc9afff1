-- Personal data encrypted at rest (issue 16; origin/crypto/personal-data.ts). SQL cannot encrypt:
-- the columns are renamed to their *_enc names with their values unchanged, and the conversion
-- (origin/governance/personal-data.ts, run by `npm run migrate` and at every start before serving)
-- encrypts every value that is not yet an envelope token and fills the blind indexes, in batches.
ALTER TABLE "users" RENAME COLUMN "email" TO "email_enc";
--> statement-breakpoint
ALTER TABLE "users" RENAME COLUMN "name" TO "name_enc";
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_bidx" text;
--> statement-breakpoint
DROP INDEX "users_email_lower_unique";
--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_bidx_unique" ON "users" USING btree ("email_bidx");
--> statement-breakpoint
ALTER TABLE "invitations" RENAME COLUMN "email" TO "email_enc";
--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "email_bidx" text;
--> statement-breakpoint
CREATE INDEX "invitations_email_bidx_idx" ON "invitations" USING btree ("email_bidx");
--> statement-breakpoint
ALTER TABLE "sessions" RENAME COLUMN "ip" TO "ip_enc";
--> statement-breakpoint
ALTER TABLE "sessions" RENAME COLUMN "user_agent" TO "user_agent_enc";
--> statement-breakpoint
ALTER TABLE "security_events" RENAME COLUMN "actor_ip" TO "actor_ip_enc";
--> statement-breakpoint
ALTER TABLE "scim_users" RENAME COLUMN "user_name" TO "user_name_enc";
--> statement-breakpoint
ALTER TABLE "scim_users" ADD COLUMN "user_name_bidx" text;
--> statement-breakpoint
DROP INDEX "scim_users_org_user_name_unique";
--> statement-breakpoint
CREATE UNIQUE INDEX "scim_users_org_user_name_bidx_unique" ON "scim_users" USING btree ("organization_id","user_name_bidx");
--> statement-breakpoint
ALTER TABLE "scim_users" ALTER COLUMN "attributes" DROP DEFAULT;
--> statement-breakpoint
ALTER TABLE "scim_users" ALTER COLUMN "attributes" SET DATA TYPE text USING "attributes"::text;
--> statement-breakpoint
ALTER TABLE "scim_users" RENAME COLUMN "attributes" TO "attributes_enc";
--> statement-breakpoint
CREATE TABLE "key_rotation_progress" (
	"target_version" integer NOT NULL,
	"column_ref" text NOT NULL,
	"last_id" text,
	"rows_done" bigint DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "key_rotation_progress_target_version_column_ref_pk" PRIMARY KEY("target_version","column_ref")
);
