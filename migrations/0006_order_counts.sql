CREATE TABLE "order_count_deltas" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dim" text NOT NULL,
	"value" text NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_counts" (
	"dim" text NOT NULL,
	"value" text NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "order_counts_uq" ON "order_counts" USING btree ("dim","value");