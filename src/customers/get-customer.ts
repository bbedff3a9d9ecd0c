import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { NotFoundError } from '../errors';
import { customerReturns, type CustomerReturns } from './customer-returns';
import { SUMMARY_COLUMNS, toSummary, type CustomerSummary } from './list-customers';

export interface CustomerProfile extends CustomerSummary {
  status: string;
  mergedInto: string | null;
  creditTermsDays: number | null;
  creditLimit: { amountMinor: number; currency: string } | null;
  birthday: string | null;
  followUpOn: string | null;
  /** Average order value per currency (minor units, rounded). */
  aovByCurrency: Record<string, number>;
  identities: Array<{ id: string; kind: string; connectionId: string | null; value: string; source: string }>;
  addresses: Array<Record<string, unknown>>;
  orders: Array<{ id: string; number: string; channel: string; status: string; financialStatus: string; currency: string; totalMinor: number; placedAt: string }>;
  ordersTotal: number;
  favouriteSkus: Array<{ sku: string; title: string; quantity: number; orders: number }>;
  returns: CustomerReturns;
  notes: Array<{ id: string; body: string; author: string | null; createdAt: string }>;
  tasks: Array<{ id: string; kind: string; title: string; dueOn: string; status: string }>;
  history: Array<{ id: number; kind: string; customerId: string; otherCustomerId: string; orderIds: string[]; actor: string | null; reason: string | null; createdAt: string }>;
}

const iso = (v: unknown) => new Date(v as string).toISOString();
const day = (v: unknown) => (v == null ? null : typeof v === 'string' ? v.slice(0, 10) : (v as Date).toISOString().slice(0, 10));

/** The customer profile: contact, identities, addresses, orders across channels, stats, favourites, returns, notes, tasks. */
export async function getCustomer(ctx: Ctx, id: string, opts: { orderLimit?: number } = {}): Promise<CustomerProfile> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('Customer', id);
  const db = q(ctx);
  const res = await db.execute(sql`select ${SUMMARY_COLUMNS}, c.status, c.merged_into, c.credit_terms_days, c.credit_limit_minor,
    c.credit_currency, c.birthday, c.follow_up_on from customers c where c.id = ${id}`);
  const r = res.rows[0] as Record<string, any> | undefined;
  if (!r) throw new NotFoundError('Customer', id);
  const limit = opts.orderLimit ?? 200;
  const [identities, orders, count, favs, addresses, notes, tasks, history, returns] = await Promise.all([
    db.execute(sql`select id, kind, connection_id, value, source from customer_identities where customer_id = ${id} order by kind, value`),
    db.execute(sql`select o.id, o.number, o.channel, o.status, o.financial_status, o.currency, o.total_minor, o.placed_at
      from customer_orders co join orders o on o.id = co.order_id where co.customer_id = ${id}
      order by o.placed_at desc, o.id desc limit ${limit}`),
    db.execute(sql`select count(*)::int as n from customer_orders where customer_id = ${id}`),
    db.execute(sql`select l.sku, min(l.title) as title, sum(l.quantity)::int as quantity, count(distinct l.order_id)::int as orders
      from customer_orders co join order_lines l on l.order_id = co.order_id
      where co.customer_id = ${id} and l.sku is not null
      group by l.sku order by quantity desc, l.sku limit 5`),
    db.execute(sql`select distinct on (a.addr) a.addr as address from (
        select o.shipping_address as addr, o.placed_at from customer_orders co join orders o on o.id = co.order_id
        where co.customer_id = ${id} and o.shipping_address is not null
        union all
        select o.billing_address, o.placed_at from customer_orders co join orders o on o.id = co.order_id
        where co.customer_id = ${id} and o.billing_address is not null
      ) a order by a.addr, a.placed_at desc limit 10`),
    db.execute(sql`select id, body, author, created_at from customer_notes where customer_id = ${id} order by created_at desc, id limit 200`),
    db.execute(sql`select id, kind, title, due_on, status from customer_tasks where customer_id = ${id} order by status, due_on desc limit 100`),
    db.execute(sql`select id, kind, customer_id, other_customer_id, order_ids, actor, reason, created_at from customer_merges
      where customer_id = ${id} or other_customer_id = ${id} order by id desc limit 50`),
    customerReturns(ctx, id),
  ]);
  const s = toSummary(r);
  // AOV from the stats (counted orders only): LTV per currency / counted orders in that currency.
  const counted = await db.execute(sql`select o.currency, count(*)::int as n from customer_orders co join orders o on o.id = co.order_id
    where co.customer_id = ${id} and o.status <> 'cancelled' and o.financial_status not in ('refunded', 'voided') group by o.currency`);
  const aov: Record<string, number> = {};
  for (const c of counted.rows as Array<{ currency: string; n: number }>) {
    if (c.n > 0 && s.ltvByCurrency[c.currency] !== undefined) aov[c.currency] = Math.round(s.ltvByCurrency[c.currency]! / c.n);
  }
  return {
    ...s,
    status: r.status, mergedInto: r.merged_into, creditTermsDays: r.credit_terms_days,
    creditLimit: r.credit_limit_minor == null ? null : { amountMinor: Number(r.credit_limit_minor), currency: r.credit_currency },
    birthday: day(r.birthday), followUpOn: day(r.follow_up_on), aovByCurrency: aov,
    identities: (identities.rows as Array<Record<string, any>>).map((i) => ({ id: i.id, kind: i.kind, connectionId: i.connection_id, value: i.value, source: i.source })),
    addresses: (addresses.rows as Array<{ address: unknown }>).map((a) => (typeof a.address === 'string' ? JSON.parse(a.address) : a.address) as Record<string, unknown>),
    orders: (orders.rows as Array<Record<string, any>>).map((o) => ({
      id: o.id, number: o.number, channel: o.channel, status: o.status, financialStatus: o.financial_status, currency: o.currency,
      totalMinor: Number(o.total_minor), placedAt: iso(o.placed_at),
    })),
    ordersTotal: (count.rows[0] as { n: number }).n,
    favouriteSkus: (favs.rows as Array<Record<string, any>>).map((f) => ({ sku: f.sku, title: f.title, quantity: f.quantity, orders: f.orders })),
    returns,
    notes: (notes.rows as Array<Record<string, any>>).map((n) => ({ id: n.id, body: n.body, author: n.author, createdAt: iso(n.created_at) })),
    tasks: (tasks.rows as Array<Record<string, any>>).map((t) => ({ id: t.id, kind: t.kind, title: t.title, dueOn: day(t.due_on)!, status: t.status })),
    history: (history.rows as Array<Record<string, any>>).map((h) => ({
      id: Number(h.id), kind: h.kind, customerId: h.customer_id, otherCustomerId: h.other_customer_id, orderIds: h.order_ids,
      actor: h.actor, reason: h.reason, createdAt: iso(h.created_at),
    })),
  };
}
