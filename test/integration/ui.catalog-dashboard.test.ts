import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedDayStart } from '../../src/i18n/format';
import { amazonSettlement } from './amazon-settlement.sample';
import { createOrder, insertConnection } from './finance.helpers';
import { cookiesOf, createUiHub, seedSandboxOrders, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;
let csrf: string;
let shopId: string;

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  ({ connectionId: shopId } = await seedSandboxOrders(t, {
    seed: 'catalog', count: 2,
    // One order in euros, one in dollars: the revenue chart must keep them apart.
    overrides: (i) => ({ currency: i === 0 ? 'EUR' : 'USD', paid: true, items: [{ id: `cat-${i}`, sku: 'CAT-MUG', title: 'Mug', qty: 1, price: i === 0 ? '20.00' : '30.00' }], shipping: '0.00', tax: '0.00' }),
  }));
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

describe('products and warehouses screens', () => {
  it('creates a product through the form (CSRF required), lists it, and refuses a duplicate SKU', async () => {
    const form = { sku: 'CAT-MUG', title: 'Enamel mug', barcode: '4006381333931', unitCost: '4.25', currency: 'usd', weightGrams: '320', active: 'on' };
    expect((await t.page('POST', '/products', { cookie, form })).status).toBe(403);
    const res = await t.page('POST', '/products', { cookie, form: { ...form, _csrf: csrf } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/products/CAT-MUG?done=created');
    const api = await t.api('GET', '/api/v1/products/CAT-MUG');
    expect(api.body).toMatchObject({ sku: 'CAT-MUG', title: 'Enamel mug', barcode: '4006381333931', unitCostMinor: 425, currency: 'USD', weightGrams: 320, active: true });
    const list = await (await t.page('GET', '/products?q=enamel', { cookie })).text();
    expect(list).toMatch(/<tr data-sku="CAT-MUG">[\s\S]*?Enamel mug[\s\S]*?US\$4\.25[\s\S]*?320 g[\s\S]*?Active/);
    const dup = await t.page('POST', '/products', { cookie, form: { ...form, _csrf: csrf } });
    expect(dup.status).toBe(409);
    expect(await dup.text()).toContain('A product with SKU CAT-MUG already exists.');
  });

  it('edits a product (title, cost, inactive); a bad cost names the field and changes nothing', async () => {
    const bad = await t.page('POST', '/products/CAT-MUG', { cookie, form: { _csrf: csrf, title: 'Mug', unitCost: '4.2.5', currency: 'USD' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('unitCostMinor');
    const ok = await t.page('POST', '/products/CAT-MUG', { cookie, form: { _csrf: csrf, title: 'Enamel mug, blue', unitCost: '5.00', currency: 'USD', weightGrams: '' } });
    expect(ok.status).toBe(303);
    const api = await t.api('GET', '/api/v1/products/CAT-MUG');
    expect(api.body).toMatchObject({ title: 'Enamel mug, blue', unitCostMinor: 500, weightGrams: null, active: false });
    // The API verb behind the form: PATCH keeps what it is not given.
    const patch = await t.api('PATCH', '/api/v1/products/CAT-MUG', { active: true });
    expect(patch.body).toMatchObject({ title: 'Enamel mug, blue', unitCostMinor: 500, active: true });
    expect((await t.api('PATCH', '/api/v1/products/CAT-MUG', { unitCostMinor: 100 })).status).toBe(400);
    expect((await t.api('PATCH', '/api/v1/products/NOPE', { title: 'x' })).status).toBe(404);
  });

  it('creates a warehouse limited to one channel and edits it back to every channel', async () => {
    const res = await t.page('POST', '/warehouses', {
      cookie, form: { _csrf: csrf, code: 'SH-1', name: 'Shanghai depot', priority: '5', region: 'CN', leadTimeDays: '3', active: 'on', channels: 'some', connectionIds: [shopId] },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/warehouses/SH-1?done=created');
    let w = (await t.api('GET', '/api/v1/warehouses')).body.items.find((x: { code: string }) => x.code === 'SH-1');
    expect(w).toMatchObject({ name: 'Shanghai depot', priority: 5, region: 'CN', leadTimeDays: 3, active: true, allowedConnectionIds: [shopId] });
    const list = await (await t.page('GET', '/warehouses', { cookie })).text();
    expect(list).toMatch(/<tr data-code="SH-1">[\s\S]*?Shanghai depot[\s\S]*?Shop catalog/);
    const edit = await t.page('POST', '/warehouses/SH-1', { cookie, form: { _csrf: csrf, name: 'Shanghai DC', priority: '1', region: 'CN', leadTimeDays: '3', active: 'on', channels: 'all' } });
    expect(edit.status).toBe(303);
    w = (await t.api('GET', '/api/v1/warehouses')).body.items.find((x: { code: string }) => x.code === 'SH-1');
    expect(w).toMatchObject({ name: 'Shanghai DC', priority: 1, allowedConnectionIds: null });
    const dup = await t.page('POST', '/warehouses', { cookie, form: { _csrf: csrf, code: 'SH-1', name: 'again', channels: 'all' } });
    expect(dup.status).toBe(409);
    expect((await t.api('PATCH', '/api/v1/warehouses/SH-1', { priority: -1 })).status).toBe(400);
  });

  it('lists a SKU on a channel from the stock screen and edits its buffer, cap and share', async () => {
    const add = await t.page('POST', '/stock/listings', { cookie, form: { _csrf: csrf, sku: 'CAT-MUG', connectionId: shopId, buffer: '2', cap: '', sharePercent: '' } });
    expect(add.status).toBe(303);
    expect(add.headers.get('location')).toBe('/stock?sku=CAT-MUG&done=listed#listings');
    const [listing] = (await t.api('GET', '/api/v1/listings?sku=CAT-MUG')).body.items;
    expect(listing).toMatchObject({ buffer: 2, cap: null, sharePercent: null });
    const html = await (await t.page('GET', '/stock?sku=CAT-MUG&done=listed', { cookie })).text();
    expect(html).toContain('Listing added; its stock is being pushed.');
    expect(html).toContain(`action="/stock/listings/${listing.id}"`);
    const edit = await t.page('POST', `/stock/listings/${listing.id}`, { cookie, form: { _csrf: csrf, back: 'CAT-MUG', buffer: '1', cap: '40', sharePercent: '50' } });
    expect(edit.status).toBe(303);
    expect((await t.api('GET', `/api/v1/listings/${listing.id}`)).body).toMatchObject({ buffer: 1, cap: 40, sharePercent: 50 });
    const bad = await t.page('POST', `/stock/listings/${listing.id}`, { cookie, form: { _csrf: csrf, back: 'CAT-MUG', buffer: '1', cap: '', sharePercent: '150' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('sharePercent');
    const again = await t.page('POST', '/stock/listings', { cookie, form: { _csrf: csrf, sku: 'CAT-MUG', connectionId: shopId, buffer: '0' } });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('This SKU is already listed on that connection.');
  });
});

describe('the dashboard', () => {
  it('draws revenue per currency (never added together), stock value by warehouse and the backlog', async () => {
    expect((await t.api('POST', '/api/v1/stock/adjustments', { sku: 'CAT-MUG', warehouse: 'SH-1', delta: 7, reason: 'count' })).status).toBeLessThan(300);
    const html = await (await t.page('GET', '/dashboard', { cookie })).text();
    expect(html).toContain('id="orders-chart"');
    expect(html).toContain('2 orders in the last 14 days');
    // Two revenue charts, one per currency, each summing only its own orders.
    expect([...html.matchAll(/data-currency="(\w+)"/g)].map((m) => m[1])).toEqual(expect.arrayContaining(['EUR', 'USD']));
    expect(html).toMatch(/<desc id="revenue-EUR-desc">€20\.00 in the last 14 days/);
    expect(html).toMatch(/<desc id="revenue-USD-desc">US\$30\.00 in the last 14 days/);
    // 7 on hand × US$5.00.
    expect(html).toMatch(/<title>SH-1 · Shanghai DC: US\$35\.00<\/title>/);
    expect(html).toContain('aria-labelledby="backlog-chart-title backlog-chart-desc"');
    expect(html).toContain('No open breaks.');
    // Every axis has room for its longest label (12-unit text, ~7.5 units a character).
    for (const svg of html.match(/<svg class="chart"[\s\S]*?<\/svg>/g) ?? []) {
      const left = /<line x1="([\d.]+)"/.exec(svg);
      if (!left) continue;
      for (const m of svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="end">([^<]+)<\/text>/g)) {
        expect(Number(left[1]) - 6, m[1]).toBeGreaterThanOrEqual(7.5 * m[1]!.length);
      }
    }
  });

  it('speaks the language asked for with ?lang= and keeps it in the cookie', async () => {
    const res = await t.page('GET', '/dashboard?lang=zh-TW', { cookie });
    const html = await res.text();
    expect(res.headers.get('content-language')).toBe('zh-TW');
    expect(html).toContain('<html lang="zh-TW">');
    expect(html).toContain('各通路每日銷售額');
    const locale = cookiesOf(res);
    expect(locale).toBe('omnihub_locale=zh-TW');
    // The switcher's way back leaves ?lang= out (it would switch straight back).
    expect(html).toContain(`href="/ui/locale/en?next=${encodeURIComponent('/dashboard')}"`);
    const next = await (await t.page('GET', '/products', { cookie: `${cookie}; ${locale}` })).text();
    expect(next).toContain('<html lang="zh-TW">');
    expect(next).toContain('新增商品');
    const cn = await (await t.page('GET', '/warehouses?lang=zh-CN', { cookie: `${cookie}; ${locale}` })).text();
    expect(cn).toContain('新建仓库');
    expect((await (await t.page('GET', '/products?lang=xx', { cookie })).text())).toContain('<html lang="en">');
  });
});

describe('the order detail', () => {
  it('shows the payout that settled the order, with its fees, and the breaks that name it', async () => {
    const conn = await insertConnection(t, 'amazon', { sellerId: 'A1SELLER' });
    const orderId = await createOrder(t, '114-3333333-1111111', 2700);
    await createOrder(t, '114-3333333-2222222', 3000);
    const up = await t.api('POST', `/api/v1/settlements/amazon?connectionId=${conn}`, amazonSettlement('55443322', '114-3333333-1111111', '114-3333333-2222222'), { 'content-type': 'text/tab-separated-values' });
    expect(up.status).toBe(201);
    const payoutId = up.body.payoutId as string;
    expect((await t.api('POST', `/api/v1/payouts/${payoutId}/reconcile`, {})).status).toBe(200);
    const settlements = (await t.api('GET', `/api/v1/orders/${orderId}/settlements`)).body.items as Array<{ feeMinor: number; currency: string }>;
    expect(settlements.length).toBeGreaterThan(0);
    const html = await (await t.page('GET', `/orders/${orderId}`, { cookie })).text();
    expect(html).toContain('id="order-settlements"');
    expect(html).toContain(`<a class="mono" href="/finance/payouts/${payoutId}">55443322</a>`);
    const fee = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).format(Math.abs(settlements[0]!.feeMinor) / 100).replace('$', '');
    expect(html).toContain(fee);
    const breaks = (await t.api('GET', `/api/v1/discrepancies?payoutId=${payoutId}`)).body.items as Array<{ orderId: string | null; id: string }>;
    expect(breaks.filter((b) => b.orderId === orderId).every((b) => html.includes(`data-break="${b.id}"`))).toBe(true);
    // The break that names an order (a refund without a matching refund) is listed on that order's page, linked to the payout.
    const named = breaks.find((b) => b.orderId);
    expect(named).toBeDefined();
    const page = await (await t.page('GET', `/orders/${named!.orderId}`, { cookie })).text();
    expect(page).toMatch(new RegExp(`<li data-break="${named!.id}">[\\s\\S]*?Refund without a matching refund[\\s\\S]*?href="/finance/payouts/${payoutId}"`));
    // An order no payout settled says so.
    const other = (await t.api('GET', '/api/v1/orders?limit=50')).body.items.find((o: { externalId: string }) => o.externalId !== '114-3333333-1111111' && o.externalId !== '114-3333333-2222222');
    expect(await (await t.page('GET', `/orders/${other.id}`, { cookie })).text()).toContain('No payout has settled this order yet.');
  });
});

describe('connection health', () => {
  it('starts a backfill from a date and reports runs, failures and throttling through the API and the page', async () => {
    const bad = await t.page('POST', `/connections/${shopId}/backfill`, { cookie, form: { _csrf: csrf, since: 'yesterday' } });
    expect(bad.status).toBe(400);
    const res = await t.page('POST', `/connections/${shopId}/backfill`, { cookie, form: { _csrf: csrf, since: '2026-01-05' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/connections/${shopId}?backfill=1`);
    const runs = (await t.api('GET', `/api/v1/connections/${shopId}/sync-runs`)).body.items as Array<{ kind: string; id: string }>;
    const backfill = runs.find((r) => r.kind === 'backfill');
    expect(backfill).toBeDefined();
    // The day is read in the business time zone, as every date the UI takes.
    const { sql } = await import('drizzle-orm');
    const params = (await t.hub.ctx.db.execute(sql`select params from sync_runs where id = ${backfill!.id}`)).rows[0] as { params: { since: string } };
    expect(params.params.since).toBe(zonedDayStart('2026-01-05', t.hub.ctx.config.timezone).toISOString());
    // A failed run in the last day and a run waiting to be retried show up as health.
    await t.hub.ctx.db.execute(sql`insert into sync_runs (connection_id, kind, status, error, created_at) values (${shopId}, 'incremental', 'failed', 'HTTP 401', now() - interval '2 hours')`);
    await t.hub.ctx.db.execute(sql`insert into sync_runs (connection_id, kind, status, error, created_at) values (${shopId}, 'incremental', 'retrying', 'HTTP 429', now() + interval '1 second')`);
    const health = (await t.api('GET', '/api/v1/connections/health')).body.items.find((h: { connectionId: string }) => h.connectionId === shopId);
    expect(health).toMatchObject({ failedRuns24h: 1, rateLimit: 'throttled', lastRun: expect.objectContaining({ status: 'retrying' }), deadLetters: 0 });
    expect(health.activeRun).toMatchObject({ status: 'retrying' });
    const list = await (await t.page('GET', '/connections', { cookie })).text();
    expect(list).toContain('1 failed sync in 24 h');
    expect(list).toContain('waiting to retry (rate limit or channel unavailable)');
    const detail = await (await t.page('GET', `/connections/${shopId}?backfill=1`, { cookie })).text();
    expect(detail).toContain('Backfill queued; its progress shows below.');
    expect(detail).toContain(`hx-get="/connections/${shopId}/progress"`);
    expect(detail).toContain('id="backfill-progress"');
    const fragment = await t.page('GET', `/connections/${shopId}/progress`, { cookie });
    expect(fragment.status).toBe(200);
    const frag = await fragment.text();
    expect(frag.startsWith('<div id="sync-progress"')).toBe(true);
    expect(frag).toContain(`data-run="${backfill!.id}"`);
  });
});

// Last: the stock it adds would change the dashboard's figures above.
describe('the products list', () => {
  it('lists each product with its stock over all warehouses (a dash when it has none)', async () => {
    expect((await t.api('POST', '/api/v1/products', { sku: 'CAT-NONE', title: 'Never stocked' })).status).toBe(201);
    const before = await (await t.page('GET', '/products', { cookie })).text();
    expect(before).toMatch(/<tr data-sku="CAT-NONE">[\s\S]*?<td class="num" data-col="onHand">—<\/td><td class="num" data-col="available">—<\/td>/);
    const onHandBefore = ((await t.api('GET', '/api/v1/stock?sku=CAT-MUG')).body.items as Array<{ onHand: number }>).reduce((n, l) => n + l.onHand, 0);
    for (const [warehouse, delta] of [['SH-1', 5], ['CAT-W2', 3]] as const) {
      if (warehouse === 'CAT-W2') expect((await t.api('POST', '/api/v1/warehouses', { code: 'CAT-W2', name: 'Second' })).status).toBe(201);
      expect((await t.api('POST', '/api/v1/stock/adjustments', { sku: 'CAT-MUG', warehouse, delta, kind: 'receipt', reason: 'count' })).status).toBe(201);
    }
    const levels = (await t.api('GET', '/api/v1/stock?sku=CAT-MUG')).body.items as Array<{ onHand: number; available: number }>;
    const html = await (await t.page('GET', '/products', { cookie })).text();
    const row = /<tr data-sku="CAT-MUG">([\s\S]*?)<\/tr>/.exec(html)![1]!;
    expect(row).toContain(`data-col="onHand"><a href="/stock?sku=CAT-MUG">${levels.reduce((n, l) => n + l.onHand, 0)}</a>`);
    // Summed over both warehouses.
    expect(levels.reduce((n, l) => n + l.onHand, 0)).toBe(onHandBefore + 8);
    expect(row).toContain(`data-col="available">${levels.reduce((n, l) => n + l.available, 0)}</td>`);
  });
});
