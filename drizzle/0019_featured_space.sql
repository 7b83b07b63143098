ALTER TABLE "best_practices" ADD COLUMN "space_id" text;--> statement-breakpoint
-- Every insert takes the item's space from content (a post never changes space), so the app,
-- seeds and benchmarks cannot forget it.
CREATE OR REPLACE FUNCTION best_practices_space() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.space_id := (SELECT c.space_id FROM content c WHERE c.id = NEW.content_id);
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER best_practices_space BEFORE INSERT ON best_practices FOR EACH ROW EXECUTE FUNCTION best_practices_space();--> statement-breakpoint
UPDATE best_practices bp SET space_id = c.space_id FROM content c WHERE c.id = bp.content_id AND c.space_id IS NOT NULL;
