import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import type { Tx } from '../db/transaction';
import { getCreditLimitSource, ReviewSettings, type CreditCheckOrder } from './review-settings';

/** Address fields compared by the mismatch rule, normalised (case, spaces in postal codes). */
const norm = (a: string) => sql.raw(`lower(concat_ws('|', btrim(${a}->>'line1'), btrim(${a}->>'line2'), btrim(${a}->>'city'),
  regexp_replace(${a}->>'postalCode', '\\s', '', 'g'), ${a}->>'country'))`);

/**
 * Holds the newly created orders that match an enabled review rule, in the drain's transaction so
 * no allocator can see them as `pending` first. Set-based: one statement for the whole batch reads
 * the rules, evaluates them, marks the orders and writes their timeline entries; with review off
 * only the rules are read. The credit-limit rule asks the registered source once for the batch.
 * Returns order id → reasons.
 */
export async function holdForReview(ctx: Ctx, tx: Tx, orderIds: string[]): Promise<Map<string, string[]>> {
  const held = new Map<string, string[]>();
  if (orderIds.length === 0) return held;
  // Read the rules first, in this transaction: with review off (the usual case) nothing else runs. The
  // set-based statement below cost ~4 ms per drain batch even when it found no settings row — a fifth of
  // PostgreSQL's time in the ingest benchmark.
  const s = await tx.execute(sql`select settings from order_review_settings where id = 1`);
  const settings = ReviewSettings.parse((s.rows[0] as { settings?: unknown } | undefined)?.settings ?? {});
  if (!settings.enabled) return held;
  const res = await tx.execute(sql`
    with s as (select settings from order_review_settings where id = 1 and (settings->>'enabled')::boolean),
    c as (
      select o.id, o.currency, o.total_minor, o.customer_email, o.placed_at, o.shipping_address, o.billing_address, s.settings
      from orders o, s
      where o.id = any(${pgArray(orderIds, 'uuid')}) and o.status = 'open' and o.allocation_status = 'pending'
        and (jsonb_array_length(coalesce(s.settings->'connectionIds', '[]'::jsonb)) = 0
             or s.settings->'connectionIds' ? o.connection_id::text)
    ),
    r as (
      select c.id, array_remove(array[
        case when c.settings->'totalAbove'->>c.currency is not null
              and c.total_minor > (c.settings->'totalAbove'->>c.currency)::bigint then 'total_above' end,
        case when (c.settings->>'firstOrder')::boolean and c.customer_email is not null and not exists (
              select 1 from orders p where lower(p.customer_email) = c.customer_email and p.id <> c.id
                and (p.placed_at < c.placed_at or (p.placed_at = c.placed_at and p.id < c.id))) then 'first_order' end,
        case when (c.settings->>'addressMismatch')::boolean and c.shipping_address is not null and c.billing_address is not null
              and ${norm('c.shipping_address')} <> ${norm('c.billing_address')} then 'address_mismatch' end
      ], null) as reasons
      from c
    )
    select id, reasons from r where cardinality(reasons) > 0`);
  for (const r of res.rows as Array<{ id: string; reasons: string[] | string }>) held.set(r.id, toArray(r.reasons));

  const source = getCreditLimitSource();
  if (source && settings.creditLimit) {
    const rows = await tx.execute(sql`
      select id, connection_id, customer_email, currency, total_minor from orders
      where id = any(${pgArray(orderIds, 'uuid')}) and status = 'open' and allocation_status = 'pending'`);
    const cands: CreditCheckOrder[] = (rows.rows as Array<{ id: string; connection_id: string; customer_email: string | null; currency: string; total_minor: number }>)
      .filter((r) => settings.connectionIds.length === 0 || settings.connectionIds.includes(r.connection_id))
      .map((r) => ({ id: r.id, connectionId: r.connection_id, customerEmail: r.customer_email, currency: r.currency, totalMinor: Number(r.total_minor) }));
    const over = cands.length ? await source.overLimit(tx, cands) : new Map<string, string>();
    for (const id of over.keys()) held.set(id, [...(held.get(id) ?? []), 'credit_limit']);
  }
  if (held.size === 0) return held;

  const rows = [...held].map(([id, reasons]) => ({ id, reasons }));
  await tx.execute(sql`
    with h as (
      update orders o set allocation_status = 'review', updated_at = now(),
        exceptions = (select array_agg(distinct e order by e) from unnest(o.exceptions || array['review']) e)
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, reasons text[])
      where o.id = x.id and o.allocation_status = 'pending'
      returning o.id, x.reasons)
    insert into order_events (order_id, kind, message, data, actor)
    select id, 'review_hold', 'Held for review: ' || array_to_string(reasons, ', '), jsonb_build_object('reasons', to_jsonb(reasons)), 'system'
    from h`);
  return held;
}

function toArray(v: string[] | string): string[] {
  return Array.isArray(v) ? v : String(v).replace(/^\{|\}$/g, '').split(',').filter(Boolean);
}
