ALTER TABLE "customer_tasks" DROP CONSTRAINT "customer_tasks_kind_chk";--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "customer_id" uuid;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tasks" ADD CONSTRAINT "customer_tasks_kind_chk" CHECK ("customer_tasks"."kind" in ('no_order', 'birthday', 'follow_up', 'manual', 'overdue_invoice'));