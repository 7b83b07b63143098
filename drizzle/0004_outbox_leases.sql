ALTER TABLE "outbox_deliveries" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "outbox_deliveries" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "outbox_deliveries_pending_idx" ON "outbox_deliveries" USING btree ("consumer","event_id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_deliveries_dead_idx" ON "outbox_deliveries" USING btree ("consumer") WHERE status = 'dead';