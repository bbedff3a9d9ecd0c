CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"locale" text,
	"disabled_at" timestamp with time zone,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_lower_ck" CHECK ("users"."email" = lower("users"."email")),
	CONSTRAINT "users_role_ck" CHECK ("users"."role" in ('admin', 'operator', 'accountant', 'viewer')),
	CONSTRAINT "users_locale_ck" CHECK ("users"."locale" is null or "users"."locale" in ('en', 'zh-CN', 'zh-TW'))
);
--> statement-breakpoint
ALTER TABLE "ui_saved_views" DROP CONSTRAINT "ui_saved_views_key_id_api_keys_id_fk";
--> statement-breakpoint
ALTER TABLE "ui_sessions" ALTER COLUMN "key_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "scopes" text[];--> statement-breakpoint
ALTER TABLE "ui_sessions" ADD COLUMN "user_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_uq" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "users_role_idx" ON "users" USING btree ("role");--> statement-breakpoint
ALTER TABLE "ui_sessions" ADD CONSTRAINT "ui_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ui_sessions_user_idx" ON "ui_sessions" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "ui_sessions" ADD CONSTRAINT "ui_sessions_owner_ck" CHECK (("ui_sessions"."key_id" is null) <> ("ui_sessions"."user_id" is null));