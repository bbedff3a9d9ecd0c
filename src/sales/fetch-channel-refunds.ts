import { sql } from 'drizzle-orm';
import { getConnectionRow } from '../connections/manage-connections';
import { connectorKit, openConfig } from '../connections/connection-config';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { applyChannelRefunds, ChannelRefundPayload, type ChannelRefundOutcome, type RefundFetchPayload } from './channel-refunds';

/**
 * For channels whose orders list refunds by id only (WooCommerce): reads the refunds not seen yet
 * from the channel and mirrors them like any channel refund. A refund already read (on record in
 * channel_refunds, whatever became of it: a return, or nothing for a refund of money only) or made a
 * return is not fetched again; a failed call fails the job, which the queue retries.
 */
export async function fetchChannelRefunds(ctx: Ctx, orders: RefundFetchPayload[]): Promise<ChannelRefundOutcome[]> {
  const found: ChannelRefundPayload[] = [];
  for (const o of orders) {
    const mirrored = await ctx.db.execute(sql`
      select refund_id as external_id from channel_refunds
      where connection_id = ${o.connectionId} and order_external_id = ${o.orderExternalId} and refund_id = any(${pgArray(o.refundIds, 'text')})
      union
      select r.external_id from order_returns r join orders x on x.id = r.order_id
      where x.connection_id = ${o.connectionId} and x.external_id = ${o.orderExternalId} and r.external_id = any(${pgArray(o.refundIds, 'text')})`);
    const done = new Set((mirrored.rows as Array<{ external_id: string }>).map((x) => x.external_id));
    const refundIds = o.refundIds.filter((id) => !done.has(id));
    if (refundIds.length === 0) continue;
    const conn = await getConnectionRow(ctx, o.connectionId).catch(() => null);
    const connector = conn ? ctx.connectors(conn.type) : undefined;
    if (!conn || !connector?.fetchRefunds) continue;
    const config = connector.configSchema.parse(openConfig(connector, conn.config, ctx.secrets));
    const read = await connector.fetchRefunds(
      { connectionId: conn.id, config, now: ctx.now, ...connectorKit(ctx) },
      { orderExternalId: o.orderExternalId, currency: o.currency, refundIds },
    );
    for (const r of read) found.push(ChannelRefundPayload.parse({ ...r, connectionId: o.connectionId }));
  }
  return found.length > 0 ? applyChannelRefunds(ctx, found) : [];
}
