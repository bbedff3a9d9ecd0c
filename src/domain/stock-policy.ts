/**
 * Available-to-sell for one channel listing: the one place the hub decides how many units a channel
 * may show. Pure and typed; every push goes through it.
 */
export interface ListingPolicy {
  /** Units held back from this channel. */
  buffer: number;
  /** Never show more than this; null = no cap. */
  cap: number | null;
  /** Show only this share (0–100) of what is available, rounded down; null = all. */
  sharePercent: number | null;
  /** Count stock on its way (transfers, purchase orders) as sellable. */
  countIncoming: boolean;
}

export interface WarehouseStock {
  warehouseId: string;
  onHand: number;
  reserved: number;
  incoming: number;
  /** Whether this listing's channel may sell from this warehouse (its eligibility rules). */
  eligible: boolean;
}

/**
 * Σ available over the eligible warehouses (+ incoming when counted) − buffer, then the share
 * (rounded down), then the cap; never below 0. Negative or odd inputs are clamped, not trusted.
 * @example availableToSell([{ warehouseId: 'a', onHand: 10, reserved: 2, incoming: 0, eligible: true }], { buffer: 3, cap: null, sharePercent: 50, countIncoming: false }) // 2
 */
export function availableToSell(stock: readonly WarehouseStock[], policy: ListingPolicy): number {
  let units = 0;
  for (const s of stock) {
    if (!s.eligible) continue;
    units += Math.max(0, s.onHand - s.reserved);
    if (policy.countIncoming) units += Math.max(0, s.incoming);
  }
  units -= Math.max(0, policy.buffer);
  if (units <= 0) return 0;
  if (policy.sharePercent !== null) {
    const share = Math.min(100, Math.max(0, policy.sharePercent));
    // Integer arithmetic: floor(units × share / 100) exactly, no float rounding.
    units = Math.floor((units * share) / 100);
  }
  if (policy.cap !== null) units = Math.min(units, Math.max(0, policy.cap));
  return Math.max(0, units);
}
