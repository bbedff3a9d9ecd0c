import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHub, seedSandboxOrders, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;
let csrf: string;

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  await seedSandboxOrders(t, {
    seed: 'inbox',
    count: 6,
    overrides: (i) => (i === 0
      ? { name: '陳大文', email: 'chan@example.hk', currency: 'HKD', paid: false }
      : i === 1 ? { name: '=HYPERLINK("http://evil")', paid: false } : { paid: true }),
  });
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t.close());

const rowsOf = (html: string) => [...html.matchAll(/<a class="order-no" href="\/orders\/([0-9a-f-]{36})">([^<]+)<\/a>/g)].map((m) => ({ id: m[1]!, number: m[2]! }));

describe('the inbox page', () => {
  it('renders every order with money, badges and times; the counts come in their own request', async () => {
    const res = await t.page('GET', '/', { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(rowsOf(html)).toHaveLength(6);
    expect(html).toContain('HK$');
    expect(html).toContain('hx-get="/ui/inbox/counts"');
    expect(html).not.toContain('class="counts"><li><a href="/?status=open"');
    const counts = await (await t.page('GET', '/ui/inbox/counts', { cookie, headers: { 'hx-request': 'true' } })).text();
    expect(counts).toMatch(/All orders<\/span><span class="n">6</);
    expect(counts).toContain('href="/?exception=unpaid"');
  });

  it('holds the whole view in the URL: filters, search (Chinese names too) and the htmx partial', async () => {
    const paid = await (await t.page('GET', '/?financialStatus=paid', { cookie })).text();
    expect(rowsOf(paid)).toHaveLength(4);
    expect(paid).toContain('<option value="paid" selected="">');
    const chinese = await (await t.page('GET', `/?q=${encodeURIComponent('大文')}`, { cookie })).text();
    expect(rowsOf(chinese)).toHaveLength(1);
    expect(chinese).toContain('陳大文');
    const partial = await t.page('GET', '/?financialStatus=pending', { cookie, headers: { 'hx-request': 'true', 'hx-target': 'results' } });
    const frag = await partial.text();
    expect(frag.startsWith('<div id="results-inner">')).toBe(true);
    expect(frag).not.toContain('<html');
    expect(rowsOf(frag)).toHaveLength(2);
  });

  it('ignores and reports a bad filter value instead of failing', async () => {
    const res = await t.page('GET', '/?status=bogus&from=2026-13-45', { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Ignored filters');
    expect(rowsOf(html)).toHaveLength(6);
  });

  it('pages with a keyset cursor', async () => {
    const { listOrders } = await import('../../src/inbox/list-orders');
    const first = await listOrders(t.hub.ctx, { limit: 4 });
    const html = await (await t.page('GET', `/?cursor=${first.nextCursor}`, { cookie })).text();
    expect(rowsOf(html).map((r) => r.id)).toEqual((await listOrders(t.hub.ctx, { limit: 50, cursor: first.nextCursor! })).items.map((o) => o.id));
    expect(html).toContain('← Newest');
  });

  it('shows the new-orders banner when orders were imported after the newest one shown', async () => {
    const none = await (await t.page('GET', `/ui/inbox/new?since=${encodeURIComponent(new Date().toISOString())}`, { cookie })).text();
    expect(none).toBe('');
    const some = await (await t.page('GET', `/ui/inbox/new?since=${encodeURIComponent(new Date(0).toISOString())}&financialStatus=paid`, { cookie })).text();
    expect(some).toContain('4 new orders');
  });

  it('bulk-holds the selection and names the orders that failed', async () => {
    const rows = rowsOf(await (await t.page('GET', '/?financialStatus=paid', { cookie })).text());
    const [a, b, c] = rows;
    const first = await t.page('POST', '/ui/orders/bulk', { cookie, form: { _csrf: csrf, action: 'hold', ids: [a!.id, b!.id] }, headers: { 'hx-request': 'true' } });
    expect(first.status).toBe(200);
    expect(first.headers.get('hx-trigger')).toBe('inbox-refresh');
    expect(await first.text()).toContain('Hold: 2 orders done.');
    const second = await t.page('POST', '/ui/orders/bulk', { cookie, form: { _csrf: csrf, action: 'hold', ids: [b!.id, c!.id] }, headers: { 'hx-request': 'true' } });
    const msg = await second.text();
    expect(msg).toContain('Hold: 1 order done.');
    expect(msg).toContain('1 order failed:');
    expect(msg).toContain(`>${b!.number}</a>: not possible while the order is On hold`);
    expect(msg).not.toContain(`>${c!.number}</a>`);
    const counts = await (await t.page('GET', '/ui/inbox/counts', { cookie })).text();
    expect(counts).toMatch(/On hold<\/span><span class="n">3</);
    const held = rowsOf(await (await t.page('GET', '/?status=on_hold', { cookie })).text());
    expect(held.map((r) => r.id).sort()).toEqual([a!.id, b!.id, c!.id].sort());
    await t.page('POST', '/ui/orders/bulk', { cookie, form: { _csrf: csrf, action: 'release', ids: [a!.id, b!.id, c!.id] } });
  });

  it('exports the current filter as CSV: UTF-8 with BOM, headers in the reader\'s language, no formula injection', async () => {
    const res = await t.page('GET', '/orders/export.csv', { cookie, headers: { 'accept-language': 'zh-CN' } });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]!.startsWith('订单号,渠道单号,渠道,下单时间,客户')).toBe(true);
    expect(lines).toHaveLength(7);
    expect(text).toContain('陳大文');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const unpaid = await (await t.page('GET', '/orders/export.csv?financialStatus=pending', { cookie })).text();
    expect(unpaid.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(3);
  });

  it('saves, lists and deletes named views per key', async () => {
    const saved = await t.page('POST', '/ui/views', { cookie, form: { _csrf: csrf, name: '待付款', query: 'financialStatus=pending&cursor=abc' } });
    const html = await saved.text();
    expect(html).toContain('href="/?financialStatus=pending"');
    const id = /hx-post="\/ui\/views\/([0-9a-f-]{36})\/delete"/.exec(html)![1]!;
    const home = await (await t.page('GET', '/', { cookie })).text();
    expect(home).toContain('待付款');
    const del = await t.page('POST', `/ui/views/${id}/delete`, { cookie, form: { _csrf: csrf } });
    expect(await del.text()).not.toContain('待付款');
  });

  it('shows the order detail: lines, money, timeline and the raw payload', async () => {
    const [row] = rowsOf(await (await t.page('GET', `/?q=${encodeURIComponent('陳大文')}`, { cookie })).text());
    const res = await t.page('GET', `/orders/${row!.id}`, { cookie, headers: { 'accept-language': 'zh-TW' } });
    const html = await res.text();
    expect(html).toContain(`<h1>訂單 ${row!.number}</h1>`);
    expect(html).toContain('透過Webhook 推送接收');
    expect(html).toMatch(/data-testid="order-total">HK\$[\d,]+\.\d{2}</);
    const raw = /hx-get="\/ui\/raw-events\/(\d+)"/.exec(html)![1];
    const payload = await (await t.page('GET', `/ui/raw-events/${raw}`, { cookie })).text();
    expect(payload).toContain('陳大文');
    const missing = await t.page('GET', '/orders/00000000-0000-4000-8000-00000000dead', { cookie, headers: { 'accept-language': 'zh-CN' } });
    expect(missing.status).toBe(404);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain('<h1>未找到</h1>');
    expect(missingHtml).toContain('找不到请求的资源。');
  });

  it('holds and releases from the order page', async () => {
    const [row] = rowsOf(await (await t.page('GET', '/?status=open', { cookie })).text());
    const hold = await t.page('POST', `/orders/${row!.id}/hold`, { cookie, form: { _csrf: csrf } });
    expect(hold.status).toBe(303);
    const page = await (await t.page('GET', hold.headers.get('location')!, { cookie })).text();
    expect(page).toContain('Hold: done.');
    expect(page).toContain('data-kind="hold"');
    // The timeline names who held it by the key's name, not its id.
    const [key] = (await t.hub.ctx.db.execute(sql`select id, name from api_keys order by created_at limit 1`)).rows as Array<{ id: string; name: string }>;
    expect(page).toContain(`· <span class="actor" title="key:${key!.id}">${key!.name}</span>`);
    const again = await t.page('POST', `/orders/${row!.id}/hold`, { cookie, form: { _csrf: csrf } });
    expect(again.status).toBe(409);
    await t.page('POST', `/orders/${row!.id}/release`, { cookie, form: { _csrf: csrf } });
  });

  it('draws orders per channel per day as SVG on the dashboard', async () => {
    const html = await (await t.page('GET', '/dashboard', { cookie })).text();
    expect(html).toContain('<svg class="chart"');
    expect(html).toMatch(/<rect [^>]*fill="#2457d6"/);
    expect(html).toContain('6 orders in the last 14 days');
  });
});
