import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agingBucket } from '../../src/domain/receivables';
import { createTestHub, type TestHub } from '../helpers/hub';

async function invoice(t: TestHub, customerRef: string, netMinor: number, issueDate: string, termsDays: number, currency = 'USD') {
  const r = await t.api('POST', '/api/v1/invoices', { customerRef, currency, netMinor, taxMinor: 0, issueDate, termsDays });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function balance(t: TestHub, role: string, currency = 'USD'): Promise<number> {
  const r = await t.hub.ctx.db.execute(sql`
    select coalesce(sum(l.debit_minor - l.credit_minor), 0)::bigint as b from journal_lines l join ledger_accounts a on a.id = l.account_id
    where a.role = ${role} and l.currency = ${currency}`);
  return Number((r.rows[0] as { b: number }).b);
}

describe('receivables', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub({ queue: 'embedded' });
  });
  afterAll(async () => t.close());

  it('buckets days past due at the exact boundaries', () => {
    const cases: Array<[number, string]> = [[-5, 'current'], [0, 'current'], [1, 'd1_30'], [30, 'd1_30'], [31, 'd31_60'], [60, 'd31_60'], [61, 'd61_90'], [90, 'd61_90'], [91, 'd90_plus'], [400, 'd90_plus']];
    for (const [days, bucket] of cases) expect(agingBucket(days), String(days)).toBe(bucket);
  });

  it('stores the terms and due date, and ages invoices at the boundaries through the API', async () => {
    const at = '2026-06-30';
    // Due dates so that at 2026-06-30 they are 0, 1, 30, 31, 60, 61, 90, 91 days past due.
    const offsets = [0, 1, 30, 31, 60, 61, 90, 91];
    for (const [i, days] of offsets.entries()) {
      const due = new Date(Date.parse(`${at}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
      const issue = new Date(Date.parse(`${due}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
      const inv = await invoice(t, 'ACME', 1000 * (i + 1), issue, 30);
      expect(inv.dueDate).toBe(due);
      expect(inv.termsDays).toBe(30);
    }
    // Issued after the date: not in the aging.
    await invoice(t, 'ACME', 99_999, '2026-07-01', 30);
    const r = await t.api('GET', `/api/v1/receivables/aging?at=${at}&currency=USD`);
    expect(r.status).toBe(200);
    const acme = r.body.customers.find((c: any) => c.customerRef === 'ACME');
    expect(acme.buckets).toEqual({ current: 1000, d1_30: 2000 + 3000, d31_60: 4000 + 5000, d61_90: 6000 + 7000, d90_plus: 8000 });
    expect(r.body.totals.USD).toEqual(acme.buckets);
    expect(r.body.functionalTotals).toEqual(acme.buckets);
  });

  it('applies one payment to three invoices (two fully, one partly), and never over-applies', async () => {
    const a = await invoice(t, 'BETA', 10_000, '2026-03-01', 30);
    const b = await invoice(t, 'BETA', 20_000, '2026-03-02', 30);
    const c = await invoice(t, 'BETA', 30_000, '2026-03-03', 30);
    const arBefore = await balance(t, 'receivables');
    const pay = await t.api('POST', '/api/v1/payments', {
      customerRef: 'BETA', reference: 'WIRE-1', currency: 'USD', amountMinor: 45_000, receivedDate: '2026-04-01',
      applications: [{ invoiceId: a.id, amountMinor: 10_000 }, { invoiceId: b.id, amountMinor: 20_000 }, { invoiceId: c.id, amountMinor: 12_000 }],
    });
    expect(pay.status, JSON.stringify(pay.body)).toBe(201);
    expect(pay.body).toMatchObject({ amountMinor: 45_000, appliedMinor: 42_000, unappliedMinor: 3_000 });
    const got = await Promise.all([a, b, c].map((i) => t.api('GET', `/api/v1/invoices/${i.id}`)));
    expect(got.map((g) => [g.body.status, g.body.outstandingMinor])).toEqual([['paid', 0], ['paid', 0], ['open', 18_000]]);
    expect(got[2]!.body.payments).toEqual([expect.objectContaining({ reference: 'WIRE-1', amountMinor: 12_000 })]);
    // AR fell by what was applied; the unapplied rest waits as a customer prepayment (a liability).
    expect(await balance(t, 'receivables')).toBe(arBefore - 42_000);
    expect(await balance(t, 'customer_credits')).toBe(-3_000);

    // Over-applying the invoice (18 000 open) is refused, and nothing of the request stays.
    const over = await t.api('POST', `/api/v1/payments/${pay.body.id}/applications`, { applications: [{ invoiceId: c.id, amountMinor: 18_001 }], date: '2026-04-02' });
    expect(over.status).toBe(409);
    // Beyond what is left on the payment (3 000): refused too.
    const beyond = await t.api('POST', `/api/v1/payments/${pay.body.id}/applications`, { applications: [{ invoiceId: c.id, amountMinor: 3_001 }] });
    expect(beyond.status).toBe(409);
    const rest = await t.api('POST', `/api/v1/payments/${pay.body.id}/applications`, { applications: [{ invoiceId: c.id, amountMinor: 3_000 }], date: '2026-04-02' });
    expect(rest.status).toBe(200);
    expect(rest.body.payment.unappliedMinor).toBe(0);

    // Concurrent applications from two payments to the last 15 000: at most one can succeed in full.
    const p2 = await t.api('POST', '/api/v1/payments', { customerRef: 'BETA', reference: 'WIRE-2', currency: 'USD', amountMinor: 15_000, receivedDate: '2026-04-03' });
    const p3 = await t.api('POST', '/api/v1/payments', { customerRef: 'BETA', reference: 'WIRE-3', currency: 'USD', amountMinor: 15_000, receivedDate: '2026-04-03' });
    const race = await Promise.all([p2, p3].map((p) => t.api('POST', `/api/v1/payments/${p.body.id}/applications`, { applications: [{ invoiceId: c.id, amountMinor: 15_000 }] })));
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
    const final = await t.api('GET', `/api/v1/invoices/${c.id}`);
    expect(final.body).toMatchObject({ paidMinor: 30_000, outstandingMinor: 0, status: 'paid' });

    // A retried payment request (same reference) is the same payment.
    const replay = await t.api('POST', '/api/v1/payments', { customerRef: 'BETA', reference: 'WIRE-2', currency: 'USD', amountMinor: 15_000, receivedDate: '2026-04-03' });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(p2.body.id);
  });

  it('a credit note lowers what is owed, posts to refunds, and cannot exceed the invoice', async () => {
    const inv = await invoice(t, 'GAMMA', 5_000, '2026-05-01', 14);
    const cn = await t.api('POST', '/api/v1/credit-notes', { invoiceId: inv.id, amountMinor: 1_500, issueDate: '2026-05-03', reason: 'Two units returned' });
    expect(cn.status).toBe(201);
    const too = await t.api('POST', '/api/v1/credit-notes', { invoiceId: inv.id, amountMinor: 3_501, issueDate: '2026-05-03', reason: 'x' });
    expect(too.status).toBe(409);
    const got = await t.api('GET', `/api/v1/invoices/${inv.id}`);
    expect(got.body).toMatchObject({ creditedMinor: 1_500, outstandingMinor: 3_500 });
    const aging = await t.api('GET', '/api/v1/receivables/aging?at=2026-05-02');
    expect(aging.body.customers.find((c: any) => c.customerRef === 'GAMMA').totalMinor).toBe(5_000); // before the credit note
    const later = await t.api('GET', '/api/v1/receivables/aging?at=2026-05-16');
    expect(later.body.customers.find((c: any) => c.customerRef === 'GAMMA').buckets.d1_30).toBe(3_500);
  });

  it('invoices an order once, from its amounts and channel', async () => {
    const conn = await t.hub.ctx.db.execute(sql`insert into connections (type, name, config) values ('distributor', 'Dist', '{}'::jsonb) returning id`);
    const cid = String((conn.rows[0] as { id: string }).id);
    const o = await t.hub.ctx.db.execute(sql`
      insert into orders (connection_id, channel, external_id, number, status, financial_status, fulfillment_status, currency,
        subtotal_minor, tax_minor, shipping_minor, discount_minor, total_minor, placed_at, source_updated_at, customer_email)
      values (${cid}, 'distributor', 'D-1', 'D-1', 'open', 'pending', 'unfulfilled', 'EUR', 10000, 1900, 500, 0, 12400, now(), now(), 'buyer@dist.test') returning id`);
    const orderId = String((o.rows[0] as { id: string }).id);
    // A EUR invoice is booked in the functional currency (USD) at the issue date's rate, like a supplier bill.
    await t.api('PUT', '/api/v1/fx-rates', { date: '2026-02-01', base: 'EUR', quote: 'USD', rate: '1.1' });
    const r = await t.api('POST', '/api/v1/invoices', { orderId, issueDate: '2026-02-01', termsDays: 60 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ currency: 'EUR', netMinor: 10_000, shippingMinor: 500, taxMinor: 1_900, totalMinor: 12_400, dueDate: '2026-04-02', channel: 'distributor', customerRef: 'buyer@dist.test' });
    const again = await t.api('POST', '/api/v1/invoices', { orderId, issueDate: '2026-02-02' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(r.body.id);
    expect(r.body).toMatchObject({ functionalCurrency: 'USD', fxRate: '1.1', functionalTotalMinor: 13_640 });
    const lines = await t.hub.ctx.db.execute(sql`
      select a.role, l.debit_minor - l.credit_minor as signed, l.currency, l.presentment_minor, l.presentment_currency
      from journal_lines l join ledger_accounts a on a.id = l.account_id where l.entry_id = ${r.body.journalId} order by l.position`);
    expect((lines.rows as any[]).map((x) => [x.role, Number(x.signed), x.currency, Number(x.presentment_minor), x.presentment_currency])).toEqual([
      ['receivables', 13_640, 'USD', 12_400, 'EUR'], ['sales', -11_000, 'USD', 10_000, 'EUR'], ['shipping_income', -550, 'USD', 500, 'EUR'], ['tax_payable', -2_090, 'USD', 1_900, 'EUR'],
    ]);
  });
});
