import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amazonSettlement } from './amazon-settlement.sample';
import { createOrder, insertConnection } from './finance.helpers';
import { createUiHub, type UiHub } from './ui.support';

const SETTLEMENT = amazonSettlement('99887766', '114-3333333-1111111', '114-3333333-2222222');

let t: UiHub;
let cookie: string;
let csrf: string;
let payoutId: string;
let orderId: string;

const breakRows = (html: string) =>
  [...html.matchAll(/<tr id="break-(brk_[0-9a-f]+)" data-status="(\w+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ id: m[1]!, status: m[2]!, html: m[3]! }));

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  const conn = await insertConnection(t, 'amazon', { sellerId: 'A1SELLER' });
  orderId = await createOrder(t, '114-3333333-1111111', 2700);
  await createOrder(t, '114-3333333-2222222', 3000);
  const up = await t.api('POST', `/api/v1/settlements/amazon?connectionId=${conn}`, SETTLEMENT, { 'content-type': 'text/tab-separated-values' });
  expect(up.status).toBe(201);
  payoutId = up.body.payoutId;
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

describe('the finance screens', () => {
  it('lists payouts with their reconciliation state', async () => {
    const html = await (await t.page('GET', '/finance', { cookie })).text();
    expect(html).toContain('<a href="/finance" aria-current="page">Finance</a>');
    expect(html).toContain(`href="/finance/payouts/${payoutId}">99887766</a>`);
    expect(html).toContain('Amazon settlement');
    expect(html).toContain('US$10.23');
    expect(html).toContain('Not reconciled yet');
    const clean = await (await t.page('GET', '/finance?reconciliation=clean', { cookie })).text();
    expect(clean).not.toContain(`/finance/payouts/${payoutId}`);
  });

  it('reconciles a payout from its page: lines link their orders, breaks are listed', async () => {
    const res = await t.page('POST', `/finance/payouts/${payoutId}/reconcile`, { cookie, form: { _csrf: csrf } });
    expect(res.status).toBe(303);
    const html = await (await t.page('GET', `/finance/payouts/${payoutId}?done=reconciled`, { cookie })).text();
    expect(html).toContain('Reconciled.');
    expect(html).toContain(`<a class="matched-order" href="/orders/${orderId}">#114-3333333-1111111</a>`);
    expect(html).toContain('Liquidations');
    const breaks = breakRows(html);
    expect(breaks.map((b) => b.status)).toEqual(['open', 'open']);
    expect(breaks.map((b) => /^([^<]+)</.exec(b.html.trim().replace(/^<td>/, ''))?.[1])).toEqual(['Refund without a matching refund', 'Unknown transaction type']);
    // A break names its order by number (linked), or else the line it is about; never an internal key.
    expect(breaks[0]!.html).toMatch(/<a class="sub break-order" href="\/orders\/[0-9a-f-]{36}">#114-3333333-2222222<\/a>/);
    expect(breaks[1]!.html).toMatch(/<span class="sub mono">[^<]+<\/span>/);
    expect(html).not.toMatch(/<span class="sub mono">order:/);
    expect(html).toMatch(/[-−]US\$10\.00/);
    const api = await t.api('GET', `/api/v1/payouts/${payoutId}`);
    expect(api.body.reconciliation).toBe('open');
    expect(api.body.breaks).toHaveLength(2);
    // The lines' totals close the table, and say whether their net is what the payout paid.
    const foot = /<tfoot>([\s\S]*?)<\/tfoot>/.exec(html)?.[1] ?? '';
    const net = (api.body.lines as Array<{ netMinor: number }>).reduce((n, l) => n + l.netMinor, 0);
    expect(net).toBe(api.body.amountMinor);
    expect(foot).toMatch(/<tr data-total="USD"[^>]*><td colspan="2">Total<\/td>/);
    expect(foot).toContain('<td class="num">US$10.23</td><td class="sum-ok">equals the payout amount</td>');
    // A payout paying more than its lines add up to (a line the source never listed) says by how much.
    await t.hub.ctx.db.execute(sql`update payouts set amount_minor = amount_minor + 150 where id = ${payoutId}`);
    const off = await (await t.page('GET', `/finance/payouts/${payoutId}`, { cookie })).text();
    expect(off).toContain('<td class="sum-off">US$1.50 short of the payout amount</td>');
    await t.hub.ctx.db.execute(sql`update payouts set amount_minor = amount_minor - 150 where id = ${payoutId}`);
  });

  it('resolves one break and accepts the other; a note is required; the payout turns clean', async () => {
    let html = await (await t.page('GET', `/finance/payouts/${payoutId}`, { cookie })).text();
    const [refund, unknown] = breakRows(html);
    const noNote = await t.page('POST', `/finance/breaks/${unknown!.id}/resolve`, { cookie, form: { _csrf: csrf, payoutId, status: 'accepted', note: '  ' } });
    expect(noNote.status).toBe(400);
    expect(await noNote.text()).toContain('A note is required to resolve or accept a break.');
    const forged = await t.page('POST', `/finance/breaks/${refund!.id}/resolve`, { cookie, form: { payoutId, status: 'resolved', note: 'x' } });
    expect(forged.status).toBe(403);

    const r1 = await t.page('POST', `/finance/breaks/${refund!.id}/resolve`, { cookie, form: { _csrf: csrf, payoutId, status: 'resolved', note: 'Refund booked by hand' } });
    expect(r1.status).toBe(303);
    expect(r1.headers.get('location')).toBe(`/finance/payouts/${payoutId}?done=resolved`);
    html = await (await t.page('GET', `/finance/payouts/${payoutId}?done=resolved`, { cookie })).text();
    expect(html).toContain('Break resolved.');
    expect(breakRows(html).map((b) => b.status)).toEqual(['resolved', 'open']);
    expect(html).toContain('Refund booked by hand');

    const r2 = await t.page('POST', `/finance/breaks/${unknown!.id}/resolve`, { cookie, form: { _csrf: csrf, payoutId, status: 'accepted', note: 'Liquidation income' } });
    expect(r2.status).toBe(303);
    const again = await t.page('POST', `/finance/breaks/${unknown!.id}/resolve`, { cookie, form: { _csrf: csrf, payoutId, status: 'accepted', note: 'twice' } });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('This break was already closed by someone else.');

    const api = await t.api('GET', `/api/v1/payouts/${payoutId}`);
    expect(api.body.reconciliation).toBe('clean');
    expect(api.body.breaks.map((b: any) => [b.status, b.note])).toEqual([['resolved', 'Refund booked by hand'], ['accepted', 'Liquidation income']]);
    const clean = await (await t.page('GET', '/finance?reconciliation=clean', { cookie })).text();
    expect(clean).toContain(`/finance/payouts/${payoutId}`);
  });

  it("lists the payout's journals with their sync state", async () => {
    const journals = await t.api('GET', `/api/v1/journals?payoutId=${payoutId}`);
    expect(journals.body.items.length).toBeGreaterThan(0);
    const html = await (await t.page('GET', `/finance/journals?payoutId=${payoutId}`, { cookie })).text();
    for (const j of journals.body.items) expect(html).toContain(`id="journal-${j.id}"`);
    expect(html).toContain('Posted');
    expect(html).toContain('no accounting target');
  });

  it('lists journals newest first, filters them by kind in words, and pages past the first hundred', async () => {
    const { postJournal } = await import('../../src/finance/post-journal');
    for (let i = 0; i < 105; i++) {
      await postJournal(t.hub.ctx, {
        kind: i % 2 ? 'stock_receipt' : 'manual', entryDate: '2026-02-01', memo: `UI journal ${i}`, dedupeKey: `ui-journals:${i}`,
        lines: [{ role: 'inventory', debitMinor: 100, creditMinor: 0, currency: 'USD' }, { role: 'received_not_billed', debitMinor: 0, creditMinor: 100, currency: 'USD' }],
      });
    }
    const memos = (html: string) => [...html.matchAll(/<td>(UI journal \d+)<span class="sub">([^<]+)<\/span>/g)].map((m) => [m[1], m[2]]);
    const first = await (await t.page('GET', '/finance/journals', { cookie })).text();
    // The newest is on top, with its kind in words; the kind filter offers every kind.
    expect(memos(first)[0]).toEqual(['UI journal 104', 'Manual']);
    expect(memos(first)[1]).toEqual(['UI journal 103', 'Goods received without a PO']);
    expect(first).toContain('<option value="cogs">Cost of goods sold</option>');
    const next = /id="journals-next"\s+href="([^"]+)"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await (await t.page('GET', next!.replace(/&amp;/g, '&'), { cookie })).text();
    const all = [...memos(first), ...memos(second)].map(([m]) => m);
    expect(all.slice(0, 105)).toEqual(Array.from({ length: 105 }, (_, i) => `UI journal ${104 - i}`));
    const receipts = await (await t.page('GET', '/finance/journals?kind=stock_receipt', { cookie })).text();
    expect(memos(receipts)).toHaveLength(52);
    expect(new Set(memos(receipts).map(([, k]) => k))).toEqual(new Set(['Goods received without a PO']));
    expect(receipts).toContain('<option value="stock_receipt" selected="">Goods received without a PO</option>');
  });

  it('reads in Traditional Chinese', async () => {
    const html = await (await t.page('GET', `/finance/payouts/${payoutId}`, { cookie: `${cookie}; omnihub_locale=zh-TW` })).text();
    expect(html).toContain('<h1>撥款 99887766</h1>');
    expect(html).toContain('已解決');
    expect(html).toContain('US$10.23');
  });
});
