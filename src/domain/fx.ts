import { currencyExponent, MoneyFormatError } from './money';

const RATE = /^(\d+)(?:\.(\d+))?$/;

/** A decimal rate string as an exact fraction (no floating point). */
export function parseRate(rate: string | number): { num: bigint; den: bigint } {
  const text = typeof rate === 'number' ? String(rate) : rate.trim();
  const m = RATE.exec(text);
  if (!m) throw new MoneyFormatError(rate, 'expected a plain positive decimal rate');
  const frac = m[2] ?? '';
  return { num: BigInt(`${m[1]}${frac}`), den: 10n ** BigInt(frac.length) };
}

/** Integer division rounding half away from zero. */
export function divRound(n: bigint, d: bigint): bigint {
  if (d < 0n) return divRound(-n, -d);
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/**
 * Converts minor units of one currency into another at `rate` (units of `to` per unit of `from`),
 * respecting each currency's exponent (JPY 0, USD 2, KWD 3) and rounding half away from zero.
 * @example convertMinor(10000, 'EUR', 'JPY', '161.5') // 16150
 */
export function convertMinor(amountMinor: number, from: string, to: string, rate: string | number): number {
  const { num, den } = parseRate(rate);
  const shift = currencyExponent(to) - currencyExponent(from);
  let n = BigInt(amountMinor) * num;
  let d = den;
  if (shift > 0) n *= 10n ** BigInt(shift);
  else if (shift < 0) d *= 10n ** BigInt(-shift);
  return Number(divRound(n, d));
}

/** The inverse: what amount of `from` the `to` amount came from at `rate` (Stripe gives settlement = presentment × rate). */
export function invertMinor(amountMinor: number, from: string, to: string, rate: string | number): number {
  const { num, den } = parseRate(rate);
  const shift = currencyExponent(from) - currencyExponent(to);
  let n = BigInt(amountMinor) * den;
  let d = num;
  if (shift > 0) n *= 10n ** BigInt(shift);
  else if (shift < 0) d *= 10n ** BigInt(-shift);
  return Number(divRound(n, d));
}
