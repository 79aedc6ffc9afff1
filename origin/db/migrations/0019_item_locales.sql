-- One collection item keeps one id (meta.id) across its locales: item_id is unique per locale.
ALTER TABLE "collection_items" DROP CONSTRAINT "collection_items_item_id_unique";--> statement-breakpoint
ALTER TABLE "collection_items" ADD CONSTRAINT "collection_items_item_id_locale_unique" UNIQUE("item_id","locale");
