import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { woocommerceConnector } from './index';
import { decodeEntities, normalizeWooOrder, refundedMinor, WooOrder } from './transform';
import { FIXTURES } from '../../test/helpers/fixtures';

const FIX = `${FIXTURES}/woocommerce`;
const order = JSON.parse(readFileSync(`${FIX}/order.json`, 'utf8'));
const list = JSON.parse(readFileSync(`${FIX}/orders_list.json`, 'utf8')) as Array<Record<string, unknown>>;

describe('WooCommerce order → unified order', () => {
  it('reads the fixture order, taking times from the _gmt fields (the store is at UTC−3)', () => {
    const o = normalizeWooOrder(order);
    expect(o).toMatchObject({
      externalId: '727', number: '727', status: 'open', financialStatus: 'paid', fulfillmentStatus: 'unfulfilled', currency: 'USD',
      subtotalMinor: 1800, taxMinor: 135, shippingMinor: 1000, discountMinor: 0, totalMinor: 2935,
      placedAt: '2017-03-22T19:28:02.000Z', sourceUpdatedAt: '2017-03-22T19:28:08.000Z',
      customer: { email: 'john.doe@example.com', name: 'John Doe', externalId: null },
      shippingAddress: { line1: '969 Market', city: 'San Francisco', region: 'CA', postalCode: '94103', country: 'US' },
    });
    expect(o.lines).toEqual([
      { externalId: '315', sku: null, title: 'Woo Single #1', quantity: 2, unitPriceMinor: 300, taxMinor: 45, discountMinor: 0 },
      { externalId: '316', sku: 'Bar3', title: 'Ship Your Idea – Color: Black, Size: M Test', quantity: 1, unitPriceMinor: 1200, taxMinor: 90, discountMinor: 0 },
    ]);
  });

  it('a completed order with negative refunds is partially refunded, exactly', () => {
    const o723 = list.find((o) => o.id === 723)!;
    expect(refundedMinor(WooOrder.parse(o723))).toBe(1900);
    const o = normalizeWooOrder(o723);
    expect(o).toMatchObject({ externalId: '723', status: 'completed', financialStatus: 'partially_refunded', fulfillmentStatus: 'fulfilled', totalMinor: 3900 });
    expect(o.placedAt).toBe(`${String(o723.date_created_gmt)}.000Z`);
  });

  it('refunds of the whole total make it refunded; status refunded too', () => {
    const o = structuredClone(list.find((x) => x.id === 723)!) as Record<string, unknown>;
    o.refunds = [{ id: 1, refund: '', total: '-39.00' }];
    expect(normalizeWooOrder(o).financialStatus).toBe('refunded');
    expect(normalizeWooOrder({ ...order, status: 'refunded' }).financialStatus).toBe('refunded');
  });

  it('money at the edges: "0.10", JPY without decimals, and no float drift', () => {
    const cheap = structuredClone(order);
    cheap.line_items = [{ ...order.line_items[0], quantity: 3, subtotal: '0.30', total: '0.30', total_tax: '0.00', price: 0.1 }];
    Object.assign(cheap, { total: '0.10', total_tax: '0.00', shipping_total: '0.00', discount_total: '0.00' });
    expect(normalizeWooOrder(cheap).lines[0]!.unitPriceMinor).toBe(10);
    expect(normalizeWooOrder(cheap).totalMinor).toBe(10);
    const yen = structuredClone(order);
    Object.assign(yen, { currency: 'JPY', total: '1500', total_tax: '0', shipping_total: '0', discount_total: '0', line_items: [{ ...order.line_items[0], quantity: 1, subtotal: '1500', total: '1500', total_tax: '0', price: 1500 }] });
    expect(normalizeWooOrder(yen)).toMatchObject({ currency: 'JPY', totalMinor: 1500, subtotalMinor: 1500 });
    yen.total = '1500.5';
    expect(() => normalizeWooOrder(yen)).toThrow(/decimals/);
  });

  it('statuses: on-hold waits for payment, cancelled is voided', () => {
    expect(normalizeWooOrder({ ...order, status: 'on-hold' })).toMatchObject({ status: 'on_hold', financialStatus: 'pending' });
    expect(normalizeWooOrder({ ...order, status: 'cancelled' })).toMatchObject({ status: 'cancelled', financialStatus: 'voided' });
  });

  it('decodes WordPress entities in names', () => {
    expect(decodeEntities('A &amp; B &#8211; C &#x2014; D &unknown;')).toBe('A & B – C — D &unknown;');
  });

  it('webhook topics: orders carried, deletions and pings ignored', () => {
    const body = JSON.stringify(order);
    expect(woocommerceConnector.extractOrders({ topic: 'order.updated', body, path: 'webhook' }).kind).toBe('orders');
    expect(woocommerceConnector.extractOrders({ topic: 'order.deleted', body: '{"id":727}', path: 'webhook' }).kind).toBe('ignored');
    expect(woocommerceConnector.extractOrders({ topic: 'ping', body: 'webhook_id=5', path: 'webhook' }).kind).toBe('ignored');
  });
});
