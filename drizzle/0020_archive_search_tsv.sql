DROP INDEX "archive_records_text_idx";--> statement-breakpoint
ALTER TABLE "archive_records" ADD COLUMN "search_tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(data->>'title', '') || ' ' || coalesce(data->>'text', ''))) STORED;--> statement-breakpoint
CREATE INDEX "archive_records_tsv_idx" ON "archive_records" USING gin ("search_tsv");