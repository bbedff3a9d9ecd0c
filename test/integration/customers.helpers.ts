import { sql } from 'drizzle-orm';
import { withTransaction } from '../../src/db/transaction';
import type { Address, Customer, UnifiedOrderInput } from '../../src/domain/order';
import { upsertOrders } from '../../src/inbox/upsert-orders';
import type { TestHub } from '../helpers/hub';

let seq = 0;

/** A connection row of a channel (the resolver only needs its id). */
export async function connection(t: TestHub, name: string): Promise<string> {
  const r = await t.hub.ctx.db.execute(sql`insert into connections (type, name, config) values ('sandbox', ${name}, '{}'::jsonb) returning id`);
  return (r.rows[0] as { id: string }).id;
}

export interface OrderSpec {
  connectionId: string;
  channel: string;
  customer?: Customer | null;
  ship?: Address | null;
  totalMinor?: number;
  currency?: string;
  placedAt?: string;
  status?: UnifiedOrderInput['status'];
  financialStatus?: UnifiedOrderInput['financialStatus'];
  lines?: Array<{ sku: string; quantity: number }>;
}

/** Stores orders through the inbox's own upsert; returns their ids in the given order. */
export async function seedOrders(t: TestHub, specs: OrderSpec[]): Promise<string[]> {
  const items = specs.map((s) => {
    const n = ++seq;
    const total = s.totalMinor ?? 1000;
    const lines = (s.lines ?? [{ sku: 'SKU-A', quantity: 1 }]).map((l, i) => ({
      sku: l.sku, title: `Item ${l.sku}`, quantity: l.quantity, unitPriceMinor: i === 0 ? total : 0, taxMinor: 0, discountMinor: 0,
    }));
    const order: UnifiedOrderInput = {
      externalId: `C-${n}`, number: `#C${n}`, status: s.status ?? 'open', financialStatus: s.financialStatus ?? 'paid',
      fulfillmentStatus: 'unfulfilled', currency: s.currency ?? 'USD', subtotalMinor: total, taxMinor: 0, shippingMinor: 0,
      discountMinor: 0, totalMinor: total, lines, customer: s.customer ?? null, shippingAddress: s.ship ?? null, billingAddress: null,
      placedAt: s.placedAt ?? new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
      sourceUpdatedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(), exceptions: [],
    };
    return { connectionId: s.connectionId, channel: s.channel, path: 'poll' as const, rawEventId: null, order };
  });
  const res = await withTransaction(t.hub.ctx, (tx) => upsertOrders(tx, items));
  const byExt = new Map(res.map((r) => [r.externalId, r.id]));
  return items.map((i) => byExt.get(i.order.externalId)!);
}

export async function customerOf(t: TestHub, orderId: string): Promise<string | undefined> {
  const r = await t.hub.ctx.db.execute(sql`select customer_id from customer_orders where order_id = ${orderId}`);
  return (r.rows[0] as { customer_id: string } | undefined)?.customer_id;
}
