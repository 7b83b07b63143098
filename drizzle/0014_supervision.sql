CREATE TABLE "supervision_flags" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"content_id" text NOT NULL,
	"content_version" integer NOT NULL,
	"author_id" text NOT NULL,
	"space_id" text,
	"source" text NOT NULL,
	"policy_id" text,
	"severity" text NOT NULL,
	"detail" jsonb NOT NULL,
	"text" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_notes" (
	"id" text PRIMARY KEY NOT NULL,
	"flag_id" text NOT NULL,
	"author_id" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"terms" text[] DEFAULT '{}'::text[] NOT NULL,
	"patterns" text[] DEFAULT '{}'::text[] NOT NULL,
	"exceptions" text[] DEFAULT '{}'::text[] NOT NULL,
	"severity" text DEFAULT 'medium' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_sampling" (
	"org_id" text NOT NULL,
	"space_id" text DEFAULT '' NOT NULL,
	"rate" double precision NOT NULL,
	"seed" text NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "supervision_sampling_org_id_space_id_pk" PRIMARY KEY("org_id","space_id")
);
--> statement-breakpoint
CREATE TABLE "usage_acknowledgements" (
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"version" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "usage_acknowledgements_user_id_version_pk" PRIMARY KEY("user_id","version")
);
--> statement-breakpoint
CREATE TABLE "usage_policies" (
	"org_id" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"body_json" jsonb NOT NULL,
	"body_html" text NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	CONSTRAINT "usage_policies_org_id_version_pk" PRIMARY KEY("org_id","version")
);
--> statement-breakpoint
ALTER TABLE "content" ADD COLUMN "hidden_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "content" ADD COLUMN "hidden_reason" text;--> statement-breakpoint
ALTER TABLE "supervision_flags" ADD CONSTRAINT "supervision_flags_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_flags" ADD CONSTRAINT "supervision_flags_content_id_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_flags" ADD CONSTRAINT "supervision_flags_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notes" ADD CONSTRAINT "supervision_notes_flag_id_supervision_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."supervision_flags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notes" ADD CONSTRAINT "supervision_notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_policies" ADD CONSTRAINT "supervision_policies_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_policies" ADD CONSTRAINT "supervision_policies_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_sampling" ADD CONSTRAINT "supervision_sampling_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_sampling" ADD CONSTRAINT "supervision_sampling_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_acknowledgements" ADD CONSTRAINT "usage_acknowledgements_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_acknowledgements" ADD CONSTRAINT "usage_acknowledgements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_policies" ADD CONSTRAINT "usage_policies_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_policies" ADD CONSTRAINT "usage_policies_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_flags_item_key" ON "supervision_flags" USING btree ("content_id","content_version","source");--> statement-breakpoint
CREATE INDEX "supervision_flags_queue_idx" ON "supervision_flags" USING btree ("org_id","state","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "supervision_notes_flag_idx" ON "supervision_notes" USING btree ("flag_id");--> statement-breakpoint
CREATE INDEX "supervision_policies_org_idx" ON "supervision_policies" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "usage_ack_org_idx" ON "usage_acknowledgements" USING btree ("org_id","version");