import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { NotFoundError } from '../errors';
import { presentBreak } from './list-breaks';

/** The reconciliation breaks that name an order (open or closed), for the order detail. */
export async function orderBreaks(ctx: Ctx, orderId: string) {
  if (!z.string().uuid().safeParse(orderId).success) throw new NotFoundError('order', orderId);
  const res = await q(ctx).execute(sql`select * from finance_breaks where order_id = ${orderId} order by created_at, id limit 100`);
  return { items: (res.rows as Record<string, unknown>[]).map(presentBreak) };
}
