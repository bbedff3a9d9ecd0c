import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grade, movingAverageCost, replenishmentNeed, roundOrderQuantity, spreadAmount, unitCostAt, weightedScore } from './purchasing';

describe('purchasing rules', () => {
  it('takes the price break for the quantity', () => {
    const breaks = [{ minQuantity: 100, unitCostMinor: 80 }, { minQuantity: 1, unitCostMinor: 100 }, { minQuantity: 50, unitCostMinor: 90 }];
    expect([1, 49, 50, 99, 100, 1000].map((q) => unitCostAt(breaks, q))).toEqual([100, 100, 90, 90, 80, 80]);
    expect(unitCostAt([], 5)).toBeNull();
  });

  it('rounds a need up to the MOQ, then to whole packs', () => {
    expect(roundOrderQuantity(23, 50, 12)).toBe(60);
    expect(roundOrderQuantity(61, 50, 12)).toBe(72);
    expect(roundOrderQuantity(7, 1, 1)).toBe(7);
    expect(roundOrderQuantity(0, 50, 12)).toBe(0);
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 100 }), (need, moq, pack) => {
      const q = roundOrderQuantity(need, moq, pack);
      return q >= need && q >= moq && q % pack === 0 && q - pack < Math.max(need, moq);
    }));
  });

  it('spreads an amount in whole minor units that sum exactly, in proportion', () => {
    expect(spreadAmount(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(spreadAmount(5000, [48000, 10000])).toEqual([4138, 862]);
    expect(spreadAmount(10, [0, 0])).toEqual([5, 5]);
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 20 }), (amount, w) => {
      const out = spreadAmount(amount, w);
      const total = w.reduce((s, x) => s + x, 0);
      return out.reduce((s, x) => s + x, 0) === amount && out.every((x, i) => x >= 0 && (total === 0 || Math.abs(x - (amount * w[i]!) / total) < 1));
    }));
  });

  it('moving average: weighted by units on hand and received, landed cost included', () => {
    expect(movingAverageCost(10, 1000, 40, 40 * 1200 + 4138)).toBe(Math.round((10 * 1000 + 52138) / 50));
    expect(movingAverageCost(0, 1000, 5, 5000)).toBe(1000);
    expect(movingAverageCost(7, null, 3, 300)).toBe(100);
  });

  it('weights the score over the parts that have data, and grades it', () => {
    const w = { onTime: 0.3, fill: 0.25, quality: 0.25, price: 0.2 };
    expect(weightedScore({ onTimeRate: 1, fillRate: 1, qualityRate: 1, priceIndex: 1 }, w)).toBe(1);
    expect(weightedScore({ onTimeRate: 0.5, fillRate: null, qualityRate: null, priceIndex: null }, w)).toBe(0.5);
    expect(weightedScore({ onTimeRate: null, fillRate: null, qualityRate: null, priceIndex: 1.25 }, w)).toBeCloseTo(0.8);
    expect(weightedScore({ onTimeRate: null, fillRate: null, qualityRate: null, priceIndex: null }, w)).toBeNull();
    expect([0.95, 0.9, 0.85, 0.7, 0.5, null].map(grade)).toEqual(['A', 'A', 'B', 'C', 'D', null]);
  });

  it('needs reorder point + demand over the review period − position', () => {
    expect(replenishmentNeed({ reorderPoint: 10, averageDailyDemand: 2, reviewPeriodDays: 14, available: 4, incoming: 0, onOpenDrafts: 0 })).toBe(34);
    expect(replenishmentNeed({ reorderPoint: 10, averageDailyDemand: 2, reviewPeriodDays: 14, available: 4, incoming: 30, onOpenDrafts: 10 })).toBe(0);
  });
});
