-- Accounts for receivables, stock valuation, payables, equity and operating costs (users edit codes
-- and names through PATCH /api/v1/finance/accounts/{id}). ON CONFLICT: another module may seed a role first.
INSERT INTO ledger_accounts (role, code, name, kind) VALUES
  ('receivables', '1200', 'Accounts receivable', 'asset'),
  ('inventory', '1300', 'Inventory', 'asset'),
  ('payables', '2000', 'Accounts payable', 'liability'),
  ('customer_credits', '2300', 'Customer prepayments (unapplied)', 'liability'),
  ('opening_equity', '3000', 'Owner equity', 'equity'),
  ('retained_earnings', '3100', 'Retained earnings', 'equity'),
  ('cogs', '5000', 'Cost of goods sold', 'expense'),
  ('shrinkage', '5100', 'Inventory shrinkage', 'expense'),
  ('shipping_expense', '6200', 'Shipping costs', 'expense'),
  ('operating_expenses', '6500', 'Operating expenses', 'expense'),
  ('marketing', '6600', 'Marketing', 'expense')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Invoice and credit-note numbers: gap-tolerant, never reused, safe under concurrent issuing.
CREATE SEQUENCE IF NOT EXISTS invoice_number_seq START 1001;
--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS credit_note_number_seq START 1001;
