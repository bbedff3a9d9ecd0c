import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnifiedOrderInput } from '../../src/domain/order';
import { normalizeAmazonOrder } from './transform';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../shared/fixtures/amazon/${name}`, import.meta.url), 'utf8'));

describe('Amazon SP-API 2026-01-01 transform', () => {
  it('normalises the searchOrders sample: lines, money from proceeds, buyer and address', () => {
    const o = normalizeAmazonOrder(fixture('orders_2026-01-01_searchOrders_response.json').orders[0]);
    expect(UnifiedOrderInput.parse(o)).toBeTruthy();
    expect(o).toMatchObject({
      externalId: '123-4567890-1234567', number: '123-4567890-1234567', currency: 'USD',
      status: 'completed', financialStatus: 'paid', fulfillmentStatus: 'fulfilled',
      subtotalMinor: 14_997, taxMinor: 2, shippingMinor: 0, discountMinor: 0, totalMinor: 15_499,
      placedAt: '2024-12-25T10:30:00.000Z', sourceUpdatedAt: '2024-12-25T14:45:00.000Z',
    });
    expect(o.lines).toEqual([
      { externalId: '12345678901234', sku: 'ECHO-DOT-4-CHARCOAL', title: 'Echo Dot (4th Gen) | Smart speaker with Alexa | Charcoal', quantity: 2, unitPriceMinor: 4999, taxMinor: 2, discountMinor: 0 },
      { externalId: '12345678901235', sku: 'FIRE-TV-4K-2021', title: 'Fire TV Stick 4K with Alexa Voice Remote', quantity: 1, unitPriceMinor: 4999, taxMinor: 0, discountMinor: 0 },
    ]);
    expect(o.customer).toMatchObject({ name: 'John Smith', email: 'buyer-email@marketplace.amazon.com' });
    expect(o.shippingAddress).toMatchObject({ name: 'John Smith', company: 'Smith Industries LLC', line1: '123 Main Street', line2: 'Suite 456', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' });
  });

  it('normalises the getOrder sample in GBP with shipping and tax breakdowns', () => {
    const o = normalizeAmazonOrder(fixture('orders_2026-01-01_getOrder_response.json').order);
    expect(o).toMatchObject({ currency: 'GBP', subtotalMinor: 8997, shippingMinor: 1000, taxMinor: 400, totalMinor: 10_397 });
    expect(o.lines).toHaveLength(1);
    expect(o.lines[0]).toMatchObject({ sku: 'ECHO-DOT-4-UK-CHARCOAL-3PACK', quantity: 3, unitPriceMinor: 2999, taxMinor: 400 });
  });

  it('reads a pending order without buyer data, proceeds or address (masked PII) as pending and unpaid', () => {
    const base = fixture('orders_2026-01-01_searchOrders_response.json').orders[0];
    const { buyer: _b, recipient: _r, proceeds: _p, ...rest } = base;
    const o = normalizeAmazonOrder({ ...rest, fulfillment: { fulfillmentStatus: 'PENDING' } });
    expect(o).toMatchObject({ status: 'open', financialStatus: 'pending', fulfillmentStatus: 'unfulfilled', customer: null, shippingAddress: null });
    // No order-level proceeds: the total is built from the items (3 × 49.99) plus their tax (0.02).
    expect(o.totalMinor).toBe(3 * 4999 + 2);
  });

  it('keeps cancelled orders, drops zero-quantity items, and refuses a record with no currency anywhere', () => {
    const base = fixture('orders_2026-01-01_searchOrders_response.json').orders[0];
    const items = [...base.orderItems];
    items[1] = { ...items[1], quantityOrdered: 0 };
    const o = normalizeAmazonOrder({ ...base, orderItems: items, fulfillment: { fulfillmentStatus: 'CANCELLED' } });
    expect(o).toMatchObject({ status: 'cancelled', financialStatus: 'voided' });
    expect(o.lines).toHaveLength(1);
    expect(() => normalizeAmazonOrder({ orderId: 'X', createdTime: '2026-01-01T00:00:00Z', lastUpdatedTime: '2026-01-01T00:00:00Z', orderItems: [] })).toThrow(/currency/);
  });
});
