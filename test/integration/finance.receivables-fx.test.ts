import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/hub';

/**
 * Realised FX on receivables, mirroring supplier payments: a EUR invoice is booked in USD at the issue
 * date's rate, the EUR payment at the received date's; applying it relieves receivables at the
 * invoice's rate and the difference goes to the fx account (credit = gain, debit = loss).
 */
let t: TestHub;

async function ok(p: Promise<{ status: number; body: any }>) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}

async function balance(role: string, currency = 'USD'): Promise<number> {
  const r = await t.hub.ctx.db.execute(sql`
    select coalesce(sum(l.debit_minor - l.credit_minor), 0)::bigint as b from journal_lines l join ledger_accounts a on a.id = l.account_id
    where a.role = ${role} and l.currency = ${currency}`);
  return Number((r.rows[0] as { b: number }).b);
}

async function entryLines(journalId: string) {
  const r = await t.hub.ctx.db.execute(sql`
    select a.role, l.debit_minor::bigint as dr, l.credit_minor::bigint as cr, l.currency, l.presentment_minor::bigint as pm, l.presentment_currency as pc
    from journal_lines l join ledger_accounts a on a.id = l.account_id where l.entry_id = ${journalId} order by l.position`);
  return (r.rows as Array<Record<string, unknown>>).map((x) => ({ role: x.role, dr: Number(x.dr), cr: Number(x.cr), currency: x.currency, pm: x.pm === null ? null : Number(x.pm), pc: x.pc }));
}

async function applicationJournal(invoiceId: string): Promise<string> {
  const r = await t.hub.ctx.db.execute(sql`select journal_id from payment_allocations where invoice_id = ${invoiceId} order by created_at desc limit 1`);
  return String((r.rows[0] as { journal_id: string }).journal_id);
}

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  for (const [date, rate] of [['2026-01-10', '1.10'], ['2026-02-10', '1.15'], ['2026-02-20', '1.05']] as const) {
    await ok(t.api('PUT', '/api/v1/fx-rates', { date, base: 'EUR', quote: 'USD', rate }));
  }
});
afterAll(async () => t?.close());

describe('realised FX on receivables', () => {
  it('books a EUR invoice in USD at the issue date\'s rate, with the EUR amounts as presentment', async () => {
    const inv = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'EU-1', currency: 'EUR', netMinor: 90_000, taxMinor: 10_000, issueDate: '2026-01-10', termsDays: 30 }));
    expect(inv).toMatchObject({ currency: 'EUR', totalMinor: 100_000, functionalCurrency: 'USD', fxRate: '1.1', functionalTotalMinor: 110_000 });
    expect(await entryLines(inv.journalId)).toEqual([
      { role: 'receivables', dr: 110_000, cr: 0, currency: 'USD', pm: 100_000, pc: 'EUR' },
      { role: 'sales', dr: 0, cr: 99_000, currency: 'USD', pm: 90_000, pc: 'EUR' },
      { role: 'tax_payable', dr: 0, cr: 11_000, currency: 'USD', pm: 10_000, pc: 'EUR' },
    ]);
  });

  it('a payment at a higher rate realises a gain (credit fx); at a lower rate a loss (debit fx)', async () => {
    const a = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'EU-2', currency: 'EUR', netMinor: 100_000, issueDate: '2026-01-10', termsDays: 30 }));
    const b = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'EU-2', currency: 'EUR', netMinor: 100_000, issueDate: '2026-01-10', termsDays: 30 }));
    const fxBefore = await balance('fx');
    const arBefore = await balance('receivables');

    // 1 000 EUR booked at 1.10 (1 100 USD), received at 1.15 (1 150 USD): 50 USD gain.
    const gain = await ok(t.api('POST', '/api/v1/payments', {
      customerRef: 'EU-2', reference: 'SEPA-1', currency: 'EUR', amountMinor: 100_000, receivedDate: '2026-02-10', applications: [{ invoiceId: a.id, amountMinor: 100_000 }],
    }));
    expect(gain).toMatchObject({ functionalCurrency: 'USD', fxRate: '1.15', functionalAmountMinor: 115_000 });
    expect(await entryLines(gain.journalId)).toEqual([
      { role: 'bank', dr: 115_000, cr: 0, currency: 'USD', pm: 100_000, pc: 'EUR' },
      { role: 'customer_credits', dr: 0, cr: 115_000, currency: 'USD', pm: 100_000, pc: 'EUR' },
    ]);
    expect(await entryLines(await applicationJournal(a.id))).toEqual([
      { role: 'customer_credits', dr: 115_000, cr: 0, currency: 'USD', pm: 100_000, pc: 'EUR' },
      { role: 'receivables', dr: 0, cr: 110_000, currency: 'USD', pm: 100_000, pc: 'EUR' },
      { role: 'fx', dr: 0, cr: 5_000, currency: 'USD', pm: null, pc: null },
    ]);
    expect(await balance('fx')).toBe(fxBefore - 5_000);

    // The same invoice amount received at 1.05 (1 050 USD): 50 USD loss.
    const loss = await ok(t.api('POST', '/api/v1/payments', {
      customerRef: 'EU-2', reference: 'SEPA-2', currency: 'EUR', amountMinor: 100_000, receivedDate: '2026-02-20', applications: [{ invoiceId: b.id, amountMinor: 100_000 }],
    }));
    expect(loss.functionalAmountMinor).toBe(105_000);
    expect(await entryLines(await applicationJournal(b.id))).toEqual([
      { role: 'customer_credits', dr: 105_000, cr: 0, currency: 'USD', pm: 100_000, pc: 'EUR' },
      { role: 'receivables', dr: 0, cr: 110_000, currency: 'USD', pm: 100_000, pc: 'EUR' },
      { role: 'fx', dr: 5_000, cr: 0, currency: 'USD', pm: null, pc: null },
    ]);
    // Net: +50 −50. Receivables are back where they were (both invoices wholly relieved at their booked 1 100 USD).
    expect(await balance('fx')).toBe(fxBefore);
    expect(await balance('receivables')).toBe(arBefore - 220_000);
    const got = (await t.api('GET', `/api/v1/invoices/${b.id}`)).body;
    expect(got).toMatchObject({ status: 'paid', functionalSettledMinor: 110_000 });
    expect(got.payments).toEqual([expect.objectContaining({ reference: 'SEPA-2', functionalMinor: 105_000, bookedFunctionalMinor: 110_000, fxMinor: -5_000 })]);
  });

  it('relieves exactly the booked amount over partial payments and a credit note (no rounding residue)', async () => {
    // 3.33 EUR at 1.10 = 3.663 → 3.66 USD booked.
    const inv = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'EU-3', currency: 'EUR', netMinor: 333, issueDate: '2026-01-10', termsDays: 30 }));
    expect(inv.functionalTotalMinor).toBe(366);
    const arBefore = await balance('receivables');
    await ok(t.api('POST', '/api/v1/payments', { customerRef: 'EU-3', reference: 'P1', currency: 'EUR', amountMinor: 111, receivedDate: '2026-02-10', applications: [{ invoiceId: inv.id, amountMinor: 111 }] }));
    const cn = await ok(t.api('POST', '/api/v1/credit-notes', { invoiceId: inv.id, amountMinor: 111, issueDate: '2026-02-11', reason: 'Damaged' }));
    expect(cn).toMatchObject({ functionalCurrency: 'USD', functionalMinor: 122 });
    await ok(t.api('POST', '/api/v1/payments', { customerRef: 'EU-3', reference: 'P2', currency: 'EUR', amountMinor: 111, receivedDate: '2026-02-20', applications: [{ invoiceId: inv.id, amountMinor: 111 }] }));
    expect(await balance('receivables')).toBe(arBefore - 366);
    expect((await t.api('GET', `/api/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', functionalSettledMinor: 366 });
  });

  it('an invoice in the functional currency posts no FX, and a missing rate is a 400 naming fxRate', async () => {
    const usd = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'US-1', currency: 'USD', netMinor: 5_000, issueDate: '2026-01-10', termsDays: 30 }));
    expect(usd).toMatchObject({ fxRate: '1', functionalTotalMinor: 5_000 });
    await ok(t.api('POST', '/api/v1/payments', { customerRef: 'US-1', reference: 'ACH-1', currency: 'USD', amountMinor: 5_000, receivedDate: '2026-02-10', applications: [{ invoiceId: usd.id, amountMinor: 5_000 }] }));
    expect((await entryLines(await applicationJournal(usd.id))).map((l) => l.role)).toEqual(['customer_credits', 'receivables']);
    const gbp = await t.api('POST', '/api/v1/invoices', { customerRef: 'UK-1', currency: 'GBP', netMinor: 5_000, issueDate: '2026-01-10', termsDays: 30 });
    expect(gbp.status).toBe(400);
    expect(gbp.body.errors[0].path).toBe('fxRate');
    // With the bank's rate given, it books at that rate.
    const given = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'UK-1', currency: 'GBP', netMinor: 5_000, issueDate: '2026-01-10', termsDays: 30, fxRate: '1.25' }));
    expect(given.functionalTotalMinor).toBe(6_250);
  });
});
