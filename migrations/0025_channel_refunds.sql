CREATE TABLE "channel_refunds" (
	"connection_id" uuid NOT NULL,
	"order_external_id" text NOT NULL,
	"refund_id" text NOT NULL,
	"outcome" text NOT NULL,
	"return_id" uuid,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_refunds_pk" PRIMARY KEY("connection_id","order_external_id","refund_id"),
	CONSTRAINT "channel_refunds_outcome" CHECK ("channel_refunds"."outcome" in ('created','exists','money_only','nothing_left'))
);
--> statement-breakpoint
ALTER TABLE "channel_refunds" ADD CONSTRAINT "channel_refunds_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_refunds" ADD CONSTRAINT "channel_refunds_return_id_order_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."order_returns"("id") ON DELETE set null ON UPDATE no action;