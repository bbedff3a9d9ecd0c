ALTER TABLE "credit_notes" ADD COLUMN "functional_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_payments" ADD COLUMN "functional_currency" text;--> statement-breakpoint
ALTER TABLE "customer_payments" ADD COLUMN "fx_rate" text;--> statement-breakpoint
ALTER TABLE "customer_payments" ADD COLUMN "functional_amount_minor" bigint;--> statement-breakpoint
ALTER TABLE "customer_payments" ADD COLUMN "functional_applied_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "functional_currency" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "fx_rate" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "functional_total_minor" bigint;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "functional_settled_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD COLUMN "functional_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD COLUMN "booked_functional_minor" bigint DEFAULT 0 NOT NULL;