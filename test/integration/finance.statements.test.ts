import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertExact, rateOf } from '../../src/domain/fx-rates';
import { fromMinor } from '../../src/domain/money';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;

/** A small deterministic generator, so the year of activity is the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (min: number, max: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return min + (s % (max - min + 1));
  };
}

const day = (m: number, d: number) => `2025-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const CURRENCIES = ['USD', 'EUR'] as const;
type Cur = (typeof CURRENCIES)[number];

/** What the test generated, summed independently of the ledger. */
const expected = {
  sales: { USD: 0, EUR: 0 } as Record<Cur, number>,
  refunds: { USD: 0, EUR: 0 } as Record<Cur, number>,
  opex: { USD: 0, EUR: 0 } as Record<Cur, number>,
  cogs: { USD: 0, EUR: 0 } as Record<Cur, number>,
  salesFunctional: 0,
  salesH1: { USD: 0, EUR: 0 } as Record<Cur, number>,
  /** Receivables are booked in the functional currency (USD) at each document's rate: what the ledger holds. */
  salesFunctionalH1: 0,
  refundsFunctional: 0,
};
const eurRate = new Map<string, string>();
let ref = 0;

async function ok(p: Promise<{ status: number; body: any }>, status = 201) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}
const journal = (date: string, memo: string, lines: Array<[string, 'debit' | 'credit', number, Cur]>) => ok(t.api('POST', '/api/v1/journals/manual', {
  date, memo, reference: `gen-${++ref}`, lines: lines.map(([accountCode, side, minor, currency]) => ({ accountCode, [side]: fromMinor(minor, currency), currency })),
}));

/** The latest EUR/USD rate published on or before a day (what the report must use). */
function rateOn(date: string): string {
  let best = '';
  for (const d of eurRate.keys()) if (d <= date && d > best) best = d;
  return eurRate.get(best)!;
}

describe('statements from the ledger over a generated year in two currencies', () => {
  beforeAll(async () => {
    t = await createTestHub({ queue: 'embedded' });
    await ok(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD', defaultTermsDays: 30 }), 200);
    const r = rng(42);
    // Rates twice a month, imported as CSV; the opening day has one too.
    const csv = ['date,base,quote,rate'];
    for (let m = 1; m <= 12; m++) for (const d of [1, 15]) {
      const rate = `1.${String(r(500, 1500)).padStart(4, '0')}`;
      eurRate.set(day(m, d), rate);
      csv.push(`${day(m, d)},EUR,USD,${rate}`);
    }
    eurRate.set('2024-12-31', '1.1000');
    csv.push('2024-12-31,EUR,USD,1.1000');
    await ok(t.api('POST', '/api/v1/fx-rates/import', csv.join('\n'), { 'content-type': 'text/csv' }));

    // Opening balances: owner money in the bank and goods in the warehouse, in both currencies.
    for (const c of CURRENCIES) {
      await journal('2025-01-01', `Opening ${c}`, [['1000', 'debit', 5_000_000, c], ['1300', 'debit', 2_000_000, c], ['3000', 'credit', 7_000_000, c]]);
    }
    for (let m = 1; m <= 12; m++) {
      for (const [ci, c] of CURRENCIES.entries()) {
        const invoices: Array<{ id: string; total: number }> = [];
        // Two invoices per month and currency, on days no other invoice of that currency uses.
        for (const d of [3 + ci, 17 + ci]) {
          const net = r(10_000, 500_000), tax = Math.floor(net / 10), shipping = r(0, 2_000);
          const inv = await ok(t.api('POST', '/api/v1/invoices', { customerRef: `C-${c}-${r(1, 4)}`, currency: c, netMinor: net, taxMinor: tax, shippingMinor: shipping, issueDate: day(m, d), termsDays: r(0, 60) }));
          invoices.push({ id: inv.id, total: inv.totalMinor });
          expected.sales[c] += net;
          if (m <= 6) expected.salesH1[c] += net;
          const booked = c === 'USD' ? net : convertExact(net, 'EUR', 'USD', rateOf(rateOn(day(m, d))));
          expected.salesFunctional += booked;
          if (m <= 6) expected.salesFunctionalH1 += booked;
        }
        // One payment covering the first invoice and part of the second; sometimes a credit note.
        const [a, b] = invoices as [{ id: string; total: number }, { id: string; total: number }];
        const part = r(1, b.total - 1);
        await ok(t.api('POST', '/api/v1/payments', {
          customerRef: `P-${c}-${m}`, reference: `BANK-${c}-${m}`, currency: c, amountMinor: a.total + part + 100, receivedDate: day(m, 25),
          applications: [{ invoiceId: a.id, amountMinor: a.total }, { invoiceId: b.id, amountMinor: part }],
        }));
        if (m % 3 === 0) {
          const credit = Math.min(b.total - part, r(100, 5_000));
          const cn = await ok(t.api('POST', '/api/v1/credit-notes', { invoiceId: b.id, amountMinor: credit, issueDate: day(m, 26), reason: 'Return' }));
          expected.refunds[c] += credit;
          expected.refundsFunctional += cn.functionalMinor;
        }
        // Costs: goods sold out of stock, rent and marketing paid from the bank, a stock purchase.
        const cogs = r(5_000, 100_000), rent = r(50_000, 80_000), ads = r(1_000, 30_000), buy = r(10_000, 150_000);
        await journal(day(m, 27), `COGS ${c}`, [['5000', 'debit', cogs, c], ['1300', 'credit', cogs, c]]);
        await journal(day(m, 28), `Rent ${c}`, [['6500', 'debit', rent, c], ['1000', 'credit', rent, c]]);
        await journal(day(m, 28), `Ads ${c}`, [['6600', 'debit', ads, c], ['2000', 'credit', ads, c]]);
        await journal(day(m, 28), `Stock bought ${c}`, [['1300', 'debit', buy, c], ['1000', 'credit', buy, c]]);
        expected.cogs[c] += cogs;
        expected.opex[c] += rent + ads;
      }
    }
  }, 300_000);
  afterAll(async () => t.close());

  it('the P&L shows what was booked, per currency and in the functional currency at each day\'s rate', async () => {
    const r = await t.api('GET', '/api/v1/reports/profit-and-loss?from=2025-01-01&to=2025-12-31');
    expect(r.status).toBe(200);
    const pl = r.body.current;
    expect(pl.missingRates).toEqual([]);
    const sales = pl.rows.find((x: any) => x.section === 'sales' && x.key === 'b2b');
    // EUR invoices are booked in USD at their day's rate, so the ledger's sales are all USD.
    expect(sales.amounts.byCurrency).toEqual({ USD: expected.salesFunctional });
    expect(sales.amounts.functionalMinor).toBe(expected.salesFunctional);
    expect(pl.rows.find((x: any) => x.section === 'refunds').amounts.byCurrency).toEqual({ USD: -expected.refundsFunctional });
    const bookedSales: Record<Cur, number> = { USD: expected.salesFunctional, EUR: 0 };
    const bookedRefunds: Record<Cur, number> = { USD: expected.refundsFunctional, EUR: 0 };
    expect(pl.totals.cogs.byCurrency).toEqual(expected.cogs);
    for (const c of CURRENCIES) {
      expect(pl.totals.operatingCosts.byCurrency[c]).toBe(expected.opex[c]);
      const shipping = pl.rows.find((x: any) => x.section === 'shipping_income')?.amounts.byCurrency[c] ?? 0;
      expect(pl.totals.grossMargin.byCurrency[c]).toBe(bookedSales[c] + shipping - bookedRefunds[c] - expected.cogs[c]);
      // EUR payments received at another rate than their invoices were booked at: realised FX.
      expect(pl.totals.netIncome.byCurrency[c]).toBe(pl.totals.grossMargin.byCurrency[c] - expected.opex[c] - (pl.totals.fx.byCurrency[c] ?? 0));
    }
    // Nothing happened in 2024: the comparison period is empty.
    expect(r.body.previous).toMatchObject({ from: '2024-01-01', to: '2024-12-31' });
    expect(r.body.previous.rows).toEqual([]);
  });

  it('the balance sheet ties out: assets = liabilities + equity, per currency exactly and in the functional currency', async () => {
    for (const at of ['2025-03-31', '2025-06-30', '2025-12-31']) {
      const r = await t.api('GET', `/api/v1/reports/balance-sheet?at=${at}`);
      expect(r.status).toBe(200);
      const bs = r.body.current;
      expect(bs.missingRates).toEqual([]);
      for (const c of CURRENCIES) expect(bs.totals.assets.byCurrency[c], `${at} ${c}`).toBe(bs.totals.liabilitiesAndEquity.byCurrency[c]);
      expect(bs.totals.assets.functionalMinor).toBe(bs.totals.liabilitiesAndEquity.functionalMinor);
      // The translation adjustment is only the rounding of separately converted balances: a few cents at most.
      const tr = bs.rows.find((x: any) => x.section === 'translation_adjustment');
      expect(Math.abs(tr?.amounts.functionalMinor ?? 0)).toBeLessThanOrEqual(bs.rows.length);
      // Every section the statement promises is there.
      for (const s of ['cash', 'receivables', 'inventory', 'payables', 'tax_payable', 'equity', 'current_earnings']) expect(bs.rows.some((x: any) => x.section === s), s).toBe(true);
    }
    // Earnings to date on the balance sheet are the year's net income.
    const pl = (await t.api('GET', '/api/v1/reports/profit-and-loss?from=2025-01-01&to=2025-12-31')).body.current;
    const bs = (await t.api('GET', '/api/v1/reports/balance-sheet?at=2025-12-31')).body.current;
    expect(bs.rows.find((x: any) => x.section === 'current_earnings').amounts.byCurrency).toEqual(pl.totals.netIncome.byCurrency);
    // Receivables equal what the invoices still carry at their booked rates (USD invoices: what the aging says is outstanding).
    const invoices = (await t.api('GET', '/api/v1/invoices?limit=500')).body.items as any[];
    const carried = invoices.reduce((s, i) => s + i.functionalTotalMinor - i.functionalSettledMinor, 0);
    expect(bs.rows.find((x: any) => x.section === 'receivables').amounts.byCurrency).toEqual({ USD: carried });
    const aging = (await t.api('GET', '/api/v1/receivables/aging?at=2025-12-31')).body;
    const owedUsd = Object.values(aging.totals.USD as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(invoices.filter((i) => i.currency === 'USD').reduce((s, i) => s + i.functionalTotalMinor - i.functionalSettledMinor, 0)).toBe(owedUsd);
  });

  it('cash flow: opening + movements = closing = cash on the balance sheet; the previous period is the one before', async () => {
    const r = await t.api('GET', '/api/v1/reports/cash-flow?from=2025-07-01&to=2025-12-31');
    expect(r.status).toBe(200);
    const cf = r.body.current;
    const bs = (await t.api('GET', '/api/v1/reports/balance-sheet?at=2025-12-31')).body.current;
    for (const c of CURRENCIES) {
      expect(cf.totals.opening.byCurrency[c] + cf.totals.netChange.byCurrency[c]).toBe(cf.totals.closing.byCurrency[c]);
      expect(cf.totals.closing.byCurrency[c]).toBe(bs.rows.find((x: any) => x.section === 'cash').amounts.byCurrency[c]);
    }
    expect(cf.totals.opening.functionalMinor + cf.totals.netChange.functionalMinor + cf.totals.fxEffect.functionalMinor).toBe(cf.totals.closing.functionalMinor);
    expect(cf.rows.map((x: any) => x.section).sort()).toEqual(['customer_receipts', 'inventory_purchases', 'operating_payments']);
    expect(r.body.previous).toMatchObject({ from: '2025-01-01', to: '2025-06-30' });
    const h1 = (await t.api('GET', '/api/v1/reports/profit-and-loss?from=2025-07-01&to=2025-12-31')).body;
    expect(h1.previous.rows.find((x: any) => x.section === 'sales').amounts.byCurrency).toEqual({ USD: expected.salesFunctionalH1 });
  });

  it('serves each statement as CSV with a BOM when asked for text/csv', async () => {
    const res = await t.app.request('/api/v1/reports/profit-and-loss?from=2025-01-01&to=2025-12-31', { headers: { authorization: `Bearer ${t.adminKey}`, accept: 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const [header, ...rows] = text.trim().split('\r\n');
    expect(header).toBe('section,key,label,EUR,USD,total_USD,previous_USD');
    expect(rows.find((l) => l.startsWith('sales,b2b,'))).toBe(`sales,b2b,b2b,,${fromMinor(expected.salesFunctional, 'USD')},${fromMinor(expected.salesFunctional, 'USD')},0.00`);
    expect(rows.some((l) => l.startsWith('total,netIncome,'))).toBe(true);
    for (const p of ['/api/v1/reports/balance-sheet?at=2025-12-31', '/api/v1/reports/cash-flow?from=2025-01-01&to=2025-12-31']) {
      const r2 = await t.app.request(p, { headers: { authorization: `Bearer ${t.adminKey}`, accept: 'text/csv' } });
      expect(r2.headers.get('content-type')).toContain('text/csv');
      expect((await r2.text()).split('\r\n')[0]).toContain('total_USD');
    }
    const bad = await t.api('GET', '/api/v1/reports/profit-and-loss?from=2025-12-31&to=2025-01-01');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('to');
  });
});
