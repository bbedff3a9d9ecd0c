import { z } from 'zod';

/** Whether `s` is a day that exists, written YYYY-MM-DD (2026-02-30 and 2026-13-01 are not). */
export function isCalendarDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * A calendar day YYYY-MM-DD that exists. A day that only looks right is refused here, with the field
 * named, rather than by PostgreSQL's date cast (a 500) or a text comparison (a filter that means nothing).
 */
export const CalendarDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine(isCalendarDay, 'not a calendar date');
