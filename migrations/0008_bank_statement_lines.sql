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
ALTER TABLE "bank_statement_lines" ADD CONSTRAINT "bank_statement_lines_matched_payout_id_payouts_id_fk" FOREIGN KEY ("matched_payout_id") REFERENCES "public"."payouts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bank_statement_lines_dedupe_uq" ON "bank_statement_lines" USING btree ("dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_statement_lines_payout_uq" ON "bank_statement_lines" USING btree ("matched_payout_id") WHERE matched_payout_id is not null;--> statement-breakpoint
CREATE INDEX "bank_statement_lines_unmatched_idx" ON "bank_statement_lines" USING btree ("booking_date") WHERE matched_payout_id is null;