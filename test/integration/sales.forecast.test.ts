import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../src/db/transaction';
import type { UnifiedOrderInput } from '../../src/domain/order';
import { upsertOrders, type IncomingOrder } from '../../src/inbox/upsert-orders';
import { runAllocationJob } from '../../src/inventory/allocation-jobs';
import { processors } from '../../workers/processors';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
const DAY = 86_400_000;
const week = [2, 2, 3, 3, 5, 9, 7];

function order(i: number, placedAt: string, sku: string, quantity: number): UnifiedOrderInput {
  return {
    externalId: `F-${sku}-${i}`, number: `F-${i}`, status: 'open', financialStatus: 'paid', fulfillmentStatus: 'unfulfilled', currency: 'USD',
    subtotalMinor: 100 * quantity, taxMinor: 0, shippingMinor: 0, discountMinor: 0, totalMinor: 100 * quantity,
    lines: [{ sku, title: sku, quantity, unitPriceMinor: 100, taxMinor: 0, discountMinor: 0 }], customer: null,
    placedAt, sourceUpdatedAt: placedAt, exceptions: [],
  };
}

beforeAll(async () => {
  t = await createTestHub();
  expect((await t.api('POST', '/api/v1/warehouses', { code: 'WH-F', name: 'F', leadTimeDays: 7 })).status).toBe(201);
  for (const sku of ['WEEKLY', 'RARE', 'NEW']) expect((await t.api('POST', '/api/v1/products', { sku, title: sku })).status).toBe(201);
  await t.api('POST', '/api/v1/stock/adjustments', { sku: 'WEEKLY', warehouse: 'WH-F', delta: 5000, reason: 'seed' });
  await t.api('POST', '/api/v1/stock/adjustments', { sku: 'RARE', warehouse: 'WH-F', delta: 1, reason: 'seed' });
  const conn = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'F', config: { webhookSecret: 'forecast-secret', pollIntervalSeconds: 0 } });
  const today = Math.floor(Date.now() / DAY) * DAY;
  const items: IncomingOrder[] = [];
  let i = 0;
  // 84 days of a weekly pattern, one order per unit-day (placed at noon UTC); RARE sells 3 units every 6th day; NEW only 10 days.
  for (let d = 84; d >= 1; d--) {
    const at = new Date(today - d * DAY + 12 * 3600_000);
    const dow = at.getUTCDay();
    items.push({ connectionId: conn.body.id, channel: 'sandbox', path: 'poll' as const, rawEventId: null, order: order(i++, at.toISOString(), 'WEEKLY', week[dow]!) });
    if (d % 6 === 0) items.push({ connectionId: conn.body.id, channel: 'sandbox', path: 'poll' as const, rawEventId: null, order: order(i++, at.toISOString(), 'RARE', 3) });
    if (d <= 10) items.push({ connectionId: conn.body.id, channel: 'sandbox', path: 'poll' as const, rawEventId: null, order: order(i++, at.toISOString(), 'NEW', 1) });
  }
  await withTransaction(t.hub.ctx, (tx) => upsertOrders(tx, items));
  await runAllocationJob(t.hub.ctx, { sku: 'WEEKLY', includeBackordered: false });
});
afterAll(() => t.close());

describe('demand forecasts', () => {
  it('computes per SKU and per warehouse with the chosen method and its error; too little history gets none', async () => {
    const r = await t.api('POST', '/api/v1/forecasts/compute', { horizonDays: 14 });
    expect(r.status).toBe(200);
    // WEEKLY (all + WH-F) and RARE (all); NEW has 10 days only.
    expect(r.body).toMatchObject({ computed: 3, skipped: 1 });
    const list = (await t.api('GET', '/api/v1/forecasts?sku=WEEKLY')).body.items;
    expect(list.map((f: { scope: string; warehouse: string | null }) => f.warehouse)).toEqual([null, 'WH-F']);
    const all = list[0];
    expect(all.method).toBe('holt_winters');
    expect(all.daily).toHaveLength(14);
    expect(all.rmse).toBeLessThan(all.naiveRmse);
    expect(all.mase).toBeLessThan(1);
    // An exact weekly pattern is forecast to within a unit per day, weekday by weekday.
    const start = Date.parse(`${all.startDate}T00:00:00Z`);
    all.daily.forEach((v: number, k: number) => expect(Math.abs(v - week[new Date(start + k * DAY).getUTCDay()]!)).toBeLessThan(1));
    const rare = (await t.api('GET', '/api/v1/forecasts?sku=RARE')).body.items[0];
    expect(rare.method).toBe('sba');
    expect(rare.dailyMean).toBeGreaterThan(0.3);
    expect(rare.dailyMean).toBeLessThan(0.7);
    expect((await t.api('GET', '/api/v1/forecasts?sku=NEW')).body.items).toEqual([]);
  });

  it('the replenishment signals use the forecast when there is one', async () => {
    const withF = (await t.api('GET', '/api/v1/stock/alerts?show=all&sku=WEEKLY')).body.items[0];
    const without = (await t.api('GET', '/api/v1/stock/alerts?show=all&sku=WEEKLY&forecast=false')).body.items[0];
    expect(withF).toMatchObject({ demandSource: 'forecast', forecastMethod: 'holt_winters', leadTimeDays: 7 });
    expect(without.demandSource).toBe('history');
    // One week of the pattern is 31 units; the forecast's reorder point covers it with a small safety stock.
    expect(withF.reorderPoint).toBeGreaterThanOrEqual(31);
    expect(withF.safetyStock).toBeLessThan(without.safetyStock);
    const rare = (await t.api('GET', '/api/v1/stock/alerts?sku=RARE')).body.items[0];
    expect(rare).toMatchObject({ sku: 'RARE', demandSource: 'forecast', forecastMethod: 'sba', belowReorderPoint: true });
  });

  it('runs as a job', async () => {
    await processors['forecast.compute'](t.hub.ctx, { sku: 'RARE' }, { id: 'x', attempt: 1, maxAttempts: 1 });
    expect((await t.api('GET', '/api/v1/forecasts?sku=RARE')).body.items).toHaveLength(1);
    expect((await t.api('GET', '/api/v1/forecasts?sku=WEEKLY')).body.items).toHaveLength(2);
  });

  it('pages the forecasts by SKU, scope all first, then each warehouse (cursor → nextCursor)', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.api('GET', `/api/v1/forecasts?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      seen.push(...r.body.items.map((f: { sku: string; warehouse: string | null }) => `${f.sku}/${f.warehouse ?? 'all'}`));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['RARE/all', 'WEEKLY/all', 'WEEKLY/WH-F']);
    const forged = await t.api('GET', `/api/v1/forecasts?cursor=${Buffer.from('["RARE","x",""]').toString('base64url')}`);
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].path).toBe('cursor');
  });
});
