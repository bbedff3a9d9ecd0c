import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { NotFoundError } from '../errors';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** One order with its lines, customer, addresses, the raw events it came from and its timeline. */
export async function getOrder(ctx: Ctx, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('order', id);
  const db = q(ctx);
  const res = await db.execute(sql`select * from orders where id = ${id}`);
  const o = res.rows[0] as Record<string, any> | undefined;
  if (!o) throw new NotFoundError('order', id);
  const [lines, events, sources] = await Promise.all([
    db.execute(sql`select * from order_lines where order_id = ${id} order by position`),
    db.execute(sql`select id, kind, message, data, raw_event_id, actor, created_at from order_events where order_id = ${id} order by id`),
    db.execute(sql`
      select r.id, r.path, r.topic, r.delivery_id, r.status, r.received_at
      from raw_events r where r.id in (select raw_event_id from order_events where order_id = ${id} and raw_event_id is not null)
      order by r.id`),
  ]);
  return {
    id: o.id as string,
    connectionId: o.connection_id as string,
    channel: o.channel as string,
    externalId: o.external_id as string,
    number: o.number as string,
    status: o.status as string,
    financialStatus: o.financial_status as string,
    fulfillmentStatus: o.fulfillment_status as string,
    allocationStatus: o.allocation_status as string,
    currency: o.currency as string,
    subtotalMinor: Number(o.subtotal_minor),
    taxMinor: Number(o.tax_minor),
    shippingMinor: Number(o.shipping_minor),
    discountMinor: Number(o.discount_minor),
    totalMinor: Number(o.total_minor),
    customer: o.customer,
    shippingAddress: o.shipping_address,
    billingAddress: o.billing_address,
    exceptions: o.exceptions as string[],
    ingestPaths: o.ingest_paths as string[],
    placedAt: iso(o.placed_at)!,
    sourceUpdatedAt: iso(o.source_updated_at)!,
    heldAt: iso(o.held_at),
    cancelledAt: iso(o.cancelled_at),
    createdAt: iso(o.created_at)!,
    updatedAt: iso(o.updated_at)!,
    lines: (lines.rows as Array<Record<string, any>>).map((l) => ({
      id: l.id as string,
      externalId: l.external_id as string | null,
      sku: l.sku as string | null,
      title: l.title as string,
      quantity: l.quantity as number,
      unitPriceMinor: Number(l.unit_price_minor),
      taxMinor: Number(l.tax_minor),
      discountMinor: Number(l.discount_minor),
    })),
    sourceEvents: (sources.rows as Array<Record<string, any>>).map((r) => ({
      id: Number(r.id), path: r.path as string, topic: r.topic as string | null, deliveryId: r.delivery_id as string,
      status: r.status as string, receivedAt: iso(r.received_at)!,
    })),
    timeline: (events.rows as Array<Record<string, any>>).map((e) => ({
      id: Number(e.id), kind: e.kind as string, message: e.message as string, data: e.data, rawEventId: e.raw_event_id === null ? null : Number(e.raw_event_id),
      actor: e.actor as string | null, at: iso(e.created_at)!,
    })),
  };
}
export type OrderDetail = Awaited<ReturnType<typeof getOrder>>;
