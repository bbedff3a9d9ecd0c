import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAmazonSettlement } from '../../src/finance/import-amazon-settlement';
import { reconcile } from '../../src/finance/reconcile-payout';
import { createTestHub, type TestHub } from '../helpers/hub';
import { clearingBalance, createOrder, insertConnection } from './finance.helpers';

/**
 * HAND-MADE SAMPLE. No public Amazon settlement report V2 flat file was found (see
 * ../shared/fixtures/SOURCES.md, "Not found"), so this small file was written for this test from
 * the documented column layout: a header, the summary row, then one row per amount.
 */
const COLS = ['settlement-id', 'settlement-start-date', 'settlement-end-date', 'deposit-date', 'total-amount', 'currency', 'transaction-type', 'order-id',
  'merchant-order-id', 'adjustment-id', 'shipment-id', 'marketplace-name', 'amount-type', 'amount-description', 'amount', 'fulfillment-id', 'posted-date',
  'posted-date-time', 'order-item-code', 'merchant-order-item-id', 'merchant-adjustment-item-id', 'sku', 'quantity-purchased', 'promotion-id'];
const row = (v: Record<string, string>) => COLS.map((c) => v[c] ?? '').join('\t');
const detail = (type: string, order: string, amountType: string, desc: string, amount: string, extra: Record<string, string> = {}) =>
  row({ 'settlement-id': '11223344556', 'transaction-type': type, 'order-id': order, 'amount-type': amountType, 'amount-description': desc, amount,
    'posted-date': '2026-03-03 10:00:00 UTC', 'marketplace-name': 'Amazon.com', 'shipment-id': order ? `S-${order}` : '', ...extra });
const FILE = [
  COLS.join('\t'),
  row({ 'settlement-id': '11223344556', 'settlement-start-date': '2026-03-01 00:00:00 UTC', 'settlement-end-date': '2026-03-14 00:00:00 UTC',
    'deposit-date': '2026-03-16 00:00:00 UTC', 'total-amount': '10.23', currency: 'USD' }),
  detail('Order', '114-1111111-1111111', 'ItemPrice', 'Principal', '25.00', { sku: 'TEE-BLK-M', 'quantity-purchased': '1' }),
  detail('Order', '114-1111111-1111111', 'ItemPrice', 'Tax', '2.00'),
  detail('Order', '114-1111111-1111111', 'ItemFees', 'Commission', '-3.75'),
  detail('Order', '114-1111111-1111111', 'ItemFees', 'FBAPerUnitFulfillmentFee', '-3.22'),
  detail('Refund', '114-2222222-2222222', 'ItemPrice', 'Principal', '-10.00'),
  detail('Refund', '114-2222222-2222222', 'ItemFees', 'Commission', '1.50'),
  detail('Refund', '114-2222222-2222222', 'ItemFees', 'RefundCommission', '-0.30'),
  detail('other-transaction', '', 'other-transaction', 'Storage Fee', '-5.00', { 'adjustment-id': 'ADJ-1' }),
  detail('Liquidations', '', 'other-transaction', 'LiquidationsBrokerageFee', '4.00', { 'adjustment-id': 'LIQ-1' }),
].join('\n');

let t: TestHub;
let conn: string;
beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  conn = await insertConnection(t, 'amazon', { sellerId: 'A1SELLER' });
  await createOrder(t, '114-1111111-1111111', 2700);
  await createOrder(t, '114-2222222-2222222', 3000);
});
afterAll(() => t?.close());

describe('Amazon settlement report V2 (flat file)', () => {
  it('parses the summary and groups detail rows into lines with fees', () => {
    const s = parseAmazonSettlement(FILE);
    expect(s).toMatchObject({ settlementId: '11223344556', totalMinor: 1023, currency: 'USD', depositDate: '2026-03-16' });
    expect(s.lines.map((l) => [l.type, l.category, l.amountMinor, l.feeMinor, l.netMinor])).toEqual([
      ['Order', 'charge', 2700, 697, 2003],
      ['Refund', 'refund', -1000, -120, -880],
      ['other-transaction', 'adjustment', -500, 0, -500],
      ['Liquidations', 'unknown', 400, 0, 400],
    ]);
  });

  it('rejects a file without the summary or with a bad amount, naming the place', async () => {
    const bad = await t.api('POST', `/api/v1/settlements/amazon?connectionId=${conn}`, FILE.replace('-3.75', '-3,75x'), { 'content-type': 'text/tab-separated-values' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('file.row5.amount');
    const noSummary = await t.api('POST', `/api/v1/settlements/amazon?connectionId=${conn}`, COLS.join('\t'), { 'content-type': 'text/tab-separated-values' });
    expect(noSummary.status).toBe(400);
  });

  it('uploaded through the API, it reconciles: the order matches, the refund and the unknown type are breaks', async () => {
    const up = await t.api('POST', `/api/v1/settlements/amazon?connectionId=${conn}`, FILE, { 'content-type': 'text/tab-separated-values' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ settlementId: '11223344556', lines: 4, changed: true });
    const again = await t.api('POST', `/api/v1/settlements/amazon?connectionId=${conn}`, FILE, { 'content-type': 'text/tab-separated-values' });
    expect(again.body).toMatchObject({ payoutId: up.body.payoutId, changed: false });
    const r = await reconcile(t.hub.ctx, { payoutId: up.body.payoutId });
    expect(r.breaks.map((b) => [b.class, b.expectedMinor, b.actualMinor, b.deltaMinor])).toEqual([
      ['refund_mismatch', 0, -1000, -1000],
      ['unclassified_type', 0, 400, 400],
    ]);
    const p = (await t.api('GET', `/api/v1/payouts/${up.body.payoutId}`)).body;
    expect(p.unknownTypes).toEqual({ Liquidations: 1 });
    expect(p.source).toBe('amazon_settlement');
    expect(p.lines.find((l: any) => l.type === 'Order').matchedOrder.externalId).toBe('114-1111111-1111111');
    expect(await clearingBalance(t, p.id)).toBe(0);
  });
});
