import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMonthlyFxRevaluation } from '../../src/finance/fx-revaluation';
import { createTestHub, type TestHub, expectOk } from '../helpers/hub';

/**
 * Unrealised FX at a month end over two currencies: an open EUR and a GBP invoice and an open EUR
 * bill revalued at the closing rate, one balanced journal, reversed the next day, a rerun posts
 * nothing, the balance sheet ties out throughout, and a later payment realises FX against the
 * booked rate only (nothing counted twice).
 */
let t: TestHub;
let eurInvoice: any, gbpInvoice: any, eurBill: any;

const ok = expectOk;

async function balance(role: string, upTo: string): Promise<number> {
  const r = await t.hub.ctx.db.execute(sql`
    select coalesce(sum(l.debit_minor - l.credit_minor), 0)::bigint as b from journal_lines l join ledger_accounts a on a.id = l.account_id
    join journal_entries e on e.id = l.entry_id where a.role = ${role} and l.currency = 'USD' and e.entry_date <= ${upTo}`);
  return Number((r.rows[0] as { b: number }).b);
}

const revaluationEntries = async () => Number(((await t.hub.ctx.db.execute(sql`select count(*)::int as n from journal_entries where kind = 'fx_revaluation'`)).rows[0] as { n: number }).n);

async function tiesOut(at: string) {
  const bs = (await ok(t.api('GET', `/api/v1/reports/balance-sheet?at=${at}`))).current;
  expect(bs.missingRates, at).toEqual([]);
  expect(bs.totals.assets.functionalMinor, at).toBe(bs.totals.liabilitiesAndEquity.functionalMinor);
  for (const [c, v] of Object.entries(bs.totals.assets.byCurrency)) expect(v, `${at} ${c}`).toBe(bs.totals.liabilitiesAndEquity.byCurrency[c]);
  return bs;
}

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  await ok(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD' }));
  for (const [date, base, rate] of [['2026-01-05', 'EUR', '1.10'], ['2026-01-31', 'EUR', '1.20'], ['2026-01-05', 'GBP', '1.30'], ['2026-01-31', 'GBP', '1.25']] as const) {
    await ok(t.api('PUT', '/api/v1/fx-rates', { date, base, quote: 'USD', rate }));
  }
  await ok(t.api('POST', '/api/v1/journals/manual', { date: '2026-01-01', memo: 'Opening', reference: 'open', lines: [{ accountCode: '1000', debit: '10000.00', currency: 'USD' }, { accountCode: '3000', credit: '10000.00', currency: 'USD' }] }));
  // Receivables: 1 000 EUR (200 paid at the booked rate) and 500 GBP.
  eurInvoice = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'EU-CUST', currency: 'EUR', netMinor: 100_000, issueDate: '2026-01-05', termsDays: 30 }));
  gbpInvoice = await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'UK-CUST', currency: 'GBP', netMinor: 50_000, issueDate: '2026-01-05', termsDays: 30 }));
  await ok(t.api('POST', '/api/v1/payments', { customerRef: 'EU-CUST', reference: 'PART', currency: 'EUR', amountMinor: 20_000, receivedDate: '2026-01-20', applications: [{ invoiceId: eurInvoice.id, amountMinor: 20_000 }] }));
  // Payables: a 500 EUR bill from a received PO.
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'WH-FX', name: 'FX WH', priority: 1 }));
  await ok(t.api('POST', '/api/v1/products', { sku: 'FX-TEE', title: 'Tee' }));
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'EURO', name: 'Euro Fabrik GmbH', currency: 'EUR', paymentTerms: 'NET30' }));
  const po = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'EURO', lines: [{ sku: 'FX-TEE', quantity: 10, unitCostMinor: 5_000, warehouse: 'WH-FX' }] }));
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/approve`));
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/send`));
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/receive`, { lines: [{ lineNo: 1, accepted: 10 }] }));
  eurBill = await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.number, number: 'EF-1', issueDate: '2026-01-05', lines: [{ lineNo: 1, quantity: 10 }] }));
  expect(eurBill).toMatchObject({ status: 'open', functionalTotalMinor: 55_000 });
});
afterAll(async () => t?.close());

describe('FX revaluation at a month end', () => {
  it('revalues open EUR and GBP documents at the closing rate in one balanced journal, reversed the next day', async () => {
    const before = await tiesOut('2026-01-30');
    expect(await balance('receivables', '2026-01-30')).toBe(88_000 + 65_000);
    const r = await t.api('POST', '/api/v1/finance/fx-revaluations', { at: '2026-01-31' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const run = r.body;
    expect(run).toMatchObject({ at: '2026-01-31', reversalDate: '2026-02-01', functionalCurrency: 'USD', receivablesDiffMinor: 8_000 - 2_500, payablesDiffMinor: 5_000 });
    const line = (n: string) => run.lines.find((l: any) => l.number === n);
    // 800 EUR open, carried at 1.10 (880), worth 960 at 1.20; 500 GBP carried at 1.30 (650), worth 625; 500 EUR owed carried at 550, now 600.
    expect(line(eurInvoice.number)).toMatchObject({ documentKind: 'invoice', currency: 'EUR', openMinor: 80_000, rate: '1.2', carryingMinor: 88_000, revaluedMinor: 96_000, diffMinor: 8_000 });
    expect(line(gbpInvoice.number)).toMatchObject({ documentKind: 'invoice', currency: 'GBP', openMinor: 50_000, carryingMinor: 65_000, revaluedMinor: 62_500, diffMinor: -2_500 });
    expect(line('EF-1')).toMatchObject({ documentKind: 'bill', party: 'EURO', openMinor: 50_000, carryingMinor: 55_000, revaluedMinor: 60_000, diffMinor: 5_000 });

    const lines = await t.hub.ctx.db.execute(sql`
      select e.entry_date::text as date, a.role, l.debit_minor::bigint as dr, l.credit_minor::bigint as cr from journal_lines l
      join ledger_accounts a on a.id = l.account_id join journal_entries e on e.id = l.entry_id where e.kind = 'fx_revaluation' order by e.entry_date, l.position`);
    expect((lines.rows as any[]).map((x) => [x.date, x.role, Number(x.dr), Number(x.cr)])).toEqual([
      ['2026-01-31', 'receivables', 8_000, 0], ['2026-01-31', 'receivables', 0, 2_500], ['2026-01-31', 'payables', 0, 5_000], ['2026-01-31', 'fx', 0, 500],
      ['2026-02-01', 'receivables', 0, 8_000], ['2026-02-01', 'receivables', 2_500, 0], ['2026-02-01', 'payables', 5_000, 0], ['2026-02-01', 'fx', 500, 0],
    ]);
    // At the month end receivables and payables show their closing-rate worth; the next day the booked amounts again.
    expect(await balance('receivables', '2026-01-31')).toBe(96_000 + 62_500);
    expect(await balance('payables', '2026-01-31')).toBe(-60_000);
    expect(await balance('receivables', '2026-02-01')).toBe(88_000 + 65_000);
    expect(await balance('payables', '2026-02-01')).toBe(-55_000);

    const after = await tiesOut('2026-01-31');
    await tiesOut('2026-02-01');
    // Net assets grew by the unrealised gain of 5 USD (5 500 on receivables, 5 000 more owed).
    const net = (bs: any) => bs.totals.assets.functionalMinor - bs.totals.liabilities.functionalMinor;
    expect(net(after) - net(before)).toBe(500);
  });

  it('rerunning the same date posts nothing and returns the first run', async () => {
    const first = (await ok(t.api('GET', '/api/v1/finance/fx-revaluations'))).items;
    const entries = await revaluationEntries();
    const again = await t.api('POST', '/api/v1/finance/fx-revaluations', { at: '2026-01-31' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first[0].id);
    const both = await Promise.all([0, 1].map(() => t.api('POST', '/api/v1/finance/fx-revaluations', { at: '2026-01-31' })));
    expect(both.map((b) => b.status)).toEqual([200, 200]);
    expect(await revaluationEntries()).toBe(entries);
    const list = (await ok(t.api('GET', '/api/v1/finance/fx-revaluations'))).items;
    expect(list).toHaveLength(1);
    expect(list[0].lines).toHaveLength(3);
  });

  it('a later payment realises FX against the booked rate only (the reversal undid the revaluation)', async () => {
    const fxBefore = await balance('fx', '2026-12-31');
    // The remaining 800 EUR received at 1.20: 960 USD for 880 booked, an 80 USD gain.
    await ok(t.api('POST', '/api/v1/payments', { customerRef: 'EU-CUST', reference: 'REST', currency: 'EUR', amountMinor: 80_000, receivedDate: '2026-02-10', applications: [{ invoiceId: eurInvoice.id, amountMinor: 80_000 }] }));
    expect(await balance('fx', '2026-12-31') - fxBefore).toBe(-8_000);
    // Over January and February together the fx account holds the realised gain alone.
    expect(await balance('fx', '2026-12-31')).toBe(-8_000);
    await tiesOut('2026-02-10');
  });

  it('a missing closing rate is a 400 naming the currency; the monthly job then revalues once at the previous month end', async () => {
    await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'JP-CUST', currency: 'JPY', netMinor: 100_000, issueDate: '2026-02-05', termsDays: 30, fxRate: '0.0068' }));
    const bad = await t.api('POST', '/api/v1/finance/fx-revaluations', { at: '2026-02-28' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'at', message: expect.stringContaining('JPY') })]);
    expect((await ok(t.api('GET', '/api/v1/finance/fx-revaluations'))).items).toHaveLength(1);
    const badInput = await t.api('POST', '/api/v1/finance/fx-revaluations', { at: '2026-02-30' });
    expect(badInput.status).toBe(400);
    expect(badInput.body.errors[0].path).toBe('at');

    await ok(t.api('PUT', '/api/v1/fx-rates', { date: '2026-02-27', base: 'JPY', quote: 'USD', rate: '0.0070' }));
    const march = { ...t.hub.ctx, now: () => new Date('2026-03-03T02:00:00Z') };
    const first = await runMonthlyFxRevaluation(march);
    expect(first.created).toBe(true);
    expect(first.revaluation.at).toBe('2026-02-28');
    // JPY 100 000 carried at 680 USD, worth 700; the GBP invoice still open; the EUR invoice settled.
    expect(first.revaluation.lines.map((l) => [l.currency, l.diffMinor]).sort()).toEqual([['EUR', 5_000], ['GBP', -2_500], ['JPY', 2_000]]);
    const again = await runMonthlyFxRevaluation({ ...t.hub.ctx, now: () => new Date('2026-03-04T02:00:00Z') });
    expect(again).toMatchObject({ created: false, revaluation: { id: first.revaluation.id } });
    expect(await revaluationEntries()).toBe(4);
    await tiesOut('2026-02-28');
  });
});
