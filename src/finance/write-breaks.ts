import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/transaction';

/**
 * Upserts a payout's breaks from `source`, a query yielding (id, class, key, line_id, order_id,
 * expected, actual, currency, detail). Both reconciliation paths (in-memory rules and set-based SQL)
 * write through here, so they keep one rule: amounts that changed reopen a break someone had
 * resolved (the new numbers need a new look); an unchanged break keeps its status and note.
 */
export async function upsertBreaks(tx: Tx, payoutId: string, connectionId: string, source: SQL): Promise<void> {
  await tx.execute(sql`
    insert into finance_breaks (id, payout_id, connection_id, class, key, line_id, order_id, expected_minor, actual_minor, delta_minor, currency, detail)
    select b.id, ${payoutId}::uuid, ${connectionId}::uuid, b.class, b.key, b.line_id, b.order_id, b.expected, b.actual, b.actual - b.expected, b.currency, b.detail
    from (${source}) as b
    on conflict (id) do update set
      expected_minor = excluded.expected_minor, actual_minor = excluded.actual_minor, delta_minor = excluded.delta_minor,
      line_id = excluded.line_id, order_id = excluded.order_id, detail = excluded.detail, updated_at = now(),
      status = case when (finance_breaks.expected_minor, finance_breaks.actual_minor) is distinct from (excluded.expected_minor, excluded.actual_minor)
                    then 'open' else finance_breaks.status end
    where (finance_breaks.expected_minor, finance_breaks.actual_minor, finance_breaks.line_id, finance_breaks.order_id, finance_breaks.detail)
      is distinct from (excluded.expected_minor, excluded.actual_minor, excluded.line_id, excluded.order_id, excluded.detail)`);
}
