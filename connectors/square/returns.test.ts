import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { squareConnector } from './index';
import { isExchangeOrder, isReturnOrder, squareReturnToRefund } from './returns';
import { squareExchangeOrder, squareReturnOrder } from './testing/return-order';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../shared/fixtures/square/${name}`, import.meta.url), 'utf8'));
const sale = fixture('retrieve_order_response.json').order as { id: string };

describe('Square return orders', () => {
  it('are told apart from sales (a return order has returns and no items of its own)', () => {
    expect(isReturnOrder(squareReturnOrder())).toBe(true);
    expect(isReturnOrder(sale)).toBe(false);
    expect(isReturnOrder({ ...sale, returns: [{ source_order_id: 'X' }] })).toBe(false); // an exchange: it sells items too
  });

  it('a pulled return order is read as a refund of units of its source sale, by the SKU looked up at pull time', () => {
    const ret = squareReturnOrder({ createdAt: '2026-11-20T10:00:00.000Z' });
    const e = squareConnector.extractOrders({ topic: null, path: 'poll', body: JSON.stringify({ order: ret, skus: { 'VAR-ITEM-1': 'SQ-ITEM-1' } }) });
    expect(e).toEqual({
      kind: 'refund',
      refund: {
        orderExternalId: sale.id, refundId: 'RETURN-ORDER-1', createdAt: '2026-11-20T10:00:00.000Z', currency: 'USD', amountMinor: 500,
        lines: [{ sku: 'SQ-ITEM-1', quantity: 1, lineExternalId: 'VAR-ITEM-1' }],
      },
    });
  });

  it('without a SKU the line still names its variation (the order line\'s external id); a sale stays an order', () => {
    expect(squareReturnToRefund(squareReturnOrder(), {})!.lines).toEqual([{ sku: null, quantity: 1, lineExternalId: 'VAR-ITEM-1' }]);
    expect(squareConnector.extractOrders({ topic: null, path: 'poll', body: JSON.stringify({ order: sale, skus: {} }) }).kind).toBe('orders');
  });

  it('an unlinked return is ignored with its reason; a fractional quantity is refused, not rounded', () => {
    const e = squareConnector.extractOrders({ topic: null, path: 'poll', body: JSON.stringify({ order: squareReturnOrder({ sourceOrderId: null }), skus: {} }) });
    expect(e).toEqual({ kind: 'ignored', reason: 'unlinked return (it names no original sale)' });
    expect(() => squareReturnToRefund(squareReturnOrder({ quantity: '0.5' }), {})).toThrow(/not a whole number/);
  });

  it('an exchange stays an order, and the goods it takes back of the earlier sale are read as a refund of units', () => {
    const ex = squareExchangeOrder({ createdAt: '2026-11-21T10:00:00.000Z' });
    expect(isExchangeOrder(ex)).toBe(true);
    expect(isReturnOrder(ex)).toBe(false);
    expect(isExchangeOrder(squareReturnOrder())).toBe(false);
    expect(isExchangeOrder(sale)).toBe(false);
    const e = squareConnector.extractOrders({ topic: null, path: 'poll', body: JSON.stringify({ order: ex, skus: { 'VAR-ITEM-1': 'SQ-ITEM-1' } }) });
    expect(e.kind).toBe('orders');
    if (e.kind !== 'orders') return;
    expect(e.records).toHaveLength(1);
    expect(e.refunds).toEqual([{
      orderExternalId: sale.id, refundId: 'EXCHANGE-ORDER-1', createdAt: '2026-11-21T10:00:00.000Z', currency: 'USD', amountMinor: 500,
      lines: [{ sku: 'SQ-ITEM-1', quantity: 1, lineExternalId: 'VAR-ITEM-1' }],
    }]);
  });

  it('an exchange returning a fractional quantity is still imported as an order; that line alone is not mirrored', () => {
    const e = squareConnector.extractOrders({ topic: null, path: 'poll', body: JSON.stringify({ order: squareExchangeOrder({ quantity: '0.5' }), skus: {} }) });
    expect(e).toEqual({ kind: 'orders', records: [expect.anything()] });
  });
});
