import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import type { OutboundEventType } from './event-types';

/**
 * Publishes events to the subscribers that want them: one delivery row per (event, subscriber),
 * then one `webhook.deliver` job each. Publishing never fails the work that caused the event: an
 * error here is logged, and the business change stands.
 */
export async function emitEvents(ctx: Ctx, events: Array<{ type: OutboundEventType; data: Record<string, unknown> }>): Promise<void> {
  if (events.length === 0) return;
  try {
    const subs = await activeSubscriptions(ctx);
    const rows: Array<{ subscription_id: string; event_id: string; event_type: string; payload: unknown }> = [];
    for (const e of events) {
      const eventId = randomUUID();
      const payload = { id: eventId, type: e.type, createdAt: ctx.now().toISOString(), data: e.data };
      for (const s of subs) {
        if (s.events.includes('*') || s.events.includes(e.type)) rows.push({ subscription_id: s.id, event_id: eventId, event_type: e.type, payload });
      }
    }
    if (rows.length === 0) return;
    const res = await q(ctx).execute(sql`
      insert into webhook_deliveries (subscription_id, event_id, event_type, payload)
      select subscription_id, event_id, event_type, payload
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(subscription_id uuid, event_id uuid, event_type text, payload jsonb)
      returning id`);
    for (const r of res.rows as Array<{ id: string }>) {
      await ctx.queue.enqueue('webhook.deliver', { deliveryId: r.id }, { jobId: `whd-${r.id}` });
    }
  } catch (err) {
    ctx.log.error({ err: (err as Error).message }, 'could not publish outbound webhook events');
  }
}

const cache = new WeakMap<object, { at: number; subs: Array<{ id: string; events: string[] }> }>();

/** Active subscribers, remembered for a second per database: events are emitted on every drain and allocation. */
async function activeSubscriptions(ctx: Ctx): Promise<Array<{ id: string; events: string[] }>> {
  const hit = cache.get(ctx.db);
  if (hit && Date.now() - hit.at < 1000) return hit.subs;
  const res = await q(ctx).execute(sql`select id, events from webhook_subscriptions where status = 'active'`);
  const subs = res.rows as Array<{ id: string; events: string[] }>;
  cache.set(ctx.db, { at: Date.now(), subs });
  return subs;
}

/** Forgets the remembered subscribers (after one is created, removed, enabled or disabled). */
export function forgetSubscriptions(ctx: Ctx): void {
  cache.delete(ctx.db);
}
