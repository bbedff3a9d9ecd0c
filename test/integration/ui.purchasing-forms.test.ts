import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { createUiHub, type UiHub } from './ui.support';
import { expectOk } from '../helpers/hub';

let t: UiHub;
let cookie: string;
let csrf: string;

const ok = (p: Promise<{ status: number; body: any }>, status = 200) => expectOk(p, status);
/** The message shown next to a field, if any. */
const fieldError = (html: string, name: string) => new RegExp(`data-error-for="${name.replace(/\./g, '\\.')}">([^<]*)<`).exec(html)?.[1];
const row = (html: string, attr: string) => new RegExp(`<tr ${attr}[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
const post = (path: string, form: Record<string, string>, as = { cookie: '', csrf: '' }) =>
  t.page('POST', path, { cookie: as.cookie || cookie, form: { _csrf: as.csrf || csrf, ...form } });

const supplierForm = {
  code: 'ACME', name: 'Acme Leather', currency: 'EURO', paymentTerms: 'Net 30', leadTimeDays: '10',
  'contacts.0.name': 'Ann Example', 'contacts.0.email': 'ann@acme.example', 'contacts.0.phone': '', 'contacts.0.role': 'Sales',
  'contacts.1.name': '', 'contacts.1.email': '', 'contacts.1.phone': '', 'contacts.1.role': '',
};

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'MAIN', name: 'Main', priority: 1 }), 201);
  await ok(t.api('POST', '/api/v1/products', { sku: 'BAG', title: 'Bag' }), 201);
  await ok(t.api('POST', '/api/v1/products', { sku: 'STRAP', title: 'Strap' }), 201);
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

describe('purchasing forms', () => {
  it('creates a supplier through the form; a bad currency comes back next to its field with the values kept', async () => {
    const list = await (await t.page('GET', '/purchasing', { cookie })).text();
    expect(list).toContain('href="/purchasing/suppliers/new"');
    const blank = await t.page('GET', '/purchasing/suppliers/new', { cookie });
    expect(blank.status).toBe(200);
    const form = await blank.text();
    expect(form).toContain('<label for="ns-currency">Currency *</label>');
    expect(form).toContain('<label for="ns-c0-email">Email</label>');

    const bad = await post('/purchasing/suppliers', supplierForm);
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(fieldError(html, 'currency')).toBe('Enter a three-letter ISO 4217 currency code, such as USD.');
    expect(html).toMatch(/id="ns-currency" name="currency" type="text" value="EURO" required="" aria-invalid="true" aria-describedby="ns-currency-hint ns-currency-err"/);
    expect(html).toContain('value="Acme Leather"');
    expect(html).toContain('value="ann@acme.example"');
    expect(html).toContain('value="Net 30"');
    expect(fieldError(html, 'name')).toBeUndefined();
    expect((await t.api('GET', '/api/v1/suppliers/ACME')).status).toBe(404);

    const created = await post('/purchasing/suppliers', { ...supplierForm, currency: 'eur' });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/purchasing/suppliers/ACME?done=created');
    const s = await ok(t.api('GET', '/api/v1/suppliers/ACME'));
    expect(s).toMatchObject({ name: 'Acme Leather', currency: 'EUR', paymentTerms: 'Net 30', leadTimeDays: 10, contacts: [{ name: 'Ann Example', email: 'ann@acme.example', phone: null, role: 'Sales' }] });
    expect(await (await t.page('GET', created.headers.get('location')!, { cookie })).text()).toContain('Supplier created.');

    const again = await post('/purchasing/suppliers', { ...supplierForm, currency: 'EUR' });
    expect(again.status).toBe(409);
    expect(fieldError(await again.text(), 'code')).toBe('A supplier with code ACME already exists.');

    // Edit on the supplier page: the stored values are in the form; a second contact is added.
    const page = await (await t.page('GET', '/purchasing/suppliers/ACME', { cookie })).text();
    expect(page).toContain('action="/purchasing/suppliers/ACME"');
    expect(page).toMatch(/id="es-name" name="name" type="text" value="Acme Leather"/);
    const edited = await post('/purchasing/suppliers/ACME', {
      name: 'Acme Leather Ltd', paymentTerms: 'Net 45', leadTimeDays: '12', active: 'on',
      'contacts.0.name': 'Ann Example', 'contacts.0.email': 'ann@acme.example', 'contacts.1.name': 'Bo', 'contacts.1.email': 'not-an-email',
    });
    expect(edited.status).toBe(400);
    const editHtml = await edited.text();
    expect(fieldError(editHtml, 'contacts.1.email')).toBe('Enter an email address such as name@example.com.');
    expect(editHtml).toMatch(/<details class="panel" id="edit-supplier" open="">/);
    expect(editHtml).toContain('value="Acme Leather Ltd"');
    const saved = await post('/purchasing/suppliers/ACME', { name: 'Acme Leather Ltd', paymentTerms: 'Net 45', leadTimeDays: '12', active: 'on', 'contacts.0.name': 'Ann Example', 'contacts.1.name': 'Bo' });
    expect(saved.status).toBe(303);
    expect(await ok(t.api('GET', '/api/v1/suppliers/ACME'))).toMatchObject({ name: 'Acme Leather Ltd', paymentTerms: 'Net 45', leadTimeDays: 12, currency: 'EUR', active: true, contacts: [{ name: 'Ann Example' }, { name: 'Bo' }] });
  });

  it('makes a supplier an X12 trading partner from the edit form, names a missing ISA id, and clears it when all are blank', async () => {
    const base = { name: 'Acme Leather Ltd', paymentTerms: 'Net 45', leadTimeDays: '12', active: 'on', 'contacts.0.name': 'Ann Example', 'contacts.1.name': 'Bo' };
    const isa = { 'edi.senderQualifier': 'ZZ', 'edi.senderId': 'OMNIHUB', 'edi.receiverQualifier': '01', 'edi.receiverId': '123456789', 'edi.usage': 'T' };
    const partial = await post('/purchasing/suppliers/ACME', { ...base, ...isa, 'edi.receiverId': '' });
    expect(partial.status).toBe(400);
    expect(fieldError(await partial.text(), 'edi.receiverId')).toBeTruthy();
    expect((await ok(t.api('GET', '/api/v1/suppliers/ACME'))).edi).toBeNull();

    expect((await post('/purchasing/suppliers/ACME', { ...base, ...isa })).status).toBe(303);
    expect((await ok(t.api('GET', '/api/v1/suppliers/ACME'))).edi).toEqual({ senderQualifier: 'ZZ', senderId: 'OMNIHUB', receiverQualifier: '01', receiverId: '123456789', usage: 'T' });
    const page = await (await t.page('GET', '/purchasing/suppliers/ACME', { cookie })).text();
    expect(page).toContain('<legend>EDI (X12) trading partner</legend>');
    expect(page).toMatch(/name="edi\.receiverId" type="text" value="123456789"/);
    expect(page).toMatch(/<option value="T" selected="">T — test<\/option>/);

    expect((await post('/purchasing/suppliers/ACME', base)).status).toBe(303);
    expect((await ok(t.api('GET', '/api/v1/suppliers/ACME'))).edi).toBeNull();
  });

  it('adds a supplier item with two price breaks (decimals to minor units) and records a quote', async () => {
    const item = {
      sku: 'BAG', supplierSku: 'AC-BAG', moq: '10', packSize: '5', leadTimeDays: '',
      'priceBreaks.0.minQuantity': '1', 'priceBreaks.0.unitCost': '25.00',
      'priceBreaks.1.minQuantity': '', 'priceBreaks.1.unitCost': '',
      'priceBreaks.2.minQuantity': '100', 'priceBreaks.2.unitCost': '21.555',
    };
    const bad = await post('/purchasing/suppliers/ACME/items', item);
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    // The verb saw the third row as its second break; the message is on the row the person typed in.
    expect(fieldError(badHtml, 'priceBreaks.2.unitCost')).toBe('Enter an amount with at most 2 decimals, such as 12.50.');
    expect(badHtml).toContain('value="21.555"');
    expect(badHtml).toContain('value="AC-BAG"');

    const unknown = await post('/purchasing/suppliers/ACME/items', { ...item, sku: 'NOPE', 'priceBreaks.2.unitCost': '21.5' });
    expect(unknown.status).toBe(422);
    expect(fieldError(await unknown.text(), 'sku')).toBe('There is no product with SKU NOPE.');

    const saved = await post('/purchasing/suppliers/ACME/items', { ...item, 'priceBreaks.2.unitCost': '21.5' });
    expect(saved.status).toBe(303);
    const items = await ok(t.api('GET', '/api/v1/supplier-items?supplier=ACME'));
    expect(items.items).toHaveLength(1);
    expect(items.items[0]).toMatchObject({ sku: 'BAG', supplierSku: 'AC-BAG', moq: 10, packSize: 5, leadTimeDays: null, priceBreaks: [{ minQuantity: 1, unitCostMinor: 2500 }, { minQuantity: 100, unitCostMinor: 2150 }] });
    const page = await (await t.page('GET', saved.headers.get('location')!.replace(/#.*/, ''), { cookie })).text();
    expect(page).toContain('Item BAG saved.');
    const r = row(page, 'data-sku="BAG"');
    expect(r).toContain('AC-BAG');
    expect(r).toMatch(/≥1: €25\.00 · ≥100: €21\.50/);
    expect(r).toContain('href="/purchasing/compare?sku=BAG&amp;quantity=10"');

    // "Edit" fills the item form with the stored terms, decimals included.
    const editing = await (await t.page('GET', '/purchasing/suppliers/ACME?item=BAG', { cookie })).text();
    expect(editing).toMatch(/id="si-b1-cost" name="priceBreaks\.1\.unitCost" type="text" value="21\.50"/);

    const quote = await post('/purchasing/suppliers/ACME/quotes', { sku: 'BAG', quantity: '500', unitCost: '19.90', validFrom: '', validUntil: '2999-12-31', reference: 'RFQ-7' });
    expect(quote.status).toBe(303);
    const quotes = await ok(t.api('GET', '/api/v1/supplier-quotes?supplier=ACME'));
    expect(quotes.items[0]).toMatchObject({ sku: 'BAG', quantity: 500, unitCostMinor: 1990, currency: 'EUR', validUntil: '2999-12-31', reference: 'RFQ-7' });
    const late = await post('/purchasing/suppliers/ACME/quotes', { sku: 'BAG', quantity: '5', unitCost: '1', validFrom: '2030-01-10', validUntil: '2030-01-01' });
    expect(late.status).toBe(400);
    expect(fieldError(await late.text(), 'validUntil')).toBe('The quote cannot end before it starts.');
  });

  it('compares every supplier\'s price at a quantity and marks the cheaper one', async () => {
    await ok(t.api('POST', '/api/v1/suppliers', { code: 'CHEAP', name: 'Cheap Bags', currency: 'EUR' }), 201);
    await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'CHEAP', sku: 'BAG', priceBreaks: [{ minQuantity: 1, unitCostMinor: 3000 }, { minQuantity: 200, unitCostMinor: 2000 }] }));

    const few = await t.page('GET', '/purchasing/compare?sku=BAG&quantity=10', { cookie });
    expect(few.status).toBe(200);
    const fewHtml = await few.text();
    expect(fewHtml.indexOf('data-supplier="ACME"')).toBeLessThan(fewHtml.indexOf('data-supplier="CHEAP"'));
    expect(fewHtml).toContain('<tr data-supplier="ACME" data-best="true">');
    expect(fewHtml).toContain('<tr data-supplier="CHEAP">');

    // At 250 CHEAP's 200+ break (€20.00) beats ACME's 100+ break (€21.50); ACME's quote needs 500.
    const many = await (await t.page('GET', '/purchasing/compare?sku=BAG&quantity=250', { cookie })).text();
    expect(many.indexOf('data-supplier="CHEAP"')).toBeLessThan(many.indexOf('data-supplier="ACME"'));
    expect(many).toContain('<tr data-supplier="CHEAP" data-best="true">');
    expect(row(many, 'data-supplier="CHEAP"')).toMatch(/data-col="unitCost">€20\.00</);
    expect(row(many, 'data-supplier="ACME"')).toMatch(/data-col="unitCost">€21\.50</);
    expect(many).toContain('<th scope="col" class="num">Score</th><th scope="col">Grade</th>');
    expect(many).toContain('<a href="/purchasing/compare" aria-current="page">Price comparison</a>');

    expect(await (await t.page('GET', '/products/BAG', { cookie })).text()).toContain('href="/purchasing/compare?sku=BAG&amp;quantity=1"');
    const blank = await t.page('GET', '/purchasing/compare', { cookie });
    expect(blank.status).toBe(200);
    expect(await blank.text()).not.toContain('id="price-compare"');
    const wrong = await t.page('GET', '/purchasing/compare?sku=BAG&quantity=abc', { cookie });
    expect(wrong.status).toBe(400);
    expect(fieldError(await wrong.text(), 'quantity')).toBe('Enter a whole number in the allowed range.');
  });

  it('creates a draft PO from the form, a blank unit cost priced from the supplier item\'s break', async () => {
    const pre = await (await t.page('GET', '/purchasing/orders/new?supplier=ACME&sku=BAG&quantity=120', { cookie })).text();
    expect(pre).toContain('<option value="ACME" selected="">');
    expect(pre).toMatch(/name="lines\.0\.sku" type="text" value="BAG"/);
    expect(pre).toMatch(/name="lines\.0\.quantity" type="number" value="120"/);
    expect(pre).toContain('<option value="MAIN" selected="">');
    expect(await (await t.page('GET', '/purchasing/orders', { cookie })).text()).toContain('href="/purchasing/orders/new"');

    const lines = {
      'lines.0.sku': 'BAG', 'lines.0.quantity': '120', 'lines.0.unitCost': '',
      'lines.1.sku': '', 'lines.1.quantity': '', 'lines.1.unitCost': '',
      'lines.2.sku': 'STRAP', 'lines.2.quantity': '3', 'lines.2.unitCost': '4.5',
    };
    const noPrice = await post('/purchasing/orders', { supplier: 'ACME', warehouse: 'MAIN', expectedDate: '2031-05-01', notes: 'Spring', ...lines, 'lines.2.unitCost': '' });
    expect(noPrice.status).toBe(400);
    const noPriceHtml = await noPrice.text();
    expect(fieldError(noPriceHtml, 'lines.2.unitCost')).toBe('This supplier has no price for this SKU: enter a unit cost.');
    expect(noPriceHtml).toContain('value="2031-05-01"');
    expect(noPriceHtml).toContain('>Spring</textarea>');
    const unknown = await post('/purchasing/orders', { supplier: 'ACME', warehouse: 'MAIN', ...lines, 'lines.2.sku': 'GHOST' });
    expect(unknown.status).toBe(400);
    expect(fieldError(await unknown.text(), 'lines.2.sku')).toBe('There is no product with SKU GHOST.');
    const none = await post('/purchasing/orders', { supplier: 'ACME', warehouse: 'MAIN' });
    expect(none.status).toBe(400);
    expect(fieldError(await none.text(), 'lines')).toBe('Enter at least one line with a SKU and a quantity.');

    const res = await post('/purchasing/orders', { supplier: 'ACME', warehouse: 'MAIN', expectedDate: '2031-05-01', notes: 'Spring', ...lines });
    expect(res.status).toBe(303);
    const id = /^\/purchasing\/orders\/([0-9a-f-]{36})\?done=created$/.exec(res.headers.get('location') ?? '')?.[1];
    expect(id).toBeTruthy();
    const po = await ok(t.api('GET', `/api/v1/purchase-orders/${id}`));
    // 120 × €21.50 (the 100+ break) + 3 × €4.50 = €2,593.50.
    expect(po).toMatchObject({ status: 'draft', currency: 'EUR', totalMinor: 259_350, source: 'manual', notes: 'Spring' });
    expect(po.lines).toMatchObject([
      { lineNo: 1, sku: 'BAG', quantity: 120, unitCostMinor: 2150, supplierSku: 'AC-BAG', expectedDate: '2031-05-01', warehouse: 'MAIN' },
      { lineNo: 2, sku: 'STRAP', quantity: 3, unitCostMinor: 450, expectedDate: '2031-05-01', warehouse: 'MAIN' },
    ]);
    const page = await (await t.page('GET', res.headers.get('location')!, { cookie })).text();
    expect(page).toContain('Draft purchase order created.');
    expect(page).toContain('data-status="draft"');
    expect(page).toContain('data-col="total">€2,593.50<');

    // A currency without decimals: "1500" yen is 1500 minor units, not 150000.
    await ok(t.api('POST', '/api/v1/suppliers', { code: 'TOKYO', name: 'Tokyo Trading', currency: 'JPY' }), 201);
    const yen = await post('/purchasing/orders', { supplier: 'TOKYO', warehouse: 'MAIN', 'lines.0.sku': 'STRAP', 'lines.0.quantity': '2', 'lines.0.unitCost': '1500' });
    expect(yen.status).toBe(303);
    const yenPo = await ok(t.api('GET', `/api/v1/purchase-orders/${/orders\/([^?]+)/.exec(yen.headers.get('location')!)![1]}`));
    expect(yenPo).toMatchObject({ status: 'draft', currency: 'JPY', totalMinor: 3000 });
    const yenBad = await post('/purchasing/orders', { supplier: 'TOKYO', warehouse: 'MAIN', 'lines.0.sku': 'STRAP', 'lines.0.quantity': '2', 'lines.0.unitCost': '1500.5' });
    expect(yenBad.status).toBe(400);
    expect(fieldError(await yenBad.text(), 'lines.0.unitCost')).toBe('Enter an amount with at most 0 decimals, such as 1250.');
  });

  it('refuses a form without the CSRF token', async () => {
    const res = await t.page('POST', '/purchasing/suppliers', { cookie, form: { ...supplierForm, code: 'FORGED', currency: 'USD' } });
    expect(res.status).toBe(403);
    const item = await t.page('POST', '/purchasing/suppliers/ACME/items', { cookie, form: { sku: 'STRAP', 'priceBreaks.0.minQuantity': '1', 'priceBreaks.0.unitCost': '1' } });
    expect(item.status).toBe(403);
    const po = await t.page('POST', '/purchasing/orders', { cookie, form: { supplier: 'ACME', warehouse: 'MAIN', 'lines.0.sku': 'BAG', 'lines.0.quantity': '1' } });
    expect(po.status).toBe(403);
    expect((await t.api('GET', '/api/v1/suppliers/FORGED')).status).toBe(404);
    expect((await ok(t.api('GET', '/api/v1/supplier-items?supplier=ACME&sku=STRAP'))).items).toEqual([]);
    // The same form with the session's token goes through: the refusal was the missing token.
    const withToken = await post('/purchasing/suppliers', { ...supplierForm, code: 'FORGED', currency: 'USD' });
    expect(withToken.status).toBe(303);
    expect((await ok(t.api('GET', '/api/v1/suppliers/FORGED'))).currency).toBe('USD');
  });

  it('lets a viewer read the screens but not post them', async () => {
    const viewer = await t.login((await createApiKey(t.hub.ctx, { name: 'viewer', role: 'viewer' })).key);
    const form = await (await t.page('GET', '/purchasing/suppliers/new', { cookie: viewer.cookie })).text();
    expect(form).not.toContain('action="/purchasing/suppliers"');
    expect(form).toContain('Your role can view but not change this.');
    const page = await (await t.page('GET', '/purchasing/suppliers/ACME', { cookie: viewer.cookie })).text();
    expect(page).not.toContain('action="/purchasing/suppliers/ACME/items"');
    expect(page).not.toContain('href="/purchasing/orders/new');
    expect((await t.page('GET', '/purchasing/compare?sku=BAG&quantity=10', { cookie: viewer.cookie })).status).toBe(200);

    const before = (await ok(t.api('GET', '/api/v1/purchase-orders'))).items.length;
    expect((await post('/purchasing/suppliers', { ...supplierForm, code: 'VIEWED', currency: 'USD' }, viewer)).status).toBe(403);
    expect((await post('/purchasing/suppliers/ACME', { name: 'Renamed' }, viewer)).status).toBe(403);
    expect((await post('/purchasing/suppliers/ACME/items', { sku: 'STRAP', 'priceBreaks.0.minQuantity': '1', 'priceBreaks.0.unitCost': '1' }, viewer)).status).toBe(403);
    expect((await post('/purchasing/suppliers/ACME/quotes', { sku: 'BAG', quantity: '1', unitCost: '1', validUntil: '2999-01-01' }, viewer)).status).toBe(403);
    expect((await post('/purchasing/orders', { supplier: 'ACME', warehouse: 'MAIN', 'lines.0.sku': 'BAG', 'lines.0.quantity': '1' }, viewer)).status).toBe(403);
    expect((await t.api('GET', '/api/v1/suppliers/VIEWED')).status).toBe(404);
    expect((await ok(t.api('GET', '/api/v1/suppliers/ACME'))).name).toBe('Acme Leather Ltd');
    expect((await ok(t.api('GET', '/api/v1/purchase-orders'))).items).toHaveLength(before);
  });

  it('shows the new supplier form, and its field messages, in Traditional Chinese', async () => {
    const zh = { 'accept-language': 'zh-TW' };
    const page = await (await t.page('GET', '/purchasing/suppliers/new', { cookie, headers: zh })).text();
    expect(page).toContain('<html lang="zh-TW">');
    expect(page).toContain('<h1>新增供應商</h1>');
    expect(page).toContain('<label for="ns-currency">幣別 *</label>');
    expect(page).toContain('<legend>聯絡人 1</legend>');
    expect(page).toContain('建立供應商</button>');
    expect(page).not.toContain('Create supplier');
    const bad = await t.page('POST', '/purchasing/suppliers', { cookie, headers: zh, form: { _csrf: csrf, ...supplierForm, code: 'TW1' } });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(fieldError(html, 'currency')).toBe('請輸入三個字母的 ISO 4217 幣別代碼，例如 USD。');
    expect(html).toContain('有 1 個欄位需要修正');
  });
});
