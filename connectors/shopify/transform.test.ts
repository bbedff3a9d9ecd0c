import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonSafe } from '../kit/json-bigint';
import { shopifyConnector } from './index';
import { fakeGqlOrder } from './testing/fake-store';
import { normalizeShopifyGqlOrder, normalizeShopifyOrder, normalizeShopifyRestOrder, summarizeShopifyRefund } from './transform';
import { FIXTURES } from '../../test/helpers/fixtures';

const FIX = `${FIXTURES}/shopify`;
const orderText = readFileSync(`${FIX}/order.json`, 'utf8');
const refundText = readFileSync(`${FIX}/refund.json`, 'utf8');

describe('Shopify REST order (webhook body) → unified order', () => {
  it('reads the fixture order exactly', () => {
    const o = normalizeShopifyRestOrder(parseJsonSafe(orderText));
    expect(o).toMatchObject({
      externalId: '450789469', number: '#1001', status: 'open', financialStatus: 'authorized', fulfillmentStatus: 'unfulfilled',
      currency: 'USD', subtotalMinor: 39800, taxMinor: 1194, shippingMinor: 0, discountMinor: 0, totalMinor: 40994,
      placedAt: '2008-01-10T16:00:00.000Z', sourceUpdatedAt: '2008-01-10T16:00:00.000Z',
      customer: { externalId: '207119551', email: 'bob.norman@hostmail.com', name: 'Bob Norman' },
      shippingAddress: { line1: 'Chestnut Street 92', city: 'Louisville', region: 'KY', postalCode: '40202', country: 'US', name: 'Bob Norman' },
    });
    expect(o.lines.map((l) => [l.externalId, l.sku, l.quantity, l.unitPriceMinor])).toEqual([
      ['466157049', 'IPOD2008GREEN', 1, 19900], ['518995019', 'IPOD2008RED', 1, 19900], ['703073504', 'IPOD2008BLACK', 1, 19900],
    ]);
    expect(o.exceptions).toEqual([]);
  });

  it('keeps ids beyond 2^53 exact through the webhook path (extract + normalize)', () => {
    const body = orderText.replace('"id": 450789469', '"id": 820982911946154508').replace('"id": 466157049', '"id": 9007199254740993123');
    const ex = shopifyConnector.extractOrders({ topic: 'orders/updated', body, path: 'webhook' });
    expect(ex.kind).toBe('orders');
    const o = shopifyConnector.normalize((ex as { records: unknown[] }).records[0]);
    expect(o.externalId).toBe('820982911946154508');
    expect(o.lines[0]!.externalId).toBe('9007199254740993123');
  });

  it('refuses an id that already lost precision (a number beyond 2^53)', () => {
    const o = JSON.parse(orderText).order;
    o.id = 820982911946154508; // JSON.parse already rounded it
    expect(() => normalizeShopifyRestOrder(o)).toThrow(/precision/);
  });

  it('maps cancelled and refunded orders', () => {
    const o = JSON.parse(orderText).order;
    o.cancelled_at = '2008-01-11T10:00:00-05:00';
    o.financial_status = 'refunded';
    o.fulfillment_status = 'restocked';
    expect(normalizeShopifyRestOrder(o)).toMatchObject({ status: 'cancelled', financialStatus: 'refunded', fulfillmentStatus: 'returned' });
  });
});

describe('Shopify refund (refunds/create)', () => {
  it('sums successful refund transactions exactly and names the order', () => {
    const r = summarizeShopifyRefund(parseJsonSafe(refundText));
    expect(r).toMatchObject({ refundId: '509562969', orderExternalId: '450789469', currency: 'USD', amountMinor: 20900 });
    expect(r.lines.map((l) => [l.lineExternalId, l.sku])).toEqual([['703073504', 'IPOD2008BLACK'], ['466157049', 'IPOD2008GREEN']]);
  });

  it('a negative transaction (a reversal) subtracts', () => {
    const r = JSON.parse(refundText);
    r.refund.transactions.push({ ...r.refund.transactions[0], id: 1, amount: '-3.54' });
    expect(summarizeShopifyRefund(r).amountMinor).toBe(20900 - 354);
  });

  it('is read as a refund of units (for a return), never as an order record', () => {
    const ex = shopifyConnector.extractOrders({ topic: 'refunds/create', body: refundText, path: 'webhook' });
    expect(ex).toMatchObject({ kind: 'refund', refund: { orderExternalId: '450789469', refundId: '509562969', currency: 'USD' } });
    expect((ex as { refund: { lines: unknown[] } }).refund.lines).toEqual([{ sku: 'IPOD2008BLACK', quantity: 1 }, { sku: 'IPOD2008GREEN', quantity: 1 }]);
  });
});

describe('Shopify GraphQL order node → unified order', () => {
  it('reads ids, statuses and money from a node', () => {
    const o = normalizeShopifyGqlOrder(fakeGqlOrder(3, { updatedAt: '2026-02-01T10:00:00Z', price: '0.10', quantity: 3, financial: 'PARTIALLY_REFUNDED', fulfillment: 'PARTIALLY_FULFILLED' }));
    expect(o).toMatchObject({
      externalId: '820982911946154511', number: '#1003', financialStatus: 'partially_refunded', fulfillmentStatus: 'partial',
      subtotalMinor: 30, totalMinor: 30, sourceUpdatedAt: '2026-02-01T10:00:00.000Z',
    });
    expect(o.lines[0]).toMatchObject({ externalId: '466157052', quantity: 3, unitPriceMinor: 10, sku: 'SKU-3' });
  });

  it('JPY has no decimals', () => {
    const o = normalizeShopifyOrder(fakeGqlOrder(1, { updatedAt: '2026-02-01T10:00:00Z', currency: 'JPY', price: '1500', quantity: 2 }));
    expect(o).toMatchObject({ currency: 'JPY', totalMinor: 3000 });
    expect(o.lines[0]!.unitPriceMinor).toBe(1500);
  });

  it('rejects money it cannot read exactly rather than guessing', () => {
    const node = fakeGqlOrder(1, { updatedAt: '2026-02-01T10:00:00Z' });
    (node.currentTotalPriceSet as { shopMoney: { amount: string } }).shopMoney.amount = '1e3';
    expect(() => normalizeShopifyOrder(node)).toThrow(/money/);
  });

  it('a webhook and a poll of one order give the same external id', () => {
    const rest = normalizeShopifyRestOrder(parseJsonSafe(orderText.replace('"id": 450789469', '"id": 820982911946154509')));
    const gql = normalizeShopifyGqlOrder(fakeGqlOrder(1, { updatedAt: '2026-02-01T10:00:00Z' }));
    expect(rest.externalId).toBe(gql.externalId);
  });
});
