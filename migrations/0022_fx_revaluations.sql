CREATE TABLE "fx_revaluation_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"revaluation_id" uuid NOT NULL,
	"document_kind" text NOT NULL,
	"document_id" uuid NOT NULL,
	"number" text NOT NULL,
	"party" text NOT NULL,
	"currency" text NOT NULL,
	"open_minor" bigint NOT NULL,
	"rate" text NOT NULL,
	"carrying_minor" bigint NOT NULL,
	"revalued_minor" bigint NOT NULL,
	"diff_minor" bigint NOT NULL,
	CONSTRAINT "fx_revaluation_lines_kind_ck" CHECK ("fx_revaluation_lines"."document_kind" in ('invoice','bill')),
	CONSTRAINT "fx_revaluation_lines_diff_ck" CHECK ("fx_revaluation_lines"."diff_minor" = "fx_revaluation_lines"."revalued_minor" - "fx_revaluation_lines"."carrying_minor")
);
--> statement-breakpoint
CREATE TABLE "fx_revaluations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"at_date" date NOT NULL,
	"functional_currency" text NOT NULL,
	"receivables_diff_minor" bigint DEFAULT 0 NOT NULL,
	"payables_diff_minor" bigint DEFAULT 0 NOT NULL,
	"journal_id" uuid,
	"reversal_journal_id" uuid,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fx_revaluation_lines" ADD CONSTRAINT "fx_revaluation_lines_revaluation_id_fx_revaluations_id_fk" FOREIGN KEY ("revaluation_id") REFERENCES "public"."fx_revaluations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fx_revaluations" ADD CONSTRAINT "fx_revaluations_journal_id_journal_entries_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fx_revaluations" ADD CONSTRAINT "fx_revaluations_reversal_journal_id_journal_entries_id_fk" FOREIGN KEY ("reversal_journal_id") REFERENCES "public"."journal_entries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fx_revaluation_lines_run_idx" ON "fx_revaluation_lines" USING btree ("revaluation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fx_revaluations_at_uq" ON "fx_revaluations" USING btree ("at_date");