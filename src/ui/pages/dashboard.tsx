import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { countOrders } from '../../inbox/count-orders';
import { ordersPerDay } from '../../inbox/orders-per-day';
import { Layout } from '../components/layout';
import type { UiEnv, View } from '../env';
import { view } from '../middleware';

const COLORS = ['#2457d6', '#0f9d8a', '#e0892b', '#b3367f', '#6b5bd6', '#4f8a10', '#c0392b', '#7f8c8d'];

type Series = Awaited<ReturnType<typeof ordersPerDay>>;

/** Orders per channel per day as stacked bars, drawn on the server as SVG (no chart library, no script). */
export const OrdersChart: FC<{ v: View; data: Series }> = ({ v, data }) => {
  const { t } = v.i18n;
  const W = 860, H = 260, left = 40, bottom = 28, top = 10;
  const n = data.days.length;
  const totals = data.days.map((_, i) => data.series.reduce((s, x) => s + (x.counts[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = niceStep(max);
  const yMax = Math.ceil(max / step) * step;
  const bw = (W - left - 10) / n;
  const y = (val: number) => top + (H - top - bottom) * (1 - val / yMax);
  const ticks = Array.from({ length: Math.floor(yMax / step) + 1 }, (_, i) => i * step);
  const dayLabel = (d: string) => new Intl.DateTimeFormat(v.i18n.locale, { month: 'numeric', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));
  const total = totals.reduce((a, b) => a + b, 0);
  return (
    <figure style="margin:0">
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">{t('dashboard.ordersPerDay')}</title>
        <desc id="chart-desc">{t('dashboard.chartSummary', { days: n, count: total })}</desc>
        {ticks.map((tk) => (
          <g>
            <line x1={left} x2={W - 10} y1={y(tk)} y2={y(tk)} stroke="#e5e8ee" />
            <text x={left - 6} y={y(tk) + 4} text-anchor="end">{v.i18n.number(tk)}</text>
          </g>
        ))}
        {data.days.map((d, i) => {
          let acc = 0;
          return (
            <g>
              {data.series.map((s, si) => {
                const val = s.counts[i] ?? 0;
                if (val === 0) return null;
                const y0 = y(acc);
                acc += val;
                return (
                  <rect x={left + i * bw + bw * 0.15} width={bw * 0.7} y={y(acc)} height={Math.max(0, y0 - y(acc))} fill={COLORS[si % COLORS.length]}>
                    <title>{`${v.i18n.tEnum('channel', s.channel)} · ${dayLabel(d)}: ${v.i18n.number(val)}`}</title>
                  </rect>
                );
              })}
              {(n <= 16 || i % Math.ceil(n / 16) === 0) && <text x={left + i * bw + bw / 2} y={H - 8} text-anchor="middle">{dayLabel(d)}</text>}
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        {data.series.map((s, si) => <span><i style={`background:${COLORS[si % COLORS.length]}`}></i>{v.i18n.tEnum('channel', s.channel)}</span>)}
      </figcaption>
    </figure>
  );
};

function niceStep(max: number): number {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  const f = raw / mag;
  return Math.max(1, (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag);
}

export function dashboardRoutes(ui: Hono<UiEnv>): void {
  ui.get('/dashboard', async (c) => {
    const ctx = c.get('ctx');
    const v = view(c);
    const { t } = v.i18n;
    const [data, counts] = await Promise.all([ordersPerDay(ctx, { days: 14 }), countOrders(ctx)]);
    const cards: Array<[string, number, string]> = [
      [t('dashboard.totalOrders'), counts.total, '/'],
      [v.i18n.tEnum('status', 'open'), counts.status.open ?? 0, '/?status=open'],
      [v.i18n.tEnum('status', 'on_hold'), counts.status.on_hold ?? 0, '/?status=on_hold'],
      [v.i18n.tEnum('exception', 'unpaid'), counts.exception.unpaid ?? 0, '/?exception=unpaid'],
    ];
    return c.html(
      <Layout v={v} title={t('nav.dashboard')}>
        <h1>{t('nav.dashboard')}</h1>
        <div class="row" style="margin-bottom:1rem;align-items:stretch">
          {cards.map(([label, n, href]) => (
            <a class="panel" href={href} style="min-width:10rem;color:inherit">
              <div class="muted small">{label}</div>
              <div style="font-size:1.6rem;font-weight:700">{v.i18n.number(n)}</div>
            </a>
          ))}
        </div>
        <section class="panel">
          <h2 style="margin-top:0">{t('dashboard.ordersPerDay')}</h2>
          <OrdersChart v={v} data={data} />
        </section>
      </Layout>,
    );
  });
}
