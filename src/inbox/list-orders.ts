import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { allocationStatuses, financialStatuses, fulfillmentStatuses, orderExceptions, orderStatuses } from '../domain/order';
import { ValidationError } from '../errors';

export const ListOrdersQuery = z.object({
  connectionId: z.string().uuid().optional(),
  channel: z.string().max(64).optional(),
  status: z.enum(orderStatuses).optional(),
  financialStatus: z.enum(financialStatuses).optional(),
  fulfillmentStatus: z.enum(fulfillmentStatuses).optional(),
  allocationStatus: z.enum(allocationStatuses).optional(),
  sku: z.string().max(200).optional(),
  /** Warehouse code: orders holding (or shipped) units from that warehouse. */
  warehouse: z.string().trim().min(1).max(64).optional(),
  q: z.string().trim().max(200).optional(),
  placedFrom: z.string().datetime({ offset: true }).optional(),
  placedTo: z.string().datetime({ offset: true }).optional(),
  exception: z.enum(orderExceptions).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListOrdersQuery = z.infer<typeof ListOrdersQuery>;

export interface OrderSummary {
  id: string;
  connectionId: string;
  channel: string;
  externalId: string;
  number: string;
  status: string;
  financialStatus: string;
  fulfillmentStatus: string;
  allocationStatus: string;
  currency: string;
  totalMinor: number;
  customerEmail: string | null;
  customerName: string | null;
  shipCountry: string | null;
  itemCount: number;
  skus: string[];
  exceptions: string[];
  ingestPaths: string[];
  placedAt: string;
  sourceUpdatedAt: string;
  createdAt: string;
  updatedAt: string;
}

function encodeCursor(placedAt: string, id: string): string {
  return Buffer.from(`${placedAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { placedAt: string; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [placedAt, id] = text.split('|');
  if (!placedAt || !id || Number.isNaN(Date.parse(placedAt)) || !z.string().uuid().safeParse(id).success) {
    throw new ValidationError([{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  }
  return { placedAt, id };
}

const iso = (v: Date | string) => new Date(v).toISOString();

/** Ids of orders whose number, external id, email or SKU equals the text: one index lookup per key. */
function exactKeyIds(text: string): SQL {
  return sql`select id from orders where number = ${text} union all select id from orders where number = ${`#${text}`}
    union all select id from orders where external_id = ${text}
    union all select id from orders where lower(customer_email) = ${text.toLowerCase()}
    union all select id from orders where skus @> array[${text}]::text[]`;
}

function nameMatch(text: string): SQL {
  return sql`o.customer_name ilike ${`%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`;
}

/** Whether a search text is an exact key of some order (then the search is by keys, else by name). */
async function searchModeFor(ctx: Ctx, text: string): Promise<'keys' | 'name'> {
  const res = await q(ctx).execute(sql`select exists(${exactKeyIds(text)}) as hit`);
  if ((res.rows[0] as { hit: boolean } | undefined)?.hit) return 'keys';
  // Text that can only be a key (an order number, an email, digits) matches no name: no scan for it.
  return /\p{L}/u.test(text) && !text.includes('@') && !text.startsWith('#') ? 'name' : 'keys';
}

/** Filters as SQL conditions; every value is a bound parameter. */
export function orderFilters(f: Omit<ListOrdersQuery, 'cursor' | 'limit'>, searchMode: 'keys' | 'name' = 'keys'): SQL[] {
  const where: SQL[] = [];
  if (f.connectionId) where.push(sql`o.connection_id = ${f.connectionId}`);
  if (f.channel) where.push(sql`o.channel = ${f.channel}`);
  if (f.status) where.push(sql`o.status = ${f.status}`);
  if (f.financialStatus) where.push(sql`o.financial_status = ${f.financialStatus}`);
  if (f.fulfillmentStatus) where.push(sql`o.fulfillment_status = ${f.fulfillmentStatus}`);
  if (f.allocationStatus) where.push(sql`o.allocation_status = ${f.allocationStatus}`);
  if (f.sku) where.push(sql`o.skus @> array[${f.sku}]::text[]`);
  if (f.exception) where.push(sql`o.exceptions @> array[${f.exception}]::text[]`);
  if (f.warehouse) {
    where.push(sql`exists (select 1 from reservations r where r.order_id = o.id
      and r.warehouse_id = (select id from warehouses where code = ${f.warehouse}))`);
  }
  if (f.placedFrom) where.push(sql`o.placed_at >= ${f.placedFrom}::timestamptz`);
  if (f.placedTo) where.push(sql`o.placed_at < ${f.placedTo}::timestamptz`);
  if (f.q) {
    // Exact keys (each an indexed lookup) when the text is one; otherwise a name substring, Unicode as
    // typed (Chinese names work), walking the placed-at index newest first. One OR of both would
    // force a scan of every order.
    where.push(searchMode === 'name' ? nameMatch(f.q) : sql`o.id in (${exactKeyIds(f.q)})`);
  }
  return where;
}

/** An unknown warehouse code is a mistake to name, not an empty inbox. */
async function assertWarehouse(ctx: Ctx, code: string): Promise<void> {
  const r = await q(ctx).execute(sql`select 1 from warehouses where code = ${code}`);
  if (r.rows.length === 0) throw new ValidationError([{ path: 'warehouse', message: `no warehouse with code "${code}"` }]);
}

/** The unified inbox: newest placed first, keyset-paginated. */
export async function listOrders(ctx: Ctx, query: ListOrdersQuery): Promise<{ items: OrderSummary[]; nextCursor: string | null }> {
  if (query.warehouse) await assertWarehouse(ctx, query.warehouse);
  const where = orderFilters(query, query.q ? await searchModeFor(ctx, query.q) : 'keys');
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    where.push(sql`(o.placed_at, o.id) < (${c.placedAt}::timestamptz, ${c.id}::uuid)`);
  }
  const cond = where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const res = await q(ctx).execute(sql`
    select o.id, o.connection_id, o.channel, o.external_id, o.number, o.status, o.financial_status, o.fulfillment_status,
      o.allocation_status, o.currency, o.total_minor, o.customer_email, o.customer_name, o.ship_country, o.item_count,
      o.skus, o.exceptions, o.ingest_paths, o.placed_at, o.source_updated_at, o.created_at, o.updated_at,
      -- The cursor needs the stored precision (microseconds): one cut to milliseconds skips rows.
      to_char(o.placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as placed_key
    from orders o ${cond}
    order by o.placed_at desc, o.id desc
    limit ${query.limit + 1}`);
  const rows = res.rows as Array<Record<string, any>>;
  const items: OrderSummary[] = rows.slice(0, query.limit).map((r) => ({
    id: r.id, connectionId: r.connection_id, channel: r.channel, externalId: r.external_id, number: r.number,
    status: r.status, financialStatus: r.financial_status, fulfillmentStatus: r.fulfillment_status,
    allocationStatus: r.allocation_status, currency: r.currency, totalMinor: Number(r.total_minor),
    customerEmail: r.customer_email, customerName: r.customer_name, shipCountry: r.ship_country,
    itemCount: r.item_count, skus: r.skus, exceptions: r.exceptions, ingestPaths: r.ingest_paths,
    placedAt: iso(r.placed_at), sourceUpdatedAt: iso(r.source_updated_at), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  }));
  const last = rows[query.limit - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.placed_key, last.id) : null };
}
