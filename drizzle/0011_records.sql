CREATE TABLE "legal_holds" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"matter" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"custodian_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"space_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"from_at" timestamp with time zone,
	"to_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	"released_by" text,
	"release_reason" text
);
--> statement-breakpoint
CREATE TABLE "record_exports" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"requested_by" text NOT NULL,
	"search" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"file_name" text,
	"sha256" text,
	"bytes" bigint,
	"error" text,
	"claimed_by" text,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "records_settings" (
	"org_id" text PRIMARY KEY NOT NULL,
	"min_retention_days" integer NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_policies" (
	"org_id" text NOT NULL,
	"space_id" text DEFAULT '' NOT NULL,
	"days" integer NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "retention_policies_org_id_space_id_pk" PRIMARY KEY("org_id","space_id")
);
--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_exports" ADD CONSTRAINT "record_exports_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records_settings" ADD CONSTRAINT "records_settings_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_policies" ADD CONSTRAINT "retention_policies_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "legal_holds_org_idx" ON "legal_holds" USING btree ("org_id","released_at");--> statement-breakpoint
CREATE INDEX "record_exports_org_idx" ON "record_exports" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "record_exports_status_idx" ON "record_exports" USING btree ("status","claimed_until");--> statement-breakpoint
CREATE INDEX "archive_records_text_idx" ON "archive_records" USING gin (to_tsvector('simple', coalesce("data"->>'title', '') || ' ' || coalesce("data"->>'text', '')));--> statement-breakpoint
CREATE INDEX "archive_records_org_at_idx" ON "archive_records" USING btree ("org_id","at","id");--> statement-breakpoint
CREATE INDEX "archive_records_actor_idx" ON "archive_records" USING btree ("org_id","actor_id","at");--> statement-breakpoint
CREATE INDEX "archive_records_author_idx" ON "archive_records" USING btree ("org_id",("data"->>'authorId'));