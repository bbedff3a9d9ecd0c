import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../src/db/transaction';
import type { UnifiedOrderInput } from '../../src/domain/order';
import { upsertOrders } from '../../src/inbox/upsert-orders';
import { createTestHub, type TestHub } from '../helpers/hub';

/**
 * A known data set (November 2026): products A (cost 4.00 USD), B (cost 10.00 USD), C (no cost).
 *  o1 manual  USD 2026-11-02 x@ex.com  A×2 @15.00, B×1 @30.00 − 5.00 line discount; 1 A returned and restocked (refund 15.00); fee 2.00
 *  o2 manual  USD 2026-11-03 y@ex.com  A×1 @15.00
 *  o3 sandbox USD 2026-11-10 x@ex.com  C×3 @2.00
 *  o4 sandbox EUR 2026-11-10 z@ex.com  A×1 @20.00 (A has no EUR cost)
 *  o5 manual  USD 2026-11-04 cancelled → left out;  o6 manual USD 2026-12-01 → outside the period.
 */
let t: TestHub;
const q = 'from=2026-11-01&to=2026-11-30';
let o1 = '';

async function manual(placedAt: string, email: string, lines: Array<{ sku: string; quantity: number; unitPriceMinor: number; discountMinor?: number }>) {
  const r = await t.api('POST', '/api/v1/orders', {
    currency: 'USD', financialStatus: 'paid', placedAt, customer: { email },
    lines: lines.map((l) => ({ ...l, title: l.sku })),
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

function channelOrder(externalId: string, currency: string, placedAt: string, email: string, sku: string, quantity: number, unit: number): UnifiedOrderInput {
  return {
    externalId, number: externalId, status: 'open', financialStatus: 'paid', fulfillmentStatus: 'unfulfilled', currency,
    subtotalMinor: quantity * unit, taxMinor: 0, shippingMinor: 0, discountMinor: 0, totalMinor: quantity * unit,
    lines: [{ sku, title: sku, quantity, unitPriceMinor: unit, taxMinor: 0, discountMinor: 0 }],
    customer: { email }, placedAt, sourceUpdatedAt: placedAt, exceptions: [],
  };
}

beforeAll(async () => {
  t = await createTestHub();
  expect((await t.api('POST', '/api/v1/warehouses', { code: 'WH-A', name: 'A' })).status).toBe(201);
  expect((await t.api('POST', '/api/v1/products', { sku: 'A', title: 'A', unitCostMinor: 400, currency: 'USD' })).status).toBe(201);
  expect((await t.api('POST', '/api/v1/products', { sku: 'B', title: 'B', unitCostMinor: 1000, currency: 'USD' })).status).toBe(201);
  expect((await t.api('POST', '/api/v1/products', { sku: 'C', title: 'C' })).status).toBe(201);
  o1 = await manual('2026-11-02T10:00:00Z', 'x@ex.com', [{ sku: 'A', quantity: 2, unitPriceMinor: 1500 }, { sku: 'B', quantity: 1, unitPriceMinor: 3000, discountMinor: 500 }]);
  await manual('2026-11-03T10:00:00Z', 'y@ex.com', [{ sku: 'A', quantity: 1, unitPriceMinor: 1500 }]);
  const o5 = await manual('2026-11-04T10:00:00Z', 'x@ex.com', [{ sku: 'A', quantity: 9, unitPriceMinor: 1500 }]);
  expect((await t.api('POST', `/api/v1/orders/${o5}/cancel`)).status).toBe(200);
  await manual('2026-12-01T10:00:00Z', 'x@ex.com', [{ sku: 'A', quantity: 9, unitPriceMinor: 1500 }]);
  const shop = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Shop', config: { webhookSecret: 'report-secret-1', pollIntervalSeconds: 0 } });
  expect(shop.status).toBe(201);
  await withTransaction(t.hub.ctx, (tx) => upsertOrders(tx, [
    { connectionId: shop.body.id, channel: 'sandbox', path: 'poll', rawEventId: null, order: channelOrder('S-3', 'USD', '2026-11-10T09:00:00Z', 'x@ex.com', 'C', 3, 200) },
    { connectionId: shop.body.id, channel: 'sandbox', path: 'poll', rawEventId: null, order: channelOrder('S-4', 'EUR', '2026-11-10T12:00:00Z', 'z@ex.com', 'A', 1, 2000) },
  ]));
  const ret = await t.api('POST', `/api/v1/orders/${o1}/returns`, { lines: [{ sku: 'A', quantity: 1 }] });
  expect(ret.body.refundMinor).toBe(1500);
  expect((await t.api('POST', `/api/v1/returns/${ret.body.id}/receive`, { warehouse: 'WH-A' })).status).toBe(200);
  // A payout line matched to o1 carries its payment fee; one in another currency is not added.
  const p = await t.hub.ctx.db.execute(sql`insert into payouts (connection_id, source, external_id, status, amount_minor, currency)
    values (${shop.body.id}, 'stripe', 'po_1', 'paid', 5300, 'USD') returning id`);
  const pid = (p.rows[0] as { id: string }).id;
  await t.hub.ctx.db.execute(sql`insert into payout_lines (payout_id, external_id, type, category, amount_minor, fee_minor, net_minor, currency, matched_order_id)
    values (${pid}, 'txn_1', 'charge', 'charge', 5500, 200, 5300, 'USD', ${o1}), (${pid}, 'txn_2', 'charge', 'charge', 100, 7, 93, 'GBP', ${o1})`);
});
afterAll(() => t.close());

const report = async (qs: string) => {
  const r = await t.api('GET', `/api/v1/reports/sales?${qs}`);
  expect(r.status).toBe(200);
  return r.body;
};

describe('sales report', () => {
  it('per channel and currency, with refunds, fees, cost and margin', async () => {
    const r = await report(`groupBy=channel&${q}`);
    expect(r.rows).toEqual([
      {
        key: 'sandbox', currency: 'EUR', orders: 1, units: 1, grossSalesMinor: 2000, discountsMinor: 0, revenueMinor: 2000, refundsMinor: 0,
        netRevenueMinor: 2000, feesMinor: 0, cogsMinor: 0, grossMarginMinor: 2000, marginRate: 1, aovMinor: 2000, returnedUnits: 0, returnRate: 0, costComplete: false,
      },
      {
        key: 'manual', currency: 'USD', orders: 2, units: 4, grossSalesMinor: 7500, discountsMinor: 500, revenueMinor: 7000, refundsMinor: 1500,
        // COGS: o1 (2 − 1 restocked) × 400 + 1 × 1000, o2 1 × 400
        netRevenueMinor: 5500, feesMinor: 200, cogsMinor: 1800, grossMarginMinor: 3700, marginRate: 0.6727, aovMinor: 3500, returnedUnits: 1, returnRate: 0.25, costComplete: true,
      },
      {
        key: 'sandbox', currency: 'USD', orders: 1, units: 3, grossSalesMinor: 600, discountsMinor: 0, revenueMinor: 600, refundsMinor: 0,
        netRevenueMinor: 600, feesMinor: 0, cogsMinor: 0, grossMarginMinor: 600, marginRate: 1, aovMinor: 600, returnedUnits: 0, returnRate: 0, costComplete: false,
      },
    ]);
    expect(r.totals.map((x: { currency: string; orders: number; netRevenueMinor: number; cogsMinor: number }) => [x.currency, x.orders, x.netRevenueMinor, x.cogsMinor]))
      .toEqual([['EUR', 1, 2000, 0], ['USD', 3, 6100, 1800]]);
  });

  it('per SKU: the return reverses exactly the returned unit\'s revenue', async () => {
    const r = await report(`groupBy=sku&${q}`);
    const pick = (x: Record<string, unknown>) => [x.key, x.currency, x.orders, x.units, x.revenueMinor, x.refundsMinor, x.netRevenueMinor, x.cogsMinor, x.returnedUnits, x.returnRate];
    expect(r.rows.map(pick)).toEqual([
      ['A', 'EUR', 1, 1, 2000, 0, 2000, 0, 0, 0],
      ['A', 'USD', 2, 3, 4500, 1500, 3000, 800, 1, 0.3333],
      ['B', 'USD', 1, 1, 2500, 0, 2500, 1000, 0, 0],
      ['C', 'USD', 1, 3, 600, 0, 600, 0, 0, 0],
    ]);
    expect(r.topSkus).toEqual([
      { sku: 'A', currency: 'EUR', units: 1, netRevenueMinor: 2000 },
      { sku: 'A', currency: 'USD', units: 3, netRevenueMinor: 3000 },
      { sku: 'B', currency: 'USD', units: 1, netRevenueMinor: 2500 },
      { sku: 'C', currency: 'USD', units: 3, netRevenueMinor: 600 },
    ]);
  });

  it('per day, ISO week and month; per customer with the top customers', async () => {
    const keys = async (g: string) => (await report(`groupBy=${g}&${q}`)).rows.map((x: { key: string; currency: string; orders: number; netRevenueMinor: number }) => [x.key, x.currency, x.orders, x.netRevenueMinor]);
    expect(await keys('day')).toEqual([['2026-11-10', 'EUR', 1, 2000], ['2026-11-02', 'USD', 1, 4000], ['2026-11-03', 'USD', 1, 1500], ['2026-11-10', 'USD', 1, 600]]);
    expect(await keys('week')).toEqual([['2026-11-09', 'EUR', 1, 2000], ['2026-11-02', 'USD', 2, 5500], ['2026-11-09', 'USD', 1, 600]]);
    expect(await keys('month')).toEqual([['2026-11', 'EUR', 1, 2000], ['2026-11', 'USD', 3, 6100]]);
    expect(await keys('customer')).toEqual([['z@ex.com', 'EUR', 1, 2000], ['x@ex.com', 'USD', 2, 4600], ['y@ex.com', 'USD', 1, 1500]]);
    const r = await report(`groupBy=customer&${q}`);
    expect(r.topCustomers).toEqual([
      { customer: 'z@ex.com', currency: 'EUR', orders: 1, netRevenueMinor: 2000 },
      { customer: 'x@ex.com', currency: 'USD', orders: 2, netRevenueMinor: 4600 },
      { customer: 'y@ex.com', currency: 'USD', orders: 1, netRevenueMinor: 1500 },
    ]);
    // A whole period (to = the December date includes that day): the December order joins.
    const wider = await report('groupBy=month&from=2026-11-01&to=2026-12-01');
    expect(wider.rows.map((x: { key: string; orders: number; netRevenueMinor: number }) => [x.key, x.orders, x.netRevenueMinor]).at(-1)).toEqual(['2026-12', 1, 13500]);
  });

  it('filters by connection and refuses bad parameters naming the field', async () => {
    const conn = (await t.api('GET', `/api/v1/orders/${o1}`)).body.connectionId;
    const r = await report(`groupBy=channel&${q}&connectionId=${conn}`);
    expect(r.rows.map((x: { key: string }) => x.key)).toEqual(['manual']);
    const bad = await t.api('GET', '/api/v1/reports/sales?groupBy=year');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('groupBy');
    expect((await t.api('GET', '/api/v1/reports/sales?from=2026-12-01&to=2026-11-01')).status).toBe(400);
  });

  it('exports CSV with a BOM and headers in the reader\'s language', async () => {
    const res = await t.app.request(`/api/v1/reports/sales?groupBy=channel&${q}`, {
      headers: { authorization: `Bearer ${t.adminKey}`, accept: 'text/csv', 'accept-language': 'zh-TW' },
    });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['通路', '幣別', '訂單數']);
    expect(lines[2]).toBe('manual,USD,2,4,7500,500,7000,1500,5500,200,1800,3700,0.6727,3500,1,0.25');
    expect(lines.at(-1)!.startsWith('合計,USD,3,')).toBe(true);
  });
});
