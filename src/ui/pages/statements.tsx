import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { listBudgetAlerts, listBudgets } from '../../finance/budgets';
import { getCompanySettings } from '../../finance/company-settings';
import { listFxRates } from '../../finance/fx-rates';
import { receivablesAging } from '../../finance/receivables-aging';
import { listInvoices, listPayments } from '../../finance/receivables';
import { getBalanceSheet, getCashFlow, getProfitAndLoss, statementCsv } from '../../finance/statements';
import { stockValuation } from '../../finance/post-stock-movements';
import { daysBetween } from '../../domain/receivables';
import { BS_LAYOUT, CF_LAYOUT, PL_LAYOUT, statementOrder, type StatementLayout } from '../../domain/statements';
import { renderPdf } from '../../exports/pdf';
import { Layout } from '../components/layout';
import type { UiEnv, View } from '../env';
import { view } from '../middleware';
import { FxRevaluationSection, fxRevaluationNotice, fxRevaluationRoutes, loadFxRevaluationState } from './fx-revaluation';
import type { Notice } from '../components/notice';
import { Pager } from '../components/pager';

/**
 * Finance reports: profit and loss, balance sheet, cash flow, receivables aging, budgets and rates.
 * Charts are SVG drawn on the server (no chart library, no script), like the dashboard's.
 */

type Amounts = { byCurrency: Record<string, number>; functionalMinor: number };
type Row = { section: string; key: string; label: string; amounts: Amounts };

const COLORS = { current: '#2457d6', previous: '#b8c4de', good: '#0f9d8a', bad: '#c0392b', warn: '#e0892b' };
const today = () => new Date().toISOString().slice(0, 10);
const yearStart = (d: string) => `${d.slice(0, 4)}-01-01`;
const validDay = (s: string | undefined) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) ? s : undefined);

export const ReportTabs: FC<{ v: View; current: string }> = ({ v, current }) => {
  const tabs: Array<[string, string]> = [
    ['/finance/reports', v.i18n.t('reports.profitAndLoss')], ['/finance/reports/balance-sheet', v.i18n.t('reports.balanceSheet')],
    ['/finance/reports/cash-flow', v.i18n.t('reports.cashFlow')], ['/finance/receivables', v.i18n.t('reports.receivables')],
    ['/finance/payables', v.i18n.t('reports.payables')], ['/finance/bank', v.i18n.t('reports.bank')],
    ['/finance/budgets', v.i18n.t('reports.budgets')], ['/finance/fx-rates', v.i18n.t('reports.fxRates')],
  ];
  return (
    <nav class="tabs" aria-label={v.i18n.t('reports.title')}>
      <a href="/finance">{v.i18n.t('finance.payouts')}</a>
      {tabs.map(([href, label]) => <a href={href} aria-current={href === current ? 'page' : undefined}>{label}</a>)}
    </nav>
  );
};

/** Horizontal bars, one pair (this period, the previous) per item, around a zero line; negatives go left. */
export const CompareChart: FC<{ v: View; title: string; currency: string; items: Array<{ label: string; current: number; previous?: number }> }> = ({ v, title, currency, items }) => {
  // As wide as the panel draws it (labels keep the page's text size); room on the right for the amounts.
  const W = 1200, rowH = 34, left = 200, right = 130, top = 8;
  const H = top + items.length * rowH + 8;
  const max = Math.max(1, ...items.flatMap((i) => [Math.abs(i.current), Math.abs(i.previous ?? 0)]));
  const hasNeg = items.some((i) => i.current < 0 || (i.previous ?? 0) < 0);
  const zero = hasNeg ? left + (W - left - right) / 2 : left;
  const scale = (W - (hasNeg ? (W - left - right) / 2 + left : left) - right) / max;
  // Where a bar of this value ends (left of the zero line when negative).
  const end = (val: number) => (val < 0 ? zero - Math.abs(val) * scale : zero + Math.abs(val) * scale);
  const bar = (val: number, y: number, h: number, fill: string, label: string) => {
    const w = Math.abs(val) * scale;
    return <rect x={Math.min(end(val), zero)} y={y} width={Math.max(w, 0.5)} height={h} fill={fill}><title>{label}</title></rect>;
  };
  return (
    <figure style="margin:0">
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <title>{title}</title>
        <line x1={zero} x2={zero} y1={0} y2={H} stroke="#c9cfdb" />
        {items.map((it, i) => {
          const y = top + i * rowH;
          return (
            <g>
              <text x={left - 8} y={y + 17} text-anchor="end">{it.label}</text>
              {bar(it.current, y + 2, 14, it.current < 0 ? COLORS.bad : COLORS.current, `${it.label}: ${v.i18n.money(it.current, currency)}`)}
              {/* The amount beside its bar, so nobody has to hover to read it. */}
              <text class="value" x={end(it.current) + (it.current < 0 ? -6 : 6)} y={y + 14}
                text-anchor={it.current < 0 ? 'end' : 'start'}>{v.i18n.money(it.current, currency)}</text>
              {it.previous !== undefined && bar(it.previous, y + 18, 9, COLORS.previous, `${it.label} (${v.i18n.t('reports.previous')}): ${v.i18n.money(it.previous, currency)}`)}
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        <span><i style={`background:${COLORS.current}`}></i>{v.i18n.t('reports.current')}</span>
        {items.some((i) => i.previous !== undefined) && <span><i style={`background:${COLORS.previous}`}></i>{v.i18n.t('reports.previous')}</span>}
      </figcaption>
    </figure>
  );
};

const rowLabel = (v: View, r: Row) => (r.section === 'sales' ? `${v.i18n.tEnum('statementSection', 'sales')} · ${v.i18n.tEnum('channel', r.key)}` : ['operating_expenses', 'other_income', 'other_assets', 'other_liabilities', 'equity', 'retained_earnings'].includes(r.section) ? r.label : v.i18n.tEnum('statementSection', r.section));

/**
 * Lines of a statement: a column per booked currency, the functional figure, the comparison. The lines
 * stand (indented) above the total they add up to, as a statement reads; totals a layout does not name,
 * and lines no total takes, come last.
 */
const StatementTable: FC<{ v: View; id: string; rows: Row[]; totals: Record<string, Amounts>; previous: { rows: Row[]; totals: Record<string, Amounts> }; currency: string; layout: StatementLayout }> = ({ v, id, rows, totals, previous, currency, layout }) => {
  const currencies = [...new Set([...rows.map((r) => r.amounts), ...Object.values(totals)].flatMap((a) => Object.keys(a.byCurrency)))].sort();
  const prev = new Map(previous.rows.map((r) => [`${r.section}|${r.key}`, r.amounts.functionalMinor]));
  const { money, t } = v.i18n;
  const ordered = statementOrder(rows, totals, layout);
  return (
    <div class="table-wrap">
      <table id={id} class="statement">
        <thead>
          <tr>
            <th scope="col">{t('reports.line')}</th>
            {currencies.map((c) => <th scope="col" class="num">{c}</th>)}
            <th scope="col" class="num">{t('reports.inFunctional', { currency })}</th>
            <th scope="col" class="num">{t('reports.previous')}</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((item) => (item.kind === 'line' ? (
            <tr data-section={item.r.section}>
              <td>{rowLabel(v, item.r)}</td>
              {currencies.map((c) => <td class="num">{item.r.amounts.byCurrency[c] === undefined ? '' : money(item.r.amounts.byCurrency[c]!, c)}</td>)}
              <td class="num">{money(item.r.amounts.functionalMinor, currency)}</td>
              <td class="num muted">{money(prev.get(`${item.r.section}|${item.r.key}`) ?? 0, currency)}</td>
            </tr>
          ) : (
            <tr data-total={item.k} style="font-weight:600">
              <td>{v.i18n.tEnum('statementTotal', item.k)}</td>
              {currencies.map((c) => <td class="num">{item.a.byCurrency[c] === undefined ? '' : money(item.a.byCurrency[c]!, c)}</td>)}
              <td class="num">{money(item.a.functionalMinor, currency)}</td>
              <td class="num muted">{money(previous.totals[item.k]?.functionalMinor ?? 0, currency)}</td>
            </tr>
          )))}
        </tbody>
      </table>
    </div>
  );
};

const PeriodForm: FC<{ v: View; action: string; from?: string; to?: string; at?: string; csv: string }> = ({ v, action, from, to, at, csv }) => (
  <form method="get" action={action} class="row" style="margin-bottom:1rem">
    {at !== undefined ? (
      <label>{v.i18n.t('reports.at')} <input type="date" name="at" value={at} /></label>
    ) : (
      <>
        <label>{v.i18n.t('reports.from')} <input type="date" name="from" value={from} /></label>
        <label>{v.i18n.t('reports.to')} <input type="date" name="to" value={to} /></label>
      </>
    )}
    <button type="submit" class="btn">{v.i18n.t('inbox.apply')}</button>
    <a class="btn" href={csv} download>{v.i18n.t('reports.downloadCsv')}</a>
    <a class="btn" href={csv.replace('.csv?', '.pdf?')} download>{v.i18n.t('reports.downloadPdf')}</a>
  </form>
);

const MissingRates: FC<{ v: View; missing: Array<{ currency: string; date: string }> }> = ({ v, missing }) =>
  missing.length === 0 ? null : <p class="notice warn" role="status">{v.i18n.t('reports.missingRates', { currencies: [...new Set(missing.map((m) => m.currency))].join(', ') })}</p>;

function period(c: Context<UiEnv>) {
  const to = validDay(c.req.query('to')) ?? today();
  const from = validDay(c.req.query('from')) ?? yearStart(to);
  return from <= to ? { from, to } : { from: to, to: from };
}

export function statementRoutes(ui: Hono<UiEnv>): void {
  ui.get('/finance/reports', async (c) => {
    const v = view(c);
    const { t } = v.i18n;
    const p = period(c);
    const r = await getProfitAndLoss(c.get('ctx'), p);
    const cur = r.functionalCurrency;
    const keys = ['netRevenue', 'cogs', 'grossMargin', 'operatingCosts', 'netIncome'] as const;
    return c.html(
      <Layout v={v} title={t('reports.profitAndLoss')}>
        <h1>{t('reports.profitAndLoss')}</h1>
        <ReportTabs v={v} current="/finance/reports" />
        <PeriodForm v={v} action="/finance/reports" from={p.from} to={p.to} csv={`/finance/reports/profit-and-loss.csv?from=${p.from}&to=${p.to}`} />
        <MissingRates v={v} missing={r.current.missingRates} />
        <section class="panel">
          <CompareChart v={v} title={t('reports.profitAndLoss')} currency={cur}
            items={keys.map((k) => ({ label: v.i18n.tEnum('statementTotal', k), current: r.current.totals[k].functionalMinor, previous: r.previous.totals[k].functionalMinor }))} />
        </section>
        <StatementTable v={v} id="profit-and-loss" rows={r.current.rows} totals={r.current.totals} previous={r.previous} currency={cur} layout={PL_LAYOUT} />
      </Layout>,
    );
  });

  ui.get('/finance/reports/balance-sheet', async (c) => {
    const v = view(c);
    const { t } = v.i18n;
    const at = validDay(c.req.query('at')) ?? today();
    const r = await getBalanceSheet(c.get('ctx'), { at });
    const cur = r.functionalCurrency;
    const keys = ['assets', 'liabilities', 'equity'] as const;
    return c.html(
      <Layout v={v} title={t('reports.balanceSheet')}>
        <h1>{t('reports.balanceSheet')}</h1>
        <ReportTabs v={v} current="/finance/reports/balance-sheet" />
        <PeriodForm v={v} action="/finance/reports/balance-sheet" at={at} csv={`/finance/reports/balance-sheet.csv?at=${at}`} />
        <MissingRates v={v} missing={r.current.missingRates} />
        <p class={`notice ${r.current.totals.assets.functionalMinor === r.current.totals.liabilitiesAndEquity.functionalMinor ? 'good' : 'bad'}`} id="tie-out">
          {t('reports.tieOut', { assets: v.i18n.money(r.current.totals.assets.functionalMinor, cur), rest: v.i18n.money(r.current.totals.liabilitiesAndEquity.functionalMinor, cur) })}
        </p>
        <section class="panel">
          <CompareChart v={v} title={t('reports.balanceSheet')} currency={cur}
            items={keys.map((k) => ({ label: v.i18n.tEnum('statementTotal', k), current: r.current.totals[k].functionalMinor, previous: r.previous.totals[k].functionalMinor }))} />
        </section>
        <StatementTable v={v} id="balance-sheet" rows={r.current.rows} totals={r.current.totals} previous={r.previous} currency={cur} layout={BS_LAYOUT} />
      </Layout>,
    );
  });

  ui.get('/finance/reports/cash-flow', async (c) => {
    const v = view(c);
    const { t } = v.i18n;
    const p = period(c);
    const r = await getCashFlow(c.get('ctx'), p);
    const cur = r.functionalCurrency;
    const prev = new Map(r.previous.rows.map((x: Row) => [x.section, x.amounts.functionalMinor]));
    return c.html(
      <Layout v={v} title={t('reports.cashFlow')}>
        <h1>{t('reports.cashFlow')}</h1>
        <ReportTabs v={v} current="/finance/reports/cash-flow" />
        <PeriodForm v={v} action="/finance/reports/cash-flow" from={p.from} to={p.to} csv={`/finance/reports/cash-flow.csv?from=${p.from}&to=${p.to}`} />
        <MissingRates v={v} missing={r.current.missingRates} />
        <section class="panel">
          <CompareChart v={v} title={t('reports.cashFlow')} currency={cur} items={[
            { label: v.i18n.tEnum('statementTotal', 'opening'), current: r.current.totals.opening.functionalMinor, previous: r.previous.totals.opening.functionalMinor },
            ...r.current.rows.map((x: Row) => ({ label: v.i18n.tEnum('statementSection', x.section), current: x.amounts.functionalMinor, previous: prev.get(x.section) ?? 0 })),
            { label: v.i18n.tEnum('statementTotal', 'closing'), current: r.current.totals.closing.functionalMinor, previous: r.previous.totals.closing.functionalMinor },
          ]} />
        </section>
        <StatementTable v={v} id="cash-flow" rows={r.current.rows} totals={r.current.totals} previous={r.previous} currency={cur} layout={CF_LAYOUT} />
      </Layout>,
    );
  });

  // CSV downloads for the UI (session auth); the API serves the same with Accept: text/csv.
  for (const [name, load] of [
    ['profit-and-loss', (c: Context<UiEnv>) => getProfitAndLoss(c.get('ctx'), period(c))],
    ['balance-sheet', (c: Context<UiEnv>) => getBalanceSheet(c.get('ctx'), { at: validDay(c.req.query('at')) ?? today() })],
    ['cash-flow', (c: Context<UiEnv>) => getCashFlow(c.get('ctx'), period(c))],
  ] as const) {
    ui.get(`/finance/reports/${name}.csv`, async (c) => {
      const r = await load(c);
      return c.body(statementCsv(r.current as never, r.previous as never, r.functionalCurrency), 200, {
        'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"`,
      });
    });
    // The same statement as a PDF in the reader's language (CJK font embedded, see src/exports/pdf.ts).
    ui.get(`/finance/reports/${name}.pdf`, async (c) => {
      const v = view(c);
      const { t, money } = v.i18n;
      const r = (await load(c)) as unknown as { functionalCurrency: string; current: { rows: Row[]; totals: Record<string, { functionalMinor: number }> }; previous: { rows: Row[]; totals: Record<string, { functionalMinor: number }> } };
      const cur = r.functionalCurrency;
      const prev = new Map(r.previous.rows.map((x) => [`${x.section}|${x.key}`, x.amounts.functionalMinor]));
      const title = t(name === 'profit-and-loss' ? 'reports.profitAndLoss' : name === 'balance-sheet' ? 'reports.balanceSheet' : 'reports.cashFlow');
      const q = c.req.query();
      const pdf = await renderPdf({
        title,
        header: name === 'balance-sheet'
          ? [{ label: t('reports.at'), value: q.at ?? today() }]
          : [{ label: t('reports.from'), value: period(c).from ?? '' }, { label: t('reports.to'), value: period(c).to ?? '' }],
        table: {
          columns: [{ label: t('reports.line'), width: 3 }, { label: t('reports.current'), align: 'right' }, { label: t('reports.previous'), align: 'right' }],
          rows: r.current.rows.map((x) => [rowLabel(v, x), money(x.amounts.functionalMinor, cur), money(prev.get(`${x.section}|${x.key}`) ?? 0, cur)]),
        },
        totals: Object.entries(r.current.totals).map(([k, a]) => ({ label: v.i18n.tEnum('statementTotal', k), value: money(a.functionalMinor, cur) })),
        footer: t('reports.inFunctional', { currency: cur }),
      });
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}.pdf"` });
    });
  }

  ui.get('/finance/receivables', async (c) => {
    const v = view(c);
    const { t, money } = v.i18n;
    const at = validDay(c.req.query('at')) ?? today();
    const aging = await receivablesAging(c.get('ctx'), { at });
    // Both lists page on their own (`overdue=`, `invoices=` cursors), by due date then number: the
    // overdue list so starts with the most overdue (the reminders job follows up at 1, 15 and 30 days).
    const cursorOf = (k: string) => (c.req.query(k)?.trim() || undefined);
    const open = await listInvoices(c.get('ctx'), { status: 'open', limit: 100, cursor: cursorOf('invoices') });
    const overduePage = await listInvoices(c.get('ctx'), { status: 'overdue', at, limit: 100, cursor: cursorOf('overdue') });
    const overdue = overduePage.items.map((i) => ({ ...i, daysOverdue: daysBetween(i.dueDate, at) }));
    const payments = await listPayments(c.get('ctx'), { limit: 50, cursor: cursorOf('payments') });
    const pageLink = (k: 'overdue' | 'invoices' | 'payments', cursor: string | null) => {
      const q = new URLSearchParams({ at });
      for (const other of ['overdue', 'invoices', 'payments'] as const) if (other !== k && cursorOf(other)) q.set(other, cursorOf(other)!);
      if (cursor) q.set(k, cursor);
      return `/finance/receivables?${q}#${k}-h`;
    };
    const cur = aging.functionalCurrency;
    return c.html(
      <Layout v={v} title={t('reports.receivables')}>
        <h1>{t('reports.receivables')}</h1>
        <ReportTabs v={v} current="/finance/receivables" />
        <form method="get" action="/finance/receivables" class="row" style="margin-bottom:1rem">
          <label>{t('reports.at')} <input type="date" name="at" value={at} /></label>
          <button type="submit" class="btn">{t('inbox.apply')}</button>
        </form>
        <section class="panel">
          <CompareChart v={v} title={t('reports.aging')} currency={cur} items={aging.buckets.map((b) => ({ label: v.i18n.tEnum('agingBucket', b), current: aging.functionalTotals[b] }))} />
        </section>
        <h2>{t('reports.aging')}</h2>
        {aging.customers.length === 0 ? <p class="muted">{t('reports.nothingOwed')}</p> : (
          <div class="table-wrap">
            <table id="aging">
              <thead><tr><th scope="col">{t('reports.customer')}</th>{aging.buckets.map((b) => <th scope="col" class="num">{v.i18n.tEnum('agingBucket', b)}</th>)}<th scope="col" class="num">{t('reports.total')}</th></tr></thead>
              <tbody>
                {aging.customers.map((cu) => (
                  <tr data-customer={cu.customerRef}><td><a href={`/finance/receivables/customers/${encodeURIComponent(cu.customerRef)}`} title={t('ar.account.open')}>{cu.customerName ?? cu.customerRef}</a><span class="sub">{cu.customerRef}</span></td>
                    {aging.buckets.map((b) => <td class="num">{cu.buckets[b] ? money(cu.buckets[b], cu.currency) : ''}</td>)}
                    <td class="num">{money(cu.totalMinor, cu.currency)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h2 id="overdue-h">{t('reports.overdueInvoices')}</h2>
        {overdue.length === 0 ? <p class="muted">{t('reports.nothingOverdue')}</p> : (
          <div class="table-wrap">
            <table id="overdue">
              <thead><tr><th scope="col">{t('reports.invoice')}</th><th scope="col">{t('reports.customer')}</th><th scope="col">{t('reports.due')}</th><th scope="col" class="num">{t('reports.daysOverdue')}</th><th scope="col" class="num">{t('reports.outstanding')}</th></tr></thead>
              <tbody>
                {overdue.map((i) => (
                  <tr class="overdue" data-invoice={i.id}>
                    <td class="mono">{i.number}</td><td>{i.customerName ?? i.customerRef}</td><td>{v.i18n.date(i.dueDate)}</td>
                    <td class="num" data-days={i.daysOverdue}>{t('reports.daysCount', { days: i.daysOverdue })}</td><td class="num">{money(i.outstandingMinor, i.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager id="overdue" first={cursorOf('overdue') ? pageLink('overdue', null) : null} next={overduePage.nextCursor ? pageLink('overdue', overduePage.nextCursor) : null}
          firstLabel={t('reports.firstInvoices')} nextLabel={t('reports.moreInvoices')} />
        <h2 id="invoices-h">{t('reports.openInvoices')}</h2>
        <div class="table-wrap">
          <table id="invoices">
            <thead><tr><th scope="col">{t('reports.invoice')}</th><th scope="col">{t('reports.customer')}</th><th scope="col">{t('reports.issued')}</th><th scope="col">{t('reports.due')}</th><th scope="col" class="num">{t('reports.total')}</th><th scope="col" class="num">{t('reports.outstanding')}</th></tr></thead>
            <tbody>
              {open.items.map((i) => (
                <tr class={i.dueDate < at ? 'overdue' : undefined}>
                  <td class="mono">{i.number}</td><td>{i.customerName ?? i.customerRef}</td><td>{v.i18n.date(i.issueDate)}</td>
                  <td>{v.i18n.date(i.dueDate)}{i.dueDate < at && <span class="sub">{t('reports.overdue')}</span>}</td>
                  <td class="num">{money(i.totalMinor, i.currency)}</td><td class="num">{money(i.outstandingMinor, i.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager id="invoices" first={cursorOf('invoices') ? pageLink('invoices', null) : null} next={open.nextCursor ? pageLink('invoices', open.nextCursor) : null}
          firstLabel={t('reports.firstInvoices')} nextLabel={t('reports.moreInvoices')} />
        <h2 id="payments-h">{t('ar.payments.title')}</h2>
        {payments.items.length === 0 ? <p class="muted">{t('ar.noPayments')}</p> : (
          <div class="table-wrap">
            <table id="payments">
              <thead><tr><th scope="col">{t('ar.payment')}</th><th scope="col">{t('reports.customer')}</th><th scope="col">{t('ar.receivedDate')}</th><th scope="col" class="num">{t('ar.received')}</th><th scope="col" class="num">{t('ar.applied')}</th></tr></thead>
              <tbody>
                {payments.items.map((p) => (
                  <tr data-payment={p.reference}><td class="mono">{p.reference}</td>
                    <td><a href={`/finance/receivables/customers/${encodeURIComponent(p.customerRef)}`}>{p.customerRef}</a></td><td>{v.i18n.date(p.receivedDate)}</td>
                    <td class="num">{money(p.amountMinor, p.currency)}</td>
                    <td class="num">{money(p.appliedMinor, p.currency)}{p.unappliedMinor > 0 && <span class="sub">{t('ar.unapplied.left', { amount: money(p.unappliedMinor, p.currency) })}</span>}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager id="payments" first={cursorOf('payments') ? pageLink('payments', null) : null} next={payments.nextCursor ? pageLink('payments', payments.nextCursor) : null}
          firstLabel={t('ar.firstPayments')} nextLabel={t('ar.morePayments')} />
      </Layout>,
    );
  });

  ui.get('/finance/budgets', async (c) => {
    const v = view(c);
    const { t, money } = v.i18n;
    const m = c.req.query('month');
    const month = m && /^\d{4}-(0[1-9]|1[0-2])$/.test(m) ? m : today().slice(0, 7);
    const [list, alerts, valuation] = await Promise.all([listBudgets(c.get('ctx'), { month }), listBudgetAlerts(c.get('ctx'), { limit: 20 }), stockValuation(c.get('ctx'))]);
    return c.html(
      <Layout v={v} title={t('reports.budgets')}>
        <h1>{t('reports.budgets')}</h1>
        <ReportTabs v={v} current="/finance/budgets" />
        <form method="get" action="/finance/budgets" class="row" style="margin-bottom:1rem">
          <label>{t('reports.month')} <input type="month" name="month" value={month} /></label>
          <button type="submit" class="btn">{t('inbox.apply')}</button>
        </form>
        {list.items.length === 0 ? <p class="muted">{t('reports.noBudgets')}</p> : (
          <div class="table-wrap">
            <table id="budgets">
              <thead><tr><th scope="col">{t('reports.budget')}</th><th scope="col" class="num">{t('reports.budgeted')}</th><th scope="col" class="num">{t('reports.actual')}</th><th scope="col" class="num">{t('reports.committed')}</th><th scope="col">{t('reports.used')}</th></tr></thead>
              <tbody>
                {list.items.map((b) => {
                  const pct = b.usedPercent ?? 0;
                  const tone = pct >= 100 ? COLORS.bad : pct >= 80 ? COLORS.warn : COLORS.good;
                  return (
                    <tr data-budget={b.id}>
                      <td>{b.name}<span class="sub mono">{`${b.scope.kind}: ${b.scope.value}`}</span></td>
                      <td class="num">{b.budgetMinor === null ? '—' : money(b.budgetMinor, b.currency)}</td>
                      <td class="num">{money(b.actualMinor, b.currency)}</td>
                      <td class="num">{money(b.committedMinor, b.currency)}</td>
                      <td>
                        <svg width="160" height="14" role="img" aria-label={t('reports.usedPercent', { percent: pct })}>
                          <rect x="0" y="2" width="160" height="10" fill="#e5e8ee" rx="2" />
                          <rect x="0" y="2" width={Math.min(160, (160 * pct) / 100)} height="10" fill={tone} rx="2" />
                        </svg>
                        <span class="sub">{t('reports.usedPercent', { percent: pct })}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <h2>{t('reports.alerts')}</h2>
        {alerts.items.length === 0 ? <p class="muted">{t('reports.noAlerts')}</p> : (
          <ul id="budget-alerts">
            {alerts.items.map((a: any) => <li>{t('reports.alertLine', { name: a.budgetName, month: a.month, threshold: a.threshold, used: money(a.actualMinor + a.committedMinor, a.currency), budget: money(a.budgetMinor, a.currency) })}</li>)}
          </ul>
        )}
        <h2>{t('reports.stockValue')}</h2>
        <div class="table-wrap">
          <table id="stock-value">
            <thead><tr><th scope="col">{t('reports.warehouse')}</th><th scope="col" class="num">{t('reports.units')}</th><th scope="col" class="num">{t('reports.value')}</th></tr></thead>
            <tbody>
              {valuation.warehouses.map((w) => (
                <tr><td>{w.name}<span class="sub mono">{w.code}</span></td><td class="num">{v.i18n.number(w.units)}</td>
                  <td class="num">{Object.entries(w.values).map(([cur, val]) => money(val, cur)).join(' · ')}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </Layout>,
    );
  });

  const fxRatesPage = async (c: Context<UiEnv>, notice?: Notice, at?: string, status: 200 | 400 = 200) => {
    const v = view(c);
    const { t } = v.i18n;
    // A pair filter and a pager (`rates=` cursor): a few currencies a day fill hundreds of rows a year.
    const cur = (k: string) => { const x = (c.req.query(k) ?? '').trim().toUpperCase(); return /^[A-Z]{3}$/.test(x) ? x : undefined; };
    const base = cur('base'), quote = cur('quote'), ratesCursor = c.req.query('rates')?.trim() || undefined;
    const [rates, settings] = await Promise.all([listFxRates(c.get('ctx'), { base, quote, cursor: ratesCursor, limit: 100 }), getCompanySettings(c.get('ctx'))]);
    const ratesLink = (cursor: string | null) => {
      const qs = new URLSearchParams();
      if (base) qs.set('base', base);
      if (quote) qs.set('quote', quote);
      if (cursor) qs.set('rates', cursor);
      return `/finance/fx-rates${qs.size ? `?${qs}` : ''}#fx-rates`;
    };
    const reval = await loadFxRevaluationState(c, settings.functionalCurrency, notice, at);
    return c.html(
      <Layout v={v} title={t('reports.fxRates')}>
        <h1>{t('reports.fxRates')}</h1>
        <ReportTabs v={v} current="/finance/fx-rates" />
        <p>{t('reports.functionalCurrency', { currency: settings.functionalCurrency })}</p>
        <form method="get" action="/finance/fx-rates" class="row" id="fx-filter">
          <label>{t('reports.baseCurrency')} <input name="base" value={base ?? ''} maxlength={3} size={4} pattern="[A-Za-z]{3}" placeholder={t('reports.anyCurrency')} /></label>
          <label>{t('reports.quoteCurrency')} <input name="quote" value={quote ?? ''} maxlength={3} size={4} pattern="[A-Za-z]{3}" placeholder={t('reports.anyCurrency')} /></label>
          <button type="submit" class="btn">{t('inbox.apply')}</button>
        </form>
        {rates.items.length === 0 ? <p class="muted">{t('reports.noRates')}</p> : (
          <div class="table-wrap">
            <table id="fx-rates">
              <thead><tr><th scope="col">{t('reports.date')}</th><th scope="col">{t('reports.pair')}</th><th scope="col" class="num">{t('reports.rate')}</th><th scope="col">{t('reports.source')}</th></tr></thead>
              <tbody>
                {rates.items.map((r) => <tr><td>{v.i18n.date(r.date)}</td><td class="mono">{`${r.base}/${r.quote}`}</td><td class="num mono">{r.rate}</td><td>{v.i18n.tEnum('rateSource', r.source)}</td></tr>)}
              </tbody>
            </table>
          </div>
        )}
        <Pager id="rates" first={ratesCursor ? ratesLink(null) : null} next={rates.nextCursor ? ratesLink(rates.nextCursor) : null}
          firstLabel={t('reports.newestRates')} nextLabel={t('reports.olderRates')} />
        <FxRevaluationSection v={v} s={reval} />
      </Layout>,
      status,
    );
  };
  ui.get('/finance/fx-rates', (c) => fxRatesPage(c, fxRevaluationNotice(c)));
  fxRevaluationRoutes(ui, (c, notice, at) => fxRatesPage(c, notice, at, 400));
}
