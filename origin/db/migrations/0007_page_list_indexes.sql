CREATE TABLE "page_counts" (
	"space_id" uuid NOT NULL,
	"page_type" text NOT NULL,
	"locale" text NOT NULL,
	"published" integer DEFAULT 0 NOT NULL,
	"live" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "page_counts_space_id_page_type_locale_pk" PRIMARY KEY("space_id","page_type","locale")
);
--> statement-breakpoint
DROP INDEX "pages_space_type_published_idx";--> statement-breakpoint
ALTER TABLE "page_counts" ADD CONSTRAINT "page_counts_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pages_list_published_idx" ON "pages" USING btree ("space_id","page_type","locale","published_at","id") WHERE "pages"."published" is not null and "pages"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "pages_published_fields_idx" ON "pages" USING gin (("published" -> 'fields') jsonb_path_ops) WHERE "pages"."published" is not null and "pages"."deleted_at" is null;--> statement-breakpoint
-- page_counts is kept exact by statement-level triggers (one upsert per list touched, in the
-- writing transaction, rows locked in key order). A space being deleted (cascading to its
-- pages) gets no new counter rows: its own rows cascade away.
CREATE FUNCTION "page_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM page_counts;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO page_counts AS c (space_id, page_type, locale, published, live)
    SELECT d.space_id, d.page_type, d.locale, sum(d.p)::int, sum(d.l)::int
    FROM (SELECT n.space_id, n.page_type, n.locale, (n.published IS NOT NULL AND n.deleted_at IS NULL)::int AS p, (n.deleted_at IS NULL)::int AS l FROM page_counts_new n) d
    WHERE EXISTS (SELECT 1 FROM spaces s WHERE s.id = d.space_id)
    GROUP BY d.space_id, d.page_type, d.locale
    HAVING sum(d.p) <> 0 OR sum(d.l) <> 0
    ORDER BY d.space_id, d.page_type, d.locale
    ON CONFLICT (space_id, page_type, locale) DO UPDATE SET published = c.published + excluded.published, live = c.live + excluded.live;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO page_counts AS c (space_id, page_type, locale, published, live)
    SELECT d.space_id, d.page_type, d.locale, sum(d.p)::int, sum(d.l)::int
    FROM (SELECT o.space_id, o.page_type, o.locale, -((o.published IS NOT NULL AND o.deleted_at IS NULL)::int) AS p, -((o.deleted_at IS NULL)::int) AS l FROM page_counts_old o) d
    WHERE EXISTS (SELECT 1 FROM spaces s WHERE s.id = d.space_id)
    GROUP BY d.space_id, d.page_type, d.locale
    HAVING sum(d.p) <> 0 OR sum(d.l) <> 0
    ORDER BY d.space_id, d.page_type, d.locale
    ON CONFLICT (space_id, page_type, locale) DO UPDATE SET published = c.published + excluded.published, live = c.live + excluded.live;
  ELSE
    INSERT INTO page_counts AS c (space_id, page_type, locale, published, live)
    SELECT d.space_id, d.page_type, d.locale, sum(d.p)::int, sum(d.l)::int
    FROM (
      SELECT n.space_id, n.page_type, n.locale, (n.published IS NOT NULL AND n.deleted_at IS NULL)::int AS p, (n.deleted_at IS NULL)::int AS l FROM page_counts_new n
      UNION ALL
      SELECT o.space_id, o.page_type, o.locale, -((o.published IS NOT NULL AND o.deleted_at IS NULL)::int), -((o.deleted_at IS NULL)::int) FROM page_counts_old o
    ) d
    WHERE EXISTS (SELECT 1 FROM spaces s WHERE s.id = d.space_id)
    GROUP BY d.space_id, d.page_type, d.locale
    HAVING sum(d.p) <> 0 OR sum(d.l) <> 0
    ORDER BY d.space_id, d.page_type, d.locale
    ON CONFLICT (space_id, page_type, locale) DO UPDATE SET published = c.published + excluded.published, live = c.live + excluded.live;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "page_counts_insert" AFTER INSERT ON "pages" REFERENCING NEW TABLE AS page_counts_new FOR EACH STATEMENT EXECUTE FUNCTION "page_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "page_counts_update" AFTER UPDATE ON "pages" REFERENCING OLD TABLE AS page_counts_old NEW TABLE AS page_counts_new FOR EACH STATEMENT EXECUTE FUNCTION "page_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "page_counts_delete" AFTER DELETE ON "pages" REFERENCING OLD TABLE AS page_counts_old FOR EACH STATEMENT EXECUTE FUNCTION "page_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "page_counts_truncate" AFTER TRUNCATE ON "pages" FOR EACH STATEMENT EXECUTE FUNCTION "page_counts_apply"();
--> statement-breakpoint
INSERT INTO "page_counts" ("space_id", "page_type", "locale", "published", "live")
SELECT "space_id", "page_type", "locale",
  (count(*) FILTER (WHERE "published" IS NOT NULL AND "deleted_at" IS NULL))::int,
  (count(*) FILTER (WHERE "deleted_at" IS NULL))::int
FROM "pages"
GROUP BY "space_id", "page_type", "locale";
