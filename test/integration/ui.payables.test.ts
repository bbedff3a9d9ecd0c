import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHub, type UiHub } from './ui.support';
import { expectOk } from '../helpers/hub';

let t: UiHub;
let cookie: string;
let csrf: string;
let poId: string;
const ids: Record<string, string> = {};

const ok = expectOk;

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  await ok(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD' }));
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'WH-U', name: 'UI WH', priority: 1 }));
  await ok(t.api('POST', '/api/v1/products', { sku: 'U-TEE', title: 'Tee' }));
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'UIS', name: 'Ui Supplies', currency: 'USD', paymentTerms: 'NET30' }));
  const po = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'UIS', lines: [{ sku: 'U-TEE', quantity: 20, unitCostMinor: 1000, warehouse: 'WH-U' }] }));
  poId = po.id;
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/approve`));
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/send`));
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/receive`, { lines: [{ lineNo: 1, accepted: 20 }] }));
  // As of 2026-06-30: one 30 days overdue, one due in the same week, one draft with a price variance.
  ids.late = (await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'UI-LATE', issueDate: '2026-05-01', lines: [{ lineNo: 1, quantity: 3 }] }))).id;
  ids.soon = (await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'UI-SOON', issueDate: '2026-06-02', lines: [{ lineNo: 1, quantity: 2 }] }))).id;
  ids.draft = (await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'UI-DRAFT', issueDate: '2026-06-10', lines: [{ lineNo: 1, quantity: 1, unitPriceMinor: 1200 }] }))).id;
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

describe('the payables screen', () => {
  it('shows aging with its chart, the due-date calendar overdue first, and bills with their match badges (English)', async () => {
    const res = await t.page('GET', '/finance/payables?at=2026-06-30', { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Payables</h1>');
    expect(html).toContain('<svg class="chart"');
    expect(html).toMatch(/<table id="payables-aging">[\s\S]*Ui Supplies[\s\S]*<\/table>/);
    expect(html).toMatch(/<tr data-supplier="UIS">[\s\S]*?<td class="num" data-bucket="current">US\$20\.00<\/td><td class="num" data-bucket="d1_30">US\$30\.00<\/td>/);
    // The calendar: overdue first, then the week of 2026-06-29 holding the bill due 07-02.
    const cal = html.slice(html.indexOf('id="due-calendar"'));
    expect(cal.indexOf('data-group="overdue"')).toBeGreaterThan(-1);
    expect(cal.indexOf('data-group="overdue"')).toBeLessThan(cal.indexOf('data-from="2026-06-29"'));
    expect(cal).toMatch(/data-group="overdue"[\s\S]*?UI-LATE[\s\S]*?30 days overdue/);
    expect(cal).toMatch(/data-from="2026-06-29"[\s\S]*?UI-SOON/);
    expect(html).toContain('Week of');
    // The draft's variance is a badge; the report tabs link here.
    expect(html).toMatch(/<tr data-bill="UI-DRAFT"[\s\S]*?data-match="variance"[\s\S]*?data-flag="price_variance">Price variance</);
    expect(html).toContain('href="/finance/payables" aria-current="page"');
    expect(html).toContain('href="/finance/payables/aging.csv?at=2026-06-30"');
    const recv = await (await t.page('GET', '/finance/receivables', { cookie })).text();
    expect(recv).toContain('href="/finance/payables"');
    const csv = await t.page('GET', '/finance/payables/aging.csv?at=2026-06-30', { cookie });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('UIS,Ui Supplies,USD,20.00,30.00,0.00,0.00,0.00,50.00');
  });

  it('on a date before any bill: no chart of nothing, the aging says nothing is owed, the calendar still shows what falls due later', async () => {
    const html = await (await t.page('GET', '/finance/payables?at=2020-01-01', { cookie })).text();
    expect(html).not.toContain('<svg class="chart"');
    expect(html).toContain('Nothing is owed to suppliers on this date.');
    expect(html).not.toContain('id="nothing-due"');
    expect(html).toContain('data-group="later"');
  });

  it('renders the aging and the calendar in Traditional Chinese', async () => {
    const html = await (await t.page('GET', '/finance/payables?at=2026-06-30&lang=zh-TW', { cookie })).text();
    expect(html).toContain('<html lang="zh-TW"');
    for (const s of ['<h1>應付帳款</h1>', '應付帳齡', '到期行事曆', '已逾期', '逾期 30 天', '價格差異', '草稿']) expect(html, s).toContain(s);
    expect(html).not.toContain('Aged payables');
    expect(html).not.toContain('Due-date calendar');
  });

  it('records a bill from a received PO through the prefilled form, approves a variance with a reason, and records a payment (CSRF required)', async () => {
    const form = await (await t.page('GET', `/finance/payables/bills/new?po=${poId}`, { cookie })).text();
    // 20 received, 6 billed: 14 left to bill, at the PO price.
    expect(form).toMatch(/name="qty_1" type="number" min="0" step="1" value="14"/);
    expect(form).toContain('name="price_1" inputmode="decimal" value="10.00"');
    const body = { purchaseOrder: poId, number: 'UI-FORM', issueDate: '2026-06-15', dueDate: '', qty_1: '4', price_1: '10.00', notes: '' };
    expect((await t.page('POST', '/finance/payables/bills', { cookie, form: body })).status).toBe(403);
    const created = await t.page('POST', '/finance/payables/bills', { cookie, form: { ...body, _csrf: csrf } });
    expect(created.status).toBe(303);
    const where = created.headers.get('location')!;
    expect(where).toMatch(/^\/finance\/payables\/bills\/[0-9a-f-]+\?done=recorded$/);
    const detail = await (await t.page('GET', where, { cookie })).text();
    expect(detail).toContain('The bill was recorded.');
    expect(detail).toContain('data-status="open"');

    // A bad price is named, the form keeps what was typed.
    const bad = await t.page('POST', '/finance/payables/bills', { cookie, form: { ...body, number: 'UI-BAD', price_1: 'ten', _csrf: csrf } });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('lines.1.unitPriceMinor');
    expect(badHtml).toContain('value="UI-BAD"');

    // The draft needs a reason to be approved; with one, who/when show.
    const noNote = await t.page('POST', `/finance/payables/bills/${ids.draft}/approve`, { cookie, form: { _csrf: csrf, note: '' } });
    expect(noNote.status).toBe(400);
    const approved = await t.page('POST', `/finance/payables/bills/${ids.draft}/approve`, { cookie, form: { _csrf: csrf, note: 'New price list' } });
    expect(approved.status).toBe(303);
    const draftPage = await (await t.page('GET', `/finance/payables/bills/${ids.draft}`, { cookie })).text();
    expect(draftPage).toMatch(/<p class="muted" id="approval">Approved by [^<]+ · New price list<\/p>/);

    // One payment over two bills, one of them in part; overpaying is refused with the reason shown.
    const over = await t.page('POST', '/finance/payables/payments', { cookie, form: { _csrf: csrf, supplier: 'UIS', currency: 'USD', reference: 'UI-PAY-0', paidDate: '2026-06-30', [`apply_${ids.late}`]: '30.01' } });
    expect(over.status).toBe(409);
    expect(await over.text()).toContain('has 3000 outstanding');
    const pay = await t.page('POST', '/finance/payables/payments', { cookie, form: { _csrf: csrf, supplier: 'UIS', currency: 'USD', reference: 'UI-PAY-1', paidDate: '2026-06-30', [`apply_${ids.late}`]: '30.00', [`apply_${ids.soon}`]: '5.00', [`apply_${ids.draft}`]: '' } });
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toBe('/finance/payables?done=paid');
    const late = await ok(t.api('GET', `/api/v1/bills/${ids.late}`));
    const soon = await ok(t.api('GET', `/api/v1/bills/${ids.soon}`));
    expect([late.status, soon.status, soon.outstandingMinor]).toEqual(['paid', 'partially_paid', 1_500]);
  });

  it('offers a received PO to bill even behind hundreds of newer drafts', async () => {
    for (let i = 0; i < 205; i++) await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'UIS', lines: [{ sku: 'U-TEE', quantity: 1, unitCostMinor: 1000, warehouse: 'WH-U' }] }));
    const html = await (await t.page('GET', '/finance/payables', { cookie })).text();
    const choice = /<form method="get" action="\/finance\/payables\/bills\/new"[^>]*id="bill-from-po">([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
    expect(choice).toContain(`<option value="${poId}">`);
    // Drafts are not billable and are not offered.
    expect([...choice.matchAll(/<option /g)]).toHaveLength(1);
  });
});
