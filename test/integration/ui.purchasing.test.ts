import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHub, type UiHub } from './ui.support';
import { expectOk } from '../helpers/hub';

let t: UiHub;
let cookie: string;
let csrf: string;
let poId: string;

const ok = (p: Promise<{ status: number; body: any }>, status = 200) => expectOk(p, status);
const cell = (html: string, rowAttr: string, col: string) => {
  const row = new RegExp(`<tr ${rowAttr}>([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
  return new RegExp(`data-col="${col}">([^<]*)<`).exec(row)?.[1];
};

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'MAIN', name: 'Main', priority: 1 }), 201);
  await ok(t.api('POST', '/api/v1/products', { sku: 'BAG', title: 'Bag' }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'LEATHER', name: 'Leather Co', currency: 'EUR', contacts: [{ name: 'Lea', email: 'lea@leather.example' }] }), 201);
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'LEATHER', sku: 'BAG', supplierSku: 'LB-1', priceBreaks: [{ minQuantity: 1, unitCostMinor: 2500 }], moq: 5 }));
  const po = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'LEATHER', lines: [{ sku: 'BAG', quantity: 10, warehouse: 'MAIN' }] }), 201);
  poId = po.id;
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

describe('purchasing screens', () => {
  it('lists suppliers with their scorecard columns and shows a supplier with its items', async () => {
    const res = await t.page('GET', '/purchasing', { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<a href="/purchasing" aria-current="page">Purchasing</a>');
    expect(html).toContain('data-supplier="LEATHER"');
    expect(cell(html, 'data-supplier="LEATHER"', 'onTime')).toBe('—');
    const detail = await (await t.page('GET', '/purchasing/suppliers/LEATHER', { cookie })).text();
    expect(detail).toContain('LB-1');
    expect(detail).toContain('Scorecard');
  });

  it('sends and receives a PO through the forms (CSRF required), in Chinese', async () => {
    const forged = await t.page('POST', `/purchasing/orders/${poId}/send`, { cookie, form: {} });
    expect(forged.status).toBe(403);
    const sent = await t.page('POST', `/purchasing/orders/${poId}/send`, { cookie, form: { _csrf: csrf } });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/purchasing/orders/${poId}?done=sent`);
    const zh = await t.page('GET', `/purchasing/orders/${poId}?done=sent`, { cookie, headers: { 'accept-language': 'zh-CN' } });
    const page = await zh.text();
    expect(page).toContain('采购订单 PO-');
    expect(page).toContain('采购订单当前状态：已发送。');
    expect(page).toContain('name="accepted_1"');
    expect(page).toContain('lea@leather.example');

    const nothing = await t.page('POST', `/purchasing/orders/${poId}/receive`, { cookie, form: { _csrf: csrf, accepted_1: '0', rejected_1: '0' } });
    expect(nothing.status).toBe(400);
    // Freight is typed as an amount of the PO's currency: a third decimal of EUR is refused, naming the field, and nothing is received.
    const badFreight = await t.page('POST', `/purchasing/orders/${poId}/receive`, { cookie, form: { _csrf: csrf, accepted_1: '6', rejected_1: '0', freight: '7.123', duty: '', basis: 'value' } });
    expect(badFreight.status).toBe(400);
    const badHtml = await badFreight.text();
    expect(badHtml).toContain('Freight (EUR): Enter an amount with at most 2 decimals, such as 12.50.');
    expect(cell(badHtml, 'data-line="1"', 'outstanding')).toBe('10');
    const rec = await t.page('POST', `/purchasing/orders/${poId}/receive`, { cookie, form: { _csrf: csrf, accepted_1: '6', rejected_1: '1', freight: '7', duty: '', basis: 'value' } });
    expect(rec.status).toBe(303);
    const after = await (await t.page('GET', `/purchasing/orders/${poId}`, { cookie })).text();
    expect(cell(after, 'data-line="1"', 'outstanding')).toBe('3');
    // The timeline speaks in amounts, not minor units: 7 EUR freight over 6 bags at 25.00 → 26.17 each.
    expect(after).toContain('PO-000001 drafted for LEATHER: 1 line, total 250.00 EUR.');
    expect(after).toContain('Received 6 accepted, 1 rejected; landed cost 7.00 EUR spread by value; BAG: unit cost — → 26.17 EUR; 3 outstanding.');
    expect(after).toContain('<label for="r-freight">Freight (EUR)</label>');
    // The PO's facts are a label–value grid; its buttons share one row (inside a <p> the action forms
    // would close the paragraph, so a browser put each on its own line); a drafted line's reason gets room.
    expect(after).toContain('<dl class="panel kv">');
    expect(after).toMatch(/<div class="row" style="margin:1rem 0"><a class="btn" href="\/purchasing\/orders\/[^"]+\/pdf\?lang=en">(?:(?!<\/div>)[\s\S])*\/close"/);
    expect(after).toContain('<td class="muted reason">');
    // Who acted is named (the key's name), with the raw id only as the tooltip.
    expect(after).toMatch(/<span class="muted"><span class="actor" title="key:[0-9a-f-]{36}">[^<]+<\/span><\/span>/);
    expect(after).not.toMatch(/<span class="muted">key:/);
    expect(after).toContain('data-status="partially_received"');
    expect(after).toContain('data-kind="received"');
    const stock = await ok(t.api('GET', '/api/v1/stock?sku=BAG'));
    expect(stock.items[0]).toMatchObject({ onHand: 6, incoming: 3 });

    const pdf = await t.page('GET', `/purchasing/orders/${poId}/pdf`, { cookie, headers: { 'accept-language': 'zh-TW' } });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    const list = await (await t.page('GET', '/purchasing/orders?status=partially_received', { cookie })).text();
    expect(list).toContain('data-po="PO-');
  });

  it('shows replenishment suggestions and drafts POs from the button', async () => {
    // BAG: no demand, so nothing is below its reorder point.
    const page = await (await t.page('GET', '/purchasing/suggestions', { cookie })).text();
    expect(page).toContain('Nothing needs ordering right now.');
    const run = await t.page('POST', '/purchasing/suggestions/draft', { cookie, form: { _csrf: csrf } });
    expect(run.status).toBe(303);
    const done = await (await t.page('GET', run.headers.get('location')!, { cookie })).text();
    expect(done).toContain('Nothing to order: no draft created.');
  });

  it('pages the purchase orders list instead of stopping at the newest hundred', async () => {
    for (let i = 0; i < 105; i++) await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'LEATHER', lines: [{ sku: 'BAG', quantity: 1, warehouse: 'MAIN' }] }), 201);
    const numbers = (html: string) => [...html.matchAll(/<tr data-po="(PO-\d+)">/g)].map((m) => m[1]!);
    const first = await (await t.page('GET', '/purchasing/orders?status=draft', { cookie })).text();
    const next = /<a class="btn" rel="next" id="orders-next"\s+href="([^"]+)"/.exec(first)?.[1];
    expect(next).toMatch(/^\/purchasing\/orders\?status=draft&amp;cursor=\d+$/);
    const second = await (await t.page('GET', next!.replace(/&amp;/g, '&'), { cookie })).text();
    expect(second).not.toContain('id="orders-next"');
    const all = [...numbers(first), ...numbers(second)];
    const drafts = (await t.hub.ctx.db.execute(sql`select count(*)::int as n from purchase_orders where status = 'draft'`)).rows[0] as { n: number };
    expect(numbers(first)).toHaveLength(100);
    expect(all).toHaveLength(drafts.n);
    expect(new Set(all).size).toBe(all.length);
  });
});
