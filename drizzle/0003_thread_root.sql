ALTER TABLE "content" ADD COLUMN "root_id" text;--> statement-breakpoint
CREATE INDEX "content_root_idx" ON "content" USING btree ("root_id");--> statement-breakpoint
-- Backfill: walk each item with a parent up to its top-most ancestor. A missing
-- ancestor becomes the root (a row that does not exist reads as closed: fail safe).
WITH RECURSIVE "walk" ("id", "cur", "next", "depth") AS (
  SELECT c."id", c."parent_id", p."parent_id", 1
    FROM "content" c LEFT JOIN "content" p ON p."id" = c."parent_id"
    WHERE c."parent_id" IS NOT NULL
  UNION ALL
  SELECT w."id", w."next", p."parent_id", w."depth" + 1
    FROM "walk" w JOIN "content" p ON p."id" = w."next"
    WHERE w."next" IS NOT NULL AND w."depth" < 64
), "roots" AS (
  SELECT DISTINCT ON ("id") "id", coalesce("next", "cur") AS "root_id" FROM "walk" ORDER BY "id", "depth" DESC
)
UPDATE "content" c SET "root_id" = r."root_id" FROM "roots" r WHERE r."id" = c."id";
--> statement-breakpoint
-- Every write path (the command, bulk loads, tests) gets the root from the parent row.
CREATE OR REPLACE FUNCTION "content_set_root"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."parent_id" IS NULL THEN
    NEW."root_id" := NULL;
  ELSE
    NEW."root_id" := coalesce((SELECT coalesce(p."root_id", p."id") FROM "content" p WHERE p."id" = NEW."parent_id"), NEW."parent_id");
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "content_set_root" BEFORE INSERT OR UPDATE OF "parent_id", "root_id" ON "content"
  FOR EACH ROW EXECUTE FUNCTION "content_set_root"();
