CREATE TABLE "demand_forecasts" (
	"sku" text NOT NULL,
	"scope" text NOT NULL,
	"method" text NOT NULL,
	"rmse" double precision NOT NULL,
	"mae" double precision NOT NULL,
	"mase" double precision,
	"naive_rmse" double precision NOT NULL,
	"candidates" jsonb NOT NULL,
	"history_days" integer NOT NULL,
	"horizon_days" integer NOT NULL,
	"daily_mean" double precision NOT NULL,
	"start_date" text NOT NULL,
	"daily" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "demand_forecasts_pk" PRIMARY KEY("sku","scope")
);
--> statement-breakpoint
CREATE TABLE "order_return_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"return_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"title" text NOT NULL,
	"quantity" integer NOT NULL,
	"refund_minor" bigint DEFAULT 0 NOT NULL,
	"condition" text,
	"restocked_quantity" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "order_return_lines_qty_pos" CHECK ("order_return_lines"."quantity" > 0),
	CONSTRAINT "order_return_lines_refund_nonneg" CHECK ("order_return_lines"."refund_minor" >= 0),
	CONSTRAINT "order_return_lines_condition" CHECK ("order_return_lines"."condition" is null or "order_return_lines"."condition" in ('restock','damaged','scrap')),
	CONSTRAINT "order_return_lines_restocked" CHECK ("order_return_lines"."restocked_quantity" between 0 and "order_return_lines"."quantity")
);
--> statement-breakpoint
CREATE TABLE "order_returns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"external_id" text,
	"reason" text,
	"currency" text NOT NULL,
	"refund_minor" bigint DEFAULT 0 NOT NULL,
	"refund_reference" text,
	"warehouse_id" uuid,
	"received_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_returns_status" CHECK ("order_returns"."status" in ('requested','received','closed','cancelled')),
	CONSTRAINT "order_returns_refund_nonneg" CHECK ("order_returns"."refund_minor" >= 0),
	CONSTRAINT "order_returns_received_wh" CHECK ("order_returns"."status" not in ('received','closed') or "order_returns"."warehouse_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "order_review_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_review_settings_single" CHECK ("order_review_settings"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "order_return_lines" ADD CONSTRAINT "order_return_lines_return_id_order_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."order_returns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_returns" ADD CONSTRAINT "order_returns_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_returns" ADD CONSTRAINT "order_returns_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "order_return_lines_sku_uq" ON "order_return_lines" USING btree ("return_id","sku");--> statement-breakpoint
CREATE INDEX "order_return_lines_sku_idx" ON "order_return_lines" USING btree ("sku");--> statement-breakpoint
CREATE INDEX "order_returns_order_idx" ON "order_returns" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "order_returns_external_uq" ON "order_returns" USING btree ("order_id","external_id");