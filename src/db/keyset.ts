import { ValidationError } from '../errors';
import { isCalendarDay } from '../domain/calendar-day';

/**
 * Opaque keyset cursors: the sort key of a page's last row, base64url-encoded. Timestamps go in at the
 * stored precision (select them with to_char … US), since a cut to milliseconds skips rows.
 */
export function encodeKeyset(parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts.map(String))).toString('base64url');
}

/** The `n` key parts of a cursor this API returned; anything else is a 400 naming `cursor`. */
export function decodeKeyset(cursor: string, n: number): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (!Array.isArray(parts) || parts.length !== n || !parts.every((p) => typeof p === 'string')) {
    throw new ValidationError([{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  }
  return parts as string[];
}

/**
 * A timestamp cursor part, as the lists write it (UTC, microseconds: `2026-03-01T10:00:00.123456Z`).
 * Checked field by field: Date.parse takes 30 February (as 2 March), which PostgreSQL refuses with a 500.
 */
export function keysetTime(part: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z$/.exec(part);
  if (!m || !isCalendarDay(m[1]!) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59) {
    throw new ValidationError([{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  }
  return part;
}

/** A date (YYYY-MM-DD) cursor part. */
export function keysetDate(part: string): string {
  if (!isCalendarDay(part)) throw new ValidationError([{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  return part;
}

/** An integer cursor part. */
export function keysetInt(part: string): number {
  if (!/^-?\d{1,15}$/.test(part)) throw new ValidationError([{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  return Number(part);
}

/** A uuid cursor part. */
export function keysetUuid(part: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(part)) {
    throw new ValidationError([{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  }
  return part;
}

/** The items of every page, following nextCursor (an export or CSV holds every matching row, not the first page). */
export async function everyPage<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const r = await page(cursor);
    all.push(...r.items);
    cursor = r.nextCursor ?? undefined;
  } while (cursor);
  return all;
}
