import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { insertConnection } from './finance.helpers';
import { createUiHub, ORIGIN, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;
let csrf: string;
let payoutId: string;

/** A statement upload as the browser sends it: multipart, with the file. */
async function upload(file: string, fields: Record<string, string>, who = { cookie, csrf }) {
  const form = new FormData();
  if (who.csrf) form.set('_csrf', who.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new File([file], 'statement.csv', { type: 'text/csv' }));
  return t.ui.request(`${ORIGIN}/finance/bank/import`, { method: 'POST', body: form, headers: { cookie: who.cookie, origin: ORIGIN }, redirect: 'manual' });
}
const html = async (path: string, c = cookie) => (await t.page('GET', path, { cookie: c })).text();
const rowOf = (page: string, reference: string) => {
  const m = new RegExp(`<tr data-line="([0-9a-f-]+)" data-reference="${reference}" data-matched="(true|false)">([\\s\\S]*?)</tr>`).exec(page);
  if (!m) throw new Error(`no row ${reference}`);
  return { id: m[1]!, matched: m[2] === 'true', html: m[3]! };
};

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  const conn = await insertConnection(t, 'stripe', { secretKey: 'sk_test', baseUrl: 'https://api.stripe.test' });
  const r = await t.hub.ctx.db.execute(sql`
    insert into payouts (connection_id, source, external_id, status, amount_minor, currency, arrival_date)
    values (${conn}, 'stripe', 'po_UI1', 'paid', 81240, 'USD', '2026-03-03'), (${conn}, 'stripe', 'po_UI2', 'paid', 20000, 'USD', '2025-01-01') returning id, external_id`);
  payoutId = String((r.rows as Array<{ id: string; external_id: string }>).find((p) => p.external_id === 'po_UI2')!.id);
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

describe('the bank statements screen', () => {
  it('starts empty, with its tab among the finance reports', async () => {
    const page = await html('/finance/bank');
    expect(page).toContain('<h1>Bank statements</h1>');
    expect(page).toContain('href="/finance/bank" aria-current="page"');
    expect(page).toContain('id="no-bank-lines"');
    expect(page).toContain('id="bank-import"');
  });

  it('imports an uploaded statement, matches what the rules can, and says what it did', async () => {
    const csv = 'date,amount,reference,description\n2026-03-05,812.40,B-1,STRIPE PAYOUT\n2026-03-06,-45.00,B-2,Bank fee\n2026-03-07,199.00,B-3,wire\n';
    expect((await upload(csv, { format: 'csv', account: 'UI-BANK', currency: 'USD' }, { cookie, csrf: '' })).status).toBe(403);
    const res = await upload(csv, { format: 'csv', account: 'UI-BANK', currency: 'usd' });
    expect(res.status).toBe(303);
    const where = res.headers.get('location')!;
    expect(where).toBe('/finance/bank?done=imported&lines=3&stored=3&skipped=0&matched=1');
    const page = await html(where);
    expect(page).toContain('3 lines read: 3 new, 0 imported before, 1 matched.');
    expect(page).toContain('<svg class="chart" id="bank-chart"');
    expect(page).toMatch(/<tr data-account="UI-BANK" data-currency="USD">[\s\S]*?data-col="matched">1<\/td><td class="num" data-col="unmatched">2<\/td><td class="num" data-col="open-in">US\$199\.00<\/td><td class="num" data-col="open-out">-US\$45\.00<\/td>/);
    const b1 = rowOf(page, 'B-1');
    expect(b1.matched).toBe(true);
    expect(b1.html).toContain('href="/finance/payouts/');
    expect(b1.html).toContain('stripe po_UI1');
    // A bad file is refused whole, naming the row and column.
    const bad = await upload('date,amount\n2026-13-01,5\n', { format: 'csv', account: 'UI-BANK', currency: 'USD' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('rows.2.date');
  });

  it('matches an open line by hand from the choices offered, takes a match off, and matches again by rule', async () => {
    let page = await html('/finance/bank?matched=false');
    const b3 = rowOf(page, 'B-3');
    expect(b3.matched).toBe(false);
    // The choice holds the open USD payout on the deposit side; the debit B-2 is offered no payout.
    expect(b3.html).toContain(`value="payoutId:${payoutId}"`);
    expect(rowOf(page, 'B-2').html).not.toContain('payoutId:');
    expect(page).not.toContain('data-reference="B-1"');
    const res = await t.page('POST', `/finance/bank/lines/${b3.id}/match`, { cookie, form: { _csrf: csrf, target: `payoutId:${payoutId}`, back: '/finance/bank?matched=false' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/finance/bank?matched=false&done=matched');
    page = await html('/finance/bank');
    let row = rowOf(page, 'B-3');
    expect(row.matched).toBe(true);
    expect(row.html).toContain('by hand');
    // 199.00 against 200.00: the difference shows.
    expect(row.html).toContain('differs by -US$1.00');
    // A forged choice (the debit B-2 to a payout) is refused, naming the field.
    const forged = await t.page('POST', `/finance/bank/lines/${rowOf(page, 'B-2').id}/match`, { cookie, form: { _csrf: csrf, target: `payoutId:${payoutId}` } });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/role="alert"[^<]*payoutId/);
    // The payout is taken: matching another open line to it is a 409, in words.
    const taken = await t.page('POST', `/finance/bank/lines/${rowOf(await html('/finance/bank?matched=false'), 'B-2').id}/match`, { cookie, form: { _csrf: csrf, target: `supplierPaymentId:00000000-0000-4000-8000-000000000000` } });
    expect(taken.status).toBe(400);
    const off = await t.page('POST', `/finance/bank/lines/${row.id}/unmatch`, { cookie, form: { _csrf: csrf, back: 'https://evil.example/' } });
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe('/finance/bank?done=unmatched');
    page = await html('/finance/bank?done=unmatched');
    expect(page).toContain('The match is taken off.');
    row = rowOf(page, 'B-3');
    expect(row.matched).toBe(false);
    expect(row.html).toContain('data-rule="left_unmatched"');
    const re = await t.page('POST', '/finance/bank/match', { cookie, form: { _csrf: csrf } });
    expect(re.headers.get('location')).toBe('/finance/bank?done=rematched&matched=0');
    expect(await html(re.headers.get('location')!)).toContain('Nothing new matched.');
  });

  it('pages through long statements and keeps the filter', async () => {
    const rows = ['date,amount,currency,reference'];
    for (let i = 0; i < 120; i++) rows.push(`2026-01-${String((i % 28) + 1).padStart(2, '0')},${i + 1}.00,USD,P-${i}`);
    expect((await upload(`${rows.join('\n')}\n`, { format: 'csv', account: 'LONG' })).status).toBe(303);
    const first = await html('/finance/bank?account=LONG');
    expect(first.match(/<tr data-line=/g)).toHaveLength(100);
    const next = /id="lines-next" href="([^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/finance\/bank\?account=LONG&cursor=/);
    const second = await html(next!);
    expect(second.match(/<tr data-line=/g)).toHaveLength(20);
    expect(second).not.toContain('id="lines-next"');
    expect(second).toContain('id="lines-first"');
    const refs = [first, second].flatMap((p) => [...p.matchAll(/data-reference="(P-\d+)"/g)].map((m) => m[1]));
    expect(new Set(refs).size).toBe(120);
  });

  it('speaks Traditional Chinese, and shows a viewer the lines without the forms', async () => {
    const zh = await html('/finance/bank?lang=zh-TW');
    expect(zh).toContain('<h1>銀行對帳單</h1>');
    expect(zh).toContain('已比對');
    const { key } = await createApiKey(t.hub.ctx, { name: 'bank viewer', role: 'viewer' });
    const v = await t.login(key);
    const page = await html('/finance/bank?lang=en', v.cookie);
    expect(page).toContain('data-reference="B-3"');
    expect(page).not.toContain('id="bank-import"');
    expect(page).not.toContain('data-match-form');
    const denied = await t.page('POST', '/finance/bank/match', { cookie: v.cookie, form: { _csrf: v.csrf } });
    expect(denied.status).toBe(403);
  });

  it('answers a NUL character in a form field or a query with a 400 page naming it, not a 500', async () => {
    const csv = 'date,amount,currency\n2026-03-09,1.00,USD\n';
    const res = await upload(csv, { format: 'csv', account: 'NUL\u0000BANK' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<ul id="problem-fields"><li><code>account</code>: must not contain a NUL character</li></ul>');
    const stock = await t.page('GET', '/stock?sku=a%00b', { cookie });
    expect(stock.status).toBe(400);
    expect(await stock.text()).toContain('<li><code>sku</code>: must not contain a NUL character</li>');
    const form = await t.page('POST', `/finance/bank/lines/${rowOf(await html('/finance/bank'), 'B-3').id}/match`, { cookie, form: { _csrf: csrf, target: 'payoutId:\u0000' } });
    expect(form.status).toBe(400);
  });
});
