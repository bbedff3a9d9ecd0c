import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappedText } from '../helpers/pdf';
import { createUiHub, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  await ok(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD' }));
  await ok(t.api('PUT', '/api/v1/fx-rates', { date: '2026-01-01', base: 'EUR', quote: 'USD', rate: '1.2' }));
  await ok(t.api('POST', '/api/v1/journals/manual', { date: '2026-01-02', memo: 'Opening', reference: 'open', lines: [{ accountCode: '1000', debit: '1000.00', currency: 'EUR' }, { accountCode: '3000', credit: '1000.00', currency: 'EUR' }] }));
  await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'ACME', customerName: 'Acme Trading', currency: 'EUR', netMinor: 50_000, issueDate: '2026-01-05', termsDays: 10 }));
  await ok(t.api('POST', '/api/v1/journals/manual', { date: '2026-01-20', memo: 'Ads', reference: 'ads', lines: [{ accountCode: '6600', debit: '90.00', currency: 'USD' }, { accountCode: '1000', credit: '90.00', currency: 'USD' }] }));
  await ok(t.api('POST', '/api/v1/budgets', { name: 'Ads', scope: { kind: 'account', value: '6600' }, currency: 'USD', periods: [{ month: '2026-01', amountMinor: 10_000 }] }));
  await ok(t.api('POST', '/api/v1/budgets/check', { month: '2026-01' }));
  ({ cookie } = await t.login());
});
afterAll(() => t?.close());

describe('the finance report screens', () => {
  it('shows the P&L with a server-drawn chart, per-currency columns and the functional total', async () => {
    const html = await (await t.page('GET', '/finance/reports?from=2026-01-01&to=2026-01-31', { cookie })).text();
    expect(html).toContain('<h1>Profit and loss</h1>');
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('Sales · ');
    // The 500 EUR invoice is booked in the functional currency at 1.2 (receivables mirror payables): US$600.00.
    expect(html).toContain('<tr data-section="sales"><td>Sales · b2b</td><td class="num">US$600.00</td>');
    expect(html).toContain('Net income');
    // It reads as a statement: each total under the lines it adds up to.
    const order = [...html.matchAll(/<tr data-(section|total)="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
    const at = (k: string) => { expect(order, k).toContain(k); return order.indexOf(k); };
    expect(at('section:sales')).toBeLessThan(at('total:revenue'));
    expect(at('total:revenue')).toBeLessThan(at('total:grossMargin'));
    expect(at('total:grossMargin')).toBeLessThan(at('section:operating_expenses'));
    expect(at('section:operating_expenses')).toBeLessThan(at('total:operatingCosts'));
    expect(order.at(-1)).toBe('total:netIncome');
    // The chart writes each amount beside its bar; net income's is the statement's.
    const values = [...html.matchAll(/<text class="value"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!);
    expect(values).toHaveLength(5);
    const netIncome = /<tr data-total="netIncome"[^>]*>(?:<td[^>]*>[^<]*<\/td>)*?<td class="num">(US\$[^<]+)<\/td><td class="num muted">/.exec(html)?.[1];
    expect(netIncome).toBeTruthy();
    expect(values.at(-1)).toBe(netIncome);
    expect(html).toContain('href="/finance/reports/profit-and-loss.csv?from=2026-01-01&amp;to=2026-01-31"');
    const csv = await t.page('GET', '/finance/reports/profit-and-loss.csv?from=2026-01-01&to=2026-01-31', { cookie });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3)).startsWith('section,key,label')).toBe(true);
    // The same statement as a PDF in the reader's language, with the CJK font embedded.
    expect(html).toContain('href="/finance/reports/profit-and-loss.pdf?from=2026-01-01&amp;to=2026-01-31"');
    const res = await t.page('GET', '/finance/reports/profit-and-loss.pdf?from=2026-01-01&to=2026-01-31&lang=zh-TW', { cookie });
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC/);
    const chars = mappedText(pdf);
    for (const ch of '損益表本期上期') expect(chars.has(ch), ch).toBe(true);
  });

  it('shows the balance sheet tying out, cash flow, receivables aging, budgets with their alert, and rates', async () => {
    const bs = await (await t.page('GET', '/finance/reports/balance-sheet?at=2026-01-31', { cookie })).text();
    expect(bs).toMatch(/<p class="notice good" id="tie-out">/);
    const cf = await (await t.page('GET', '/finance/reports/cash-flow?from=2026-01-01&to=2026-01-31', { cookie })).text();
    expect(cf).toContain('Closing cash');
    const cfOrder = [...cf.matchAll(/<tr data-(section|total)="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(cfOrder[0]).toBe('total:opening');
    expect(cfOrder.at(-1)).toBe('total:closing');
    expect(cfOrder.indexOf('total:netChange')).toBeGreaterThan(cfOrder.findIndex((k) => k.startsWith('section:')));
    const bsOrder = [...bs.matchAll(/<tr data-(section|total)="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(bsOrder.indexOf('section:cash')).toBeLessThan(bsOrder.indexOf('total:assets'));
    expect(bsOrder.indexOf('total:assets')).toBeLessThan(bsOrder.indexOf('total:liabilities'));
    expect(bsOrder.at(-1)).toBe('total:liabilitiesAndEquity');
    const ar = await (await t.page('GET', '/finance/receivables?at=2026-01-31', { cookie })).text();
    expect(ar).toContain('Acme Trading');
    expect(ar).toContain('1–30 days');
    expect(ar).toContain('Overdue');
    const budgets = await (await t.page('GET', '/finance/budgets?month=2026-01', { cookie })).text();
    expect(budgets).toContain('90% used');
    expect(budgets).toContain('Ads · 2026-01: 80% reached');
    const rates = await (await t.page('GET', '/finance/fx-rates', { cookie })).text();
    expect(rates).toContain('EUR/USD');
    expect(rates).toContain('Manual override');
  });

  it('speaks Simplified and Traditional Chinese', async () => {
    const cn = await (await t.page('GET', '/finance/reports/balance-sheet?at=2026-01-31', { cookie, headers: { 'accept-language': 'zh-CN' } })).text();
    expect(cn).toContain('<h1>资产负债表</h1>');
    expect(cn).toContain('所有者权益');
    const tw = await (await t.page('GET', '/finance/receivables?at=2026-01-31', { cookie, headers: { 'accept-language': 'zh-TW' } })).text();
    expect(tw).toContain('<h1>應收帳款</h1>');
    expect(tw).toContain('1–30 天');
  });

  it('pages the overdue and open invoices, most overdue first, each list on its own', async () => {
    for (let i = 0; i < 104; i++) {
      const issueDate = new Date(Date.UTC(2025, 5, 1 + i)).toISOString().slice(0, 10);
      const r = await t.api('POST', '/api/v1/invoices', { customerRef: 'BULK', customerName: 'Bulk Buyer', currency: 'USD', netMinor: 1_000 + i, issueDate, termsDays: 10 });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const rowsOf = (html: string, table: string) => {
      const part = html.slice(html.indexOf(`<table id="${table}">`), html.indexOf('</table>', html.indexOf(`<table id="${table}">`)));
      return [...part.matchAll(/<tr[^>]*>\s*<td class="mono">([^<]+)<\/td>/g)].map((m) => m[1]!);
    };
    const link = (html: string, id: string) => /id="ID" href="([^"]+)"/.exec(html.replace(/&amp;/g, '&').replace('id="' + id + '"', 'id="ID"'))?.[1];
    const first = await (await t.page('GET', '/finance/receivables?at=2026-01-31', { cookie })).text();
    const over1 = rowsOf(first, 'overdue');
    expect(over1).toHaveLength(100);
    // The most overdue first: days overdue never rise down the list.
    const days = [...first.slice(first.indexOf('<table id="overdue">')).matchAll(/data-days="(\d+)"/g)].slice(0, 100).map((m) => Number(m[1]));
    expect(days).toEqual([...days].sort((a, b) => b - a));
    expect(rowsOf(first, 'invoices')).toHaveLength(100);
    const nextOverdue = link(first, 'overdue-next')!;
    expect(nextOverdue).toMatch(/^\/finance\/receivables\?at=2026-01-31&overdue=[^&#]+#overdue-h$/);
    const second = await (await t.page('GET', nextOverdue, { cookie })).text();
    const over2 = rowsOf(second, 'overdue');
    expect(over2).toHaveLength(5);
    expect(new Set([...over1, ...over2]).size).toBe(105);
    expect(second).toContain('id="overdue-first"');
    expect(second).not.toContain('id="overdue-next"');
    // The open invoices' pager keeps the overdue list where it is.
    const nextOpen = link(second, 'invoices-next')!;
    expect(nextOpen).toContain('overdue=');
    const third = await (await t.page('GET', nextOpen, { cookie })).text();
    expect(rowsOf(third, 'overdue')).toEqual(over2);
    expect(new Set([...rowsOf(first, 'invoices'), ...rowsOf(third, 'invoices')]).size).toBe(105);
  });

  it('filters the rates by pair and pages them, newest first', async () => {
    const rows = ['date,base,quote,rate'];
    for (let d = 0; d < 120; d++) rows.push(`${new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10)},GBP,USD,1.${String(2000 + d)}`);
    const imp = await t.api('POST', '/api/v1/fx-rates/import', `${rows.join('\n')}\n`, { 'content-type': 'text/csv' });
    expect(imp.status, JSON.stringify(imp.body)).toBeLessThan(300);
    const first = await (await t.page('GET', '/finance/fx-rates?base=gbp&quote=USD', { cookie })).text();
    const pairs = (html: string) => [...html.slice(html.indexOf('<table id="fx-rates">')).matchAll(/<td class="mono">([A-Z]{3}\/[A-Z]{3})<\/td>/g)].map((m) => m[1]);
    expect(pairs(first)).toHaveLength(100);
    expect(new Set(pairs(first))).toEqual(new Set(['GBP/USD']));
    expect(first).toContain('1.2119');
    const next = /id="rates-next" href="([^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/finance\/fx-rates\?base=GBP&quote=USD&rates=[^#&]+#fx-rates$/);
    const second = await (await t.page('GET', next!, { cookie })).text();
    expect(pairs(second)).toHaveLength(20);
    expect(second).toContain('1.2000');
    expect(second).not.toContain('id="rates-next"');
    expect(second).toContain('id="rates-first"');
  });
});
