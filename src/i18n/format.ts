import { currencyExponent, fromMinor } from '../domain/money';
import type { Locale } from './locales';

/**
 * The symbol each currency shows in every language. Intl's own symbols depend on the locale
 * (USD is "$" in English and "US$" in Chinese; TWD is "$" in zh-TW), which makes a mixed-currency
 * inbox ambiguous, so the currencies our users trade in get one unambiguous symbol everywhere.
 */
const SYMBOLS: Record<string, string> = { CNY: '¥', TWD: 'NT$', HKD: 'HK$', USD: 'US$', EUR: '€', JPY: 'JP¥', GBP: '£' };

const nf = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = nf.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, opts);
    nf.set(key, f);
  }
  return f;
}

export function formatNumber(locale: Locale, n: number): string {
  return numberFormat(locale, {}).format(n);
}

/**
 * Money from integer minor units with the currency's exponent (JPY 0, USD 2, KWD 3) and its symbol.
 * The amount goes to Intl as an exact decimal string, never through a float.
 * @example formatMoney('zh-CN', 123450, 'CNY') // "¥1,234.50"
 */
export function formatMoney(locale: Locale, amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  const exp = currencyExponent(code);
  let f: Intl.NumberFormat;
  try {
    f = numberFormat(locale, { style: 'currency', currency: code, minimumFractionDigits: exp, maximumFractionDigits: exp });
  } catch {
    // Not an ISO code Intl knows: show the number and the code.
    return `${numberFormat(locale, { minimumFractionDigits: exp, maximumFractionDigits: exp }).format(fromMinor(amountMinor, code) as unknown as number)} ${code}`;
  }
  // Intl.NumberFormat#format takes a decimal string exactly (ES2023 "Intl.NumberFormat v3").
  const parts = f.formatToParts(fromMinor(amountMinor, code) as unknown as number);
  const symbol = SYMBOLS[code];
  return parts.map((p) => (p.type === 'currency' && symbol ? symbol : p.value)).join('');
}

const df = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, timeZone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(opts)}`;
  let f = df.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...opts, timeZone });
    df.set(key, f);
  }
  return f;
}

/** Date and time in the business time zone, e.g. "2026年1月5日 14:03" or "Jan 5, 2026, 14:03". */
export function formatDateTime(locale: Locale, timeZone: string, iso: string | Date): string {
  // Explicit fields rather than dateStyle: zh-TW "medium" + time falls back to "2026/11/28", and people read 年月日.
  return dateFormat(locale, timeZone, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function formatDate(locale: Locale, timeZone: string, iso: string | Date): string {
  return dateFormat(locale, timeZone, { year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(iso));
}

/** A calendar day (YYYY-MM-DD) in the business time zone, for grouping and date filters. */
export function dayInZone(timeZone: string, iso: string | Date): string {
  return dateFormat('en-CA', timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86400], ['month', 30 * 86400], ['week', 7 * 86400], ['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1],
];

/** "3 minutes ago" / "3分钟前" / "3 分鐘前", from the largest unit that fits. */
export function formatRelative(locale: Locale, iso: string | Date, now: Date): string {
  const diff = (new Date(iso).getTime() - now.getTime()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, secs] of UNITS) {
    if (Math.abs(diff) >= secs || unit === 'second') {
      const v = Math.trunc(diff / secs);
      if (unit === 'second' && Math.abs(v) < 10) return rtf.format(0, 'second');
      return rtf.format(v, unit);
    }
  }
  return rtf.format(0, 'second');
}

function zoneOffsetMs(t: number, timeZone: string): number {
  const parts = dateFormat('en-US', timeZone, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant a calendar day (YYYY-MM-DD) begins in a time zone, for date-range filters: "orders of
 * 5 January" means 5 January in Shanghai when the business runs on Asia/Shanghai.
 * @example zonedDayStart('2026-01-05', 'Asia/Shanghai').toISOString() // "2026-01-04T16:00:00.000Z"
 */
export function zonedDayStart(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const first = zoneOffsetMs(guess, timeZone);
  const t = guess - first;
  const second = zoneOffsetMs(t, timeZone);
  return new Date(second === first ? t : guess - second);
}
