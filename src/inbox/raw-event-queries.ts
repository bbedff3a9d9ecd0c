import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ConflictError, NotFoundError } from '../errors';
import { processEventsById } from './process-raw-events';

export const ListEventsQuery = z.object({
  status: z.enum(['pending', 'processed', 'ignored', 'failed']).optional(),
  connectionId: z.string().uuid().optional(),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function present(r: Record<string, any>, withBody: boolean) {
  return {
    id: Number(r.id),
    connectionId: r.connection_id as string,
    deliveryId: r.delivery_id as string,
    path: r.path as string,
    topic: r.topic as string | null,
    status: r.status as string,
    error: r.error as string | null,
    attempts: r.attempts as number,
    receivedAt: iso(r.received_at)!,
    processedAt: iso(r.processed_at),
    ...(withBody
      ? {
          headers: r.headers as Record<string, string> | null,
          body: r.body as string,
          /** `base64` when the payload held a NUL character and is kept as base64 of its bytes. */
          bodyEncoding: (r.body_encoding as string | undefined) ?? 'utf8',
        }
      : {}),
  };
}

/**
 * How many events wait (pending) and how many are dead letters (failed): the two lists someone has to
 * look at. Both read the small indexes of those states, never the processed bulk.
 */
export async function eventsNeedingAttention(ctx: Ctx): Promise<{ failed: number; pending: number }> {
  const res = await q(ctx).execute(sql`
    select (select count(*) from raw_events where status = 'failed')::int as failed,
           (select count(*) from raw_events where status = 'pending')::int as pending`);
  const row = res.rows[0] as { failed: number; pending: number } | undefined;
  return { failed: Number(row?.failed ?? 0), pending: Number(row?.pending ?? 0) };
}

/** Raw inbound events, newest first; `status=failed` is the dead-letter list. */
export async function listRawEvents(ctx: Ctx, query: z.infer<typeof ListEventsQuery>) {
  const where = [sql`true`];
  if (query.status) where.push(sql`status = ${query.status}`);
  if (query.connectionId) where.push(sql`connection_id = ${query.connectionId}`);
  if (query.cursor) where.push(sql`id < ${query.cursor}`);
  const res = await q(ctx).execute(sql`
    select id, connection_id, delivery_id, path, topic, status, error, attempts, received_at, processed_at
    from raw_events where ${sql.join(where, sql` and `)} order by id desc limit ${query.limit + 1}`);
  const rows = res.rows as Array<Record<string, any>>;
  const items = rows.slice(0, query.limit).map((r) => present(r, false));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
}

export async function getRawEvent(ctx: Ctx, id: number) {
  const res = await q(ctx).execute(sql`select * from raw_events where id = ${id}`);
  const row = res.rows[0] as Record<string, any> | undefined;
  if (!row) throw new NotFoundError('event', String(id));
  return present(row, true);
}

/**
 * Re-runs normalisation of a stored event from its stored payload (no fetch from the channel), for
 * example after a connector fix. Replaying a processed event is harmless: newest-wins upserts make
 * it change nothing unless the payload is newer.
 */
export async function replayRawEvent(ctx: Ctx, id: number) {
  const res = await q(ctx).execute(sql`
    update raw_events set status = 'pending', error = null where id = ${id} and status <> 'pending' returning id`);
  if (res.rows.length === 0) {
    await getRawEvent(ctx, id);
    throw new ConflictError('event_pending', 'This event is already waiting to be processed.');
  }
  const summary = await processEventsById(ctx, [id], { isolateFailures: true });
  if (summary.refunds?.length) await ctx.queue.enqueue('sales.channel-refunds', { refunds: summary.refunds });
  const event = await getRawEvent(ctx, id);
  return { event, orders: summary.orders.map((o) => ({ id: o.id, outcome: o.outcome })) };
}
