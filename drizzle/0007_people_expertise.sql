CREATE TABLE "endorsements" (
	"user_id" text NOT NULL,
	"skill_id" text NOT NULL,
	"endorser_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "endorsements_user_id_skill_id_endorser_id_pk" PRIMARY KEY("user_id","skill_id","endorser_id")
);
--> statement-breakpoint
CREATE TABLE "expertise_evidence" (
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"tag" text NOT NULL,
	"kind" text NOT NULL,
	"source_id" text NOT NULL,
	"weight" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "expertise_evidence_user_id_tag_kind_source_id_pk" PRIMARY KEY("user_id","tag","kind","source_id")
);
--> statement-breakpoint
CREATE TABLE "skills" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"tag" text NOT NULL,
	"synonyms" text[] DEFAULT '{}'::text[] NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"merged_into" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_skills" (
	"user_id" text NOT NULL,
	"skill_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_skills_user_id_skill_id_pk" PRIMARY KEY("user_id","skill_id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "bio" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "profile_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "endorsements" ADD CONSTRAINT "endorsements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endorsements" ADD CONSTRAINT "endorsements_skill_id_skills_id_fk" FOREIGN KEY ("skill_id") REFERENCES "public"."skills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endorsements" ADD CONSTRAINT "endorsements_endorser_id_users_id_fk" FOREIGN KEY ("endorser_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expertise_evidence" ADD CONSTRAINT "expertise_evidence_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skills" ADD CONSTRAINT "skills_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_skills" ADD CONSTRAINT "user_skills_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_skills" ADD CONSTRAINT "user_skills_skill_id_skills_id_fk" FOREIGN KEY ("skill_id") REFERENCES "public"."skills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "endorsements_endorser_idx" ON "endorsements" USING btree ("endorser_id");--> statement-breakpoint
CREATE INDEX "expertise_evidence_org_tag_idx" ON "expertise_evidence" USING btree ("org_id","tag");--> statement-breakpoint
CREATE UNIQUE INDEX "skills_org_tag_key" ON "skills" USING btree ("org_id","tag");--> statement-breakpoint
CREATE INDEX "skills_org_name_idx" ON "skills" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE INDEX "user_skills_skill_idx" ON "user_skills" USING btree ("skill_id");