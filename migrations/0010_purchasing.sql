CREATE TABLE "purchase_order_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchase_order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"sku" text NOT NULL,
	"supplier_sku" text,
	"quantity" integer NOT NULL,
	"unit_cost_minor" bigint NOT NULL,
	"expected_date" date NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"accepted_quantity" integer DEFAULT 0 NOT NULL,
	"rejected_quantity" integer DEFAULT 0 NOT NULL,
	"incoming_quantity" integer DEFAULT 0 NOT NULL,
	"ack_status" text,
	"ack_quantity" integer,
	"shipped_quantity" integer DEFAULT 0 NOT NULL,
	"reason" text,
	"completed_at" timestamp with time zone,
	CONSTRAINT "po_lines_qty_pos" CHECK ("purchase_order_lines"."quantity" > 0),
	CONSTRAINT "po_lines_cost_nonneg" CHECK ("purchase_order_lines"."unit_cost_minor" >= 0),
	CONSTRAINT "po_lines_received_le_qty" CHECK ("purchase_order_lines"."accepted_quantity" >= 0 and "purchase_order_lines"."rejected_quantity" >= 0 and "purchase_order_lines"."accepted_quantity" + "purchase_order_lines"."rejected_quantity" <= "purchase_order_lines"."quantity"),
	CONSTRAINT "po_lines_incoming_range" CHECK ("purchase_order_lines"."incoming_quantity" >= 0 and "purchase_order_lines"."incoming_quantity" <= "purchase_order_lines"."quantity" - "purchase_order_lines"."accepted_quantity" - "purchase_order_lines"."rejected_quantity")
);
--> statement-breakpoint
CREATE TABLE "purchase_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"number" text NOT NULL,
	"supplier_id" uuid NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"currency" text NOT NULL,
	"total_minor" bigint DEFAULT 0 NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"notes" text,
	"approved_at" timestamp with time zone,
	"approved_by" text,
	"sent_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"overdue_at" timestamp with time zone,
	"edi_850" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchase_orders_status" CHECK ("purchase_orders"."status" in ('draft','approved','sent','partially_received','received','closed','cancelled')),
	CONSTRAINT "purchase_orders_total_nonneg" CHECK ("purchase_orders"."total_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "purchase_receipt_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"receipt_id" uuid NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"line_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"accepted" integer NOT NULL,
	"rejected" integer NOT NULL,
	"landed_minor" bigint DEFAULT 0 NOT NULL,
	"unit_cost_after_minor" bigint,
	"received_at" timestamp with time zone NOT NULL,
	"lead_time_days" double precision,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchase_receipt_lines_qty" CHECK ("purchase_receipt_lines"."accepted" >= 0 and "purchase_receipt_lines"."rejected" >= 0 and "purchase_receipt_lines"."accepted" + "purchase_receipt_lines"."rejected" > 0)
);
--> statement-breakpoint
CREATE TABLE "purchasing_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"approval_thresholds" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"score_weights" jsonb DEFAULT '{"onTime":0.3,"fill":0.25,"quality":0.25,"price":0.2}'::jsonb NOT NULL,
	"review_period_days" integer DEFAULT 14 NOT NULL,
	"auto_approve_below" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchasing_settings_single" CHECK ("purchasing_settings"."id" = 1),
	CONSTRAINT "purchasing_settings_review" CHECK ("purchasing_settings"."review_period_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "supplier_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"supplier_sku" text,
	"price_breaks" jsonb NOT NULL,
	"moq" integer DEFAULT 1 NOT NULL,
	"pack_size" integer DEFAULT 1 NOT NULL,
	"lead_time_days" integer,
	"observed_lead_time_days" double precision,
	"observed_lead_time_sigma" double precision,
	"preferred" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_items_moq_pos" CHECK ("supplier_items"."moq" >= 1),
	CONSTRAINT "supplier_items_pack_pos" CHECK ("supplier_items"."pack_size" >= 1),
	CONSTRAINT "supplier_items_lead_nonneg" CHECK ("supplier_items"."lead_time_days" is null or "supplier_items"."lead_time_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "supplier_quotes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_cost_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date NOT NULL,
	"reference" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_quotes_qty_pos" CHECK ("supplier_quotes"."quantity" > 0),
	CONSTRAINT "supplier_quotes_cost_nonneg" CHECK ("supplier_quotes"."unit_cost_minor" >= 0),
	CONSTRAINT "supplier_quotes_window" CHECK ("supplier_quotes"."valid_from" <= "supplier_quotes"."valid_until")
);
--> statement-breakpoint
CREATE TABLE "suppliers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"currency" text NOT NULL,
	"payment_terms" text,
	"lead_time_days" integer DEFAULT 14 NOT NULL,
	"contacts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"edi" jsonb,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppliers_lead_time_nonneg" CHECK ("suppliers"."lead_time_days" >= 0),
	CONSTRAINT "suppliers_currency" CHECK ("suppliers"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "purchase_order_events" ADD CONSTRAINT "purchase_order_events_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_receipt_lines" ADD CONSTRAINT "purchase_receipt_lines_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_receipt_lines" ADD CONSTRAINT "purchase_receipt_lines_line_id_purchase_order_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."purchase_order_lines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_items" ADD CONSTRAINT "supplier_items_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_items" ADD CONSTRAINT "supplier_items_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "supplier_quotes" ADD CONSTRAINT "supplier_quotes_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_quotes" ADD CONSTRAINT "supplier_quotes_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX "purchase_order_events_po_idx" ON "purchase_order_events" USING btree ("purchase_order_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_order_lines_no_uq" ON "purchase_order_lines" USING btree ("purchase_order_id","line_no");--> statement-breakpoint
CREATE INDEX "purchase_order_lines_sku_idx" ON "purchase_order_lines" USING btree ("sku","warehouse_id");--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_orders_number_uq" ON "purchase_orders" USING btree ("number");--> statement-breakpoint
CREATE INDEX "purchase_orders_supplier_idx" ON "purchase_orders" USING btree ("supplier_id","created_at");--> statement-breakpoint
CREATE INDEX "purchase_orders_status_idx" ON "purchase_orders" USING btree ("status");--> statement-breakpoint
CREATE INDEX "purchase_receipt_lines_supplier_idx" ON "purchase_receipt_lines" USING btree ("supplier_id","received_at");--> statement-breakpoint
CREATE INDEX "purchase_receipt_lines_po_idx" ON "purchase_receipt_lines" USING btree ("purchase_order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_receipt_lines_idem_uq" ON "purchase_receipt_lines" USING btree ("idempotency_key","line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_items_supplier_sku_uq" ON "supplier_items" USING btree ("supplier_id","sku");--> statement-breakpoint
CREATE INDEX "supplier_items_sku_idx" ON "supplier_items" USING btree ("sku");--> statement-breakpoint
CREATE INDEX "supplier_quotes_sku_idx" ON "supplier_quotes" USING btree ("sku","valid_until");--> statement-breakpoint
CREATE UNIQUE INDEX "suppliers_code_uq" ON "suppliers" USING btree ("code");