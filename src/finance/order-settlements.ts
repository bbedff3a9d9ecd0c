import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { NotFoundError } from '../errors';

/** The payout lines that settled an order (charges, refunds, disputes) with their fees: for the order detail. */
export async function orderSettlements(ctx: Ctx, orderId: string) {
  if (!z.string().uuid().safeParse(orderId).success) throw new NotFoundError('order', orderId);
  const res = await q(ctx).execute(sql`
    select p.id as payout_id, p.external_id as payout_external_id, p.source, p.status as payout_status, p.arrival_date,
           l.external_id, l.type, l.amount_minor, l.fee_minor, l.net_minor, l.currency, l.match_rule, l.processed_at
    from payout_lines l join payouts p on p.id = l.payout_id where l.matched_order_id = ${orderId}
    order by l.processed_at nulls last, l.external_id`);
  return {
    items: (res.rows as Record<string, unknown>[]).map((r) => ({
      payoutId: String(r.payout_id), payoutExternalId: String(r.payout_external_id), source: String(r.source), payoutStatus: String(r.payout_status),
      arrivalDate: (r.arrival_date as string | null) ?? null, transactionId: String(r.external_id), type: String(r.type),
      amountMinor: Number(r.amount_minor), feeMinor: Number(r.fee_minor), netMinor: Number(r.net_minor), currency: String(r.currency),
      matchRule: (r.match_rule as string | null) ?? null, processedAt: r.processed_at ? new Date(String(r.processed_at)).toISOString() : null,
    })),
  };
}
