import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availableToSell, type ListingPolicy, type WarehouseStock } from './stock-policy';

const wh = (onHand: number, reserved: number, incoming = 0, eligible = true): WarehouseStock => ({ warehouseId: `w${onHand}-${reserved}`, onHand, reserved, incoming, eligible });
const policy = (p: Partial<ListingPolicy> = {}): ListingPolicy => ({ buffer: 0, cap: null, sharePercent: null, countIncoming: false, ...p });

describe('availableToSell', () => {
  it('sums available over the warehouses the channel may use', () => {
    expect(availableToSell([wh(10, 2), wh(5, 5), wh(7, 0, 0, false)], policy())).toBe(8);
  });
  it('holds back the buffer and never goes below 0', () => {
    expect(availableToSell([wh(10, 2)], policy({ buffer: 3 }))).toBe(5);
    expect(availableToSell([wh(2, 0)], policy({ buffer: 5 }))).toBe(0);
  });
  it('applies the share rounded down, then the cap', () => {
    expect(availableToSell([wh(10, 3)], policy({ sharePercent: 50 }))).toBe(3); // 7 × 50% = 3.5 → 3
    expect(availableToSell([wh(100, 0)], policy({ sharePercent: 50, cap: 20 }))).toBe(20);
    expect(availableToSell([wh(100, 0)], policy({ sharePercent: 0 }))).toBe(0);
  });
  it('counts incoming stock only when asked', () => {
    expect(availableToSell([wh(1, 0, 4)], policy())).toBe(1);
    expect(availableToSell([wh(1, 0, 4)], policy({ countIncoming: true }))).toBe(5);
  });
  it('is never negative, never above the cap, never above what is available (+ incoming)', () => {
    const W = fc.record({ warehouseId: fc.string(), onHand: fc.integer({ min: -5, max: 1000 }), reserved: fc.integer({ min: -5, max: 1000 }), incoming: fc.integer({ min: -5, max: 1000 }), eligible: fc.boolean() });
    const P = fc.record({ buffer: fc.integer({ min: -5, max: 500 }), cap: fc.option(fc.integer({ min: -5, max: 2000 }), { nil: null }), sharePercent: fc.option(fc.integer({ min: -10, max: 120 }), { nil: null }), countIncoming: fc.boolean() });
    fc.assert(fc.property(fc.array(W, { maxLength: 6 }), P, (ws, p) => {
      const n = availableToSell(ws, p);
      const ceiling = ws.filter((w) => w.eligible).reduce((s, w) => s + Math.max(0, w.onHand - w.reserved) + (p.countIncoming ? Math.max(0, w.incoming) : 0), 0);
      expect(Number.isInteger(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThanOrEqual(ceiling);
      if (p.cap !== null) expect(n).toBeLessThanOrEqual(Math.max(0, p.cap));
    }));
  });
});
