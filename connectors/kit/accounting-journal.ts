/** A journal as the accounting connectors (Xero, QuickBooks) send it: decimals and the user's account codes. */
export interface AccountingJournal {
  id: string;
  /** settlement | deposit | reversal | manual */
  kind: string;
  date: string;
  narration: string;
  currency: string;
  /** Who paid the payout (Shopify Payments, Stripe, Amazon): the contact on a bank transaction. */
  counterparty: string;
  lines: Array<{ accountCode: string; role: string; description: string; debit: string | null; credit: string | null }>;
}

/**
 * A deposit as the bank sees it: money moving between the bank account and the processor's clearing
 * account. `amount` is positive (a decimal string); `direction` says which way it went. Null when the
 * journal is not a two-line bank ↔ clearing entry (then it goes as a plain journal).
 */
export function depositOf(j: AccountingJournal): { bank: string; clearing: string; amount: string; direction: 'in' | 'out' } | null {
  if (j.kind !== 'deposit' || j.lines.length !== 2) return null;
  const bank = j.lines.find((l) => l.role === 'bank');
  const clearing = j.lines.find((l) => l.role === 'clearing');
  if (!bank || !clearing) return null;
  return bank.debit !== null
    ? { bank: bank.accountCode, clearing: clearing.accountCode, amount: bank.debit, direction: 'in' }
    : { bank: bank.accountCode, clearing: clearing.accountCode, amount: bank.credit!, direction: 'out' };
}
