import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnifiedOrderInput } from '../../src/domain/order';
import { squareConnector } from './index';
import { normalizeSquareOrder } from './transform';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../shared/fixtures/square/${name}`, import.meta.url), 'utf8'));

describe('Square transform', () => {
  it('normalises the RetrieveOrder sample: open, unpaid, order discount spread on lines', () => {
    const o = normalizeSquareOrder(fixture('retrieve_order_response.json').order);
    expect(UnifiedOrderInput.parse(o)).toBeTruthy();
    expect(o).toMatchObject({
      externalId: 'CAISENgvlJ6jLWAzERDzjyHVybY', status: 'open', financialStatus: 'pending', fulfillmentStatus: 'unfulfilled',
      currency: 'USD', subtotalMinor: 1100, discountMinor: 550, taxMinor: 0, totalMinor: 550, placedAt: '2020-05-18T16:30:49.614Z',
    });
    expect(o.lines.map((l) => [l.title, l.quantity, l.unitPriceMinor, l.discountMinor])).toEqual([['Item 1', 1, 500, 250], ['Item 2', 2, 300, 300]]);
    // The sample's items have no catalog id: typed in at the register.
    expect(o.exceptions).toEqual(['adhoc_item']);
    expect(o.lines[0]!.externalId).toBe('ULkg0tQTRK2bkU9fNv3IJD');
  });

  it('normalises the PayOrder sample as completed, paid by its captured tenders, handed over at the counter', () => {
    const o = normalizeSquareOrder(fixture('pay_order_response.json').order);
    expect(o).toMatchObject({ status: 'completed', financialStatus: 'paid', fulfillmentStatus: 'fulfilled', totalMinor: 2000, subtotalMinor: 2000 });
  });

  it('keeps the catalog variation id as the line id and takes the SKU resolved at pull time', () => {
    const order = fixture('retrieve_order_response.json').order;
    order.line_items[0].catalog_object_id = 'VAR-1';
    order.line_items[1].catalog_object_id = 'VAR-2';
    const o = normalizeSquareOrder({ order, skus: { 'VAR-1': 'SKU-ONE' } });
    expect(o.lines.map((l) => [l.externalId, l.sku])).toEqual([['VAR-1', 'SKU-ONE'], ['VAR-2', null]]);
    expect(o.exceptions).toEqual([]);
  });

  it('reads fulfillment recipients, partial refunds, cancellations, and refuses fractional quantities', () => {
    const base = fixture('pay_order_response.json').order;
    const shipped = normalizeSquareOrder({
      ...base, state: 'OPEN', customer_id: 'CUST1',
      fulfillments: [{ state: 'PROPOSED', shipment_details: { recipient: { display_name: 'Ann Lee', email_address: 'ann@example.test', address: { address_line_1: '1 Main St', locality: 'Austin', administrative_district_level_1: 'TX', postal_code: '73301', country: 'US' } } } }],
      refunds: [{ amount_money: { amount: 500, currency: 'USD' }, status: 'COMPLETED' }],
    });
    expect(shipped).toMatchObject({ financialStatus: 'partially_refunded', fulfillmentStatus: 'unfulfilled', customer: { externalId: 'CUST1', name: 'Ann Lee', email: 'ann@example.test' } });
    expect(shipped.shippingAddress).toMatchObject({ line1: '1 Main St', city: 'Austin', region: 'TX', country: 'US' });
    expect(normalizeSquareOrder({ ...base, state: 'CANCELED' })).toMatchObject({ status: 'cancelled', financialStatus: 'voided' });
    const weighed = { ...base, line_items: [{ ...base.line_items[0], quantity: '1.5' }] };
    expect(() => normalizeSquareOrder(weighed)).toThrow(/line_items\.0: quantity "1\.5"/);
  });
});

describe('Square webhook events', () => {
  it('turns order.created/updated into a queued fetch and ignores other topics', () => {
    for (const [file, topic] of [['webhook_order_created.json', 'order.created'], ['webhook_order_updated.json', 'order.updated'], ['webhook_order_fulfillment_updated.json', 'order.fulfillment.updated']]) {
      const r = squareConnector.extractOrders({ topic: topic!, body: JSON.stringify(fixture(file!)), path: 'webhook' });
      expect(r).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/^fetch queued: .* eA3vssLHKJrv9H0IdJCM3gNqfdcZY/), requestSync: { afterMs: expect.any(Number) } });
    }
    const pay = squareConnector.extractOrders({ topic: 'payment.updated', body: JSON.stringify(fixture('webhook_payment_updated.json')), path: 'webhook' });
    expect(pay).toEqual({ kind: 'ignored', reason: 'topic payment.updated carries no order' });
  });

  it('reads the delivery id and topic from the event', () => {
    const raw = Buffer.from(JSON.stringify(fixture('webhook_order_updated.json')));
    expect(squareConnector.webhookEnvelope!({ headers: {}, rawBody: raw, url: 'https://x' })).toEqual({ deliveryId: expect.any(String), topic: 'order.updated' });
  });
});
