import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { previousMonthEnd } from '../../src/finance/fx-revaluation';
import { createUiHub, type UiHub } from './ui.support';
import { expectOk } from '../helpers/hub';

/**
 * The period-end revaluation on the exchange-rates screen: run it from a form (the API's verb), see the
 * run with its chart and documents, a rerun posts nothing, a missing closing rate or a future date is
 * explained, viewers only read, and the section speaks Chinese too.
 */
let t: UiHub;
let cookie: string;
let csrf: string;
let euNumber: string;

const ok = expectOk;

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  await ok(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD' }));
  for (const [date, rate] of [['2026-01-05', '1.10'], ['2026-01-31', '1.20']] as const) {
    await ok(t.api('PUT', '/api/v1/fx-rates', { date, base: 'EUR', quote: 'USD', rate }));
  }
  // 1 000 EUR booked at 1.10 (1 100 USD); at 1.20 it is worth 1 200 USD: +100 USD unrealised.
  euNumber = (await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'EU-CUST', currency: 'EUR', netMinor: 100_000, issueDate: '2026-01-05', termsDays: 30 }))).number;
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

describe('FX revaluation on the exchange-rates screen', () => {
  it('offers the run with last month-end as the date, and says none has been run', async () => {
    const html = await (await t.page('GET', '/finance/fx-rates', { cookie })).text();
    expect(html).toContain('<h2 id="fx-reval-h">Period-end revaluation</h2>');
    expect(html).toContain('No revaluation has been run yet.');
    expect(html).toContain(`name="at" type="date" required="" value="${previousMonthEnd(new Date().toISOString().slice(0, 10))}"`);
  });

  it('runs one from the form: the run, its net gain in a chart and its documents are shown', async () => {
    expect((await t.page('POST', '/finance/fx-revaluations', { cookie, form: { at: '2026-01-31' } })).status).toBe(403);
    const res = await t.page('POST', '/finance/fx-revaluations', { cookie, form: { _csrf: csrf, at: '2026-01-31' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/finance/fx-rates?reval=posted&at=2026-01-31#fx-revaluation');
    const runs = await ok(t.api('GET', '/api/v1/finance/fx-revaluations'));
    expect(runs.items).toHaveLength(1);
    expect(runs.items[0]).toMatchObject({ at: '2026-01-31', receivablesDiffMinor: 10_000, payablesDiffMinor: 0 });

    const html = await (await t.page('GET', '/finance/fx-rates?reval=posted&at=2026-01-31', { cookie })).text();
    expect(html).toContain('Revaluation as of');
    expect(html).toMatch(/<tr data-at="2026-01-31">[\s\S]*?<td class="num" data-net="10000">\+US\$100\.00<\/td>/);
    expect(html).toContain('<svg class="chart"');
    const details = html.slice(html.indexOf('<details data-run="2026-01-31">'));
    expect(details).toMatch(/^<details data-run="2026-01-31"><summary>[^<]*· 1 document<\/summary>/);
    expect(details).toContain(`<tr data-document="${euNumber}"><td>Invoice <span class="mono">${euNumber}</span></td><td>EU-CUST</td><td class="num">€1,000.00</td>`
      + '<td class="num mono">EUR/USD 1.2</td><td class="num">US$1,100.00</td><td class="num">US$1,200.00</td><td class="num">+US$100.00</td></tr>');
  });

  it('a second run for the same date posts nothing and says so', async () => {
    const res = await t.page('POST', '/finance/fx-revaluations', { cookie, form: { _csrf: csrf, at: '2026-01-31' } });
    expect(res.headers.get('location')).toContain('reval=already');
    const html = await (await t.page('GET', res.headers.get('location')!, { cookie })).text();
    expect(html).toMatch(/was already revalued; nothing was posted/);
    expect((await ok(t.api('GET', '/api/v1/finance/fx-revaluations'))).items).toHaveLength(1);
  });

  it('explains a missing closing rate and a future date with a 400, posting nothing', async () => {
    await ok(t.api('POST', '/api/v1/invoices', { customerRef: 'UK-CUST', currency: 'GBP', netMinor: 50_000, issueDate: '2026-01-05', termsDays: 30, fxRate: '1.30' }));
    const missing = await t.page('POST', '/finance/fx-revaluations', { cookie, form: { _csrf: csrf, at: '2026-02-28' } });
    expect(missing.status).toBe(400);
    const html = await missing.text();
    expect(html).toMatch(/role="alert">no closing GBP\/USD rate is known on or before 2026-02-28/);
    // The date typed is kept in the form.
    expect(html).toContain('value="2026-02-28"');
    const future = await t.page('POST', '/finance/fx-revaluations', { cookie, form: { _csrf: csrf, at: '2999-12-31' } });
    expect(future.status).toBe(400);
    expect(await future.text()).toContain('must not be in the future');
    expect((await ok(t.api('GET', '/api/v1/finance/fx-revaluations'))).items).toHaveLength(1);
  });

  it('lets a viewer read the runs but neither see the form nor post it', async () => {
    const viewer = await t.login((await createApiKey(t.hub.ctx, { name: 'viewer', role: 'viewer' })).key);
    const html = await (await t.page('GET', '/finance/fx-rates', { cookie: viewer.cookie })).text();
    expect(html).toContain('data-at="2026-01-31"');
    expect(html).not.toContain('action="/finance/fx-revaluations"');
    expect((await t.page('POST', '/finance/fx-revaluations', { cookie: viewer.cookie, form: { _csrf: viewer.csrf, at: '2026-01-30' } })).status).toBe(403);
  });

  it('speaks Simplified and Traditional Chinese', async () => {
    const cn = await (await t.page('GET', '/finance/fx-rates?lang=zh-CN', { cookie })).text();
    expect(cn).toContain('期末汇率重估');
    expect(cn).toContain('1 张单据');
    const tw = await (await t.page('GET', '/finance/fx-rates?lang=zh-TW', { cookie })).text();
    expect(tw).toContain('期末匯率重估');
    expect(tw).toContain('重估日期');
  });
});
