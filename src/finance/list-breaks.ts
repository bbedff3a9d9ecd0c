import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

export const ListBreaksQuery = z.object({
  status: z.enum(['open', 'resolved', 'accepted']).optional(),
  class: z.string().max(64).optional(),
  payoutId: z.string().uuid().optional(),
  connectionId: z.string().uuid().optional(),
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

export async function listBreaks(ctx: Ctx, query: unknown) {
  const f = ListBreaksQuery.parse(query);
  const where: SQL[] = [sql`true`];
  if (f.status) where.push(sql`status = ${f.status}`);
  if (f.class) where.push(sql`class = ${f.class}`);
  if (f.payoutId) where.push(sql`payout_id = ${f.payoutId}`);
  if (f.connectionId) where.push(sql`connection_id = ${f.connectionId}`);
  const res = await q(ctx).execute(sql`select * from finance_breaks where ${sql.join(where, sql` and `)} order by created_at, id limit ${f.limit}`);
  return { items: (res.rows as Record<string, unknown>[]).map(presentBreak) };
}
