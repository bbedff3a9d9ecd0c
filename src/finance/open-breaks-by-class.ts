import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

/** Open reconciliation breaks per class and currency: how many, and the sum of their absolute differences. */
export async function openBreaksByClass(ctx: Ctx) {
  // finance_breaks_status_idx (status, created_at) limits the scan to open breaks.
  const res = await q(ctx).execute(sql`
    select class, currency, count(*)::bigint as n, sum(abs(delta_minor))::bigint as amount
    from finance_breaks where status = 'open' group by class, currency order by count(*) desc, class, currency`);
  return {
    items: (res.rows as Array<{ class: string; currency: string; n: string | number; amount: string | number }>).map((r) => ({
      class: r.class, currency: r.currency, count: Number(r.n), amountMinor: Number(r.amount),
    })),
  };
}
