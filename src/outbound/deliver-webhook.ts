import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { assertEgressAllowed, egressRefusal, viaEgress } from '../connections/egress-guard';
import { AppError } from '../errors';

/** Consecutive deliveries that gave up before a subscriber is disabled. */
export const DISABLE_AFTER = 5;

/**
 * The signature header, like Stripe's: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * Receivers check it and refuse old timestamps, so a captured delivery cannot be replayed later.
 */
export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Sends one delivery. A 2xx marks it delivered; anything else records the answer and throws a
 * retryable error, so the queue tries again with back-off (about a day in all). On the last attempt
 * it is marked failed, and a subscriber whose deliveries keep failing is disabled.
 */
export async function deliverWebhook(ctx: Ctx, deliveryId: string, attempt: { number: number; last: boolean }): Promise<'delivered' | 'skipped'> {
  const res = await ctx.db.execute(sql`
    select d.id, d.payload, d.status, d.event_id, d.event_type, s.id as sub_id, s.url, s.secret, s.status as sub_status
    from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id where d.id = ${deliveryId}`);
  const row = res.rows[0] as
    | { payload: unknown; status: string; event_id: string; event_type: string; sub_id: string; url: string; secret: { $enc: string }; sub_status: string }
    | undefined;
  if (!row || row.status !== 'pending') return 'skipped';
  if (row.sub_status !== 'active') {
    await ctx.db.execute(sql`update webhook_deliveries set status = 'failed', last_error = 'subscriber disabled' where id = ${deliveryId}`);
    return 'skipped';
  }
  const body = JSON.stringify(row.payload);
  let status: number | null = null;
  let text = '';
  let error: string | null = null;
  try {
    await assertEgressAllowed(row.url, 'url', ctx.config.allowedPrivateHosts);
    const r = await fetch(row.url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      ...viaEgress(ctx.config.allowedPrivateHosts),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'omnihub-webhooks/1',
        'omnihub-event-id': row.event_id,
        'omnihub-event-type': row.event_type,
        'omnihub-signature': signPayload(ctx.secrets.open(row.secret), body, Math.floor(ctx.now().getTime() / 1000)),
      },
    });
    status = r.status;
    text = (await r.text().catch(() => '')).slice(0, 1000);
  } catch (err) {
    error = (egressRefusal(err) ?? (err as Error).message).slice(0, 500);
  }
  const ok = status !== null && status >= 200 && status < 300;
  await ctx.db.execute(sql`
    update webhook_deliveries set attempts = attempts + 1, last_status = ${status}, last_response = ${text}, last_error = ${error},
      status = ${ok ? 'delivered' : attempt.last ? 'failed' : 'pending'}, delivered_at = ${ok ? ctx.now().toISOString() : null}::timestamptz
    where id = ${deliveryId}`);
  if (ok) {
    await ctx.db.execute(sql`update webhook_subscriptions set consecutive_failures = 0 where id = ${row.sub_id}`);
    return 'delivered';
  }
  if (attempt.last) {
    await ctx.db.execute(sql`
      update webhook_subscriptions set consecutive_failures = consecutive_failures + 1, updated_at = now(),
        status = case when consecutive_failures + 1 >= ${DISABLE_AFTER} then 'disabled' else status end,
        disabled_reason = case when consecutive_failures + 1 >= ${DISABLE_AFTER}
          then ${`${DISABLE_AFTER} deliveries in a row failed; last: ${status ?? error}`} else disabled_reason end
      where id = ${row.sub_id}`);
    return 'skipped';
  }
  throw new AppError('webhook_delivery_failed', `subscriber answered ${status ?? error}`, { status: 502, retryable: true });
}
