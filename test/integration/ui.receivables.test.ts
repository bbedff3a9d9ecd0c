import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { expectOk } from '../helpers/hub';
import { createUiHub, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;
let csrf: string;
const inv: Record<string, { id: string; number: string }> = {};

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  await expectOk(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD' }));
  await expectOk(t.api('PUT', '/api/v1/fx-rates', { date: '2026-01-01', base: 'EUR', quote: 'USD', rate: '1.1' }));
  for (const [k, currency, netMinor, issueDate] of [['a', 'USD', 10_000, '2026-01-05'], ['b', 'USD', 5_000, '2026-01-10'], ['e', 'EUR', 8_000, '2026-01-12']] as const) {
    inv[k] = await expectOk(t.api('POST', '/api/v1/invoices', { customerRef: 'ACME', customerName: 'Acme Trading', currency, netMinor, issueDate, termsDays: 30 }));
  }
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

const html = async (path: string, c = cookie) => (await t.page('GET', path, { cookie: c })).text();
const ACCOUNT = '/finance/receivables/customers/ACME';

describe("a customer's receivables account", () => {
  it('is reached from the aging table, with the open invoices per currency', async () => {
    const ar = await html('/finance/receivables?at=2026-01-31');
    expect(ar).toContain(`<tr data-customer="ACME"><td><a href="${ACCOUNT}"`);
    expect(ar).toContain('No payments received yet.');
    const page = await html(ACCOUNT);
    expect(page).toContain('<h1>Account of Acme Trading</h1>');
    expect(page).toContain('Record a payment received in USD');
    expect(page).toContain('Record a payment received in EUR');
    expect(page).toContain(`data-invoice="${inv.a!.number}"`);
    expect(page).toContain(`name="apply_${inv.a!.id}"`);
  });

  it('records a payment and applies it to invoices in one form; what is left over stays on the payment to apply later', async () => {
    const pay = (form: Record<string, string>) => t.page('POST', `${ACCOUNT}/payments`, { cookie, form: { _csrf: csrf, currency: 'USD', receivedDate: '2026-02-01', ...form } });
    // A bad amount is refused, naming the field; nothing is recorded.
    const bad = await pay({ reference: 'WIRE-0', amount: 'ten' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('amountMinor');
    const r = await pay({ reference: 'WIRE-1', amount: '120.00', [`apply_${inv.a!.id}`]: '100.00', [`apply_${inv.b!.id}`]: '20' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`${ACCOUNT}?done=received`);
    let page = await html(`${ACCOUNT}?done=received`);
    expect(page).toContain('The payment was recorded.');
    expect(page).not.toContain(`data-invoice="${inv.a!.number}"`);
    expect(page).toMatch(new RegExp(`data-invoice="${inv.b!.number}"[\\s\\S]*?US\\$30\\.00`));
    // More than is open on the invoice: refused in words, nothing recorded.
    const over = await pay({ reference: 'WIRE-X', amount: '40.00', [`apply_${inv.b!.id}`]: '40.00' });
    expect([400, 409]).toContain(over.status);
    expect((await t.api('GET', '/api/v1/payments?customerRef=ACME')).body.items.map((p: any) => p.reference)).not.toContain('WIRE-X');

    // 50.00 received with nothing applied: it waits as not applied, then is applied to the 30.00 left.
    expect((await pay({ reference: 'WIRE-2', amount: '50.00' })).status).toBe(303);
    page = await html(ACCOUNT);
    expect(page).toMatch(/data-payment="WIRE-2"[\s\S]*?US\$50\.00 not applied/);
    const payment = (await t.api('GET', '/api/v1/payments?customerRef=ACME')).body.items.find((p: any) => p.reference === 'WIRE-2');
    const none = await t.page('POST', `/finance/receivables/payments/${payment.id}/apply`, { cookie, form: { _csrf: csrf, customer: 'ACME', currency: 'USD' } });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Enter an amount for at least one invoice.');
    const applied = await t.page('POST', `/finance/receivables/payments/${payment.id}/apply`, { cookie, form: { _csrf: csrf, customer: 'ACME', currency: 'USD', [`apply_${inv.b!.id}`]: '30.00' } });
    expect(applied.status).toBe(303);
    expect(applied.headers.get('location')).toBe(`${ACCOUNT}?done=applied`);
    page = await html(`${ACCOUNT}?done=applied`);
    expect(page).toContain('The payment was applied.');
    expect(page).not.toContain(`data-invoice="${inv.b!.number}"`);
    expect(page).toMatch(/data-payment="WIRE-2"[\s\S]*?US\$20\.00 not applied/);
    const invoices = (await t.api('GET', '/api/v1/invoices?customerRef=ACME&status=paid')).body.items.map((i: any) => i.number).sort();
    expect(invoices).toEqual([inv.a!.number, inv.b!.number].sort());
    // The receivables screen lists the payments received, newest first, with what is left to apply.
    const ar = await html('/finance/receivables?at=2026-02-28');
    expect(ar).toMatch(/<tr data-payment="WIRE-2">[\s\S]*?US\$20\.00 not applied/);
    expect(ar).toContain('<tr data-payment="WIRE-1">');
  });

  it('a payment in another currency books at the rate given', async () => {
    const r = await t.page('POST', `${ACCOUNT}/payments`, { cookie, form: { _csrf: csrf, currency: 'EUR', receivedDate: '2026-02-02', reference: 'SEPA-1', amount: '80.00', fxRate: '1.25', [`apply_${inv.e!.id}`]: '80.00' } });
    expect(r.status).toBe(303);
    const p = (await t.api('GET', '/api/v1/payments?customerRef=ACME')).body.items.find((x: any) => x.reference === 'SEPA-1');
    expect(p).toMatchObject({ currency: 'EUR', amountMinor: 8_000, appliedMinor: 8_000, fxRate: '1.25', functionalAmountMinor: 10_000 });
  });

  it('shows a viewer the account without forms, and speaks Traditional Chinese', async () => {
    const { key } = await createApiKey(t.hub.ctx, { name: 'ar viewer', role: 'viewer' });
    const v = await t.login(key);
    const page = await html(ACCOUNT, v.cookie);
    expect(page).toContain('Account of');
    expect(page).not.toContain('name="reference"');
    expect((await t.page('POST', `${ACCOUNT}/payments`, { cookie: v.cookie, form: { _csrf: v.csrf, currency: 'USD', reference: 'V', amount: '1', receivedDate: '2026-02-01' } })).status).toBe(403);
    const tw = await (await t.page('GET', ACCOUNT, { cookie, headers: { 'accept-language': 'zh-TW' } })).text();
    expect(tw).toContain('的帳戶');
  });
});
