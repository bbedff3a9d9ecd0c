-- Every journal entry balances: per entry and per currency, the sum of debits equals the sum of
-- credits. Checked at COMMIT (deferred), so the lines of one entry can be inserted one by one.
CREATE OR REPLACE FUNCTION journal_entry_balance_check() RETURNS trigger AS $$
DECLARE
  eid uuid;
  bad record;
BEGIN
  IF TG_OP = 'DELETE' THEN eid := OLD.entry_id; ELSE eid := NEW.entry_id; END IF;
  SELECT currency, sum(debit_minor) AS dr, sum(credit_minor) AS cr INTO bad
    FROM journal_lines WHERE entry_id = eid
    GROUP BY currency HAVING sum(debit_minor) <> sum(credit_minor) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'journal entry % does not balance in %: debits % <> credits %', eid, bad.currency, bad.dr, bad.cr
      USING ERRCODE = '23514';
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.entry_id <> NEW.entry_id THEN
    SELECT currency INTO bad FROM journal_lines WHERE entry_id = OLD.entry_id
      GROUP BY currency HAVING sum(debit_minor) <> sum(credit_minor) LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'journal entry % does not balance', OLD.entry_id USING ERRCODE = '23514';
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS journal_lines_balanced ON journal_lines;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER journal_lines_balanced
  AFTER INSERT OR UPDATE OR DELETE ON journal_lines
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION journal_entry_balance_check();
--> statement-breakpoint
-- The default chart of accounts; users edit codes, names and external refs (PATCH /api/v1/finance/accounts/{id}).
INSERT INTO ledger_accounts (role, code, name, kind) VALUES
  ('sales', '4000', 'Sales', 'income'),
  ('shipping_income', '4100', 'Shipping income', 'income'),
  ('refunds', '4900', 'Refunds', 'income'),
  ('fees', '6100', 'Payment processing fees', 'expense'),
  ('chargebacks', '6150', 'Chargebacks', 'expense'),
  ('adjustments', '6190', 'Processor adjustments', 'expense'),
  ('fx', '7900', 'FX gain/loss', 'expense'),
  ('suspense', '9999', 'Suspense (unclassified)', 'asset'),
  ('clearing', '1150', 'Payments clearing', 'asset'),
  ('reserves', '1160', 'Processor reserves', 'asset'),
  ('bank', '1000', 'Bank', 'asset'),
  ('tax_payable', '2200', 'Sales tax payable', 'liability')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Reconciliation looks orders up by the platform's id alone (the unique index leads with connection_id).
CREATE INDEX IF NOT EXISTS orders_external_id_idx ON orders (external_id);

--> statement-breakpoint
-- Allocation's work queue is "orders waiting for allocation": partial indexes keep finding them cheap
-- however large the order table grows (the orders table itself belongs to the inbox schema).
CREATE INDEX IF NOT EXISTS "orders_alloc_pending_idx" ON "orders" USING btree ("placed_at", "id") WHERE allocation_status = 'pending';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "orders_alloc_open_skus_idx" ON "orders" USING gin ("skus") WHERE allocation_status IN ('pending', 'backordered', 'partial');
