import { describe, expect, it } from 'vitest';
import { dueCalendar, matchLine, shareOf, termsDays, weekStart } from './payables';

describe('payables rules', () => {
  it('reads supplier payment terms, and says null for terms it cannot read', () => {
    expect(termsDays('NET30')).toBe(30);
    expect(termsDays('Net 45')).toBe(45);
    expect(termsDays('2/10 net 30')).toBe(30);
    expect(termsDays('60 days')).toBe(60);
    expect(termsDays('Due on receipt')).toBe(0);
    expect(termsDays('end of month')).toBeNull();
    expect(termsDays(null)).toBeNull();
    expect(termsDays('NET999')).toBeNull();
  });

  it('matches a line three ways: quantity over billable, price beyond tolerance', () => {
    const base = { billedQuantity: 10, billedUnitPriceMinor: 1000, poUnitPriceMinor: 1000, billableQuantity: 10, priceTolerancePercent: 0 };
    expect(matchLine(base)).toEqual({ flags: [], quantityVariance: 0, priceVarianceMinor: 0 });
    expect(matchLine({ ...base, billableQuantity: 4 })).toEqual({ flags: ['qty_over_received'], quantityVariance: 6, priceVarianceMinor: 0 });
    expect(matchLine({ ...base, billedQuantity: 3 }).flags).toEqual([]); // billing less than received is normal
    expect(matchLine({ ...base, billedUnitPriceMinor: 999 })).toEqual({ flags: ['price_variance'], quantityVariance: 0, priceVarianceMinor: -10 });
    expect(matchLine({ ...base, billedUnitPriceMinor: 1050, priceTolerancePercent: 5 }).flags).toEqual([]); // exactly at the tolerance
    expect(matchLine({ ...base, billedUnitPriceMinor: 1051, priceTolerancePercent: 5 })).toMatchObject({ flags: ['price_variance'], priceVarianceMinor: 510 });
  });

  it('splits exactly: cumulative shares add up to the whole', () => {
    const whole = 110_001, of = 3;
    const parts = [1, 2, 3].map((k) => shareOf(whole, k, of) - shareOf(whole, k - 1, of));
    expect(parts.reduce((s, x) => s + x, 0)).toBe(whole);
    expect(shareOf(110_000, 40_000, 100_000)).toBe(44_000);
  });

  it('groups bills by due week, overdue first, at the week boundaries', () => {
    expect(weekStart('2026-06-30')).toBe('2026-06-29'); // Tuesday → Monday
    expect(weekStart('2026-07-05')).toBe('2026-06-29'); // Sunday closes the week
    expect(weekStart('2026-07-06')).toBe('2026-07-06');
    const g = dueCalendar([{ dueDate: '2026-07-06' }, { dueDate: '2026-06-29' }, { dueDate: '2026-06-30' }, { dueDate: '2026-07-05' }, { dueDate: '2026-07-13' }], '2026-06-30', 2);
    expect(g.map((x) => [x.kind, x.from, x.items.map((i) => i.dueDate)])).toEqual([
      ['overdue', null, ['2026-06-29']],
      ['week', '2026-06-29', ['2026-06-30', '2026-07-05']],
      ['week', '2026-07-06', ['2026-07-06']],
      ['later', '2026-07-13', ['2026-07-13']],
    ]);
  });
});
