import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockAlerts } from '../../src/inventory/stock-alerts';
import { createUiHub, seedSandboxOrders, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;
let csrf: string;
let orderId: string;
let connectionId: string;
const SKU = 'UI-TEE-RED';

/** The numbers of one (sku, warehouse) row of the stock table, read from the page. */
function levelOf(html: string, warehouse: string) {
  const row = new RegExp(`<tr data-sku="${SKU}" data-warehouse="${warehouse}">([\\s\\S]*?)</tr>`).exec(html)?.[1];
  if (!row) return null;
  const col = (name: string) => Number(new RegExp(`data-col="${name}">([^<]+)<`).exec(row)?.[1]?.replace(/,/g, ''));
  return { onHand: col('onHand'), reserved: col('reserved'), available: col('available'), incoming: col('incoming') };
}

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  expect((await t.api('POST', '/api/v1/products', { sku: SKU, title: 'Red tee' })).status).toBe(201);
  expect((await t.api('POST', '/api/v1/warehouses', { code: 'MAIN', name: 'Main warehouse', priority: 10 })).status).toBe(201);
  expect((await t.api('POST', '/api/v1/warehouses', { code: 'EAST', name: 'East depot', priority: 20 })).status).toBe(201);
  ({ connectionId } = await seedSandboxOrders(t, {
    seed: 'stock', count: 1,
    overrides: () => ({ items: [{ id: 'stock-1', sku: SKU, title: 'Red tee', qty: 3, price: '10.00' }], paid: true }),
  }));
  const orders = await t.api('GET', '/api/v1/orders?limit=5');
  orderId = orders.body.items[0].id;
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

describe('the stock screen', () => {
  it('is in the main navigation and lists nothing before any stock', async () => {
    const res = await t.page('GET', '/stock', { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<a href="/stock" aria-current="page">Stock</a>');
    expect(html).toContain('<a href="/finance">Finance</a>');
    expect(html).toContain('No stock recorded for this view.');
    expect(html).toContain('action="/stock/adjust"');
    // Each kind of adjustment says what it posts in the ledger.
    expect(html).toContain('aria-describedby="a-kind-hint"');
    expect(html).toContain('a receipt (goods in without a purchase order) to goods received, not billed');
    // Without a SKU the listings panel speaks of all SKUs, not of "this SKU".
    expect(html).toContain('No SKU is listed on a channel yet.');
    expect(html).not.toContain('This SKU is not listed on any channel.');
    // The transfer form starts from the first warehouse (by priority) and to another one, never to itself.
    const select = (id: string) => new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
    // (no option marked: the browser shows the first, MAIN)
    expect(select('t-from')).not.toContain('selected');
    expect(select('t-from').indexOf('value="MAIN"')).toBeLessThan(select('t-from').indexOf('value="EAST"'));
    expect(select('t-to')).toMatch(/<option value="EAST" selected="">/);
    expect(select('t-to')).not.toMatch(/<option value="MAIN" selected/);
  });

  it('preselects another warehouse than the filtered one as the transfer destination', async () => {
    const html = await (await t.page('GET', '/stock?warehouse=EAST', { cookie })).text();
    const to = /<select id="t-to"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
    expect(to).toMatch(/<option value="MAIN" selected="">/);
    const from = /<select id="t-from"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
    expect(from).toMatch(/<option value="EAST" selected="">/);
  });

  it('adjusts stock through the form (CSRF required); the table and the movement history show it', async () => {
    const form = { sku: SKU, warehouse: 'MAIN', delta: '5', kind: 'receipt', reason: 'Delivery 42', key: 'k-1' };
    const forged = await t.page('POST', '/stock/adjust', { cookie, form });
    expect(forged.status).toBe(403);
    const ok = await t.page('POST', '/stock/adjust', { cookie, form: { ...form, _csrf: csrf } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/stock?sku=${SKU}&done=adjusted`);
    // The same rendered form sent twice counts once (its idempotency key).
    expect((await t.page('POST', '/stock/adjust', { cookie, form: { ...form, _csrf: csrf } })).status).toBe(303);
    const html = await (await t.page('GET', `/stock?sku=${SKU}&done=adjusted`, { cookie })).text();
    expect(html).toContain('Stock adjusted.');
    expect(levelOf(html, 'MAIN')).toEqual({ onHand: 5, reserved: 0, available: 5, incoming: 0 });
    expect(html).toMatch(/<tr data-kind="receipt">[\s\S]*?Goods received[\s\S]*?\+5[\s\S]*?Delivery 42/);
    // The movement names who made it by the key's name (its id is the tooltip).
    expect(html).toMatch(/<tr data-kind="receipt">[\s\S]*?Delivery 42[\s\S]*?<span class="sub"><span class="actor" title="key:[0-9a-f-]{36}">[^<]+<\/span><\/span>/);
    const api = await t.api('GET', `/api/v1/stock?sku=${SKU}`);
    expect(api.body.items).toEqual([expect.objectContaining({ warehouse: 'MAIN', onHand: 5 })]);
  });

  it('refuses a bad or impossible adjustment with a message, and changes nothing', async () => {
    const empty = await t.page('POST', '/stock/adjust', { cookie, form: { _csrf: csrf, sku: SKU, warehouse: 'MAIN', delta: '', reason: 'x' } });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Please check these fields: delta');
    const tooMany = await t.page('POST', '/stock/adjust', { cookie, form: { _csrf: csrf, sku: SKU, warehouse: 'MAIN', delta: '-50', reason: 'stocktake' } });
    expect(tooMany.status).toBe(409);
    const html = await tooMany.text();
    expect(html).toContain('Not enough unreserved stock for this change.');
    expect(levelOf(html, 'MAIN')).toEqual({ onHand: 5, reserved: 0, available: 5, incoming: 0 });
  });

  it("shows an order's allocation per warehouse and allocates it on request", async () => {
    const before = await (await t.page('GET', `/orders/${orderId}`, { cookie })).text();
    expect(before).toContain('id="allocation"');
    expect(before).not.toContain('data-warehouse="MAIN"');
    const res = await t.page('POST', `/orders/${orderId}/allocate`, { cookie, form: { _csrf: csrf } });
    expect(res.status).toBe(303);
    const after = await (await t.page('GET', `/orders/${orderId}?done=allocate`, { cookie })).text();
    expect(after).toContain('Allocation ran: Allocated.');
    expect(after).toMatch(/<div data-warehouse="MAIN">MAIN: 3 units/);
    const alloc = await t.api('GET', `/api/v1/orders/${orderId}/allocation`);
    expect(alloc.body.lines[0].allocations).toEqual([{ warehouse: 'MAIN', quantity: 3, fulfilled: 0 }]);
    const stock = await (await t.page('GET', `/stock?sku=${SKU}`, { cookie })).text();
    expect(levelOf(stock, 'MAIN')).toEqual({ onHand: 5, reserved: 3, available: 2, incoming: 0 });
    expect(stock).toContain(`href="/orders/${orderId}"`);
  });

  it('transfers between warehouses (incoming until received) and receives the transfer', async () => {
    const over = await t.page('POST', '/stock/transfer', { cookie, form: { _csrf: csrf, sku: SKU, from: 'MAIN', to: 'EAST', quantity: '3' } });
    expect(over.status).toBe(409);
    const ok = await t.page('POST', '/stock/transfer', { cookie, form: { _csrf: csrf, sku: SKU, from: 'MAIN', to: 'EAST', quantity: '2', key: 'tr-1' } });
    expect(ok.status).toBe(303);
    let html = await (await t.page('GET', `/stock?sku=${SKU}`, { cookie })).text();
    expect(levelOf(html, 'MAIN')).toEqual({ onHand: 3, reserved: 3, available: 0, incoming: 0 });
    expect(levelOf(html, 'EAST')).toEqual({ onHand: 0, reserved: 0, available: 0, incoming: 2 });
    const receive = /action="(\/stock\/transfers\/[0-9a-f-]{36}\/receive)"/.exec(html)?.[1];
    expect(receive).toBeTruthy();
    expect((await t.page('POST', receive!, { cookie, form: { _csrf: csrf, sku: SKU } })).status).toBe(303);
    html = await (await t.page('GET', `/stock?sku=${SKU}&done=received`, { cookie })).text();
    expect(html).toContain('Transfer received.');
    expect(levelOf(html, 'EAST')).toEqual({ onHand: 2, reserved: 0, available: 2, incoming: 0 });
    const again = await t.page('POST', receive!, { cookie, form: { _csrf: csrf, sku: SKU } });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('This transfer was already received.');
  });

  it('lists channel listings with buffer and last pushed quantity, and the low-stock alerts the engine computes', async () => {
    expect((await t.api('POST', '/api/v1/listings', { sku: SKU, connectionId, buffer: 4 })).status).toBe(201);
    const html = await (await t.page('GET', `/stock?sku=${SKU}`, { cookie })).text();
    const listing = /<table id="stock-listings">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect(listing).toContain('Shop stock');
    // The buffer is an editable field of the listing's policy form (admin), then the last push: none yet.
    expect(listing).toMatch(/<input name="buffer" type="number" min="0" step="1" value="4"\/>/);
    expect(listing).toMatch(/<td class="num" data-col="lastPushed">—<\/td><td>never<\/td>/);
    const alerts = await stockAlerts(t.hub.ctx, { sku: SKU });
    for (const a of alerts.items) expect(html).toContain(`<td>${a.warehouse}</td><td class="num">${a.available}</td>`);
    if (alerts.items.length === 0) expect(html).toContain('Nothing is below its reorder point.');
  });

  it('reads in Simplified Chinese', async () => {
    const html = await (await t.page('GET', `/stock?sku=${SKU}`, { cookie: `${cookie}; omnihub_locale=zh-CN` })).text();
    expect(html).toContain('<h1>库存</h1>');
    expect(html).toContain('库存流水');
    expect(html).toContain('入库');
    expect(html).toContain('收货（无采购单的入库）计入已收货未开票');
  });

  it('pages a stock table longer than one screen (500 rows) instead of cutting it off', async () => {
    // 520 SKUs with stock at EAST (written directly: the page's paging is under test, not the adjustments).
    await t.hub.ctx.db.execute(sql`
      insert into products (id, sku, title) select gen_random_uuid(), 'ZZ-' || lpad(g::text, 4, '0'), 'Bulk ' || g from generate_series(1, 520) g`);
    await t.hub.ctx.db.execute(sql`
      insert into stock_levels (sku, warehouse_id, on_hand) select 'ZZ-' || lpad(g::text, 4, '0'), w.id, g
      from generate_series(1, 520) g, warehouses w where w.code = 'EAST'`);
    const first = await (await t.page('GET', '/stock?warehouse=EAST', { cookie })).text();
    const rows = (html: string) => [...html.matchAll(/<tr data-sku="(ZZ-\d+)" data-warehouse="EAST">/g)].map((m) => m[1]);
    const next = /<a class="btn" rel="next" id="levels-next" href="([^"]+)">More stock levels →<\/a>/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await (await t.page('GET', next!.replace(/&amp;/g, '&'), { cookie })).text();
    expect(second).not.toContain('id="levels-next"');
    const all = [...rows(first), ...rows(second)];
    expect(all).toHaveLength(520);
    expect(new Set(all).size).toBe(520);
    expect(all.at(-1)).toBe('ZZ-0520');
  });

  it('hides the forms from a viewer and refuses their posts', async () => {
    const key = await t.api('POST', '/api/v1/keys', { name: 'viewer', role: 'viewer' });
    expect(key.status).toBe(201);
    const viewer = await t.login(key.body.key);
    const html = await (await t.page('GET', '/stock', { cookie: viewer.cookie })).text();
    expect(html).not.toContain('action="/stock/adjust"');
    const res = await t.page('POST', '/stock/adjust', { cookie: viewer.cookie, form: { _csrf: viewer.csrf, sku: SKU, warehouse: 'MAIN', delta: '1', reason: 'x' } });
    expect(res.status).toBe(403);
  });
});
