import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { listConnections } from '../../connections/manage-connections';
import { computeForecasts, listForecasts, type StoredForecast } from '../../sales/compute-forecasts';
import { periodKeys, reportGroupings, salesReport, type SalesReport, type SalesReportRow } from '../../sales/sales-report';
import { salesReportCsv } from '../../sales/sales-report-csv';
import { axisWidth } from '../components/charts';
import { Csrf, Layout, Time } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { Pager } from '../components/pager';

const COLORS = ['#2457d6', '#0f9d8a', '#e0892b', '#b3367f', '#6b5bd6', '#4f8a10'];
const MONEY_COLS = ['grossSalesMinor', 'discountsMinor', 'revenueMinor', 'refundsMinor', 'netRevenueMinor', 'feesMinor', 'cogsMinor', 'grossMarginMinor', 'aovMinor'] as const;
const COUNT_COLS = ['orders', 'units', 'returnedUnits'] as const;
const RATE_COLS = ['marginRate', 'returnRate'] as const;
const COLUMNS = ['orders', 'units', 'revenueMinor', 'discountsMinor', 'refundsMinor', 'netRevenueMinor', 'feesMinor', 'cogsMinor', 'grossMarginMinor', 'marginRate', 'aovMinor', 'returnRate'] as const;

function cell(v: View, r: SalesReportRow, col: (typeof COLUMNS)[number]): string {
  const val = r[col];
  if ((MONEY_COLS as readonly string[]).includes(col)) return v.i18n.money(Number(val), r.currency);
  if ((RATE_COLS as readonly string[]).includes(col)) return val === null ? '—' : `${v.i18n.number(Math.round(Number(val) * 1000) / 10)} %`;
  if ((COUNT_COLS as readonly string[]).includes(col)) return v.i18n.number(Number(val));
  return String(val);
}

/** Net revenue per group as bars, one chart per currency (amounts of different currencies never share an axis). */
const RevenueChart: FC<{ v: View; report: SalesReport; currency: string; idx: number }> = ({ v, report, currency, idx }) => {
  const { t } = v.i18n;
  const sold = report.rows.filter((r) => r.currency === currency);
  // Over time, every period of the range gets its place on the axis, the ones that sold nothing too
  // (else one lone day filled the whole chart); by channel, SKU or customer, the 40 biggest.
  const periods = periodKeys(report.groupBy, report.from, report.to);
  const byKey = new Map(sold.map((r) => [r.key, r]));
  const rows: Array<Pick<SalesReportRow, 'key' | 'netRevenueMinor'>> = periods.length > 0
    ? periods.map((k) => byKey.get(k) ?? { key: k, netRevenueMinor: 0 })
    : sold.sort((a, b) => (['day', 'week', 'month'].includes(report.groupBy) ? String(a.key).localeCompare(String(b.key)) : b.netRevenueMinor - a.netRevenueMinor)).slice(0, 40);
  // As wide as the page's panel draws it, so the labels keep the size of the page's text.
  const W = 1200, H = 260, bottom = 46, top = 10;
  const max = Math.max(1, ...rows.map((r) => r.netRevenueMinor));
  const min = Math.min(0, ...rows.map((r) => r.netRevenueMinor));
  const ticks = [max, (max + min) / 2, min];
  const left = axisWidth(ticks.map((tk) => v.i18n.money(Math.round(tk), currency)), 70);
  const bw = (W - left - 10) / Math.max(1, rows.length);
  const y = (val: number) => top + (H - top - bottom) * ((max - val) / (max - min));
  const group = t(`sales.group.${report.groupBy}`);
  // Days and weeks of one year read as MM-DD (the year is in the range above the chart).
  const oneYear = periods.length > 0 && report.groupBy !== 'month' && periods[0]!.slice(0, 4) === periods[periods.length - 1]!.slice(0, 4);
  const label = (r: Pick<SalesReportRow, 'key'>) => (r.key === null ? t('sales.none') : oneYear ? r.key.slice(5) : r.key.length > 14 ? `${r.key.slice(0, 13)}…` : r.key);
  // Every n-th bar is labelled, n chosen so that labels (~7.5 units a character) never overlap.
  const longest = Math.max(1, ...rows.map((r) => label(r).length));
  const every = Math.max(1, Math.ceil((longest * 7.5 + 12) / bw));
  const title = t('sales.chartTitle', { group, currency });
  return (
    <figure style="margin:0 0 1rem">
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`rev-title-${idx}`}>
        <title id={`rev-title-${idx}`}>{title}</title>
        {ticks.map((tk) => (
          <g>
            <line x1={left} x2={W - 10} y1={y(tk)} y2={y(tk)} stroke="#e5e8ee" />
            <text x={left - 6} y={y(tk) + 4} text-anchor="end">{v.i18n.money(Math.round(tk), currency)}</text>
          </g>
        ))}
        {rows.map((r, i) => (
          <g>
            <rect x={left + i * bw + bw * 0.15} width={bw * 0.7} y={Math.min(y(r.netRevenueMinor), y(0))} height={Math.abs(y(0) - y(r.netRevenueMinor))} fill={COLORS[idx % COLORS.length]}>
              <title>{`${label(r)}: ${v.i18n.money(r.netRevenueMinor, currency)}`}</title>
            </rect>
            {i % every === 0 && (
              <text x={left + i * bw + bw / 2} y={H - 26} text-anchor="middle">{label(r)}</text>
            )}
          </g>
        ))}
      </svg>
      <figcaption class="small muted">{title}</figcaption>
    </figure>
  );
};

const SalesPage: FC<{ v: View; report: SalesReport; qs: string; connections: Array<{ id: string; name: string }>; values: Record<string, string>; forecasts: StoredForecast[]; forecastLinks: { next: string | null; first: string | null }; canWrite: boolean }> = ({ v, report, qs, connections, values, forecasts, forecastLinks, canWrite }) => {
  const { t, tEnum, number, money } = v.i18n;
  const currencies = [...new Set(report.totals.map((r) => r.currency))];
  return (
    <Layout v={v} title={t('sales.title')}>
      <h1>{t('sales.title')}</h1>
      <form method="get" action="/sales" class="row panel" style="margin-bottom:1rem">
        <label>{t('sales.groupBy')} <select name="groupBy">{reportGroupings.map((g) => <option value={g} selected={g === report.groupBy}>{t(`sales.group.${g}`)}</option>)}</select></label>
        <label>{t('sales.from')} <input type="date" name="from" value={values.from} /></label>
        <label>{t('sales.to')} <input type="date" name="to" value={values.to} /></label>
        <label>{t('sales.connection')} <select name="connectionId">
          <option value="">{t('sales.allConnections')}</option>
          {connections.map((c) => <option value={c.id} selected={c.id === values.connectionId}>{c.name}</option>)}
        </select></label>
        <button type="submit" class="btn">{t('sales.apply')}</button>
        <span class="spacer"></span>
        <a class="btn" href={`/sales/export.csv${qs}`} download>{t('sales.exportCsv')}</a>
      </form>
      {report.rows.length === 0 ? <p class="empty">{t('sales.empty')}</p> : (
        <>
          <section class="panel">
            {currencies.map((cur, i) => <RevenueChart v={v} report={report} currency={cur} idx={i} />)}
          </section>
          <section class="panel" style="margin-top:1rem">
            <div class="table-wrap" style="border:0">
              <table id="sales-report">
                <caption class="skip">{t('sales.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t(`sales.group.${report.groupBy}`)}</th>
                    <th scope="col">{t('sales.col.currency')}</th>
                    {COLUMNS.map((c) => <th scope="col" class="num">{t(`sales.col.${c}`)}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {[...report.rows.map((r) => ({ r, total: false })), ...report.totals.map((r) => ({ r, total: true }))].map(({ r, total }) => (
                    <tr class={total ? 'total' : ''}>
                      <th scope="row">{total ? t('sales.totals') : r.key === null ? t('sales.none') : report.groupBy === 'channel' ? tEnum('channel', r.key) : r.key}{!r.costComplete && <span title={t('sales.costIncomplete')}> *</span>}</th>
                      <td>{r.currency}</td>
                      {COLUMNS.map((c) => <td class="num">{cell(v, r, c)}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {report.rows.some((r) => !r.costComplete) && <p class="small muted">* {t('sales.costIncomplete')}</p>}
          </section>
          <div class="row" style="align-items:flex-start;margin-top:1rem">
            <section class="panel" style="flex:1">
              <h2 style="margin-top:0">{t('sales.topSkus')}</h2>
              <table>
                <thead><tr><th scope="col">{t('sales.group.sku')}</th><th scope="col" class="num">{t('sales.col.units')}</th><th scope="col" class="num">{t('sales.col.netRevenueMinor')}</th></tr></thead>
                <tbody>{report.topSkus.map((s) => <tr><td class="mono"><a href={`/stock?sku=${encodeURIComponent(s.sku)}`}>{s.sku}</a></td><td class="num">{number(s.units)}</td><td class="num">{money(s.netRevenueMinor, s.currency)}</td></tr>)}</tbody>
              </table>
            </section>
            <section class="panel" style="flex:1">
              <h2 style="margin-top:0">{t('sales.topCustomers')}</h2>
              <table>
                <thead><tr><th scope="col">{t('sales.group.customer')}</th><th scope="col" class="num">{t('sales.col.orders')}</th><th scope="col" class="num">{t('sales.col.netRevenueMinor')}</th></tr></thead>
                <tbody>{report.topCustomers.map((s) => <tr><td>{s.customer}</td><td class="num">{number(s.orders)}</td><td class="num">{money(s.netRevenueMinor, s.currency)}</td></tr>)}</tbody>
              </table>
            </section>
          </div>
        </>
      )}
      <section class="panel" style="margin-top:1rem" id="forecasts">
        <div class="row">
          <h2 style="margin:0">{t('forecast.title')}</h2>
          <span class="spacer"></span>
          {canWrite && (
            <form method="post" action="/sales/forecasts/compute">
              <Csrf v={v} />
              <button type="submit" class="btn">{t('forecast.run')}</button>
            </form>
          )}
        </div>
        {forecasts.length === 0 ? <p class="muted">{t('forecast.none')}</p> : (
          <div class="table-wrap" style="border:0">
            <table id="forecast-table">
              <thead>
                <tr>
                  <th scope="col">{t('forecast.sku')}</th><th scope="col">{t('forecast.scope')}</th><th scope="col">{t('forecast.method')}</th>
                  <th scope="col" class="num">{t('forecast.dailyMean')}</th><th scope="col" class="num">{t('forecast.error')}</th>
                  <th scope="col" class="num">{t('forecast.naive')}</th><th scope="col">{t('forecast.computedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {forecasts.map((f) => (
                  <tr>
                    <td class="mono">{f.sku}</td>
                    <td>{f.warehouse ?? t('forecast.allWarehouses')}</td>
                    <td>{tEnum('forecastMethod', f.method)}</td>
                    <td class="num">{number(Math.round(f.dailyMean * 100) / 100)}</td>
                    <td class="num">{number(Math.round(f.mae * 100) / 100)} / {f.mase === null ? '—' : number(Math.round(f.mase * 100) / 100)}</td>
                    <td class="num">{number(Math.round(f.naiveRmse * 100) / 100)}</td>
                    <td><Time v={v} at={f.computedAt} relative /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager id="forecasts" first={forecastLinks.first} next={forecastLinks.next} firstLabel={t('forecast.first')} nextLabel={t('forecast.more')} />
      </section>
    </Layout>
  );
};

const DAY = 86_400_000;

function reportParams(url: URL, now: Date): Record<string, string> {
  const get = (k: string) => url.searchParams.get(k) ?? '';
  const today = new Date(Math.floor(now.getTime() / DAY) * DAY);
  return {
    groupBy: (reportGroupings as readonly string[]).includes(get('groupBy')) ? get('groupBy') : 'day',
    from: /^\d{4}-\d{2}-\d{2}$/.test(get('from')) ? get('from') : new Date(today.getTime() - 29 * DAY).toISOString().slice(0, 10),
    to: /^\d{4}-\d{2}-\d{2}$/.test(get('to')) ? get('to') : today.toISOString().slice(0, 10),
    connectionId: get('connectionId'),
  };
}

const query = (values: Record<string, string>) => ({ ...values, connectionId: values.connectionId || undefined });

export function salesRoutes(ui: Hono<UiEnv>): void {
  ui.get('/sales', async (c) => {
    const ctx = c.get('ctx');
    const v = view(c);
    const values = reportParams(v.url, ctx.now());
    const report = await salesReport(ctx, query(values));
    const connections = (await listConnections(ctx)).map((x) => ({ id: x.id, name: x.name }));
    const qs = `?${new URLSearchParams(Object.entries(values).filter(([, x]) => x)).toString()}`;
    // The forecasts page on their own (`forecasts=` cursor), keeping the report's filters.
    const forecastCursor = c.req.query('forecasts')?.trim() || undefined;
    const forecasts = await listForecasts(ctx, { limit: 100, cursor: forecastCursor });
    const link = (cursor: string | null) => {
      const p = new URLSearchParams(Object.entries(values).filter(([, x]) => x));
      if (cursor) p.set('forecasts', cursor);
      return `/sales?${p}#forecasts`;
    };
    const forecastLinks = { next: forecasts.nextCursor ? link(forecasts.nextCursor) : null, first: forecastCursor ? link(null) : null };
    const canWrite = v.principal?.role === 'admin' || v.principal?.role === 'operator';
    return c.html(<SalesPage v={v} report={report} qs={qs} connections={connections} values={values} forecasts={forecasts.items} forecastLinks={forecastLinks} canWrite={canWrite} />);
  });

  // The same CSV as GET /api/v1/reports/sales with Accept: text/csv, in the UI's language.
  ui.get('/sales/export.csv', async (c) => {
    const ctx = c.get('ctx');
    const values = reportParams(new URL(c.req.url), ctx.now());
    const report = await salesReport(ctx, query(values));
    c.header('content-disposition', `attachment; filename="sales-${report.groupBy}.csv"`);
    return c.body(salesReportCsv(report, c.get('i18n')), 200, { 'content-type': 'text/csv; charset=utf-8' });
  });

  ui.post('/sales/forecasts/compute', async (c) => {
    assertMayWrite(c, '/api/v1/forecasts/compute');
    await computeForecasts(c.get('ctx'), {});
    return c.redirect('/sales#forecasts', 303);
  });
}
