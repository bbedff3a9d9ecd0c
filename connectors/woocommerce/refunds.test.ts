import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { woocommerceConnector } from './index';
import { toChannelRefunds, wooRefundsToFetch } from './refunds';
import { FIXTURES } from '../../test/helpers/fixtures';

const FIX = `${FIXTURES}/woocommerce`;
const orders = JSON.parse(readFileSync(`${FIX}/orders_list.json`, 'utf8')) as Array<Record<string, unknown>>;
const refunds = JSON.parse(readFileSync(`${FIX}/order_refunds_list.json`, 'utf8')) as unknown[];
const o723 = orders.find((o) => o.id === 723)!;
const o727 = orders.find((o) => o.id === 727)!;

describe('WooCommerce refunds', () => {
  it('an order that lists refunds names them for fetching; one without refunds names none', () => {
    expect(wooRefundsToFetch(o723)).toEqual({ orderExternalId: '723', currency: 'USD', refundIds: ['726', '724'] });
    expect(wooRefundsToFetch(o727)).toBeNull();
    expect(woocommerceConnector.refundsToFetch).toBe(wooRefundsToFetch);
  });

  it('reads the listed refunds: a money-only one has no lines, a refunded item names its order line', () => {
    const out = toChannelRefunds({ orderExternalId: '723', currency: 'USD', refundIds: ['726', '724'] }, refunds);
    expect(out).toEqual([
      { orderExternalId: '723', refundId: '726', createdAt: '2017-03-21T20:07:11.000Z', currency: 'USD', amountMinor: 1000, lines: [] },
      { orderExternalId: '723', refundId: '724', createdAt: '2017-03-21T19:55:37.000Z', currency: 'USD', amountMinor: 900, lines: [{ sku: null, quantity: 1, lineExternalId: '311' }] },
    ]);
  });

  it('keeps only the refunds asked for (those not mirrored yet)', () => {
    const out = toChannelRefunds({ orderExternalId: '723', currency: 'USD', refundIds: ['724'] }, refunds);
    expect(out.map((r) => r.refundId)).toEqual(['724']);
  });

  it('refuses a refund it cannot read (no id) instead of guessing', () => {
    expect(() => toChannelRefunds({ orderExternalId: '723', currency: 'USD', refundIds: ['1'] }, [{ amount: '1.00' }])).toThrow();
  });
});
