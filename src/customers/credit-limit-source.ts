import { sql } from 'drizzle-orm';
import type { Tx } from '../db/transaction';
import { normalizeEmail } from '../domain/email';
import type { CreditCheckOrder, CreditLimitSource } from '../sales/review-settings';

/**
 * Credit limits of B2B customers for order review: a new order is over the limit when the customer's
 * open, unpaid orders in the limit's currency plus this one exceed it. New orders are not linked to
 * their customer yet (the resolver runs after the drain), so the customer is found the way the
 * resolver will find it: by the normalised email's identity.
 */
export const customerCreditLimits: CreditLimitSource = {
  async overLimit(tx: Tx, orders: CreditCheckOrder[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const rows = orders
      .map((o) => ({ id: o.id, email: normalizeEmail(o.customerEmail), currency: o.currency, total: o.totalMinor }))
      .filter((o) => o.email);
    if (rows.length === 0) return out;
    const res = await tx.execute(sql`
      with batch as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as b(id uuid, email text, currency text, total bigint)
      ), who as (
        select b.id, b.currency, b.total, c.id as customer_id, c.credit_limit_minor, c.credit_currency
        from batch b
        join customer_identities i on i.kind = 'email' and i.connection_id is null and i.value = b.email
        join customers c on c.id = i.customer_id
        where c.credit_limit_minor is not null and c.credit_currency = b.currency
      )
      select w.id, w.credit_limit_minor as limit_minor, w.currency, w.total,
        coalesce((select sum(o.total_minor) from customer_orders co join orders o on o.id = co.order_id
          where co.customer_id = w.customer_id and o.currency = w.currency and o.id <> w.id
            and o.status not in ('cancelled', 'completed') and o.financial_status not in ('paid', 'refunded', 'voided')), 0)::bigint as open_minor
      from who w`);
    for (const r of res.rows as Array<{ id: string; limit_minor: number; currency: string; total: number; open_minor: number }>) {
      const exposure = Number(r.open_minor) + Number(r.total);
      if (exposure > Number(r.limit_minor)) {
        out.set(String(r.id), `customer over credit limit: ${exposure} > ${Number(r.limit_minor)} ${r.currency} (minor units, open unpaid orders included)`);
      }
    }
    return out;
  },
};
