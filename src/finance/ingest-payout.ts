import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { ValidationError, zodFieldErrors } from '../errors';
import { PayoutInput, PayoutLineInput } from './payout-input';

export const IngestPayoutInput = z.object({
  connectionId: z.string().uuid(),
  source: z.enum(['shopify_payments', 'stripe', 'amazon_settlement', 'sandbox']),
  payout: PayoutInput,
  lines: z.array(PayoutLineInput),
});

/**
 * Stores a payout and its lines (new or changed), idempotently per (connection, external id), and
 * queues its reconciliation when anything changed. Lines are never deleted: a line the platform no
 * longer lists stays, so no cent silently disappears.
 */
export async function ingestPayout(ctx: Ctx, input: unknown): Promise<{ payoutId: string; changed: boolean }> {
  const r = IngestPayoutInput.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  const { connectionId, source, payout: p, lines } = r.data;
  const res = await withTransaction(ctx, async (tx) => {
    // Only a real change (status, amount, summary) bumps updated_at and counts as changed.
    const rows = await tx.execute<{ id: string; changed: boolean }>(sql`
      insert into payouts (connection_id, source, external_id, status, amount_minor, currency, arrival_date, summary, manual, raw)
      values (${connectionId}, ${source}, ${p.externalId}, ${p.status}, ${p.amountMinor}, ${p.currency}, ${p.arrivalDate},
              ${JSON.stringify(p.summary)}::jsonb, ${p.manual}, ${JSON.stringify(p.raw ?? null)}::jsonb)
      on conflict (connection_id, external_id) do update set
        status = excluded.status, amount_minor = excluded.amount_minor, currency = excluded.currency,
        arrival_date = excluded.arrival_date, summary = excluded.summary, manual = excluded.manual, raw = excluded.raw,
        updated_at = now()
      where (payouts.status, payouts.amount_minor, payouts.currency, payouts.arrival_date, payouts.summary, payouts.manual)
        is distinct from (excluded.status, excluded.amount_minor, excluded.currency, excluded.arrival_date, excluded.summary, excluded.manual)
      returning id, true as changed`);
    let payoutId = rows.rows[0]?.id;
    let changed = !!payoutId;
    if (!payoutId) {
      const cur = await tx.execute<{ id: string }>(sql`select id from payouts where connection_id = ${connectionId} and external_id = ${p.externalId}`);
      payoutId = cur.rows[0]!.id;
    }
    if (lines.length > 0) {
      const recs = lines.map((l) => ({
        external_id: l.externalId, type: l.type, category: l.category, amount_minor: l.amountMinor, fee_minor: l.feeMinor,
        net_minor: l.netMinor, currency: l.currency, source_order_id: l.sourceOrderId, charge_id: l.chargeId,
        exchange_rate: l.exchangeRate, processed_at: l.processedAt, raw: l.raw ?? null,
      }));
      const ins = await tx.execute<{ id: string }>(sql`
        insert into payout_lines (payout_id, external_id, type, category, amount_minor, fee_minor, net_minor, currency,
                                  source_order_id, charge_id, exchange_rate, processed_at, raw)
        select ${payoutId}::uuid, r.external_id, r.type, r.category, r.amount_minor, r.fee_minor, r.net_minor, r.currency,
               r.source_order_id, r.charge_id, r.exchange_rate, r.processed_at, r.raw
        from jsonb_to_recordset(${JSON.stringify(recs)}::jsonb) as r(external_id text, type text, category text, amount_minor bigint,
             fee_minor bigint, net_minor bigint, currency text, source_order_id text, charge_id text, exchange_rate text,
             processed_at timestamptz, raw jsonb)
        on conflict (payout_id, external_id) do update set
          type = excluded.type, category = excluded.category, amount_minor = excluded.amount_minor, fee_minor = excluded.fee_minor,
          net_minor = excluded.net_minor, currency = excluded.currency, source_order_id = excluded.source_order_id,
          charge_id = excluded.charge_id, exchange_rate = excluded.exchange_rate, processed_at = excluded.processed_at, raw = excluded.raw
        where (payout_lines.type, payout_lines.amount_minor, payout_lines.fee_minor, payout_lines.net_minor, payout_lines.currency,
               payout_lines.source_order_id, payout_lines.charge_id, payout_lines.exchange_rate)
          is distinct from (excluded.type, excluded.amount_minor, excluded.fee_minor, excluded.net_minor, excluded.currency,
               excluded.source_order_id, excluded.charge_id, excluded.exchange_rate)
        returning id`);
      if (ins.rows.length > 0) changed = true;
    }
    return { payoutId, changed };
  });
  if (res.changed) await ctx.queue.enqueue('payout.reconcile', { payoutId: res.payoutId, reason: 'payout_changed' });
  return res;
}
