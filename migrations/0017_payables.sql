CREATE TABLE "bill_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bill_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"po_line_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"amount_minor" bigint NOT NULL,
	"po_unit_price_minor" bigint NOT NULL,
	"received_quantity" integer NOT NULL,
	"quantity_variance" integer DEFAULT 0 NOT NULL,
	"price_variance_minor" bigint DEFAULT 0 NOT NULL,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "bill_lines_qty_ck" CHECK ("bill_lines"."quantity" > 0 and "bill_lines"."received_quantity" >= 0 and "bill_lines"."quantity_variance" >= 0),
	CONSTRAINT "bill_lines_amount_ck" CHECK ("bill_lines"."unit_price_minor" >= 0 and "bill_lines"."amount_minor" = "bill_lines"."quantity" * "bill_lines"."unit_price_minor")
);
--> statement-breakpoint
CREATE TABLE "bills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"number" text NOT NULL,
	"currency" text NOT NULL,
	"issue_date" date NOT NULL,
	"due_date" date NOT NULL,
	"terms_days" integer,
	"total_minor" bigint NOT NULL,
	"paid_minor" bigint DEFAULT 0 NOT NULL,
	"price_variance_minor" bigint DEFAULT 0 NOT NULL,
	"functional_currency" text NOT NULL,
	"fx_rate" text NOT NULL,
	"functional_total_minor" bigint NOT NULL,
	"functional_paid_minor" bigint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"match_status" text NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"approval_note" text,
	"journal_id" uuid,
	"void_journal_id" uuid,
	"voided_by" text,
	"voided_at" timestamp with time zone,
	"notes" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bills_currency_ck" CHECK ("bills"."currency" ~ '^[A-Z]{3}$' and "bills"."functional_currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "bills_amounts_ck" CHECK ("bills"."total_minor" > 0 and "bills"."paid_minor" >= 0 and "bills"."paid_minor" <= "bills"."total_minor"),
	CONSTRAINT "bills_functional_ck" CHECK ("bills"."functional_total_minor" >= 0 and "bills"."functional_paid_minor" >= 0 and "bills"."functional_paid_minor" <= "bills"."functional_total_minor"),
	CONSTRAINT "bills_status_ck" CHECK ("bills"."status" in ('draft','open','partially_paid','paid','void')),
	CONSTRAINT "bills_status_amounts_ck" CHECK (("bills"."status" in ('draft','void','open') and "bills"."paid_minor" = 0) or ("bills"."status" = 'partially_paid' and "bills"."paid_minor" > 0 and "bills"."paid_minor" < "bills"."total_minor") or ("bills"."status" = 'paid' and "bills"."paid_minor" = "bills"."total_minor")),
	CONSTRAINT "bills_match_ck" CHECK ("bills"."match_status" in ('matched','variance')),
	CONSTRAINT "bills_dates_ck" CHECK ("bills"."due_date" >= "bills"."issue_date")
);
--> statement-breakpoint
CREATE TABLE "supplier_payment_applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"payment_id" uuid NOT NULL,
	"bill_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"functional_minor" bigint NOT NULL,
	"booked_functional_minor" bigint NOT NULL,
	"applied_date" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_payment_applications_amount_ck" CHECK ("supplier_payment_applications"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "supplier_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"paid_date" date NOT NULL,
	"functional_currency" text NOT NULL,
	"fx_rate" text NOT NULL,
	"functional_amount_minor" bigint NOT NULL,
	"fx_minor" bigint DEFAULT 0 NOT NULL,
	"journal_id" uuid,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_payments_amount_ck" CHECK ("supplier_payments"."amount_minor" > 0 and "supplier_payments"."functional_amount_minor" >= 0),
	CONSTRAINT "supplier_payments_currency_ck" CHECK ("supplier_payments"."currency" ~ '^[A-Z]{3}$' and "supplier_payments"."functional_currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "bill_lines" ADD CONSTRAINT "bill_lines_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "public"."bills"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bill_lines" ADD CONSTRAINT "bill_lines_po_line_id_purchase_order_lines_id_fk" FOREIGN KEY ("po_line_id") REFERENCES "public"."purchase_order_lines"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_journal_id_journal_entries_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_void_journal_id_journal_entries_id_fk" FOREIGN KEY ("void_journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_payment_applications" ADD CONSTRAINT "supplier_payment_applications_payment_id_supplier_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."supplier_payments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_payment_applications" ADD CONSTRAINT "supplier_payment_applications_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "public"."bills"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_payments" ADD CONSTRAINT "supplier_payments_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_payments" ADD CONSTRAINT "supplier_payments_journal_id_journal_entries_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bill_lines_no_uq" ON "bill_lines" USING btree ("bill_id","line_no");--> statement-breakpoint
CREATE INDEX "bill_lines_po_line_idx" ON "bill_lines" USING btree ("po_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bills_supplier_number_uq" ON "bills" USING btree ("supplier_id","number");--> statement-breakpoint
CREATE INDEX "bills_status_due_idx" ON "bills" USING btree ("status","due_date");--> statement-breakpoint
CREATE INDEX "bills_po_idx" ON "bills" USING btree ("purchase_order_id");--> statement-breakpoint
CREATE INDEX "supplier_payment_applications_bill_idx" ON "supplier_payment_applications" USING btree ("bill_id");--> statement-breakpoint
CREATE INDEX "supplier_payment_applications_payment_idx" ON "supplier_payment_applications" USING btree ("payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_payments_reference_uq" ON "supplier_payments" USING btree ("supplier_id","reference");--> statement-breakpoint
CREATE INDEX "supplier_payments_date_idx" ON "supplier_payments" USING btree ("paid_date");