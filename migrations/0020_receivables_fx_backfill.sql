-- Receivables booked before multi-currency receivables were posted in the document's own currency:
-- say so (rate 1, booked = document amounts), so applications and credit notes relieve them as booked.
UPDATE "invoices" SET "functional_currency" = "currency", "fx_rate" = '1', "functional_total_minor" = "total_minor",
  "functional_settled_minor" = "paid_minor" + "credited_minor" WHERE "functional_currency" IS NULL;--> statement-breakpoint
UPDATE "customer_payments" SET "functional_currency" = "currency", "fx_rate" = '1', "functional_amount_minor" = "amount_minor",
  "functional_applied_minor" = "applied_minor" WHERE "functional_currency" IS NULL;--> statement-breakpoint
UPDATE "payment_allocations" SET "functional_minor" = "amount_minor", "booked_functional_minor" = "amount_minor" WHERE "functional_minor" = 0;--> statement-breakpoint
UPDATE "credit_notes" SET "functional_minor" = "amount_minor" WHERE "functional_minor" = 0;--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "functional_currency" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "fx_rate" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "functional_total_minor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_payments" ALTER COLUMN "functional_currency" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_payments" ALTER COLUMN "fx_rate" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_payments" ALTER COLUMN "functional_amount_minor" SET NOT NULL;
