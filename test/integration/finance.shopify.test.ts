import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullPayouts } from '../../src/finance/pull-payouts';
import { reconcile } from '../../src/finance/reconcile-payout';
import { setFinanceSettings } from '../../src/finance/settings';
import { createTestHub, type TestHub } from '../helpers/hub';
import { useMswServer } from '../helpers/msw';
import { clearingBalance, createOrder, fixture, insertConnection, ledgerTotals } from './finance.helpers';

/**
 * Shopify Payments payouts pulled over HTTP (msw stands in for the shop) and reconciled line by line.
 * Every balance transaction below is a row of the real fixture shopify/balance_transactions.json
 * (unchanged but for `payout_id`, which the fixture gives all 25 rows): only the payout amounts are
 * computed here, as Σ net of the rows each payout holds.
 */
const BASE = 'https://payouts-shop.test';
const all = fixture<{ transactions: any[] }>('shopify/balance_transactions.json').transactions;
const row = (id: number) => ({ ...all.find((t) => t.id === id)! });
const payoutTemplate = fixture<{ payout: any }>('shopify/payout.json').payout;
const payouts: any[] = [];
const txns = new Map<string, any[]>();
const cents = (s: string) => Math.round(Number(s) * 100);

function addPayout(id: number, rows: any[], opts: { amount?: string; withTransferLine?: boolean } = {}) {
  const net = rows.reduce((s, r) => s + cents(r.net), 0);
  const amount = opts.amount ?? (net / 100).toFixed(2);
  const withIds = rows.map((r) => ({ ...r, payout_id: id }));
  if (opts.withTransferLine !== false) withIds.push({ ...row(854848137), payout_id: id, amount: `-${amount}`, net: `-${amount}`, source_id: id });
  payouts.push({ ...payoutTemplate, id, amount, date: '2020-11-06' });
  txns.set(String(id), withIds);
}

const server = useMswServer(
  http.get(`${BASE}/admin/api/2026-01/shopify_payments/payouts.json`, ({ request }) => {
    expect(request.headers.get('x-shopify-access-token')).toBe('shpat_test');
    return HttpResponse.json({ payouts });
  }),
  http.get(`${BASE}/admin/api/2026-01/shopify_payments/balance/transactions.json`, ({ request }) => {
    const id = new URL(request.url).searchParams.get('payout_id')!;
    return HttpResponse.json({ transactions: txns.get(id) ?? [] });
  }),
);

let t: TestHub;
let conn: string;

async function payoutByExternal(id: number) {
  const list = await t.api('GET', `/api/v1/payouts?connectionId=${conn}`);
  const p = list.body.items.find((x: any) => x.externalId === String(id));
  return (await t.api('GET', `/api/v1/payouts/${p.id}`)).body;
}

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  conn = await insertConnection(t, 'shopify', { shopDomain: 'payouts-shop.test', accessToken: 'shpat_test', baseUrl: BASE });
  // Orders the balance transactions reference, entered through the inbox with the same external ids.
  await createOrder(t, '625362839', 1150 + 1000 + 1150);
  await createOrder(t, '217130470', 1150);
});
afterAll(() => t?.close());

describe('Shopify Payments payout reconciliation', () => {
  it('matches every line of a payout, finds no break, and its clearing account returns to zero', async () => {
    // charges 843310825, 357948134, 217609728 (order 625362839) and 567994517 (order 217130470),
    // an adjustment of order 217130470 and a reserve that was held and released.
    addPayout(9001, [row(843310825), row(357948134), row(217609728), row(567994517), row(482793472), row(400852343), row(250467535)]);
    const pulled = await pullPayouts(t.hub.ctx, { connectionId: conn });
    expect(pulled).toEqual({ payouts: 1, changed: 1 });
    const p0 = await payoutByExternal(9001);
    const report = await reconcile(t.hub.ctx, { payoutId: p0.id });
    expect(report.breaks).toEqual([]);
    const p = await payoutByExternal(9001);
    expect(p.reconciliation).toBe('clean');
    expect(p.amountMinor).toBe(4321);
    expect(p.lines).toHaveLength(8);
    const byId = new Map(p.lines.map((l: any) => [l.externalId, l]));
    for (const id of ['843310825', '357948134', '217609728']) expect((byId.get(id) as any).matchedOrder.externalId).toBe('625362839');
    expect((byId.get('567994517') as any).matchedOrder.externalId).toBe('217130470');
    expect((byId.get('567994517') as any).matchRule).toBe('external_id');
    expect((byId.get('400852343') as any).matchRule).toBe('classified');
    expect(await clearingBalance(t, p.id)).toBe(0);
    expect(p.journals.map((j: any) => j.kind).sort()).toEqual(['deposit', 'settlement']);
  });

  it('re-running the reconciliation changes nothing (idempotent) and a dry run reports no change', async () => {
    const p = await payoutByExternal(9001);
    const journalsBefore = (await t.api('GET', `/api/v1/journals?payoutId=${p.id}`)).body.items.length;
    const again = await t.api('POST', `/api/v1/payouts/${p.id}/reconcile`);
    expect(again.status).toBe(200);
    expect(again.body.changes).toEqual({ matches: [], breaksAdded: [], breaksChanged: [], breaksCleared: [], journals: [] });
    const dry = await t.api('POST', `/api/v1/payouts/${p.id}/reconcile?dryRun=true`);
    expect(dry.body.dryRun).toBe(true);
    expect(dry.body.changes.journals).toEqual([]);
    expect((await t.api('GET', `/api/v1/journals?payoutId=${p.id}`)).body.items.length).toBe(journalsBefore);
    expect((await pullPayouts(t.hub.ctx, { connectionId: conn })).changed).toBe(0);
  });

  it('finds exactly a fee mismatch, an unknown order, a partial refund and a chargeback, with their amounts', async () => {
    // Fee schedule 2.9% + 30¢: charge 567994517 (11.50) should cost 0.63 but cost 0.65; charge
    // 620327031 (11.50, fee 0.63) names no order; refund 1006917261 (−3.45) refunds part of order
    // 217130470, which the inbox knows as fully paid; dispute 726130462 on order 625362839.
    await setFinanceSettings(t.hub.ctx, conn, { rules: { feeSchedule: { percentBps: 290, fixedMinor: 30 } } });
    // Row 567994517 is already settled in payout 9001; here the same row pays a second order
    // (its ids re-pointed), so the fee check is about this fee alone.
    await createOrder(t, '450789469', 1150);
    const fresh = { ...row(567994517), id: 567994518, source_id: 204289878, source_order_id: 450789469, source_order_transaction_id: 567994518 };
    addPayout(9002, [fresh, row(620327031), row(1006917261), row(726130462), row(250467535)]);
    await pullPayouts(t.hub.ctx, { connectionId: conn });
    const p0 = await payoutByExternal(9002);
    await reconcile(t.hub.ctx, { payoutId: p0.id });
    const p = await payoutByExternal(9002);
    const got = p.breaks.map((b: any) => ({ class: b.class, expected: b.expectedMinor, actual: b.actualMinor, delta: b.deltaMinor }))
      .sort((a: any, b: any) => a.class.localeCompare(b.class));
    expect(got).toEqual([
      { class: 'chargeback', expected: 0, actual: -2650, delta: -2650 },
      { class: 'fee_unexpected', expected: 63, actual: 65, delta: 2 },
      { class: 'order_not_found', expected: 0, actual: 1087, delta: 1087 },
      { class: 'refund_mismatch', expected: 0, actual: -345, delta: -345 },
    ]);
    expect(p.reconciliation).toBe('open');
    expect(await clearingBalance(t, p.id)).toBe(0);
    const open = await t.api('GET', '/api/v1/discrepancies?status=open');
    expect(open.body.items.length).toBe(p.breaks.length);
  });

  it('reconciles the fixture payout as Shopify sent it: transfer line left out, Σ net ≠ amount, odd rows surfaced', async () => {
    // All 25 rows with payout 623721858 (41.90). Σ net of the 24 non-transfer rows is 81.38.
    payouts.push(payoutTemplate);
    txns.set('623721858', all);
    await pullPayouts(t.hub.ctx, { connectionId: conn });
    const p0 = await payoutByExternal(623721858);
    const report = await reconcile(t.hub.ctx, { payoutId: p0.id });
    expect(report.linesNetMinor).toBe(8138);
    const total = report.breaks.find((b) => b.class === 'payout_total_mismatch')!;
    expect(total).toMatchObject({ expectedMinor: 8138, actualMinor: 4190, deltaMinor: -3948 });
    // Row 758509248: amount −1.50, fee −0.25, but net −1.75 (amount − fee = −1.25).
    expect(report.breaks.find((b) => b.class === 'line_arithmetic')).toMatchObject({ key: 'line:758509248', expectedMinor: -125, actualMinor: -175 });
    const p = await payoutByExternal(623721858);
    expect(p.lines).toHaveLength(25);
    // The clearing account keeps exactly the unexplained difference until someone deals with it.
    expect(await clearingBalance(t, p.id)).toBe(8138 - 4190);
    for (const tot of await ledgerTotals(t)) expect(tot.dr).toBe(tot.cr);
  });

  it('resolves a break with a note through the API, and an accountant key may do it', async () => {
    const p = await payoutByExternal(9002);
    const fee = p.breaks.find((b: any) => b.class === 'fee_unexpected');
    const bad = await t.api('POST', `/api/v1/discrepancies/${fee.id}/resolve`, { status: 'closed' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['note', 'status']);
    const key = await t.api('POST', '/api/v1/keys', { name: 'books', role: 'accountant' });
    const res = await t.api('POST', `/api/v1/discrepancies/${fee.id}/resolve`, { status: 'accepted', note: 'Shopify rounds fees up' }, { authorization: `Bearer ${key.body.key}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'accepted', note: 'Shopify rounds fees up' });
    const again = await t.api('POST', `/api/v1/discrepancies/${fee.id}/resolve`, { status: 'resolved', note: 'x' });
    expect(again.status).toBe(409);
    // A re-run keeps the accepted status (same amounts).
    await reconcile(t.hub.ctx, { payoutId: p.id });
    expect((await payoutByExternal(9002)).breaks.find((b: any) => b.id === fee.id).status).toBe('accepted');
  });

  it('a late order clears its order_not_found break on the next run', async () => {
    const p = await payoutByExternal(9002);
    const nf = p.breaks.find((b: any) => b.class === 'order_not_found');
    // Charge 620327031 names no order: it matches by amount (11.50) within the date window.
    await createOrder(t, 'LATE-1', 1150, 'USD', 'paid', '2016-08-04T22:00:00Z');
    const dry = await t.api('POST', `/api/v1/payouts/${p.id}/reconcile?dryRun=true`);
    expect(dry.body.changes.breaksCleared).toContain(nf.id);
    expect(dry.body.changes.matches.some((m: any) => m.to.rule === 'amount_date')).toBe(true);
    expect((await payoutByExternal(9002)).breaks.find((b: any) => b.id === nf.id).status).toBe('open');
    await reconcile(t.hub.ctx, { payoutId: p.id });
    const after = await payoutByExternal(9002);
    expect(after.breaks.find((b: any) => b.id === nf.id).status).toBe('resolved');
    expect(after.lines.find((l: any) => l.externalId === '620327031').matchedOrder.externalId).toBe('LATE-1');
    expect(await clearingBalance(t, p.id)).toBe(0);
  });

  it('a second settlement of an already settled charge is a duplicate_settlement break', async () => {
    // Charge 843310825 (settled in payout 9001) again, under a new transaction id.
    addPayout(9003, [{ ...row(843310825), id: 843310826 }]);
    await pullPayouts(t.hub.ctx, { connectionId: conn });
    const p0 = await payoutByExternal(9003);
    const r = await reconcile(t.hub.ctx, { payoutId: p0.id });
    const dup = r.breaks.find((b) => b.class === 'duplicate_settlement')!;
    expect(dup).toMatchObject({ key: 'charge:843310825', expectedMinor: 0, actualMinor: 1150, deltaMinor: 1150 });
    // Payout 9001 and the fixture payout (which lists the same charge rows) settled it before.
    expect(dup.detail.otherPayouts).toEqual(['623721858', '9001']);
    // Order 625362839 (33.00) was settled by both earlier payouts (2 × 33.00) and now 11.50 more.
    expect(r.breaks.find((b) => b.class === 'amount_mismatch')).toMatchObject({ expectedMinor: 3300, actualMinor: 7750, deltaMinor: 4450 });
  });
});
