/** Purchasing rules, pure: price breaks, order rounding, landed-cost spread, moving average, scorecard grading. */

export interface PriceBreak { minQuantity: number; unitCostMinor: number }

/** The unit cost at a quantity: the break with the largest minQuantity ≤ quantity (the lowest break when below all). */
export function unitCostAt(breaks: readonly PriceBreak[], quantity: number): number | null {
  if (breaks.length === 0) return null;
  const sorted = [...breaks].sort((a, b) => a.minQuantity - b.minQuantity);
  let cost = sorted[0]!.unitCostMinor;
  for (const b of sorted) if (b.minQuantity <= quantity) cost = b.unitCostMinor;
  return cost;
}

/**
 * The quantity to order for a need: at least the MOQ, then up to a whole number of packs.
 * @example roundOrderQuantity(23, 50, 12) // 60 (MOQ 50 → 5 packs of 12)
 */
export function roundOrderQuantity(need: number, moq: number, packSize: number): number {
  if (need <= 0) return 0;
  const q = Math.max(need, moq, 1);
  const pack = Math.max(1, packSize);
  return Math.ceil(q / pack) * pack;
}

/**
 * Splits an amount over weights in proportion, in whole minor units that sum exactly to the amount
 * (largest remainder; ties go to the earlier entry). All weights 0 → split evenly.
 * @example spreadAmount(100, [1, 1, 1]) // [34, 33, 33]
 */
export function spreadAmount(amountMinor: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const w = weights.every((x) => x <= 0) ? weights.map(() => 1) : weights.map((x) => Math.max(0, x));
  const total = w.reduce((s, x) => s + x, 0);
  const exact = w.map((x) => (amountMinor * x) / total);
  const out = exact.map((x) => Math.floor(x));
  let left = amountMinor - out.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]! += 1;
  return out;
}

/**
 * Moving-average unit cost after a receipt:
 *   newCost = (onHandBefore × oldCost + receivedQty × receivedUnitCost) / (onHandBefore + receivedQty)
 * rounded half up to a minor unit. No previous cost (or nothing on hand) → the received unit cost.
 * `receivedUnitCost` includes the landed cost share: (qty × unit cost + landed) / qty.
 */
export function movingAverageCost(onHandBefore: number, oldCostMinor: number | null, receivedQty: number, receivedTotalMinor: number): number {
  if (receivedQty <= 0) return oldCostMinor ?? 0;
  const before = Math.max(0, onHandBefore);
  if (oldCostMinor === null || before === 0) return Math.round(receivedTotalMinor / receivedQty);
  return Math.round((before * oldCostMinor + receivedTotalMinor) / (before + receivedQty));
}

export function meanStd(xs: readonly number[]): { mean: number; sigma: number } | null {
  if (xs.length === 0) return null;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sigma = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, sigma };
}

export interface ScoreWeights { onTime: number; fill: number; quality: number; price: number }
export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = { onTime: 0.3, fill: 0.25, quality: 0.25, price: 0.2 };

export interface ScoreParts {
  onTimeRate: number | null;
  fillRate: number | null;
  qualityRate: number | null;
  /** Their cost / best cost for the same SKUs and quantities (1 = always the cheapest). */
  priceIndex: number | null;
}

/**
 * Weighted score in 0..1: on-time, fill and quality rates as they are, price as best/theirs
 * (1/priceIndex). Parts without data are left out and the remaining weights renormalised; no data → null.
 */
export function weightedScore(p: ScoreParts, w: ScoreWeights): number | null {
  const parts: Array<[number | null, number]> = [
    [p.onTimeRate, w.onTime], [p.fillRate, w.fill], [p.qualityRate, w.quality],
    [p.priceIndex === null || p.priceIndex <= 0 ? null : Math.min(1, 1 / p.priceIndex), w.price],
  ];
  const used = parts.filter(([v, wt]) => v !== null && wt > 0) as Array<[number, number]>;
  const total = used.reduce((s, [, wt]) => s + wt, 0);
  if (total <= 0) return null;
  return used.reduce((s, [v, wt]) => s + v * wt, 0) / total;
}

/** A ≥ 0.90, B ≥ 0.80, C ≥ 0.65, else D. */
export function grade(score: number | null): 'A' | 'B' | 'C' | 'D' | null {
  if (score === null) return null;
  if (score >= 0.9 - 1e-9) return 'A';
  if (score >= 0.8 - 1e-9) return 'B';
  if (score >= 0.65 - 1e-9) return 'C';
  return 'D';
}

/**
 * Quantity to order for one (sku, warehouse): up to reorder point + demand over the review period,
 * minus what is available, incoming and already on open unsent POs.
 */
export function replenishmentNeed(a: { reorderPoint: number; averageDailyDemand: number; reviewPeriodDays: number; available: number; incoming: number; onOpenDrafts: number }): number {
  const target = a.reorderPoint + Math.ceil(a.averageDailyDemand * a.reviewPeriodDays - 1e-9);
  return Math.max(0, target - a.available - a.incoming - a.onOpenDrafts);
}
