import { describe, expect, it } from 'vitest';
import { demandStats, reorderSignal, reorderSignalFromForecast, serviceLevelZ } from './replenishment';

describe('replenishment signals', () => {
  it('computes mean and standard deviation of daily demand, empty days included', () => {
    expect(demandStats([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sigma: 2 });
    expect(demandStats([])).toEqual({ mean: 0, sigma: 0 });
  });
  it('knows the normal quantiles of common service levels', () => {
    expect(serviceLevelZ(0.5)).toBeCloseTo(0, 6);
    expect(serviceLevelZ(0.95)).toBeCloseTo(1.6449, 3);
    expect(serviceLevelZ(0.99)).toBeCloseTo(2.3263, 3);
    expect(serviceLevelZ(0.01)).toBeCloseTo(-2.3263, 3);
    expect(() => serviceLevelZ(1)).toThrow();
  });
  it('safety stock = z·σ·√L and reorder point = demand·L + safety stock, rounded up', () => {
    // mean 5, σ 2, L 4 days, z(0.95) ≈ 1.645 → SS = 1.645 × 2 × 2 = 6.58 → 7; ROP = 20 + 7 = 27
    const s = reorderSignal([2, 4, 4, 4, 5, 5, 7, 9], 4, 0.95);
    expect(s.safetyStock).toBe(7);
    expect(s.reorderPoint).toBe(27);
    expect(reorderSignal([3, 3, 3], 5).safetyStock).toBe(0);
    expect(reorderSignal([3, 3, 3], 5).reorderPoint).toBe(15);
  });
});

describe('reorder signal from a forecast', () => {
  it('sums the forecast over the lead time and sizes safety stock by the forecast error', () => {
    const s = reorderSignalFromForecast([2, 2, 3, 8, 1], 1.5, 4, 0.95);
    // 2 + 2 + 3 + 8 = 15 over 4 days; safety ⌈1.6449 × 1.5 × 2⌉ = 5
    expect(s.meanDaily).toBe(15 / 4);
    expect(s.safetyStock).toBe(Math.ceil(serviceLevelZ(0.95) * 1.5 * 2));
    expect(s.reorderPoint).toBe(20);
    // Beyond the horizon the forecast's mean carries on: 16 + 2 × 3.2
    expect(reorderSignalFromForecast([2, 2, 3, 8, 1], 0, 7).reorderPoint).toBe(Math.ceil(16 + 2 * 3.2));
  });
});

describe('lead-time variability', () => {
  it('widens safety stock by d²·σL² (and is the plain formula when σL = 0)', () => {
    const daily = [2, 4, 2, 4];
    const plain = reorderSignal(daily, 9, 0.95);
    expect(reorderSignal(daily, 9, 0.95, 0)).toEqual(plain);
    const z = serviceLevelZ(0.95);
    const withVar = reorderSignal(daily, 9, 0.95, 2);
    expect(withVar.safetyStock).toBe(Math.ceil(z * Math.sqrt(9 * 1 * 1 + 3 * 3 * 2 * 2) - 1e-9));
    expect(withVar.reorderPoint).toBe(Math.ceil(3 * 9 + withVar.safetyStock - 1e-9));
    expect(withVar.safetyStock).toBeGreaterThan(plain.safetyStock);
  });
});
