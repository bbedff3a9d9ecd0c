import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { NotFoundError } from '../errors';
import { presentBreak } from './list-breaks';
import { presentPayout } from './list-payouts';

/** A payout with its lines (each with the order it settled) and its breaks. */
export async function getPayout(ctx: Ctx, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('payout', id);
  const db = q(ctx);
  const pr = await db.execute(sql`
    select p.*, (select count(*) from finance_breaks b where b.payout_id = p.id and b.status = 'open') as open_breaks
    from payouts p where p.id = ${id}`);
  const p = pr.rows[0] as Record<string, unknown> | undefined;
  if (!p) throw new NotFoundError('payout', id);
  const lr = await db.execute(sql`
    select l.*, o.external_id as order_external_id, o.number as order_number, o.total_minor as order_total_minor, o.currency as order_currency
    from payout_lines l left join orders o on o.id = l.matched_order_id
    where l.payout_id = ${id} order by l.processed_at nulls last, l.external_id`);
  const br = await db.execute(sql`
    select b.*, o.number as order_number from finance_breaks b left join orders o on o.id = b.order_id
    where b.payout_id = ${id} order by b.class, b.key`);
  const jr = await db.execute(sql`select id, kind, status, entry_date, memo from journal_entries where payout_id = ${id} order by created_at, id`);
  return {
    ...presentPayout(p),
    lines: (lr.rows as Record<string, unknown>[]).map((l) => ({
      id: String(l.id), externalId: String(l.external_id), type: String(l.type), category: String(l.category),
      amountMinor: Number(l.amount_minor), feeMinor: Number(l.fee_minor), netMinor: Number(l.net_minor), currency: String(l.currency),
      sourceOrderId: (l.source_order_id as string | null) ?? null, chargeId: (l.charge_id as string | null) ?? null,
      exchangeRate: (l.exchange_rate as string | null) ?? null,
      processedAt: l.processed_at ? new Date(String(l.processed_at)).toISOString() : null,
      matchRule: (l.match_rule as string | null) ?? null,
      matchedOrder: l.matched_order_id
        ? { id: String(l.matched_order_id), externalId: String(l.order_external_id), number: String(l.order_number), totalMinor: Number(l.order_total_minor), currency: String(l.order_currency) }
        : null,
    })),
    breaks: (br.rows as Record<string, unknown>[]).map((b) => ({ ...presentBreak(b), orderNumber: (b.order_number as string | null) ?? null })),
    journals: (jr.rows as Record<string, unknown>[]).map((j) => ({ id: String(j.id), kind: String(j.kind), status: String(j.status), entryDate: String(j.entry_date), memo: String(j.memo) })),
  };
}
