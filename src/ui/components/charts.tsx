import type { FC } from 'hono/jsx';

/** Series colours, distinguishable for the common colour-vision deficiencies (Okabe–Ito, darkened for contrast on white). */
export const CHART_COLORS = ['#2457d6', '#d55e00', '#0f8a78', '#b3367f', '#8a6d00', '#6b5bd6', '#4f8a10', '#7f8c8d'];

/** A round step for an axis from 0 to max, about five ticks. */
export function niceStep(max: number): number {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  const f = raw / mag;
  return Math.max(1, (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag);
}

/**
 * The room a y axis needs for its labels, in SVG units: 12-unit text is at most ~7.5 units a character
 * (digits, currency signs), plus the gap to the plot. Long money labels (US$120,000.00) would otherwise
 * be cut at the left edge.
 */
export function axisWidth(labels: string[], min: number): number {
  return Math.max(min, Math.ceil(12 + 7.5 * Math.max(0, ...labels.map((l) => l.length))));
}

export interface ChartSeries {
  label: string;
  values: number[];
  color?: string;
}

/**
 * Stacked bars over days (or any labels), drawn on the server as SVG: no script, readable by a screen
 * reader through its title and description, each bar naming its series, label and value on hover.
 * `id` must be unique on the page (it ties the title and description to the image).
 */
export const StackedBars: FC<{ id: string; title: string; desc: string; labels: string[]; series: ChartSeries[]; format: (n: number) => string }> = ({ id, title, desc, labels, series, format }) => {
  const W = 640, H = 240, bottom = 26, top = 10, right = 8;
  const n = Math.max(1, labels.length);
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = niceStep(max);
  const yMax = Math.ceil(max / step) * step;
  const y = (val: number) => top + (H - top - bottom) * (1 - val / yMax);
  const ticks = Array.from({ length: Math.floor(yMax / step) + 1 }, (_, i) => i * step);
  const left = axisWidth(ticks.map(format), 40);
  const bw = (W - left - right) / n;
  const every = Math.ceil(n / 7);
  return (
    <figure class="chart-figure">
      <svg class="chart" id={id} viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {ticks.map((tk) => (
          <g>
            <line x1={left} x2={W - right} y1={y(tk)} y2={y(tk)} stroke="#e5e8ee" />
            <text x={left - 6} y={y(tk) + 4} text-anchor="end">{format(tk)}</text>
          </g>
        ))}
        {labels.map((label, i) => {
          let acc = 0;
          return (
            <g>
              {series.map((s, si) => {
                const val = s.values[i] ?? 0;
                if (val <= 0) return null;
                const y0 = y(acc);
                acc += val;
                return (
                  <rect x={left + i * bw + bw * 0.15} width={bw * 0.7} y={y(acc)} height={Math.max(0, y0 - y(acc))} fill={s.color ?? CHART_COLORS[si % CHART_COLORS.length]}>
                    <title>{`${s.label} · ${label}: ${format(val)}`}</title>
                  </rect>
                );
              })}
              {i % every === 0 && <text x={left + i * bw + bw / 2} y={H - 8} text-anchor="middle">{label}</text>}
            </g>
          );
        })}
      </svg>
      <Legend series={series} />
    </figure>
  );
};

export const Legend: FC<{ series: Array<{ label: string; color?: string }> }> = ({ series }) => (
  <figcaption class="legend">
    {series.map((s, si) => <span><i aria-hidden="true" style={`background:${s.color ?? CHART_COLORS[si % CHART_COLORS.length]}`}></i>{s.label}</span>)}
  </figcaption>
);

export interface BarRow {
  label: string;
  value: number;
  /** The value as people read it (money, "3 · US$12.00"). */
  display: string;
  href?: string;
}

/** Horizontal bars, one per row, longest first as given; labels and values are text beside the bar. */
export const HBars: FC<{ id: string; title: string; desc: string; rows: BarRow[]; color?: string }> = ({ id, title, desc, rows, color = CHART_COLORS[0] }) => {
  const W = 600, row = 30, labelW = 200, valueW = 130;
  const H = Math.max(1, rows.length) * row + 8;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const barMax = W - labelW - valueW - 16;
  return (
    <figure class="chart-figure">
      <svg class="chart" id={id} viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {rows.map((r, i) => {
          const yy = 4 + i * row;
          const w = Math.max(r.value > 0 ? 2 : 0, (barMax * r.value) / max);
          return (
            <g>
              <text x={labelW - 8} y={yy + 19} text-anchor="end" class="bar-label">{r.label}</text>
              <rect x={labelW} y={yy + 5} width={w} height={row - 10} rx={3} fill={color}>
                <title>{`${r.label}: ${r.display}`}</title>
              </rect>
              <text x={labelW + w + 6} y={yy + 19} class="bar-value">{r.display}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
};
