CREATE TABLE "ui_saved_views" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key_id" uuid NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ui_saved_views_name_ck" CHECK (length("ui_saved_views"."name") between 1 and 100),
	CONSTRAINT "ui_saved_views_query_ck" CHECK (length("ui_saved_views"."query") <= 2000)
);
--> statement-breakpoint
CREATE TABLE "ui_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"key_id" uuid NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ui_sessions_expiry_ck" CHECK ("ui_sessions"."expires_at" > "ui_sessions"."created_at")
);
--> statement-breakpoint
ALTER TABLE "ui_saved_views" ADD CONSTRAINT "ui_saved_views_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ui_sessions" ADD CONSTRAINT "ui_sessions_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ui_saved_views_name_uq" ON "ui_saved_views" USING btree ("key_id","name");--> statement-breakpoint
CREATE INDEX "ui_sessions_key_idx" ON "ui_sessions" USING btree ("key_id");