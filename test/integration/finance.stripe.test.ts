import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullPayouts } from '../../src/finance/pull-payouts';
import { reconcile } from '../../src/finance/reconcile-payout';
import { createTestHub, type TestHub } from '../helpers/hub';
import { useMswServer } from '../helpers/msw';
import { clearingBalance, createOrder, fixture } from './finance.helpers';

/**
 * Stripe payouts with currency conversion. Shapes are the real fixtures (stripe/payout.json,
 * stripe/balance_transaction_charge_with_fee.json); amounts, currencies, exchange rates and the
 * expanded charge (whose metadata names the order) are set per test and said so below.
 */
const BASE = 'https://api.stripe.test';
const payoutFx = fixture('stripe/payout.json');
const chargeFx = fixture('stripe/balance_transaction_charge_with_fee.json');
const payoutsList: any[] = [];
const txByPayout = new Map<string, any[]>();
const seen: string[] = [];

function charge(id: string, orderId: string, amount: number, fee: number, rate: string | null) {
  return {
    ...chargeFx, id, amount, fee, net: amount - fee, currency: 'usd', exchange_rate: rate === null ? null : Number(rate),
    fee_details: [{ ...chargeFx.fee_details[0], amount: fee }],
    source: { id: `ch_${id}`, object: 'charge', metadata: { order_id: orderId } },
  };
}
function payout(id: string, amount: number, extra: Record<string, unknown> = {}) {
  return { ...payoutFx, id, amount, currency: 'usd', status: 'paid', arrival_date: 1762387200, automatic: true, ...extra };
}

const server = useMswServer(
  http.get(`${BASE}/v1/payouts`, ({ request }) => {
    expect(request.headers.get('authorization')).toBe('Bearer sk_test_finance');
    return HttpResponse.json({ object: 'list', data: payoutsList, has_more: false });
  }),
  http.get(`${BASE}/v1/balance_transactions`, ({ request }) => {
    const u = new URL(request.url);
    seen.push(u.search);
    expect(u.searchParams.get('expand[]')).toBe('data.source');
    return HttpResponse.json({ object: 'list', data: txByPayout.get(u.searchParams.get('payout')!) ?? [], has_more: false });
  }),
);

let t: TestHub;
let conn: string;
const detail = async (externalId: string) => {
  const list = await t.api('GET', `/api/v1/payouts?connectionId=${conn}`);
  const p = list.body.items.find((x: any) => x.externalId === externalId);
  return (await t.api('GET', `/api/v1/payouts/${p.id}`)).body;
};

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  const c = await t.api('POST', '/api/v1/connections', { type: 'stripe', name: 'Stripe US', config: { secretKey: 'sk_test_finance', baseUrl: BASE } });
  expect(c.status).toBe(201);
  expect(JSON.stringify(c.body)).not.toContain('sk_test_finance');
  conn = c.body.id;
  await createOrder(t, 'EU-1001', 10000, 'EUR');
  await createOrder(t, 'JP-2001', 1500, 'JPY');
  await createOrder(t, 'EU-1002', 5000, 'EUR');
  // Sales in EUR were booked at 1.10 USD; JPY had no booked rate (no FX line for it).
  const s = await t.api('PUT', `/api/v1/finance/settings/${conn}`, { bookedRates: { EUR: '1.10' } });
  expect(s.status).toBe(200);
});
afterAll(() => t?.close());

describe('Stripe payouts with currency conversion', () => {
  it('matches charges presented in EUR and JPY, settled in USD, and books the FX difference', async () => {
    // EUR 100.00 at 1.08 → USD 108.00 (fee 3.43); JPY 1,500 at 0.0067 → USD 10.05 (fee 0.59).
    txByPayout.set('po_fx_1', [charge('txn_eur', 'EU-1001', 10800, 343, '1.08'), charge('txn_jpy', 'JP-2001', 1005, 59, '0.0067')]);
    payoutsList.push(payout('po_fx_1', 10457 + 946));
    await pullPayouts(t.hub.ctx, { connectionId: conn });
    const p0 = await detail('po_fx_1');
    const r = await reconcile(t.hub.ctx, { payoutId: p0.id });
    expect(r.breaks).toEqual([]);
    const p = await detail('po_fx_1');
    expect(p.lines.map((l: any) => [l.externalId, l.matchedOrder?.externalId, l.matchRule, l.exchangeRate])).toEqual([
      ['txn_eur', 'EU-1001', 'external_id', '1.08'], ['txn_jpy', 'JP-2001', 'external_id', '0.0067'],
    ]);
    const settlement = (await t.api('GET', `/api/v1/journals/${p.journals.find((j: any) => j.kind === 'settlement').id}`)).body;
    const line = (role: string, cur?: string) => settlement.lines.find((l: any) => l.role === role && (cur === undefined || l.presentmentCurrency === cur));
    // EUR sale booked at 1.10 = USD 110.00, settled 108.00: FX loss 2.00.
    expect(line('sales', 'EUR')).toMatchObject({ creditMinor: 11000, currency: 'USD', presentmentMinor: 10000, presentmentCurrency: 'EUR' });
    expect(line('fx')).toMatchObject({ debitMinor: 200 });
    expect(settlement.lines.find((l: any) => l.role === 'sales' && l.presentmentCurrency === null)).toMatchObject({ creditMinor: 1005 });
    expect(line('fees')).toMatchObject({ debitMinor: 402 });
    expect(line('clearing')).toMatchObject({ debitMinor: 11403 });
    const dr = settlement.lines.reduce((s: number, l: any) => s + l.debitMinor, 0);
    const cr = settlement.lines.reduce((s: number, l: any) => s + l.creditMinor, 0);
    expect(dr).toBe(cr);
    expect(await clearingBalance(t, p.id)).toBe(0);
  });

  it('raises currency_variance when the settled amount is not the order at the line\'s rate', async () => {
    // EUR 50.00 at 1.08 should settle USD 54.00; Stripe settled 53.00.
    txByPayout.set('po_fx_2', [charge('txn_eur2', 'EU-1002', 5300, 184, '1.08')]);
    payoutsList.push(payout('po_fx_2', 5300 - 184));
    await pullPayouts(t.hub.ctx, { connectionId: conn });
    const r = await reconcile(t.hub.ctx, { payoutId: (await detail('po_fx_2')).id });
    expect(r.breaks.map((b) => ({ class: b.class, e: b.expectedMinor, a: b.actualMinor, d: b.deltaMinor }))).toEqual([
      { class: 'currency_variance', e: 5400, a: 5300, d: -100 },
    ]);
  });

  it('flags a manual payout as not reconcilable line by line and never asks for its transactions', async () => {
    payoutsList.push(payout('po_manual', 2500, { automatic: false }));
    const before = seen.length;
    await pullPayouts(t.hub.ctx, { connectionId: conn });
    expect(seen.slice(before).some((s) => s.includes('po_manual'))).toBe(false);
    const p0 = await detail('po_manual');
    expect(p0.manual).toBe(true);
    await reconcile(t.hub.ctx, { payoutId: p0.id });
    const p = await detail('po_manual');
    expect(p.reconciliation).toBe('not_reconcilable');
    expect(p.breaks).toEqual([]);
    // Listed under reconciliation=not_reconcilable, not under open or clean.
    const open = await t.api('GET', `/api/v1/payouts?reconciliation=open&connectionId=${conn}`);
    expect(open.body.items.map((x: any) => x.externalId)).toEqual(['po_fx_2']);
  });

  it('queues a pull through the API (unknown connection: 404, bad body: 400 naming the field)', async () => {
    expect((await t.api('POST', '/api/v1/payouts/pull', { connectionId: conn })).status).toBe(202);
    expect((await t.api('POST', '/api/v1/payouts/pull', { connectionId: '00000000-0000-4000-8000-000000000099' })).status).toBe(404);
    const bad = await t.api('POST', '/api/v1/payouts/pull', { connectionId: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('connectionId');
  });
});
