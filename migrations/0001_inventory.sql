CREATE TABLE "allocation_settings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid,
	"warehouse_order" uuid[],
	"allow_split" boolean DEFAULT true NOT NULL,
	"ship_complete" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_listings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sku" text NOT NULL,
	"connection_id" uuid NOT NULL,
	"external_ids" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"buffer" integer DEFAULT 0 NOT NULL,
	"cap" integer,
	"share_percent" integer,
	"count_incoming" boolean DEFAULT false NOT NULL,
	"last_pushed_quantity" integer,
	"last_pushed_at" timestamp with time zone,
	"push_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_listings_buffer_nonneg" CHECK ("channel_listings"."buffer" >= 0),
	CONSTRAINT "channel_listings_cap_nonneg" CHECK ("channel_listings"."cap" is null or "channel_listings"."cap" >= 0),
	CONSTRAINT "channel_listings_share" CHECK ("channel_listings"."share_percent" is null or ("channel_listings"."share_percent" between 0 and 100))
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sku" text NOT NULL,
	"title" text NOT NULL,
	"barcode" text,
	"unit_cost_minor" bigint,
	"currency" text,
	"weight_grams" integer,
	"lead_time_days" integer,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_sku_uq" UNIQUE("sku"),
	CONSTRAINT "products_cost_nonneg" CHECK ("products"."unit_cost_minor" is null or "products"."unit_cost_minor" >= 0),
	CONSTRAINT "products_cost_currency" CHECK (("products"."unit_cost_minor" is null) = ("products"."currency" is null)),
	CONSTRAINT "products_weight_nonneg" CHECK ("products"."weight_grams" is null or "products"."weight_grams" >= 0)
);
--> statement-breakpoint
CREATE TABLE "reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"quantity" integer DEFAULT 0 NOT NULL,
	"fulfilled_quantity" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reservations_qty_nonneg" CHECK ("reservations"."quantity" >= 0 and "reservations"."fulfilled_quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_levels" (
	"sku" text NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"on_hand" integer DEFAULT 0 NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"incoming" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_levels_pk" PRIMARY KEY("sku","warehouse_id"),
	CONSTRAINT "stock_on_hand_nonneg" CHECK ("stock_levels"."on_hand" >= 0),
	CONSTRAINT "stock_reserved_nonneg" CHECK ("stock_levels"."reserved" >= 0),
	CONSTRAINT "stock_reserved_le_on_hand" CHECK ("stock_levels"."reserved" <= "stock_levels"."on_hand"),
	CONSTRAINT "stock_incoming_nonneg" CHECK ("stock_levels"."incoming" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_movements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"quantity" integer NOT NULL,
	"on_hand_delta" integer DEFAULT 0 NOT NULL,
	"reserved_delta" integer DEFAULT 0 NOT NULL,
	"incoming_delta" integer DEFAULT 0 NOT NULL,
	"order_id" uuid,
	"transfer_id" uuid,
	"reason" text,
	"actor" text,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_movements_kind" CHECK ("stock_movements"."kind" in ('receipt','adjustment','transfer_out','transfer_in','incoming','reservation','release','fulfilment','return')),
	CONSTRAINT "stock_movements_qty_pos" CHECK ("stock_movements"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "stock_transfers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sku" text NOT NULL,
	"from_warehouse_id" uuid NOT NULL,
	"to_warehouse_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"status" text DEFAULT 'in_transit' NOT NULL,
	"received_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_transfers_qty_pos" CHECK ("stock_transfers"."quantity" > 0),
	CONSTRAINT "stock_transfers_distinct" CHECK ("stock_transfers"."from_warehouse_id" <> "stock_transfers"."to_warehouse_id"),
	CONSTRAINT "stock_transfers_status" CHECK ("stock_transfers"."status" in ('in_transit','received'))
);
--> statement-breakpoint
CREATE TABLE "warehouses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"priority" integer DEFAULT 100 NOT NULL,
	"region" text,
	"address" jsonb,
	"active" boolean DEFAULT true NOT NULL,
	"allowed_connection_ids" uuid[],
	"lead_time_days" integer DEFAULT 7 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warehouses_lead_time_pos" CHECK ("warehouses"."lead_time_days" >= 0)
);
--> statement-breakpoint
ALTER TABLE "allocation_settings" ADD CONSTRAINT "allocation_settings_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_listings" ADD CONSTRAINT "channel_listings_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "channel_listings" ADD CONSTRAINT "channel_listings_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_levels" ADD CONSTRAINT "stock_levels_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."products"("sku") ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "stock_levels" ADD CONSTRAINT "stock_levels_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_transfers" ADD CONSTRAINT "stock_transfers_from_warehouse_id_warehouses_id_fk" FOREIGN KEY ("from_warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_transfers" ADD CONSTRAINT "stock_transfers_to_warehouse_id_warehouses_id_fk" FOREIGN KEY ("to_warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "allocation_settings_conn_uq" ON "allocation_settings" USING btree (coalesce("connection_id", '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
CREATE UNIQUE INDEX "channel_listings_sku_conn_uq" ON "channel_listings" USING btree ("sku","connection_id");--> statement-breakpoint
CREATE INDEX "channel_listings_conn_idx" ON "channel_listings" USING btree ("connection_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reservations_line_wh_uq" ON "reservations" USING btree ("order_id","sku","warehouse_id");--> statement-breakpoint
CREATE INDEX "stock_levels_wh_idx" ON "stock_levels" USING btree ("warehouse_id");--> statement-breakpoint
CREATE UNIQUE INDEX "stock_movements_idem_uq" ON "stock_movements" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "stock_movements_sku_idx" ON "stock_movements" USING btree ("sku","warehouse_id","id");--> statement-breakpoint
CREATE INDEX "stock_movements_order_idx" ON "stock_movements" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "warehouses_code_uq" ON "warehouses" USING btree ("code");