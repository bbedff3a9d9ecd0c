import { currencyExponent } from './money';
import { divRound, parseRate } from './fx';

/**
 * Exact rates as fractions of big integers: a stored decimal ("161.5"), its inverse, a cross rate
 * through a common base. No floating point between the stored string and the converted minor units.
 */
export interface Rate {
  num: bigint;
  den: bigint;
}

export const rateOf = (decimal: string): Rate => parseRate(decimal);
export const invert = (r: Rate): Rate => ({ num: r.den, den: r.num });
export const times = (a: Rate, b: Rate): Rate => ({ num: a.num * b.num, den: a.den * b.den });
export const ONE: Rate = { num: 1n, den: 1n };

/** A rate as a decimal string with up to `digits` decimals (for display and CSV only). */
export function rateText(r: Rate, digits = 8): string {
  const scaled = divRound(r.num * 10n ** BigInt(digits), r.den);
  const s = scaled.toString().padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`.replace(/\.?0+$/, '');
}

/**
 * Minor units of `from` into minor units of `to` at `rate` (units of `to` per unit of `from`),
 * respecting each currency's exponent (JPY 0, USD 2, KWD 3), rounding half away from zero.
 * @example convertExact(10000, 'EUR', 'JPY', rateOf('161.5')) // 16150
 */
export function convertExact(amountMinor: number, from: string, to: string, rate: Rate): number {
  const shift = currencyExponent(to) - currencyExponent(from);
  let n = BigInt(amountMinor) * rate.num;
  let d = rate.den;
  if (shift > 0) n *= 10n ** BigInt(shift);
  else if (shift < 0) d *= 10n ** BigInt(-shift);
  return Number(divRound(n, d));
}

export interface RateRow {
  date: string;
  base: string;
  quote: string;
  rate: string;
}

/**
 * Rates in memory for a report: the rate on a day is the latest one published on or before it;
 * a pair is found directly, inverted, or crossed through a currency both sides have a rate to.
 */
export class RateBook {
  private readonly pairs = new Map<string, Array<{ date: string; rate: Rate }>>();
  private readonly currencies = new Set<string>();

  constructor(rows: Iterable<RateRow>) {
    for (const r of rows) {
      const k = `${r.base}/${r.quote}`;
      const list = this.pairs.get(k) ?? [];
      list.push({ date: r.date, rate: rateOf(r.rate) });
      this.pairs.set(k, list);
      this.currencies.add(r.base).add(r.quote);
    }
    for (const list of this.pairs.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  private latest(base: string, quote: string, date: string): { date: string; rate: Rate } | undefined {
    const list = this.pairs.get(`${base}/${quote}`);
    if (!list) return undefined;
    let lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.date <= date) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found >= 0 ? list[found] : undefined;
  }

  /** Direct or inverted, whichever was published later (a manual override of either side wins on its day). */
  private pair(from: string, to: string, date: string): { date: string; rate: Rate } | undefined {
    const d = this.latest(from, to, date);
    const i = this.latest(to, from, date);
    if (d && (!i || d.date >= i.date)) return d;
    return i ? { date: i.date, rate: invert(i.rate) } : undefined;
  }

  /** Units of `to` per unit of `from` on `date`, or undefined when no rate is known. */
  rate(from: string, to: string, date: string): Rate | undefined {
    if (from === to) return ONE;
    const p = this.pair(from, to, date);
    if (p) return p.rate;
    let best: { date: string; rate: Rate } | undefined;
    for (const via of [...this.currencies].sort()) {
      if (via === from || via === to) continue;
      const a = this.pair(from, via, date);
      const b = a && this.pair(via, to, date);
      if (!a || !b) continue;
      const older = a.date < b.date ? a.date : b.date;
      if (!best || older > best.date) best = { date: older, rate: times(a.rate, b.rate) };
    }
    return best?.rate;
  }
}
