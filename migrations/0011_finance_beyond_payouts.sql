CREATE TABLE "bank_statement_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account" text NOT NULL,
	"booking_date" date NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"description" text,
	"reference" text,
	"dedupe_key" text NOT NULL,
	"matched_payout_id" uuid,
	"match_rule" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bank_statement_lines_currency_ck" CHECK ("bank_statement_lines"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "budget_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"budget_id" uuid NOT NULL,
	"month" date NOT NULL,
	"threshold" integer NOT NULL,
	"actual_minor" bigint NOT NULL,
	"committed_minor" bigint NOT NULL,
	"budget_minor" bigint NOT NULL,
	"fired_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "budget_periods" (
	"budget_id" uuid NOT NULL,
	"month" date NOT NULL,
	"amount_minor" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_periods_amount_ck" CHECK ("budget_periods"."amount_minor" > 0),
	CONSTRAINT "budget_periods_month_ck" CHECK (extract(day from "budget_periods"."month") = 1)
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_value" text NOT NULL,
	"currency" text NOT NULL,
	"thresholds" integer[] DEFAULT '{80,100}'::int[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budgets_scope_ck" CHECK ("budgets"."scope_kind" in ('account','role','kind')),
	CONSTRAINT "budgets_currency_ck" CHECK ("budgets"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "credit_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"issue_date" date NOT NULL,
	"reason" text NOT NULL,
	"journal_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_notes_amount_ck" CHECK ("credit_notes"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "customer_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"customer_ref" text NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"applied_minor" bigint DEFAULT 0 NOT NULL,
	"received_date" date NOT NULL,
	"journal_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_payments_amount_ck" CHECK ("customer_payments"."amount_minor" > 0 and "customer_payments"."applied_minor" >= 0 and "customer_payments"."applied_minor" <= "customer_payments"."amount_minor"),
	CONSTRAINT "customer_payments_currency_ck" CHECK ("customer_payments"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "finance_company" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "finance_company_single_ck" CHECK ("finance_company"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "fx_rates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rate_date" date NOT NULL,
	"base" text NOT NULL,
	"quote" text NOT NULL,
	"rate" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fx_rates_pair_ck" CHECK ("fx_rates"."base" ~ '^[A-Z]{3}$' and "fx_rates"."quote" ~ '^[A-Z]{3}$' and "fx_rates"."base" <> "fx_rates"."quote"),
	CONSTRAINT "fx_rates_rate_ck" CHECK ("fx_rates"."rate" ~ '^[0-9]{1,12}(\.[0-9]{1,12})?$' and "fx_rates"."rate" ~ '[1-9]'),
	CONSTRAINT "fx_rates_source_ck" CHECK ("fx_rates"."source" in ('csv','provider','manual'))
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"order_id" uuid,
	"customer_ref" text NOT NULL,
	"customer_name" text,
	"channel" text,
	"currency" text NOT NULL,
	"issue_date" date NOT NULL,
	"terms_days" integer NOT NULL,
	"due_date" date NOT NULL,
	"net_minor" bigint NOT NULL,
	"shipping_minor" bigint DEFAULT 0 NOT NULL,
	"tax_minor" bigint DEFAULT 0 NOT NULL,
	"total_minor" bigint NOT NULL,
	"paid_minor" bigint DEFAULT 0 NOT NULL,
	"credited_minor" bigint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"journal_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_money_ck" CHECK ("invoices"."net_minor" >= 0 and "invoices"."shipping_minor" >= 0 and "invoices"."tax_minor" >= 0 and "invoices"."total_minor" = "invoices"."net_minor" + "invoices"."shipping_minor" + "invoices"."tax_minor"),
	CONSTRAINT "invoices_applied_ck" CHECK ("invoices"."paid_minor" >= 0 and "invoices"."credited_minor" >= 0 and "invoices"."paid_minor" + "invoices"."credited_minor" <= "invoices"."total_minor"),
	CONSTRAINT "invoices_terms_ck" CHECK ("invoices"."terms_days" >= 0 and "invoices"."due_date" = "invoices"."issue_date" + "invoices"."terms_days"),
	CONSTRAINT "invoices_status_ck" CHECK ("invoices"."status" in ('open','paid','void')),
	CONSTRAINT "invoices_currency_ck" CHECK ("invoices"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "payment_allocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"payment_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"applied_date" date NOT NULL,
	"journal_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_allocations_amount_ck" CHECK ("payment_allocations"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "stock_postings" (
	"movement_id" bigint PRIMARY KEY NOT NULL,
	"journal_id" uuid,
	"value_minor" bigint,
	"currency" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "journal_entries" ADD COLUMN "channel" text;--> statement-breakpoint
ALTER TABLE "bank_statement_lines" ADD CONSTRAINT "bank_statement_lines_matched_payout_id_payouts_id_fk" FOREIGN KEY ("matched_payout_id") REFERENCES "public"."payouts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_periods" ADD CONSTRAINT "budget_periods_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_journal_id_journal_entries_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_payments" ADD CONSTRAINT "customer_payments_journal_id_journal_entries_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_journal_id_journal_entries_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_payment_id_customer_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."customer_payments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_journal_id_journal_entries_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_postings" ADD CONSTRAINT "stock_postings_journal_id_journal_entries_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bank_statement_lines_dedupe_uq" ON "bank_statement_lines" USING btree ("dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_statement_lines_payout_uq" ON "bank_statement_lines" USING btree ("matched_payout_id") WHERE matched_payout_id is not null;--> statement-breakpoint
CREATE INDEX "bank_statement_lines_unmatched_idx" ON "bank_statement_lines" USING btree ("booking_date") WHERE matched_payout_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "budget_alerts_once_uq" ON "budget_alerts" USING btree ("budget_id","month","threshold");--> statement-breakpoint
CREATE UNIQUE INDEX "budget_periods_uq" ON "budget_periods" USING btree ("budget_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "budgets_name_uq" ON "budgets" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_notes_number_uq" ON "credit_notes" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_payments_reference_uq" ON "customer_payments" USING btree ("customer_ref","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "fx_rates_day_pair_uq" ON "fx_rates" USING btree ("base","quote","rate_date");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_uq" ON "invoices" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_order_uq" ON "invoices" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "invoices_customer_idx" ON "invoices" USING btree ("customer_ref","due_date");--> statement-breakpoint
CREATE INDEX "invoices_due_idx" ON "invoices" USING btree ("status","due_date");--> statement-breakpoint
CREATE INDEX "payment_allocations_invoice_idx" ON "payment_allocations" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "payment_allocations_payment_idx" ON "payment_allocations" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "journal_entries_date_idx" ON "journal_entries" USING btree ("entry_date");