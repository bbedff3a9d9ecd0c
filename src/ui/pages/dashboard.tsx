import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { openBreaksByClass } from '../../finance/open-breaks-by-class';
import { allocationBacklog } from '../../inbox/allocation-backlog';
import { countOrders } from '../../inbox/count-orders';
import { salesPerDay, type SalesPerDay } from '../../inbox/sales-per-day';
import { stockValueByWarehouse } from '../../inventory/stock-value';
import { HBars, StackedBars } from '../components/charts';
import { Layout } from '../components/layout';
import type { UiEnv, View } from '../env';
import { view } from '../middleware';

const DAYS = 14;
/** Backlog states keep their meaning's colour: waiting (amber), partly there (orange), no stock (red). */
const BACKLOG_COLORS: Record<string, string> = { pending: '#8a6d00', partial: '#d55e00', backordered: '#b42318' };

const dayLabel = (v: View, d: string) => new Intl.DateTimeFormat(v.i18n.locale, { month: 'numeric', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));

/** Orders per channel per day, then one revenue chart per currency (amounts in different currencies are never added). */
const SalesCharts: FC<{ v: View; data: SalesPerDay }> = ({ v, data }) => {
  const { t, number, money } = v.i18n;
  const labels = data.days.map((d) => dayLabel(v, d));
  const total = data.orders.reduce((s, x) => s + x.values.reduce((a, b) => a + b, 0), 0);
  return (
    <>
      <section class="panel" aria-labelledby="orders-chart-h">
        <h2 id="orders-chart-h" style="margin-top:0">{t('dashboard.ordersPerDay')}</h2>
        <StackedBars id="orders-chart" title={t('dashboard.ordersPerDay')} desc={t('dashboard.chartSummary', { days: data.days.length, count: total })}
          labels={labels} format={number} series={data.orders.map((s) => ({ label: v.i18n.tEnum('channel', s.channel), values: s.values }))} />
      </section>
      <section class="panel" aria-labelledby="revenue-chart-h">
        <h2 id="revenue-chart-h" style="margin-top:0">{t('ui.dash.revenuePerDay')}</h2>
        {data.revenue.length === 0 ? <p class="muted">{t('ui.dash.noRevenue')}</p> : data.revenue.map((r) => {
          const sum = r.series.reduce((s, x) => s + x.values.reduce((a, b) => a + b, 0), 0);
          return (
            <div class="chart-block" data-currency={r.currency}>
              <h3>{t('ui.dash.revenueIn', { currency: r.currency })}</h3>
              <StackedBars id={`revenue-${r.currency}`} title={t('ui.dash.revenueIn', { currency: r.currency })}
                desc={t('ui.dash.revenueSummary', { total: money(sum, r.currency), days: data.days.length })}
                labels={labels} format={(n) => money(n, r.currency)}
                series={r.series.map((s) => ({ label: v.i18n.tEnum('channel', s.channel), values: s.values }))} />
            </div>
          );
        })}
      </section>
    </>
  );
};

type Backlog = Awaited<ReturnType<typeof allocationBacklog>>;
const BacklogChart: FC<{ v: View; data: Backlog }> = ({ v, data }) => {
  const { t, number } = v.i18n;
  const total = data.series.reduce((s, x) => s + x.values.reduce((a, b) => a + b, 0), 0);
  return (
    <section class="panel" aria-labelledby="backlog-chart-h">
      <h2 id="backlog-chart-h" style="margin-top:0">{t('ui.dash.backlog')}</h2>
      <StackedBars id="backlog-chart" title={t('ui.dash.backlog')} desc={t('ui.dash.backlogSummary', { count: total, days: data.days.length })}
        labels={data.days.map((d) => dayLabel(v, d))} format={number}
        series={data.series.map((s) => ({ label: v.i18n.tEnum('allocationStatus', s.state), values: s.values, color: BACKLOG_COLORS[s.state] }))} />
      <p class="hint">{t('ui.dash.backlogSummary', { count: total, days: data.days.length })}</p>
    </section>
  );
};

type StockValue = Awaited<ReturnType<typeof stockValueByWarehouse>>['items'];
const StockValueChart: FC<{ v: View; items: StockValue }> = ({ v, items }) => {
  const { t, money } = v.i18n;
  const currencies = [...new Set(items.flatMap((w) => w.values.map((x) => x.currency)))].sort();
  const unvalued = items.reduce((s, w) => s + w.unvaluedUnits, 0);
  return (
    <section class="panel" aria-labelledby="stock-value-h">
      <h2 id="stock-value-h" style="margin-top:0">{t('ui.dash.stockValue')}</h2>
      {currencies.length === 0 && <p class="muted">{t('ui.dash.noStockValue')}</p>}
      {currencies.map((cur) => {
        const rows = items.flatMap((w) => w.values.filter((x) => x.currency === cur).map((x) => ({
          label: `${w.warehouse} · ${w.name}`, value: x.valueMinor, display: money(x.valueMinor, cur), href: `/stock?warehouse=${encodeURIComponent(w.warehouse)}`,
        })));
        const sum = rows.reduce((s, r) => s + r.value, 0);
        return (
          <div class="chart-block" data-currency={cur}>
            {currencies.length > 1 && <h3>{cur}</h3>}
            <HBars id={`stock-value-${cur}`} title={`${t('ui.dash.stockValue')} (${cur})`} color="#0f8a78"
              desc={t('ui.dash.stockValueSummary', { total: money(sum, cur), count: rows.length })} rows={rows} />
          </div>
        );
      })}
      {unvalued > 0 && <p class="hint">{t('ui.dash.unvalued', { count: unvalued })} <a href="/products">{t('ui.products.title')}</a></p>}
      {items.length > 0 && <p class="small muted">{t('ui.dash.unitsOnHand', { count: items.reduce((s, w) => s + w.units, 0) })}</p>}
    </section>
  );
};

type Breaks = Awaited<ReturnType<typeof openBreaksByClass>>['items'];
const BreaksChart: FC<{ v: View; items: Breaks }> = ({ v, items }) => {
  const { t, money, number } = v.i18n;
  const count = items.reduce((s, b) => s + b.count, 0);
  return (
    <section class="panel" aria-labelledby="breaks-chart-h">
      <h2 id="breaks-chart-h" style="margin-top:0">{t('ui.dash.openBreaks')}</h2>
      {items.length === 0 ? <p class="muted">{t('ui.dash.noBreaks')}</p> : (
        <HBars id="breaks-chart" title={t('ui.dash.openBreaks')} desc={t('ui.dash.breaksSummary', { count })} color="#b3367f"
          rows={items.map((b) => ({ label: v.i18n.tEnum('breakClass', b.class), value: b.count, display: `${number(b.count)} · ${money(b.amountMinor, b.currency)}` }))} />
      )}
      <p class="small"><a href="/finance">{t('nav.finance')} →</a></p>
    </section>
  );
};

export function dashboardRoutes(ui: Hono<UiEnv>): void {
  ui.get('/dashboard', async (c) => {
    const ctx = c.get('ctx');
    const v = view(c);
    const { t } = v.i18n;
    const [sales, counts, backlog, stockValue, breaks] = await Promise.all([
      salesPerDay(ctx, { days: DAYS }), countOrders(ctx), allocationBacklog(ctx, { days: DAYS }), stockValueByWarehouse(ctx), openBreaksByClass(ctx),
    ]);
    const openBreaks = breaks.items.reduce((s, b) => s + b.count, 0);
    const cards: Array<[string, number, string]> = [
      [t('dashboard.totalOrders'), counts.total, '/'],
      [v.i18n.tEnum('status', 'open'), counts.status.open ?? 0, '/?status=open'],
      [v.i18n.tEnum('status', 'on_hold'), counts.status.on_hold ?? 0, '/?status=on_hold'],
      [v.i18n.tEnum('exception', 'unpaid'), counts.exception.unpaid ?? 0, '/?exception=unpaid'],
      [v.i18n.tEnum('allocationStatus', 'backordered'), counts.allocationStatus.backordered ?? 0, '/?allocationStatus=backordered'],
      [t('finance.openBreaks'), openBreaks, '/finance'],
    ];
    return c.html(
      <Layout v={v} title={t('nav.dashboard')}>
        <h1>{t('nav.dashboard')}</h1>
        <div class="cards">
          {cards.map(([label, n, href]) => (
            <a class="panel card" href={href}>
              <span class="muted small">{label}</span>
              <strong>{v.i18n.number(n)}</strong>
            </a>
          ))}
        </div>
        <div class="dash-grid">
          <SalesCharts v={v} data={sales} />
          <BacklogChart v={v} data={backlog} />
          <StockValueChart v={v} items={stockValue.items} />
          <BreaksChart v={v} items={breaks.items} />
        </div>
      </Layout>,
    );
  });
}
