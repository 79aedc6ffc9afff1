CREATE TABLE "media_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"space_id" uuid NOT NULL,
	"url" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"asset_id" uuid,
	"sha256" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "media_imports_space_url_unique" UNIQUE("space_id","url")
);
--> statement-breakpoint
CREATE TABLE "media_import_refs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"import_id" uuid NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rewritten_at" timestamp with time zone,
	CONSTRAINT "media_import_refs_import_resource_unique" UNIQUE("import_id","resource_type","resource_id")
);
--> statement-breakpoint
ALTER TABLE "media_imports" ADD CONSTRAINT "media_imports_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_imports" ADD CONSTRAINT "media_imports_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_import_refs" ADD CONSTRAINT "media_import_refs_import_id_media_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."media_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_imports_due_idx" ON "media_imports" USING btree ("next_attempt_at") WHERE "media_imports"."status" in ('pending', 'retrying');--> statement-breakpoint
CREATE INDEX "media_imports_space_status_idx" ON "media_imports" USING btree ("space_id","status","created_at");--> statement-breakpoint
CREATE INDEX "media_import_refs_open_idx" ON "media_import_refs" USING btree ("import_id") WHERE "media_import_refs"."rewritten_at" is null;
