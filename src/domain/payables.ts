import { divRound } from './fx';
import { addDays, daysBetween } from './receivables';

/** Payables rules, pure: supplier payment terms, the three-way match, proportional shares, the due-date calendar. */

/**
 * Days of credit in a supplier's payment terms, or null when they say none we can read:
 * `NET30`, `Net 45`, `30 days`, `2/10 net 30` (the net days), `due on receipt` / `COD` / `CIA` (0).
 */
export function termsDays(terms: string | null | undefined): number | null {
  if (!terms) return null;
  const t = terms.trim().toLowerCase();
  if (/^(due on receipt|on receipt|cod|cia|immediate)$/.test(t)) return 0;
  const net = /\bnet\s*-?\s*(\d{1,3})\b/.exec(t) ?? /^(\d{1,3})\s*(days?|d)\b/.exec(t);
  if (!net) return null;
  const n = Number(net[1]);
  return n <= 365 ? n : null;
}

export interface MatchInput {
  /** What this bill asks for the line. */
  billedQuantity: number;
  billedUnitPriceMinor: number;
  /** The PO's agreed unit price. */
  poUnitPriceMinor: number;
  /** Accepted on receipts of the PO line minus what other (non-void) bills already billed. */
  billableQuantity: number;
  /** Allowed price difference, percent of the PO price (0 = any difference is a variance). */
  priceTolerancePercent: number;
}

export interface MatchResult {
  flags: Array<'qty_over_received' | 'price_variance'>;
  /** billed − billable when above 0, else 0. */
  quantityVariance: number;
  /** (billed − PO) unit price × billed quantity, signed; 0 when within tolerance. */
  priceVarianceMinor: number;
}

/**
 * Three-way match of one line: the bill against the PO (price) and the receipts (quantity).
 * Billing less than was received is normal (partial billing) and never flagged.
 * @example matchLine({ billedQuantity: 10, billedUnitPriceMinor: 1100, poUnitPriceMinor: 1000, billableQuantity: 8, priceTolerancePercent: 0 })
 *   // { flags: ['qty_over_received', 'price_variance'], quantityVariance: 2, priceVarianceMinor: 1000 }
 */
export function matchLine(m: MatchInput): MatchResult {
  const flags: MatchResult['flags'] = [];
  const quantityVariance = Math.max(0, m.billedQuantity - m.billableQuantity);
  if (quantityVariance > 0) flags.push('qty_over_received');
  const diff = m.billedUnitPriceMinor - m.poUnitPriceMinor;
  // |diff| ≤ PO × tolerance%, compared in integers (tolerance kept to 1/100 of a percent).
  const tolBasis = BigInt(Math.round(m.priceTolerancePercent * 100));
  const within = BigInt(Math.abs(diff)) * 10_000n <= BigInt(m.poUnitPriceMinor) * tolBasis;
  let priceVarianceMinor = 0;
  if (diff !== 0 && !within) {
    flags.push('price_variance');
    priceVarianceMinor = diff * m.billedQuantity;
  }
  return { flags, quantityVariance, priceVarianceMinor };
}

/** `whole × part / of`, rounded half away from zero, exact for any safe integers. */
export function shareOf(whole: number, part: number, of: number): number {
  if (of === 0) return 0;
  return Number(divRound(BigInt(whole) * BigInt(part), BigInt(of)));
}

/** The Monday of the ISO week `date` falls in (UTC). */
export function weekStart(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

export interface CalendarItem { dueDate: string }
export interface CalendarGroup<T> {
  /** `overdue`, `week` (from…to, Monday to Sunday) or `later`. */
  kind: 'overdue' | 'week' | 'later';
  from: string | null;
  to: string | null;
  items: T[];
}

/**
 * Groups open bills by when they fall due, as of `at`: overdue first (due before `at`), then one group
 * per week from the week of `at` for `weeks` weeks (empty weeks included, so the calendar has no gaps),
 * then everything later. Within a group, earliest due first.
 */
export function dueCalendar<T extends CalendarItem>(items: readonly T[], at: string, weeks: number): Array<CalendarGroup<T>> {
  const sorted = [...items].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  const first = weekStart(at);
  const overdue: CalendarGroup<T> = { kind: 'overdue', from: null, to: addDays(at, -1), items: [] };
  const groups: Array<CalendarGroup<T>> = Array.from({ length: weeks }, (_, i) => ({ kind: 'week' as const, from: addDays(first, 7 * i), to: addDays(first, 7 * i + 6), items: [] }));
  const later: CalendarGroup<T> = { kind: 'later', from: addDays(first, 7 * weeks), to: null, items: [] };
  for (const it of sorted) {
    if (it.dueDate < at) overdue.items.push(it);
    else {
      const w = Math.floor(daysBetween(first, it.dueDate) / 7);
      (w < weeks ? groups[w]! : later).items.push(it);
    }
  }
  return [overdue, ...groups, later];
}
