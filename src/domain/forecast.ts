/**
 * Daily demand forecasts, pure. Two methods and two baselines, chosen per series by back-test:
 * - Holt-Winters, additive, damped trend, weekly season (m = 7), for regular demand with a weekly pattern;
 * - Croston with the Syntetos-Boylan correction (SBA), for intermittent demand (many zero days);
 * - the naive last value as the baseline every error is compared with (it is never chosen: on a
 *   quiet hold-out it "wins" with 0 and would stop replenishment).
 * The series is split into a training part and a hold-out (the last `holdout` days); each method is
 * fitted on the training part and forecasts the hold-out, and the one with the lowest RMSE wins.
 * RMSE, not MAE: on intermittent demand MAE rewards forecasting 0 every day (the median), which
 * would never restock; RMSE rewards the mean. MAE and MASE are reported beside it.
 */

export type ForecastMethod = 'holt_winters' | 'sba' | 'mean' | 'naive';

export const SEASON = 7;

export interface HoltWintersParams { alpha: number; beta: number; gamma: number; phi: number }

interface HwState { level: number; trend: number; season: number[]; sse: number }

function hwRun(y: readonly number[], p: HoltWintersParams, m: number): HwState {
  const first = y.slice(0, m);
  const second = y.slice(m, 2 * m);
  const mean = (a: readonly number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  let level = mean(first);
  let trend = (mean(second) - mean(first)) / m;
  const season = first.map((x) => x - level);
  let sse = 0;
  for (let t = m; t < y.length; t++) {
    const s = season[t % m]!;
    const f = level + p.phi * trend + s;
    const e = y[t]! - f;
    sse += e * e;
    const prev = level;
    level = p.alpha * (y[t]! - s) + (1 - p.alpha) * (prev + p.phi * trend);
    trend = p.beta * (level - prev) + (1 - p.beta) * p.phi * trend;
    season[t % m] = p.gamma * (y[t]! - level) + (1 - p.gamma) * s;
  }
  return { level, trend, season, sse };
}

const GRID = {
  alpha: [0.05, 0.1, 0.2, 0.35, 0.5],
  beta: [0, 0.02, 0.08],
  gamma: [0.05, 0.15, 0.3],
  phi: [0.9, 0.98],
};

/** Fits Holt-Winters by grid search on the one-step in-sample error and forecasts `horizon` days (null when under two seasons). */
export function holtWinters(y: readonly number[], horizon: number, m = SEASON): { forecast: number[]; params: HoltWintersParams } | null {
  if (y.length < 2 * m) return null;
  let best: { st: HwState; p: HoltWintersParams } | null = null;
  for (const alpha of GRID.alpha) for (const beta of GRID.beta) for (const gamma of GRID.gamma) for (const phi of GRID.phi) {
    const p = { alpha, beta, gamma, phi };
    const st = hwRun(y, p, m);
    if (!best || st.sse < best.st.sse) best = { st, p };
  }
  const { st, p } = best!;
  const n = y.length;
  const forecast: number[] = [];
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    damp += p.phi ** h;
    forecast.push(Math.max(0, st.level + damp * st.trend + st.season[(n + h - 1) % m]!));
  }
  return { forecast, params: p };
}

/** Croston's method with the SBA bias correction: a flat rate = (1 − α/2) · size / interval. */
export function sba(y: readonly number[], horizon: number): { forecast: number[]; alpha: number } {
  let best: { rate: number; sse: number; alpha: number } | null = null;
  for (const alpha of [0.05, 0.1, 0.2, 0.3]) {
    let z = 0;
    let p = 0;
    let q = 1;
    let sse = 0;
    let started = false;
    for (const x of y) {
      const f = started ? (1 - alpha / 2) * (z / p) : 0;
      if (started) sse += (x - f) ** 2;
      if (x > 0) {
        if (!started) {
          z = x;
          p = q;
          started = true;
        } else {
          z = alpha * x + (1 - alpha) * z;
          p = alpha * q + (1 - alpha) * p;
        }
        q = 1;
      } else q++;
    }
    const rate = started ? (1 - alpha / 2) * (z / p) : 0;
    if (!best || sse < best.sse) best = { rate, sse, alpha };
  }
  return { forecast: new Array<number>(horizon).fill(best!.rate), alpha: best!.alpha };
}

export function movingAverage(y: readonly number[], horizon: number, window = 28): number[] {
  const tail = y.slice(-window);
  const mean = tail.length ? tail.reduce((s, x) => s + x, 0) / tail.length : 0;
  return new Array<number>(horizon).fill(mean);
}

export function naiveLast(y: readonly number[], horizon: number): number[] {
  return new Array<number>(horizon).fill(y.length ? y[y.length - 1]! : 0);
}

export function forecastWith(method: ForecastMethod, y: readonly number[], horizon: number): number[] | null {
  switch (method) {
    case 'holt_winters': return holtWinters(y, horizon)?.forecast ?? null;
    case 'sba': return sba(y, horizon).forecast;
    case 'mean': return movingAverage(y, horizon);
    case 'naive': return naiveLast(y, horizon);
  }
}

export const mae = (a: readonly number[], f: readonly number[]) => a.reduce((s, x, i) => s + Math.abs(x - f[i]!), 0) / a.length;
export const rmse = (a: readonly number[], f: readonly number[]) => Math.sqrt(a.reduce((s, x, i) => s + (x - f[i]!) ** 2, 0) / a.length);

/** In-sample mean absolute one-step naive error (the MASE scale); 0 for a constant series. */
export function naiveScale(y: readonly number[]): number {
  if (y.length < 2) return 0;
  let s = 0;
  for (let i = 1; i < y.length; i++) s += Math.abs(y[i]! - y[i - 1]!);
  return s / (y.length - 1);
}

export interface BacktestResult { method: ForecastMethod; rmse: number; mae: number; mase: number | null }

/** Fits each method on all but the last `holdout` days and scores its forecast of them. */
export function backtest(y: readonly number[], holdout: number, methods: ForecastMethod[] = ['holt_winters', 'sba', 'mean', 'naive']): BacktestResult[] {
  const train = y.slice(0, y.length - holdout);
  const test = y.slice(y.length - holdout);
  const scale = naiveScale(train);
  const out: BacktestResult[] = [];
  for (const method of methods) {
    const f = forecastWith(method, train, holdout);
    if (!f) continue;
    const e = mae(test, f);
    out.push({ method, rmse: rmse(test, f), mae: e, mase: scale > 0 ? e / scale : null });
  }
  return out;
}

export interface DemandForecast {
  method: ForecastMethod;
  /** Back-test errors of the chosen method on the hold-out. */
  rmse: number;
  mae: number;
  mase: number | null;
  /** The naive last-value forecast's hold-out RMSE, to compare against. */
  naiveRmse: number;
  /** Hold-out RMSE of every method tried (and of the naive baseline). */
  candidates: Partial<Record<ForecastMethod, number>>;
  holdoutDays: number;
  /** One value per day after the series ends (never negative). */
  daily: number[];
  dailyMean: number;
}

/** Minimum history: a hold-out of a week plus two weekly seasons to fit on. */
export const MIN_HISTORY_DAYS = 21;

/**
 * Picks the method with the lowest hold-out RMSE, refits it on the whole series and forecasts
 * `horizon` days. The hold-out is the last quarter of the history, between 7 and 28 days.
 * Returns null under MIN_HISTORY_DAYS.
 * @example chooseForecast(last182Days, 28)?.daily
 */
export function chooseForecast(y: readonly number[], horizon: number): DemandForecast | null {
  if (y.length < MIN_HISTORY_DAYS) return null;
  const holdout = Math.min(28, Math.max(7, Math.floor(y.length / 4)));
  const results = backtest(y, holdout, ['holt_winters', 'sba', 'naive']);
  const best = results.filter((r) => r.method !== 'naive').reduce((a, b) => (b.rmse < a.rmse - 1e-12 ? b : a));
  const daily = forecastWith(best.method, y, horizon)!;
  const naive = results.find((r) => r.method === 'naive')!;
  return {
    method: best.method, rmse: best.rmse, mae: best.mae, mase: best.mase, naiveRmse: naive.rmse,
    candidates: Object.fromEntries(results.map((r) => [r.method, r.rmse])), holdoutDays: holdout,
    daily, dailyMean: daily.length ? daily.reduce((s, x) => s + x, 0) / daily.length : 0,
  };
}
