import { z } from 'zod';
import { ValidationError, zodFieldErrors } from '../errors';
import { CalendarDay } from '../domain/calendar-day';

/** zod-parses a verb's input; a failure is a 400 naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  return parsed.data;
}

export const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());
/** A `date` column as YYYY-MM-DD (drivers give a string or a Date). */
export const ymd = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** A calendar date YYYY-MM-DD that exists (2026-02-31 is refused here, not by the database). */
export const DateOnly = CalendarDay;
