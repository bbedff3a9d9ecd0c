import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonSafe } from '../kit/json-bigint';
import { shopifyPayoutToInput, shopifyTransactionToLine } from './payouts-transform';
import { FIXTURES } from '../../test/helpers/fixtures';

const raw = (f: string) => readFileSync(`${FIXTURES}/shopify/${f}`, 'utf8');

describe('Shopify Payments payout transform (real fixtures)', () => {
  it('turns the payout and its summary into minor units', () => {
    const p = shopifyPayoutToInput((parseJsonSafe(raw('payout.json')) as any).payout);
    expect(p).toMatchObject({ externalId: '623721858', status: 'paid', amountMinor: 4190, currency: 'USD', arrivalDate: '2019-11-12' });
    expect(p.summary).toMatchObject({ charges_gross_amount: 4452, refunds_gross_amount: -354, refunds_fee_amount: -23, adjustments_fee_amount: 12 });
  });

  it('keeps every one of the 25 balance transactions, with the types mapped and ids as strings', () => {
    const rows = (parseJsonSafe(raw('balance_transactions.json')) as any).transactions.map(shopifyTransactionToLine);
    expect(rows).toHaveLength(25);
    const cats = rows.reduce((m: Record<string, number>, l: any) => ({ ...m, [l.category]: (m[l.category] ?? 0) + 1 }), {});
    // adjustment = 3 adjustments + 4 credits + 4 debits.
    expect(cats).toEqual({ adjustment: 11, refund: 3, charge: 7, dispute: 1, reserve: 2, payout: 1 });
    const dispute = rows.find((l: any) => l.externalId === '726130462');
    expect(dispute).toMatchObject({ category: 'dispute', amountMinor: -1150, feeMinor: 1500, netMinor: -2650, sourceOrderId: '625362839' });
    expect(rows.find((l: any) => l.type === 'payout')).toMatchObject({ netMinor: -4190, category: 'payout' });
  });

  it('maps an unknown type to `unknown` (kept, not dropped) and keeps 64-bit ids exact', () => {
    const body = '{"transactions":[{"id":820982911946154508,"type":"shop_cash_credit","currency":"JPY","amount":"1500","fee":"0","net":"1500","source_order_id":820982911946154509}]}';
    const [l] = (parseJsonSafe(body) as any).transactions.map(shopifyTransactionToLine);
    expect(l).toMatchObject({ externalId: '820982911946154508', sourceOrderId: '820982911946154509', category: 'unknown', amountMinor: 1500, currency: 'JPY' });
  });

  it('refuses amounts that are not plain decimals', () => {
    expect(() => shopifyTransactionToLine({ id: 1, type: 'charge', currency: 'USD', amount: '1e3', fee: '0', net: '1e3' })).toThrow(/plain decimal/);
    expect(() => shopifyTransactionToLine({ id: 1, type: 'charge', currency: 'USD', amount: '0.105', fee: '0', net: '0.105' })).toThrow(/decimals/);
  });
});
