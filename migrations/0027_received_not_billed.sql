-- Goods received without a purchase order (a manual stock receipt) are valued Dr inventory, Cr this
-- accrued liability; the supplier's invoice, when it comes, is booked against it with a manual journal
-- (Dr 2100, Cr payables). Before, such a receipt was never valued and the ledger's inventory fell short
-- of the stock valuation. ON CONFLICT: a deployment may have made the role itself.
INSERT INTO ledger_accounts (role, code, name, kind) VALUES
  ('received_not_billed', '2100', 'Goods received, not billed', 'liability')
ON CONFLICT DO NOTHING;
