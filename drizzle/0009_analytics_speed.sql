CREATE TABLE "analytics_space_weeks" (
	"org_id" text NOT NULL,
	"week" date NOT NULL,
	"space_id" text NOT NULL,
	"contributions" double precision,
	"posts" double precision,
	"questions" double precision,
	"answered" double precision,
	"contributions_partial" boolean DEFAULT false NOT NULL,
	"posts_partial" boolean DEFAULT false NOT NULL,
	"questions_partial" boolean DEFAULT false NOT NULL,
	"answered_partial" boolean DEFAULT false NOT NULL,
	CONSTRAINT "analytics_space_weeks_org_id_week_space_id_pk" PRIMARY KEY("org_id","week","space_id")
);
--> statement-breakpoint
CREATE INDEX "analytics_cells_group_idx" ON "analytics_cells" USING btree ("org_id","dim","grp","week");--> statement-breakpoint
CREATE INDEX "users_manager_idx" ON "users" USING btree ("manager_id");--> statement-breakpoint
-- weeks rolled up before this table existed are recomputed by the next rollup job
INSERT INTO "analytics_dirty" ("org_id", "week") SELECT DISTINCT "org_id", "week" FROM "analytics_cells" ON CONFLICT DO NOTHING;
