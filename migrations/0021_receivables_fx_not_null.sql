ALTER TABLE "customer_payments" ALTER COLUMN "functional_currency" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_payments" ALTER COLUMN "fx_rate" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_payments" ALTER COLUMN "functional_amount_minor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "functional_currency" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "fx_rate" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "functional_total_minor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_functional_ck" CHECK ("invoices"."functional_settled_minor" >= 0 and "invoices"."functional_settled_minor" <= "invoices"."functional_total_minor");