-- Payables: purchase price variance (billed price minus PO price) gets its own expense account, so
-- it stays visible in the trial balance and accounting sync; statements report it within cost of sales.
INSERT INTO ledger_accounts (role, code, name, kind) VALUES
  ('purchase_price_variance', '5050', 'Purchase price variance', 'expense')
ON CONFLICT DO NOTHING;
