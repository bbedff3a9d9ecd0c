import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateOrders } from '../../src/inventory/allocate-orders';
import { createUiHub, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;
const ids: Record<'a' | 'b' | 'both' | 'none', string> = { a: '', b: '', both: '', none: '' };

const rowsOf = (html: string) => [...html.matchAll(/<a class="order-no" href="\/orders\/([0-9a-f-]{36})">/g)].map((m) => m[1]!);

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  await t.api('POST', '/api/v1/warehouses', { code: 'WH-A', name: 'Berlin', priority: 1 });
  await t.api('POST', '/api/v1/warehouses', { code: 'WH-B', name: 'Austin', priority: 2 });
  await t.api('POST', '/api/v1/warehouses', { code: 'WH-C', name: 'Empty', priority: 3 });
  for (const sku of ['ONLY-A', 'ONLY-B', 'NO-STOCK']) await t.api('POST', '/api/v1/products', { sku, title: sku });
  await t.api('POST', '/api/v1/stock/adjustments', { sku: 'ONLY-A', warehouse: 'WH-A', delta: 10, reason: 'stock' });
  await t.api('POST', '/api/v1/stock/adjustments', { sku: 'ONLY-B', warehouse: 'WH-B', delta: 10, reason: 'stock' });
  const order = async (lines: Array<[string, number]>, i: number) => {
    const r = await t.api('POST', '/api/v1/orders', {
      currency: 'EUR', placedAt: new Date(Date.UTC(2026, 10, 1, 10, i)).toISOString(),
      lines: lines.map(([sku, quantity]) => ({ sku, title: sku, quantity, unitPriceMinor: 1000 })),
    });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  ids.a = await order([['ONLY-A', 1]], 1);
  ids.b = await order([['ONLY-B', 2]], 2);
  ids.both = await order([['ONLY-A', 1], ['ONLY-B', 1]], 3);
  // Stocked nowhere: backordered, held in no warehouse.
  ids.none = await order([['NO-STOCK', 5]], 4);
  await allocateOrders(t.hub.ctx, { orderIds: Object.values(ids) });
  ({ cookie } = await t.login());
}, 60_000);
afterAll(() => t.close());

describe('the inbox filtered by warehouse', () => {
  it('lists the orders holding or shipped units from that warehouse, in the API', async () => {
    const list = async (code: string) => ((await t.api('GET', `/api/v1/orders?warehouse=${code}`)).body.items as Array<{ id: string }>).map((o) => o.id).sort();
    expect(await list('WH-A')).toEqual([ids.a, ids.both].sort());
    expect(await list('WH-B')).toEqual([ids.b, ids.both].sort());
    expect(await list('WH-C')).toEqual([]);
    // Shipped units still count: the order was fulfilled from WH-B.
    const f = await t.api('POST', `/api/v1/orders/${ids.b}/fulfillments`, {});
    expect(f.status).toBeLessThan(300);
    expect(await list('WH-B')).toEqual([ids.b, ids.both].sort());
    // Combined with another filter: the backordered order is held in no warehouse.
    const back = await t.api('GET', '/api/v1/orders?allocationStatus=backordered');
    expect(back.body.items.map((o: { id: string }) => o.id)).toEqual([ids.none]);
    expect((await t.api('GET', '/api/v1/orders?allocationStatus=backordered&warehouse=WH-A')).body.items).toEqual([]);
  });

  it('names the field when the warehouse code does not exist', async () => {
    const r = await t.api('GET', '/api/v1/orders?warehouse=NOPE');
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('warehouse');
  });

  it('offers the warehouses in the inbox form and keeps the filter in the URL; a stale code is reported, not a failure', async () => {
    const html = await (await t.page('GET', '/?warehouse=WH-A', { cookie })).text();
    expect(html).toContain('<option value="WH-A" selected="">WH-A</option>');
    expect(html).toContain('<option value="WH-C">WH-C</option>');
    expect(rowsOf(html).sort()).toEqual([ids.a, ids.both].sort());
    const stale = await t.page('GET', '/?warehouse=GONE', { cookie });
    expect(stale.status).toBe(200);
    const text = await stale.text();
    expect(text).toContain('Ignored filters');
    expect(rowsOf(text)).toHaveLength(4);
    const csv = await (await t.page('GET', '/orders/export.csv?warehouse=WH-B', { cookie })).text();
    expect(csv.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(3);
  });
});
