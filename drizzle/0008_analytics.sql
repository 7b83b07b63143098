CREATE TABLE "analytics_accepted" (
	"answer_id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"question_id" text NOT NULL,
	"author_id" text NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_activity" (
	"user_id" text NOT NULL,
	"org_id" text NOT NULL,
	"day" date NOT NULL,
	CONSTRAINT "analytics_activity_user_id_day_pk" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
CREATE TABLE "analytics_cells" (
	"org_id" text NOT NULL,
	"dim" text NOT NULL,
	"week" date NOT NULL,
	"grp" text NOT NULL,
	"metric" text NOT NULL,
	"value" double precision NOT NULL,
	"people" integer NOT NULL,
	CONSTRAINT "analytics_cells_org_id_dim_week_grp_metric_pk" PRIMARY KEY("org_id","dim","week","grp","metric")
);
--> statement-breakpoint
CREATE TABLE "analytics_dirty" (
	"org_id" text NOT NULL,
	"week" date NOT NULL,
	CONSTRAINT "analytics_dirty_org_id_week_pk" PRIMARY KEY("org_id","week")
);
--> statement-breakpoint
CREATE TABLE "analytics_discovery" (
	"org_id" text NOT NULL,
	"content_id" text NOT NULL,
	"stage" text NOT NULL,
	"user_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "analytics_discovery_content_id_stage_user_id_pk" PRIMARY KEY("content_id","stage","user_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_settings" (
	"org_id" text PRIMARY KEY NOT NULL,
	"min_group_size" integer DEFAULT 5 NOT NULL,
	"minutes_per_answer" integer DEFAULT 15 NOT NULL,
	"answer_target_minutes" integer DEFAULT 120 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_accepted_org_idx" ON "analytics_accepted" USING btree ("org_id","accepted_at");--> statement-breakpoint
CREATE INDEX "analytics_accepted_question_idx" ON "analytics_accepted" USING btree ("question_id");--> statement-breakpoint
CREATE INDEX "analytics_activity_org_day_idx" ON "analytics_activity" USING btree ("org_id","day");--> statement-breakpoint
CREATE INDEX "analytics_discovery_org_idx" ON "analytics_discovery" USING btree ("org_id","at");--> statement-breakpoint
CREATE INDEX "reactions_created_idx" ON "reactions" USING btree ("created_at");