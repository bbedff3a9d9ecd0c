/**
 * Money is integer minor units plus an ISO 4217 code. Decimal strings from the platforms are
 * converted once, here, exactly (no floating point).
 */
export interface Money {
  amountMinor: number;
  currency: string;
}

/** Minor-unit exponents that differ from 2 (ISO 4217). */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

export class MoneyFormatError extends Error {
  constructor(value: unknown, reason: string) {
    super(`not a money amount: ${JSON.stringify(value)} (${reason})`);
    this.name = 'MoneyFormatError';
  }
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * The decimal a JSON number stands for. `String()` gives the shortest text that reads back as the
 * same double, which is exactly what the JSON said ("19.99", "1234567890.12"); only arithmetic
 * noise (0.1 + 0.2) has more digits, and 15 significant digits always recover the intended decimal.
 * (toFixed with a fixed digit count is wrong here: it prints binary noise for large amounts.)
 */
function numberText(value: number, exp: number): string {
  const shortest = String(value);
  if (!/e/i.test(shortest) && (shortest.split('.')[1] ?? '').length <= exp) return shortest;
  return String(Number(value.toPrecision(15)));
}

/**
 * Converts a decimal amount ("59.99", "-3.54", "0.10", 12) to integer minor units of the currency.
 * Rejects exponents ("1e3"), blanks, and more decimals than the currency has unless they are zeros.
 * @example toMinor("59.99", "USD") // 5999
 * @example toMinor("1500", "JPY") // 1500
 */
export function toMinor(value: string | number, currency: string): number {
  const exp = currencyExponent(currency);
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MoneyFormatError(value, 'not finite');
    text = numberText(value, exp);
  } else {
    text = value.trim();
  }
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyFormatError(value, 'expected a plain decimal');
  const [, sign, whole, fracRaw = ''] = m;
  const extra = fracRaw.slice(exp);
  if (/[1-9]/.test(extra)) throw new MoneyFormatError(value, `more than ${exp} decimals for ${currency}`);
  const frac = fracRaw.slice(0, exp).padEnd(exp, '0');
  const minor = Number(BigInt(`${whole}${frac}`));
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(value, 'too large');
  return sign && minor !== 0 ? -minor : minor;
}

/** Formats minor units back to a plain decimal string ("59.99"), for APIs that want decimals. */
export function fromMinor(amountMinor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const neg = amountMinor < 0;
  const digits = String(Math.abs(amountMinor)).padStart(exp + 1, '0');
  const text = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return neg ? `-${text}` : text;
}
