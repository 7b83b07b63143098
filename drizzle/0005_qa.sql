CREATE TABLE "qa_answer_health" (
	"answer_id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"status" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"reverify_at" timestamp with time zone,
	"marked_by" text NOT NULL,
	"marked_at" timestamp with time zone NOT NULL,
	"reminded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "qa_questions" (
	"content_id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"duplicate_of_id" text,
	"accepted_answer_id" text,
	"target_minutes" integer NOT NULL,
	"route_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"first_answer_at" timestamp with time zone,
	"routed_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qa_space_settings" (
	"space_id" text PRIMARY KEY NOT NULL,
	"target_minutes" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qa_votes" (
	"content_id" text NOT NULL,
	"user_id" text NOT NULL,
	"value" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "qa_votes_content_id_user_id_pk" PRIMARY KEY("content_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "qa_target_minutes" integer DEFAULT 120 NOT NULL;--> statement-breakpoint
ALTER TABLE "qa_answer_health" ADD CONSTRAINT "qa_answer_health_answer_id_content_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_answer_health" ADD CONSTRAINT "qa_answer_health_marked_by_users_id_fk" FOREIGN KEY ("marked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_questions" ADD CONSTRAINT "qa_questions_content_id_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_questions" ADD CONSTRAINT "qa_questions_duplicate_of_id_content_id_fk" FOREIGN KEY ("duplicate_of_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_questions" ADD CONSTRAINT "qa_questions_accepted_answer_id_content_id_fk" FOREIGN KEY ("accepted_answer_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_space_settings" ADD CONSTRAINT "qa_space_settings_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_votes" ADD CONSTRAINT "qa_votes_content_id_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_votes" ADD CONSTRAINT "qa_votes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "qa_answer_health_reverify_idx" ON "qa_answer_health" USING btree ("reverify_at") WHERE status = 'verified' and reminded_at is null;--> statement-breakpoint
CREATE INDEX "qa_questions_route_idx" ON "qa_questions" USING btree ("route_at") WHERE first_answer_at is null and routed_at is null;--> statement-breakpoint
CREATE INDEX "qa_questions_due_idx" ON "qa_questions" USING btree ("due_at") WHERE first_answer_at is null and escalated_at is null;--> statement-breakpoint
CREATE INDEX "qa_questions_org_created_idx" ON "qa_questions" USING btree ("org_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "content_feed_question_space_idx" ON "content" USING btree ("space_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE kind = 'question' and deleted_at is null;