import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { decodeKeyset, encodeKeyset, keysetTime } from '../db/keyset';
import { q } from '../db/transaction';
import { ValidationError, zodFieldErrors } from '../errors';

export const ListBreaksQuery = z.object({
  status: z.enum(['open', 'resolved', 'accepted']).optional(),
  class: z.string().max(64).optional(),
  payoutId: z.string().uuid().optional(),
  connectionId: z.string().uuid().optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function presentBreak(b: Record<string, unknown>) {
  return {
    id: String(b.id), payoutId: (b.payout_id as string | null) ?? null, connectionId: String(b.connection_id), class: String(b.class), key: String(b.key),
    lineId: (b.line_id as string | null) ?? null, orderId: (b.order_id as string | null) ?? null,
    expectedMinor: Number(b.expected_minor), actualMinor: Number(b.actual_minor), deltaMinor: Number(b.delta_minor), currency: String(b.currency),
    status: String(b.status), note: (b.note as string | null) ?? null, detail: b.detail as Record<string, unknown>,
    resolvedBy: (b.resolved_by as string | null) ?? null,
  };
}

/** Reconciliation breaks, oldest first, keyset-paginated (`nextCursor`). */
export async function listBreaks(ctx: Ctx, query: unknown) {
  const parsed = ListBreaksQuery.safeParse(query ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const f = parsed.data;
  const where: SQL[] = [sql`true`];
  if (f.status) where.push(sql`status = ${f.status}`);
  if (f.class) where.push(sql`class = ${f.class}`);
  if (f.payoutId) where.push(sql`payout_id = ${f.payoutId}`);
  if (f.connectionId) where.push(sql`connection_id = ${f.connectionId}`);
  if (f.cursor) {
    const [at, id] = decodeKeyset(f.cursor, 2) as [string, string];
    // The id is text (a hash of payout, class and key).
    where.push(sql`(created_at, id) > (${keysetTime(at)}::timestamptz, ${id})`);
  }
  const res = await q(ctx).execute(sql`
    select *, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key
    from finance_breaks where ${sql.join(where, sql` and `)} order by created_at, id limit ${f.limit + 1}`);
  const rows = res.rows as Record<string, unknown>[];
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return { items: page.map(presentBreak), nextCursor: rows.length > f.limit && last ? encodeKeyset([String(last.created_key), String(last.id)]) : null };
}
