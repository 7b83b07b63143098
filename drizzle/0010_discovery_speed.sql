ALTER TABLE "best_practices" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "engagement" ADD COLUMN "rank" double precision DEFAULT -1000000000 NOT NULL;--> statement-breakpoint
-- backfill: the rank key of every engagement row (rankOf in app/discovery/signals.server.ts, half-life 72 h)
UPDATE "engagement" SET "rank" = log(2, greatest("score", 0.001)::numeric)::float8 + extract(epoch from "score_at")::float8 / 259200;--> statement-breakpoint
-- backfill: the approved version's searchable text (the library shows only items whose version is still the approved one)
UPDATE "best_practices" bp SET "search_text" = coalesce(c."title", '') || ' ' || c."body_text" || ' ' || bp."topic"
  FROM "content" c WHERE c."id" = bp."content_id" AND bp."status" = 'approved';--> statement-breakpoint
CREATE INDEX "best_practices_org_topic_rank_idx" ON "best_practices" USING btree ("org_id","status","topic","rank" DESC NULLS LAST,"content_id");--> statement-breakpoint
CREATE INDEX "best_practices_search_idx" ON "best_practices" USING gin (to_tsvector('simple', "search_text"));--> statement-breakpoint
CREATE INDEX "engagement_org_rank_idx" ON "engagement" USING btree ("org_id","rank" DESC NULLS LAST,"content_id") WHERE kind in ('post', 'answer');--> statement-breakpoint
CREATE INDEX "engagement_org_faq_idx" ON "engagement" USING btree ("org_id","content_id") WHERE kind = 'question' and (viewers >= 25 or links >= 2);