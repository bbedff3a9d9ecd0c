import { sql } from 'drizzle-orm';
import { pgArray } from '../db/sql-array';
import type { Tx } from '../db/transaction';
import type { UnifiedOrderInput } from '../domain/order';

export interface IncomingOrder {
  connectionId: string;
  channel: string;
  path: 'webhook' | 'poll' | 'manual' | 'import';
  rawEventId: number | null;
  order: UnifiedOrderInput;
}

export type UpsertOutcome = 'created' | 'updated' | 'stale' | 'unchanged';

export interface UpsertResult {
  id: string;
  connectionId: string;
  externalId: string;
  outcome: UpsertOutcome;
  /** True when this delivery added a new ingestion path to an existing order. */
  newPath: boolean;
  /** Distinct SKUs of the delivered version. */
  skus: string[];
  /** Set by the drain when a review rule held the new order (it is not allocated until approved). */
  heldForReview?: boolean;
}

interface OldRow {
  id: string;
  connection_id: string;
  external_id: string;
  status: string;
  financial_status: string;
  fulfillment_status: string;
  total_minor: number;
  source_updated_at: Date | string;
  ingest_paths: string[];
}

const key = (c: string, e: string) => `${c}\u0000${e}`;

/**
 * Keeps, per (connection, external id), the newest version; ties go to the later raw event. Paths
 * of every copy are merged, so an order seen by webhook and poll in one batch records both.
 */
export function newestPerKey(items: IncomingOrder[]): Array<IncomingOrder & { paths: string[] }> {
  const best = new Map<string, IncomingOrder & { paths: string[] }>();
  for (const it of items) {
    const k = key(it.connectionId, it.order.externalId);
    const cur = best.get(k);
    if (!cur) {
      best.set(k, { ...it, paths: [it.path] });
      continue;
    }
    const paths = [...new Set([...cur.paths, it.path])].sort();
    const newer =
      Date.parse(it.order.sourceUpdatedAt) > Date.parse(cur.order.sourceUpdatedAt) ||
      (Date.parse(it.order.sourceUpdatedAt) === Date.parse(cur.order.sourceUpdatedAt) && (it.rawEventId ?? 0) > (cur.rawEventId ?? 0));
    best.set(k, newer ? { ...it, paths } : { ...cur, paths });
  }
  // Sorted so concurrent batches lock rows in the same order (no deadlocks).
  return [...best.values()].sort((a, b) =>
    a.connectionId === b.connectionId ? (a.order.externalId < b.order.externalId ? -1 : 1) : a.connectionId < b.connectionId ? -1 : 1,
  );
}

export interface UpsertOptions {
  /**
   * Raw events to mark with their outcome in the same statement as the lines and timeline entries
   * (one round trip less per drain batch).
   */
  rawEventOutcomes?: Array<{ id: number; status: string; error: string | null }>;
}

/** A data-modifying CTE (`r as (update raw_events …)`) that records each raw event's outcome. */
function rawEventUpdate(outcomes: NonNullable<UpsertOptions['rawEventOutcomes']>) {
  return sql`r as (
    update raw_events r set status = x.status, error = x.error, processed_at = now(), attempts = r.attempts + 1
    from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) as x(id bigint, status text, error text)
    where r.id = x.id)`;
}

/**
 * Idempotent multi-row upsert of unified orders. The database decides: one row per (connection,
 * external id), and an older `sourceUpdatedAt` never overwrites a newer one (the WHERE of ON CONFLICT).
 * Writes lines and timeline entries for what changed. Must run inside a transaction.
 */
export async function upsertOrders(tx: Tx, items: IncomingOrder[], opts: UpsertOptions = {}): Promise<UpsertResult[]> {
  const input = newestPerKey(items);
  if (input.length === 0) {
    if (opts.rawEventOutcomes?.length) await tx.execute(sql`with ${rawEventUpdate(opts.rawEventOutcomes)} select 1`);
    return [];
  }
  const skusOf = new Map<IncomingOrder, string[]>();
  const rows = input.map((it) => {
    const o = it.order;
    const skus = [...new Set(o.lines.map((l) => l.sku).filter((s): s is string => !!s))].sort();
    skusOf.set(it, skus);
    return {
      connection_id: it.connectionId,
      channel: it.channel,
      external_id: o.externalId,
      number: o.number,
      status: o.status,
      financial_status: o.financialStatus,
      fulfillment_status: o.fulfillmentStatus,
      currency: o.currency,
      subtotal_minor: o.subtotalMinor,
      tax_minor: o.taxMinor,
      shipping_minor: o.shippingMinor,
      discount_minor: o.discountMinor,
      total_minor: o.totalMinor,
      customer: o.customer ?? null,
      customer_email: o.customer?.email?.trim().toLowerCase() || null,
      customer_name: o.customer?.name ?? null,
      shipping_address: o.shippingAddress ?? null,
      billing_address: o.billingAddress ?? null,
      ship_country: o.shippingAddress?.country ?? null,
      skus,
      item_count: o.lines.reduce((s, l) => s + l.quantity, 0),
      exceptions: o.exceptions,
      paths: it.paths,
      placed_at: o.placedAt,
      source_updated_at: o.sourceUpdatedAt,
    };
  });
  const json = JSON.stringify(rows);
  const recordset = sql`jsonb_to_recordset(${json}::jsonb) as x(
      connection_id uuid, channel text, external_id text, number text, status text, financial_status text,
      fulfillment_status text, currency text, subtotal_minor bigint, tax_minor bigint, shipping_minor bigint,
      discount_minor bigint, total_minor bigint, customer jsonb, customer_email text, customer_name text,
      shipping_address jsonb, billing_address jsonb, ship_country text, skus text[], item_count int,
      exceptions text[], paths text[], placed_at timestamptz, source_updated_at timestamptz)`;

  // Lock existing rows first, in key order, and read what they were (for the timeline). Only the keys
  // are sent: parsing the whole batch's JSON here as well cost PostgreSQL as much as the insert's own parse.
  const keys = JSON.stringify(input.map((it) => [it.connectionId, it.order.externalId]));
  const oldRes = await tx.execute(sql`
    select o.id, o.connection_id, o.external_id, o.status, o.financial_status, o.fulfillment_status, o.total_minor,
           o.source_updated_at, o.ingest_paths
    from orders o join (select (k->>0)::uuid as connection_id, k->>1 as external_id from jsonb_array_elements(${keys}::jsonb) k) x
      on o.connection_id = x.connection_id and o.external_id = x.external_id
    order by o.connection_id, o.external_id
    for no key update of o`);
  const old = new Map<string, OldRow>();
  for (const r of oldRes.rows as unknown as OldRow[]) old.set(key(r.connection_id, r.external_id), r);

  const up = await tx.execute(sql`
    insert into orders (connection_id, channel, external_id, number, status, financial_status, fulfillment_status,
      currency, subtotal_minor, tax_minor, shipping_minor, discount_minor, total_minor, customer, customer_email,
      customer_name, shipping_address, billing_address, ship_country, skus, item_count, exceptions, ingest_paths,
      placed_at, source_updated_at)
    select connection_id, channel, external_id, number, status, financial_status, fulfillment_status, currency,
      subtotal_minor, tax_minor, shipping_minor, discount_minor, total_minor, customer, customer_email, customer_name,
      shipping_address, billing_address, ship_country, skus, item_count, exceptions, paths, placed_at, source_updated_at
    from ${recordset}
    order by connection_id, external_id
    on conflict (connection_id, external_id) do update set
      number = excluded.number,
      -- Hub-side states win over the channel's 'open': a hold or a cancellation made here stays.
      status = case when orders.cancelled_at is not null then 'cancelled'
                    when orders.held_at is not null and excluded.status = 'open' then 'on_hold'
                    else excluded.status end,
      financial_status = excluded.financial_status,
      fulfillment_status = excluded.fulfillment_status,
      currency = excluded.currency,
      subtotal_minor = excluded.subtotal_minor, tax_minor = excluded.tax_minor, shipping_minor = excluded.shipping_minor,
      discount_minor = excluded.discount_minor, total_minor = excluded.total_minor,
      customer = excluded.customer, customer_email = excluded.customer_email, customer_name = excluded.customer_name,
      shipping_address = excluded.shipping_address, billing_address = excluded.billing_address,
      ship_country = excluded.ship_country, skus = excluded.skus, item_count = excluded.item_count,
      exceptions = (select coalesce(array_agg(distinct e order by e), '{}') from unnest(
                      excluded.exceptions || array(select e2 from unnest(orders.exceptions) e2
                                                  where e2 not in ('unpaid', 'invalid_address', 'adhoc_item'))) e),
      ingest_paths = (select array_agg(distinct p order by p) from unnest(orders.ingest_paths || excluded.ingest_paths) p),
      placed_at = excluded.placed_at,
      source_updated_at = excluded.source_updated_at,
      updated_at = now()
    -- Newest wins: a stale or repeated delivery changes nothing.
    where orders.source_updated_at < excluded.source_updated_at
    -- xmax = 0 marks a row this statement inserted. The lock query above cannot see a row that a
    -- concurrent batch inserts and commits while we wait on it, so "no old row" alone does not mean
    -- "created": trusting it wrote a second set of lines (unique violation) and a second 'received'.
    returning id, connection_id, external_id, (xmax = 0) as inserted`);
  const written = new Map<string, { id: string; inserted: boolean }>();
  for (const r of up.rows as Array<{ id: string; connection_id: string; external_id: string; inserted: boolean }>) {
    written.set(key(r.connection_id, r.external_id), { id: r.id, inserted: r.inserted });
  }

  // Rows neither locked above nor written now were committed by a concurrent batch (with newer data).
  const unseen = input.filter((it) => {
    const k = key(it.connectionId, it.order.externalId);
    return !old.has(k) && !written.has(k);
  });
  if (unseen.length > 0) {
    const keys = JSON.stringify(unseen.map((it) => ({ c: it.connectionId, e: it.order.externalId })));
    const late = await tx.execute(sql`
      select o.id, o.connection_id, o.external_id, o.status, o.financial_status, o.fulfillment_status, o.total_minor,
             o.source_updated_at, o.ingest_paths
      from orders o join jsonb_to_recordset(${keys}::jsonb) as k(c uuid, e text) on o.connection_id = k.c and o.external_id = k.e`);
    for (const r of late.rows as unknown as OldRow[]) old.set(key(r.connection_id, r.external_id), r);
  }

  // Stale or equal copies may still bring a new path (a poll that confirms a webhook): record it.
  // A row this batch inserted holds exactly its paths, so when every row was inserted there is nothing to add.
  const pathAdded = new Set<string>();
  const allInserted = written.size === input.length && [...written.values()].every((w) => w.inserted);
  if (!allInserted) {
    const pathRes = await tx.execute(sql`
      update orders o set ingest_paths = (select array_agg(distinct p order by p) from unnest(o.ingest_paths || x.paths) p)
      from ${recordset}
      where o.connection_id = x.connection_id and o.external_id = x.external_id and not (o.ingest_paths @> x.paths)
      returning o.id, o.connection_id, o.external_id`);
    for (const r of pathRes.rows as Array<{ connection_id: string; external_id: string }>) pathAdded.add(key(r.connection_id, r.external_id));
  }

  const results: UpsertResult[] = [];
  const lineRows: unknown[] = [];
  const eventRows: unknown[] = [];
  const replaced: string[] = [];
  for (const it of input) {
    const k = key(it.connectionId, it.order.externalId);
    const prev = old.get(k);
    const w = written.get(k);
    const id = w?.id ?? prev?.id;
    if (!id) throw new Error(`order ${it.order.externalId} was neither written nor found`);
    const outcome: UpsertOutcome = w?.inserted
      ? 'created'
      : w
        ? 'updated'
        : prev && Date.parse(it.order.sourceUpdatedAt) < new Date(prev.source_updated_at).getTime()
          ? 'stale'
          : 'unchanged';
    const newPath = outcome !== 'created' && (pathAdded.has(k) || (!!prev && it.paths.some((p) => !prev.ingest_paths.includes(p))));
    results.push({ id, connectionId: it.connectionId, externalId: it.order.externalId, outcome, newPath, skus: skusOf.get(it) ?? [] });
    if (outcome === 'created' || outcome === 'updated') {
      if (outcome === 'updated') replaced.push(id);
      it.order.lines.forEach((l, i) =>
        lineRows.push({
          order_id: id, position: i, external_id: l.externalId ?? null, sku: l.sku ?? null, title: l.title,
          quantity: l.quantity, unit_price_minor: l.unitPriceMinor, tax_minor: l.taxMinor, discount_minor: l.discountMinor,
        }),
      );
    }
    const via = it.paths.join(' + ');
    if (outcome === 'created') {
      eventRows.push({ order_id: id, kind: 'received', message: `Received via ${via}`, data: { paths: it.paths }, raw_event_id: it.rawEventId });
    } else if (outcome === 'updated') {
      // Without the old row (a concurrent batch inserted it meanwhile) the change list stays empty.
      const changes: Record<string, [unknown, unknown]> = {};
      if (prev) {
      if (prev.status !== it.order.status) changes.status = [prev.status, it.order.status];
      if (prev.financial_status !== it.order.financialStatus) changes.financialStatus = [prev.financial_status, it.order.financialStatus];
      if (prev.fulfillment_status !== it.order.fulfillmentStatus) changes.fulfillmentStatus = [prev.fulfillment_status, it.order.fulfillmentStatus];
      if (Number(prev.total_minor) !== it.order.totalMinor) changes.totalMinor = [Number(prev.total_minor), it.order.totalMinor];
      }
      const summary = Object.entries(changes).map(([f, [a, b]]) => `${f} ${a} → ${b}`).join(', ');
      eventRows.push({
        order_id: id, kind: 'updated', message: `Updated via ${via}${summary ? `: ${summary}` : ''}`,
        data: { paths: it.paths, changes }, raw_event_id: it.rawEventId,
      });
    } else if (pathAdded.has(k)) {
      eventRows.push({ order_id: id, kind: 'confirmed', message: `Also received via ${via} (no change)`, data: { paths: it.paths }, raw_event_id: it.rawEventId });
    }
  }
  // Separate statement: within one statement the new lines could be inserted before the old ones are deleted (unique index).
  if (replaced.length > 0) await tx.execute(sql`delete from order_lines where order_id = any(${pgArray(replaced, 'uuid')})`);
  // Lines, timeline entries and the raw events' outcome in one statement (data-modifying CTEs).
  const parts = [];
  if (lineRows.length > 0) {
    parts.push(sql`l as (
      insert into order_lines (order_id, position, external_id, sku, title, quantity, unit_price_minor, tax_minor, discount_minor)
      select order_id, position, external_id, sku, title, quantity, unit_price_minor, tax_minor, discount_minor
      from jsonb_to_recordset(${JSON.stringify(lineRows)}::jsonb) as l(order_id uuid, position int, external_id text, sku text,
        title text, quantity int, unit_price_minor bigint, tax_minor bigint, discount_minor bigint))`);
  }
  if (eventRows.length > 0) parts.push(sql`e as (${orderEventsInsert(eventRows)})`);
  if (opts.rawEventOutcomes?.length) parts.push(rawEventUpdate(opts.rawEventOutcomes));
  if (parts.length > 0) await tx.execute(sql`with ${sql.join(parts, sql`, `)} select 1`);
  return results;
}

/** Bulk insert of timeline entries `{order_id, kind, message, data, raw_event_id, actor}`. */
export async function insertOrderEvents(tx: Tx, rows: unknown[]): Promise<void> {
  await tx.execute(orderEventsInsert(rows));
}

function orderEventsInsert(rows: unknown[]) {
  return sql`
    insert into order_events (order_id, kind, message, data, raw_event_id, actor)
    select order_id, kind, message, data, raw_event_id, actor
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as e(order_id uuid, kind text, message text, data jsonb,
      raw_event_id bigint, actor text)`;
}
