import { describe, expect, it } from 'vitest';
import { bsSection, cashSection, plSection } from './statements';

describe('where each account goes on the statements', () => {
  it('shows goods received, not billed as a liability, and its settlement as a supplier payment', () => {
    expect(bsSection('received_not_billed', 'liability')).toBe('other_liabilities');
    expect(plSection('received_not_billed', 'liability')).toBeNull();
    // Paying a supplier straight from it (Dr 2100, Cr bank) is paying a supplier, as from payables.
    expect(cashSection('received_not_billed', 'liability')).toBe('supplier_payments');
    expect(cashSection('payables', 'liability')).toBe('supplier_payments');
    expect(cashSection('inventory', 'asset')).toBe('inventory_purchases');
  });
});
