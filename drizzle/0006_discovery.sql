CREATE TABLE "best_practices" (
	"content_id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"entry_kind" text DEFAULT 'practice' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"topic" text DEFAULT '' NOT NULL,
	"owner_id" text,
	"reverify_at" timestamp with time zone,
	"approved_version" integer,
	"approved_at" timestamp with time zone,
	"reviewer_id" text,
	"decided_at" timestamp with time zone,
	"reason" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"rank" double precision DEFAULT -1000000000 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_links" (
	"source_id" text NOT NULL,
	"target_id" text NOT NULL,
	"org_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "content_links_source_id_target_id_pk" PRIMARY KEY("source_id","target_id")
);
--> statement-breakpoint
CREATE TABLE "content_views" (
	"content_id" text NOT NULL,
	"user_id" text NOT NULL,
	"org_id" text NOT NULL,
	"department" text DEFAULT '' NOT NULL,
	"viewed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "content_views_content_id_user_id_pk" PRIMARY KEY("content_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "engagement" (
	"content_id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"kind" text NOT NULL,
	"score" double precision DEFAULT 0 NOT NULL,
	"score_at" timestamp with time zone NOT NULL,
	"viewers" integer DEFAULT 0 NOT NULL,
	"reactions" integer DEFAULT 0 NOT NULL,
	"comments" integer DEFAULT 0 NOT NULL,
	"saves" integer DEFAULT 0 NOT NULL,
	"shares" integer DEFAULT 0 NOT NULL,
	"links" integer DEFAULT 0 NOT NULL,
	"votes" integer DEFAULT 0 NOT NULL,
	"accepted" boolean DEFAULT false NOT NULL,
	"candidate_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "nominations" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"content_id" text NOT NULL,
	"nominator_id" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "saved_items" (
	"user_id" text NOT NULL,
	"content_id" text NOT NULL,
	"org_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "saved_items_user_id_content_id_pk" PRIMARY KEY("user_id","content_id")
);
--> statement-breakpoint
CREATE TABLE "shares" (
	"share_id" text PRIMARY KEY NOT NULL,
	"original_id" text NOT NULL,
	"org_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "best_practices" ADD CONSTRAINT "best_practices_content_id_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "best_practices" ADD CONSTRAINT "best_practices_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "best_practices" ADD CONSTRAINT "best_practices_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_links" ADD CONSTRAINT "content_links_source_id_content_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_links" ADD CONSTRAINT "content_links_target_id_content_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_views" ADD CONSTRAINT "content_views_content_id_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_views" ADD CONSTRAINT "content_views_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "engagement" ADD CONSTRAINT "engagement_content_id_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_content_id_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_nominator_id_users_id_fk" FOREIGN KEY ("nominator_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_items" ADD CONSTRAINT "saved_items_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_items" ADD CONSTRAINT "saved_items_content_id_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shares" ADD CONSTRAINT "shares_share_id_content_id_fk" FOREIGN KEY ("share_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shares" ADD CONSTRAINT "shares_original_id_content_id_fk" FOREIGN KEY ("original_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "best_practices_org_status_idx" ON "best_practices" USING btree ("org_id","status","approved_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "best_practices_org_rank_idx" ON "best_practices" USING btree ("org_id","status","rank" DESC NULLS LAST,"content_id");--> statement-breakpoint
CREATE INDEX "best_practices_reverify_idx" ON "best_practices" USING btree ("status","reverify_at");--> statement-breakpoint
CREATE INDEX "content_links_target_idx" ON "content_links" USING btree ("target_id");--> statement-breakpoint
CREATE INDEX "content_views_org_at_idx" ON "content_views" USING btree ("org_id","viewed_at");--> statement-breakpoint
CREATE INDEX "engagement_org_score_at_idx" ON "engagement" USING btree ("org_id","score_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "nominations_content_nominator_key" ON "nominations" USING btree ("content_id","nominator_id");--> statement-breakpoint
CREATE INDEX "nominations_org_created_idx" ON "nominations" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "saved_items_user_idx" ON "saved_items" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "shares_original_idx" ON "shares" USING btree ("original_id");