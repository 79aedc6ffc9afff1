ALTER TABLE "page_revisions" ADD COLUMN "created_by_user" uuid;--> statement-breakpoint
ALTER TABLE "collection_item_revisions" ADD COLUMN "created_by_user" uuid;--> statement-breakpoint
ALTER TABLE "post_revisions" ADD COLUMN "created_by_user" uuid;