CREATE TABLE "sso_settings" (
	"org_id" text PRIMARY KEY NOT NULL,
	"issuer" text,
	"client_id" text,
	"client_secret_enc" text,
	"secret_set_at" timestamp with time zone,
	"email_domains" text[] DEFAULT '{}'::text[] NOT NULL,
	"jit" boolean DEFAULT false NOT NULL,
	"require_sso" boolean DEFAULT false NOT NULL,
	"break_glass_email" text,
	"department_claim" text,
	"title_claim" text,
	"manager_claim" text,
	"manager_match" text DEFAULT 'email' NOT NULL,
	"scim_groups" text DEFAULT 'department' NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sso_settings" ADD CONSTRAINT "sso_settings_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_settings" ADD CONSTRAINT "sso_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;