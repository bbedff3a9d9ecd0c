import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ValidationError } from '../errors';
import { CalendarDay } from '../domain/calendar-day';

export const ListPayoutsQuery = z.object({
  connectionId: z.string().uuid().optional(),
  status: z.string().max(64).optional(),
  dateFrom: CalendarDay.optional(),
  dateTo: CalendarDay.optional(),
  /** `open`: payouts with open breaks; `clean`: reconciled without any. */
  reconciliation: z.enum(['open', 'clean', 'pending', 'not_reconcilable']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

export function presentPayout(r: Record<string, unknown>) {
  return {
    id: String(r.id), connectionId: String(r.connection_id), source: String(r.source), externalId: String(r.external_id),
    status: String(r.status), amountMinor: Number(r.amount_minor), currency: String(r.currency), arrivalDate: (r.arrival_date as string | null) ?? null,
    summary: r.summary as Record<string, number>, manual: !!r.manual, reconciliation: String(r.reconciliation),
    unknownTypes: r.unknown_types as Record<string, number>, openBreaks: Number(r.open_breaks ?? 0),
    reconciledAt: r.reconciled_at ? new Date(String(r.reconciled_at)).toISOString() : null,
  };
}

/**
 * Payouts, newest arrival first and, within a day, the newest stored first; keyset-paginated by
 * (arrival date, stored at, id).
 */
export async function listPayouts(ctx: Ctx, query: unknown) {
  const f = ListPayoutsQuery.parse(query);
  const where: SQL[] = [sql`true`];
  if (f.connectionId) where.push(sql`p.connection_id = ${f.connectionId}`);
  if (f.status) where.push(sql`p.status = ${f.status}`);
  if (f.dateFrom) where.push(sql`p.arrival_date >= ${f.dateFrom}`);
  if (f.dateTo) where.push(sql`p.arrival_date <= ${f.dateTo}`);
  if (f.reconciliation) where.push(sql`p.reconciliation = ${f.reconciliation}`);
  if (f.cursor) {
    const [d, at, id] = Buffer.from(f.cursor, 'base64url').toString().split('|');
    if (!at || !id || !/^\d{4}-\d{2}-\d{2} [\d:.]+[+-]\d{2}(:\d{2})?$/.test(at) || !z.string().uuid().safeParse(id).success) {
      throw new ValidationError([{ path: 'cursor', message: 'not a cursor this list gave out' }]);
    }
    where.push(sql`(coalesce(p.arrival_date, ''), p.created_at, p.id) < (${d ?? ''}, ${at}::timestamptz, ${id}::uuid)`);
  }
  const res = await q(ctx).execute(sql`
    select p.*, p.created_at::text as created_at_text, (select count(*) from finance_breaks b where b.payout_id = p.id and b.status = 'open') as open_breaks
    from payouts p where ${sql.join(where, sql` and `)}
    order by coalesce(p.arrival_date, '') desc, p.created_at desc, p.id desc limit ${f.limit + 1}`);
  const rows = res.rows as Record<string, unknown>[];
  const items = rows.slice(0, f.limit).map(presentPayout);
  const last = rows[Math.min(rows.length, f.limit) - 1];
  // The stored time to the microsecond, as text from the database (a JS Date would drop the microseconds).
  const nextCursor = rows.length > f.limit && last
    ? Buffer.from(`${(last.arrival_date as string | null) ?? ''}|${String(last.created_at_text)}|${String(last.id)}`).toString('base64url')
    : null;
  return { items, nextCursor };
}
