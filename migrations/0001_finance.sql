CREATE TABLE "accounting_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"journal_id" uuid NOT NULL,
	"target" text NOT NULL,
	"connection_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"remote_id" text,
	"synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounting_outbox_status_ck" CHECK ("accounting_outbox"."status" in ('pending','sending','synced','failed'))
);
--> statement-breakpoint
CREATE TABLE "finance_breaks" (
	"id" text PRIMARY KEY NOT NULL,
	"payout_id" uuid,
	"connection_id" uuid NOT NULL,
	"class" text NOT NULL,
	"key" text NOT NULL,
	"line_id" uuid,
	"order_id" uuid,
	"expected_minor" bigint NOT NULL,
	"actual_minor" bigint NOT NULL,
	"delta_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"note" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "finance_breaks_delta_ck" CHECK ("finance_breaks"."delta_minor" = "finance_breaks"."actual_minor" - "finance_breaks"."expected_minor"),
	CONSTRAINT "finance_breaks_status_ck" CHECK ("finance_breaks"."status" in ('open','resolved','accepted'))
);
--> statement-breakpoint
CREATE TABLE "finance_settings" (
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"payout_id" uuid,
	"kind" text NOT NULL,
	"status" text DEFAULT 'posted' NOT NULL,
	"dedupe_key" text NOT NULL,
	"reverses_id" uuid,
	"entry_date" text NOT NULL,
	"memo" text NOT NULL,
	"fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "journal_entries_status_ck" CHECK ("journal_entries"."status" in ('posted','reversed'))
);
--> statement-breakpoint
CREATE TABLE "journal_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entry_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"account_id" uuid NOT NULL,
	"debit_minor" bigint DEFAULT 0 NOT NULL,
	"credit_minor" bigint DEFAULT 0 NOT NULL,
	"currency" text NOT NULL,
	"presentment_minor" bigint,
	"presentment_currency" text,
	"memo" text,
	CONSTRAINT "journal_lines_sides_ck" CHECK ("journal_lines"."debit_minor" >= 0 and "journal_lines"."credit_minor" >= 0 and ("journal_lines"."debit_minor" = 0 or "journal_lines"."credit_minor" = 0))
);
--> statement-breakpoint
CREATE TABLE "ledger_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"role" text NOT NULL,
	"connection_id" uuid,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"external_refs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_accounts_kind_ck" CHECK ("ledger_accounts"."kind" in ('asset','liability','income','expense','equity'))
);
--> statement-breakpoint
CREATE TABLE "payout_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"payout_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"type" text NOT NULL,
	"category" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"fee_minor" bigint NOT NULL,
	"net_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"source_order_id" text,
	"charge_id" text,
	"exchange_rate" text,
	"processed_at" timestamp with time zone,
	"raw" jsonb,
	"matched_order_id" uuid,
	"match_rule" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"status" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"arrival_date" text,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"manual" boolean DEFAULT false NOT NULL,
	"reconciliation" text DEFAULT 'pending' NOT NULL,
	"unknown_types" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"raw" jsonb,
	"reconciled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payouts_reconciliation_ck" CHECK ("payouts"."reconciliation" in ('pending','clean','open','not_reconcilable')),
	CONSTRAINT "payouts_currency_ck" CHECK ("payouts"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "accounting_outbox" ADD CONSTRAINT "accounting_outbox_journal_id_journal_entries_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounting_outbox" ADD CONSTRAINT "accounting_outbox_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_breaks" ADD CONSTRAINT "finance_breaks_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_breaks" ADD CONSTRAINT "finance_breaks_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_breaks" ADD CONSTRAINT "finance_breaks_line_id_payout_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."payout_lines"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_breaks" ADD CONSTRAINT "finance_breaks_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_settings" ADD CONSTRAINT "finance_settings_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_account_id_ledger_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_lines" ADD CONSTRAINT "payout_lines_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_outbox_journal_target_uq" ON "accounting_outbox" USING btree ("journal_id","target","connection_id");--> statement-breakpoint
CREATE UNIQUE INDEX "accounting_outbox_key_uq" ON "accounting_outbox" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "finance_breaks_status_idx" ON "finance_breaks" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "finance_breaks_payout_idx" ON "finance_breaks" USING btree ("payout_id");--> statement-breakpoint
CREATE UNIQUE INDEX "journal_entries_dedupe_uq" ON "journal_entries" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "journal_entries_payout_idx" ON "journal_entries" USING btree ("payout_id");--> statement-breakpoint
CREATE UNIQUE INDEX "journal_lines_position_uq" ON "journal_lines" USING btree ("entry_id","position");--> statement-breakpoint
CREATE INDEX "journal_lines_account_idx" ON "journal_lines" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_accounts_role_uq" ON "ledger_accounts" USING btree ("role",coalesce("connection_id", '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
CREATE UNIQUE INDEX "payout_lines_payout_external_uq" ON "payout_lines" USING btree ("payout_id","external_id");--> statement-breakpoint
CREATE INDEX "payout_lines_order_idx" ON "payout_lines" USING btree ("matched_order_id");--> statement-breakpoint
CREATE INDEX "payout_lines_source_order_idx" ON "payout_lines" USING btree ("source_order_id") WHERE matched_order_id is null;--> statement-breakpoint
CREATE INDEX "payout_lines_charge_idx" ON "payout_lines" USING btree ("charge_id") WHERE matched_order_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_connection_external_uq" ON "payouts" USING btree ("connection_id","external_id");--> statement-breakpoint
CREATE INDEX "payouts_arrival_idx" ON "payouts" USING btree ("arrival_date");