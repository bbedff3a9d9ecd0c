CREATE TABLE "customer_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"connection_id" uuid,
	"value" text NOT NULL,
	"source" text DEFAULT 'auto' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_identities_kind_chk" CHECK ("customer_identities"."kind" in ('email', 'phone', 'external', 'masked_email')),
	CONSTRAINT "customer_identities_scope_chk" CHECK (("customer_identities"."kind" in ('external', 'masked_email')) = ("customer_identities"."connection_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "customer_merges" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"other_customer_id" uuid NOT NULL,
	"order_ids" uuid[] NOT NULL,
	"identity_ids" uuid[] NOT NULL,
	"actor" text,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_merges_kind_chk" CHECK ("customer_merges"."kind" in ('merge', 'split'))
);
--> statement-breakpoint
CREATE TABLE "customer_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"body" text NOT NULL,
	"author" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"matched_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"rules" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"dedupe_key" text,
	"assignee" text,
	"created_by" text,
	"completed_at" timestamp with time zone,
	"completed_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_tasks_kind_chk" CHECK ("customer_tasks"."kind" in ('no_order', 'birthday', 'follow_up', 'manual')),
	CONSTRAINT "customer_tasks_status_chk" CHECK ("customer_tasks"."status" in ('open', 'done')),
	CONSTRAINT "customer_tasks_done_chk" CHECK (("customer_tasks"."status" = 'done') = ("customer_tasks"."completed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text,
	"email" text,
	"phone" text,
	"company" text,
	"country" text,
	"b2b" boolean DEFAULT false NOT NULL,
	"credit_terms_days" integer,
	"credit_limit_minor" bigint,
	"credit_currency" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"birthday" date,
	"follow_up_on" date,
	"status" text DEFAULT 'active' NOT NULL,
	"merged_into" uuid,
	"order_count" integer DEFAULT 0 NOT NULL,
	"ltv_by_currency" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"monetary" numeric(20, 4) DEFAULT 0 NOT NULL,
	"channels" text[] DEFAULT '{}'::text[] NOT NULL,
	"first_order_at" timestamp with time zone,
	"last_order_at" timestamp with time zone,
	"r_score" smallint,
	"f_score" smallint,
	"m_score" smallint,
	"segment" text,
	"rfm_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_status_chk" CHECK ("customers"."status" in ('active', 'merged')),
	CONSTRAINT "customers_merged_chk" CHECK (("customers"."status" = 'merged') = ("customers"."merged_into" is not null)),
	CONSTRAINT "customers_credit_chk" CHECK ("customers"."credit_limit_minor" is null or ("customers"."credit_limit_minor" >= 0 and "customers"."credit_currency" is not null)),
	CONSTRAINT "customers_terms_chk" CHECK ("customers"."credit_terms_days" is null or "customers"."credit_terms_days" between 0 and 3650)
);
--> statement-breakpoint
ALTER TABLE "customer_identities" ADD CONSTRAINT "customer_identities_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_identities" ADD CONSTRAINT "customer_identities_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_merges" ADD CONSTRAINT "customer_merges_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_merges" ADD CONSTRAINT "customer_merges_other_customer_id_customers_id_fk" FOREIGN KEY ("other_customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_notes" ADD CONSTRAINT "customer_notes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_orders" ADD CONSTRAINT "customer_orders_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_orders" ADD CONSTRAINT "customer_orders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tasks" ADD CONSTRAINT "customer_tasks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customer_identities_global_uq" ON "customer_identities" USING btree ("kind","value") WHERE connection_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "customer_identities_scoped_uq" ON "customer_identities" USING btree ("kind","connection_id","value") WHERE connection_id is not null;--> statement-breakpoint
CREATE INDEX "customer_identities_customer_idx" ON "customer_identities" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "customer_merges_customer_idx" ON "customer_merges" USING btree ("customer_id","id");--> statement-breakpoint
CREATE INDEX "customer_merges_other_idx" ON "customer_merges" USING btree ("other_customer_id","id");--> statement-breakpoint
CREATE INDEX "customer_notes_customer_idx" ON "customer_notes" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "customer_orders_customer_idx" ON "customer_orders" USING btree ("customer_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_segments_name_uq" ON "customer_segments" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_tasks_dedupe_uq" ON "customer_tasks" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "customer_tasks_open_idx" ON "customer_tasks" USING btree ("due_on","id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "customer_tasks_customer_idx" ON "customer_tasks" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "customers_email_idx" ON "customers" USING btree ("email");--> statement-breakpoint
CREATE INDEX "customers_phone_idx" ON "customers" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "customers_created_idx" ON "customers" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "customers_tags_idx" ON "customers" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "customers_channels_idx" ON "customers" USING gin ("channels");