/** Replenishment signals, pure: demand statistics, safety stock and reorder point. */

/** Mean and (population) standard deviation of daily demand; days without orders count as 0. */
export function demandStats(daily: readonly number[]): { mean: number; sigma: number } {
  if (daily.length === 0) return { mean: 0, sigma: 0 };
  const mean = daily.reduce((s, x) => s + x, 0) / daily.length;
  const variance = daily.reduce((s, x) => s + (x - mean) ** 2, 0) / daily.length;
  return { mean, sigma: Math.sqrt(variance) };
}

/**
 * z for a one-sided service level (probability of not running out during the lead time), by
 * Acklam's rational approximation of the normal quantile (relative error < 1.2e-9).
 * @example serviceLevelZ(0.95) // ≈ 1.6449
 */
export function serviceLevelZ(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError('service level must be between 0 and 1 (exclusive)');
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -serviceLevelZ(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

export interface ReorderSignal {
  meanDaily: number;
  sigmaDaily: number;
  leadTimeDays: number;
  safetyStock: number;
  reorderPoint: number;
}

/**
 * safety stock = z·√(L·σ² + d²·σL²) — with no lead-time variability (σL = 0) that is z·σ·√L;
 * reorder point = mean·L + safety stock; both rounded up to whole units. σL (days) comes from
 * observed supplier lead times (purchasing receipts).
 */
export function reorderSignal(daily: readonly number[], leadTimeDays: number, serviceLevel = 0.95, leadTimeSigmaDays = 0): ReorderSignal {
  const { mean, sigma } = demandStats(daily);
  const L = Math.max(0, leadTimeDays);
  const sL = Math.max(0, leadTimeSigmaDays);
  const safety = Math.ceil(Math.max(0, serviceLevelZ(serviceLevel)) * Math.sqrt(L * sigma * sigma + mean * mean * sL * sL) - 1e-9);
  const rop = Math.ceil(mean * L + safety - 1e-9);
  return { meanDaily: mean, sigmaDaily: sigma, leadTimeDays: L, safetyStock: Math.max(0, safety), reorderPoint: Math.max(0, rop) };
}

/**
 * The same signal from a demand forecast: demand over the lead time is the sum of the forecast days
 * it covers (their mean beyond the horizon), σ per day is the forecast's back-test RMSE (how far off
 * the forecast was on the hold-out), so safety stock covers forecast error rather than raw variability.
 * @example reorderSignalFromForecast([2, 2, 3, 8], 1.2, 3) // demand 7 over 3 days
 */
export function reorderSignalFromForecast(daily: readonly number[], sigmaDaily: number, leadTimeDays: number, serviceLevel = 0.95, leadTimeSigmaDays = 0): ReorderSignal {
  const L = Math.max(0, leadTimeDays);
  const mean = daily.length ? daily.reduce((s, x) => s + x, 0) / daily.length : 0;
  let lead = 0;
  const whole = Math.floor(L);
  for (let i = 0; i < whole; i++) lead += i < daily.length ? Math.max(0, daily[i]!) : mean;
  if (L > whole) lead += (L - whole) * (whole < daily.length ? Math.max(0, daily[whole]!) : mean);
  const sigma = Math.max(0, sigmaDaily);
  // Lead-time variability (from suppliers' receipts) widens it as in reorderSignal: √(L·σ² + d²·σL²).
  const d = L > 0 ? lead / L : mean;
  const sL = Math.max(0, leadTimeSigmaDays);
  const safety = Math.ceil(Math.max(0, serviceLevelZ(serviceLevel)) * Math.sqrt(L * sigma * sigma + d * d * sL * sL) - 1e-9);
  const rop = Math.ceil(lead + safety - 1e-9);
  return { meanDaily: L > 0 ? lead / L : mean, sigmaDaily: sigma, leadTimeDays: L, safetyStock: Math.max(0, safety), reorderPoint: Math.max(0, rop) };
}
