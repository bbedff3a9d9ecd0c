import { describe, expect, it } from 'vitest';
import { chooseForecast, holtWinters, naiveLast, naiveScale, rmse, sba } from './forecast';

/** A deterministic pseudo-random generator (mulberry32), so the series are the same on every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Weekly pattern (weekend peak) on a slow upward trend, with noise; whole units. */
function seasonal(days: number, seed = 1): number[] {
  const r = rng(seed);
  const week = [6, 5, 5, 6, 9, 14, 12];
  return Array.from({ length: days }, (_, t) => Math.max(0, Math.round(week[t % 7]! + t * 0.03 + (r() - 0.5) * 3)));
}

/** Demand on about one day in five, 1–6 units when it happens. */
function intermittent(days: number, seed = 2): number[] {
  const r = rng(seed);
  return Array.from({ length: days }, () => (r() < 0.2 ? 1 + Math.floor(r() * 6) : 0));
}

describe('demand forecast', () => {
  it('Holt-Winters reproduces an exact weekly pattern', () => {
    const week = [3, 3, 4, 5, 8, 12, 10];
    const y = Array.from({ length: 70 }, (_, t) => week[t % 7]!);
    const f = holtWinters(y, 14)!.forecast;
    f.forEach((v, i) => expect(v).toBeCloseTo(week[(70 + i) % 7]!, 1));
    expect(holtWinters(y.slice(0, 13), 7)).toBeNull();
  });

  it('SBA forecasts the demand rate, deflated by 1 − α/2', () => {
    // 4 units every 4th day: Croston's size 4, interval 4 → rate 1, SBA slightly below.
    const y = Array.from({ length: 80 }, (_, t) => (t % 4 === 3 ? 4 : 0));
    const { forecast, alpha } = sba(y, 5);
    expect(forecast[0]).toBeCloseTo(1 - alpha / 2, 6);
    expect(new Set(forecast).size).toBe(1);
  });

  /**
   * The real test is out of sample: fit on 182 days, forecast the next 28 that the method never saw,
   * and compare with the naive last-value forecast of the same days, over 20 series of each kind.
   */
  const outOfSample = (gen: (days: number, seed: number) => number[]) => {
    let wins = 0;
    let chosen = 0;
    let naive = 0;
    const methods: string[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const y = gen(210, seed);
      const hist = y.slice(0, 182);
      const future = y.slice(182);
      const f = chooseForecast(hist, 28)!;
      methods.push(f.method);
      const e = rmse(future, f.daily);
      const n = rmse(future, naiveLast(hist, 28));
      chosen += e;
      naive += n;
      if (e < n) wins++;
    }
    return { wins, chosen, naive, methods };
  };

  it('on seasonal series the back-test picks Holt-Winters, which beats the naive last value out of sample', () => {
    const r = outOfSample(seasonal);
    expect(r.methods.every((m) => m === 'holt_winters')).toBe(true);
    expect(r.wins).toBe(20);
    expect(r.chosen).toBeLessThan(r.naive * 0.5);
    const f = chooseForecast(seasonal(182, 1), 28)!;
    expect(f.mase!).toBeLessThan(1);
    expect(f.daily).toHaveLength(28);
    // The forecast keeps the weekend peak.
    const byDow = (d: number) => f.daily.filter((_, i) => (182 + i) % 7 === d);
    expect(Math.min(...byDow(5))).toBeGreaterThan(Math.max(...byDow(1)));
  });

  it('on intermittent series the chosen forecast beats the naive last value out of sample, and SBA is chosen mostly', () => {
    const r = outOfSample(intermittent);
    expect(r.chosen).toBeLessThan(r.naive * 0.8);
    expect(r.wins).toBeGreaterThanOrEqual(15);
    expect(r.methods.filter((m) => m === 'sba').length).toBeGreaterThanOrEqual(12);
    // A flat rate near the true mean (0.2 × 3.5 = 0.7 units/day), never nothing.
    const f = chooseForecast(intermittent(182, 2), 28)!;
    expect(f.dailyMean).toBeGreaterThan(0.3);
    expect(f.dailyMean).toBeLessThan(1.5);
  });

  it('needs three weeks of history and never forecasts below zero', () => {
    expect(chooseForecast(new Array(20).fill(1), 7)).toBeNull();
    const falling = Array.from({ length: 60 }, (_, t) => Math.max(0, 30 - t));
    expect(Math.min(...chooseForecast(falling, 28)!.daily)).toBeGreaterThanOrEqual(0);
    expect(naiveScale([1, 1, 1])).toBe(0);
  });
});
