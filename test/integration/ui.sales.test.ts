import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHub, type UiHub } from './ui.support';

let t: UiHub;
let s: { cookie: string; csrf: string };

async function order(over: Record<string, unknown> = {}) {
  const r = await t.api('POST', '/api/v1/orders', {
    currency: 'USD', financialStatus: 'paid', placedAt: new Date(Date.now() - 86_400_000).toISOString(),
    lines: [{ sku: 'UI-1', title: 'Lamp', quantity: 2, unitPriceMinor: 2500 }], customer: { email: 'ui@example.com' }, ...over,
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

beforeAll(async () => {
  t = await createUiHub();
  expect((await t.api('POST', '/api/v1/warehouses', { code: 'WH-U', name: 'Returns room' })).status).toBe(201);
  expect((await t.api('POST', '/api/v1/products', { sku: 'UI-1', title: 'Lamp', unitCostMinor: 1000, currency: 'USD' })).status).toBe(201);
  s = await t.login();
});
afterAll(() => t.close());

describe('sales screens', () => {
  it('an order held for review shows why and is approved from its page; the inbox approves and rejects in bulk', async () => {
    await t.api('PUT', '/api/v1/review/settings', { enabled: true, totalAbove: { USD: 4000 } });
    const id = await order();
    const page = await (await t.page('GET', `/orders/${id}`, { cookie: s.cookie, headers: { 'accept-language': 'zh-CN' } })).text();
    expect(page).toContain('待审核：金额超过阈值');
    expect(page).toContain('审核通过');
    const res = await t.page('POST', `/orders/${id}/review/approve`, { cookie: s.cookie, form: { _csrf: s.csrf } });
    expect(res.status).toBe(303);
    expect((await t.api('GET', `/api/v1/orders/${id}`)).body.allocationStatus).toBe('pending');
    const after = await (await t.page('GET', `/orders/${id}`, { cookie: s.cookie })).text();
    expect(after).toContain('Approved after review');

    const [a, b] = [await order(), await order()];
    const inbox = await (await t.page('GET', '/?exception=review', { cookie: s.cookie })).text();
    expect(inbox).toContain('value="approve"');
    const bulk = await t.page('POST', '/ui/orders/bulk', { cookie: s.cookie, form: { _csrf: s.csrf, action: 'reject', ids: [a, b] }, headers: { 'hx-request': 'true', 'hx-prompt': 'duplicate' } });
    expect(await bulk.text()).toContain('Review decided: 2 done.');
    expect((await t.api('GET', `/api/v1/orders/${a}`)).body.status).toBe('cancelled');
    await t.api('PUT', '/api/v1/review/settings', { enabled: false });
  });

  it('creates and receives a return from the order page; the timeline says so', async () => {
    const id = await order();
    const created = await t.page('POST', `/orders/${id}/returns`, { cookie: s.cookie, form: { _csrf: s.csrf, 'qty.UI-1': '1', reason: 'broken' } });
    expect(created.status).toBe(303);
    const ret = (await t.api('GET', `/api/v1/returns?orderId=${id}`)).body.items[0];
    expect(ret).toMatchObject({ status: 'requested', refundMinor: 2500 });
    const rec = await t.page('POST', `/orders/${id}/returns/${ret.id}/receive`, { cookie: s.cookie, form: { _csrf: s.csrf, warehouse: 'WH-U', condition: 'restock' } });
    expect(rec.status).toBe(303);
    const html = await (await t.page('GET', `/orders/${id}`, { cookie: s.cookie, headers: { 'accept-language': 'zh-TW' } })).text();
    expect(html).toContain('退貨已入庫 WH-U：1 × UI-1 (重新入庫)');
    expect(html).toContain('結案');
  });

  it('the sales page draws the report as SVG, lists top SKUs and forecasts, and exports a localised CSV', async () => {
    // A big sale: its money labels (US$123,…) are the longest the axis must show in full.
    expect((await t.api('POST', '/api/v1/orders', { currency: 'USD', lines: [{ sku: 'UI-1', title: 'Big order', quantity: 1, unitPriceMinor: 12_345_678 }] })).status).toBe(201);
    const html = await (await t.page('GET', '/sales?groupBy=channel', { cookie: s.cookie })).text();
    expect(html).toContain('<svg class="chart"');
    // The y axis has room for its longest money label (12-unit text, ~7.5 units a character).
    const svg = /<svg class="chart"[\s\S]*?<\/svg>/.exec(html)![0];
    const plotLeft = Number(/<line x1="([\d.]+)"/.exec(svg)![1]);
    const yLabels = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="end">([^<]+)<\/text>/g)].map((m) => m[1]!);
    expect(yLabels.length).toBeGreaterThan(0);
    for (const l of yLabels) expect(plotLeft - 6, l).toBeGreaterThanOrEqual(7.5 * l.length);
    expect(html).toContain('id="sales-report"');
    expect(html).toContain('Top SKUs');
    expect(html).toContain('No forecasts yet');
    const csv = await t.page('GET', '/sales/export.csv?groupBy=sku', { cookie: s.cookie, headers: { 'accept-language': 'zh-CN' } });
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3)).split('\r\n')[0]!.startsWith('SKU,币种,订单数,件数')).toBe(true);
    const zh = await (await t.page('GET', '/sales', { cookie: s.cookie, headers: { 'accept-language': 'zh-TW' } })).text();
    expect(zh).toContain('銷售報表');
  });

  it('gives every day of the range its place on the chart, the days that sold nothing too', async () => {
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const from = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const html = await (await t.page('GET', `/sales?groupBy=day&from=${from}&to=${to}`, { cookie: s.cookie })).text();
    const svg = /<svg class="chart"[\s\S]*?<\/svg>/.exec(html)![0];
    // from … to inclusive: five days, one bar each; the days without orders have bars of no height.
    const bars = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"[^>]*><title>([^<]+)<\/title>/g)].map((m) => ({ height: Number(m[1]), title: m[2]! }));
    expect(bars.map((b) => b.title.split(':')[0])).toEqual([0, 1, 2, 3, 4].map((i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(5, 10)));
    // Earlier tests sold yesterday (order()) and today (the big order); the three days before sold nothing.
    const today = new Date().toISOString().slice(0, 10);
    expect(bars.filter((b) => b.height > 0).map((b) => b.title.split(':')[0])).toEqual([day.slice(5), today.slice(5)]);
  });

  it('pages the forecasts table (100 a page), keeping the report filters', async () => {
    // Stored forecasts of 105 SKUs, as the nightly job leaves them (the table reads what is stored).
    await t.hub.ctx.db.execute(sql`
      insert into demand_forecasts (sku, scope, method, rmse, mae, naive_rmse, candidates, history_days, horizon_days, daily_mean, start_date, daily)
      select 'FC-' || lpad(i::text, 3, '0'), 'all', 'ses', 1, 1, 2, '{}'::jsonb, 90, 14, 1.5, '2026-01-01', '[]'::jsonb from generate_series(1, 105) i`);
    const skus = (html: string) => [...html.slice(html.indexOf('id="forecast-table"')).matchAll(/<td class="mono">(FC-\d+)<\/td>/g)].map((m) => m[1]);
    const first = await (await t.page('GET', '/sales?groupBy=channel', { cookie: s.cookie })).text();
    expect(skus(first)).toHaveLength(100);
    expect(skus(first)[0]).toBe('FC-001');
    const next = /id="forecasts-next" href="([^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/sales\?[^#]*groupBy=channel[^#]*&forecasts=[^#&]+#forecasts$/);
    const second = await (await t.page('GET', next!, { cookie: s.cookie })).text();
    expect(skus(second)).toEqual(['FC-101', 'FC-102', 'FC-103', 'FC-104', 'FC-105']);
    expect(second).toContain('id="forecasts-first"');
    expect(second).not.toContain('id="forecasts-next"');
  });
});
