CREATE TABLE "approval_decisions" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"content_id" text NOT NULL,
	"tier" integer NOT NULL,
	"decision" text NOT NULL,
	"actor_id" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"target" text NOT NULL,
	"event_id" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"event_type" text NOT NULL,
	"ok" boolean NOT NULL,
	"status" integer,
	"error" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "space_approvers" (
	"space_id" text NOT NULL,
	"tier" integer NOT NULL,
	"user_id" text NOT NULL,
	"added_by" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "space_approvers_space_id_tier_user_id_pk" PRIMARY KEY("space_id","tier","user_id")
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"owner_id" text NOT NULL,
	"url" text NOT NULL,
	"events" text[] NOT NULL,
	"secret" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "content" ADD COLUMN "approval" text;--> statement-breakpoint
ALTER TABLE "content" ADD COLUMN "approval_tier" integer;--> statement-breakpoint
ALTER TABLE "spaces" ADD COLUMN "approval_tiers" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_content_id_content_id_fk" FOREIGN KEY ("content_id") REFERENCES "public"."content"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "space_approvers" ADD CONSTRAINT "space_approvers_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "space_approvers" ADD CONSTRAINT "space_approvers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_decisions_content_idx" ON "approval_decisions" USING btree ("content_id","at");--> statement-breakpoint
CREATE INDEX "delivery_log_target_idx" ON "delivery_log" USING btree ("target","id");--> statement-breakpoint
CREATE INDEX "delivery_log_org_idx" ON "delivery_log" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "space_approvers_user_idx" ON "space_approvers" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "webhooks_org_idx" ON "webhooks" USING btree ("org_id");