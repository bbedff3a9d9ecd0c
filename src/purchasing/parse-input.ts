import { z } from 'zod';
import { ValidationError, zodFieldErrors } from '../errors';

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
export const DateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => { const d = new Date(`${s}T00:00:00Z`); return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s; }, 'not a calendar date');
