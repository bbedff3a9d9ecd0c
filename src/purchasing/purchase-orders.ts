import { fromMinor } from '../domain/money';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTx, type Ctx } from '../context';
import { q, withTransaction, type Tx } from '../db/transaction';
import type { PurchaseOrderStatus } from '../db/schema/purchasing';
import { unitCostAt } from '../domain/purchasing';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { resolveWarehouse } from '../inventory/warehouses';
import { DateOnly, iso, parseInput, ymd } from './parse-input';
import { resolveSupplier } from './suppliers';


export const PurchaseOrderLineInput = z.object({
  sku: z.string().min(1).max(200),
  quantity: z.number().int().positive().max(1_000_000_000),
  /** Supplier currency, minor units; omitted = the supplier item's price at this quantity. */
  unitCostMinor: z.number().int().min(0).max(1e13).optional(),
  /** Omitted = today + the item's (else the supplier's) lead time. */
  expectedDate: DateOnly.optional(),
  /** Destination warehouse code or id. */
  warehouse: z.string().min(1).max(200),
  reason: z.string().max(1000).nullish(),
});

export const PurchaseOrderInput = z.object({
  /** Supplier id or code; the PO is in the supplier's currency. */
  supplier: z.string().min(1).max(200),
  notes: z.string().max(5000).nullish(),
  lines: z.array(PurchaseOrderLineInput).min(1).max(1000),
});

export interface PurchaseOrderLine {
  id: string;
  lineNo: number;
  sku: string;
  supplierSku: string | null;
  quantity: number;
  unitCostMinor: number;
  amountMinor: number;
  expectedDate: string;
  warehouseId: string;
  warehouse: string;
  acceptedQuantity: number;
  rejectedQuantity: number;
  receivedQuantity: number;
  outstandingQuantity: number;
  incomingQuantity: number;
  ackStatus: string | null;
  ackQuantity: number | null;
  shippedQuantity: number;
  reason: string | null;
  completedAt: string | null;
  overdue: boolean;
}

export interface PurchaseOrderEvent { id: number; kind: string; message: string; data: Record<string, unknown> | null; actor: string | null; at: string }

export interface PurchaseOrder {
  id: string;
  number: string;
  supplierId: string;
  supplierCode: string;
  supplierName: string;
  status: PurchaseOrderStatus;
  currency: string;
  totalMinor: number;
  source: string;
  notes: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  sentAt: string | null;
  receivedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  overdueAt: string | null;
  /** Expected date passed on a line not fully received while the PO is open. */
  overdue: boolean;
  hasEdi850: boolean;
  createdBy: string | null;
  createdAt: string;
  lines: PurchaseOrderLine[];
}

/** Today as YYYY-MM-DD in UTC (expected dates are calendar dates; a line is late the day after). */
export const todayOf = (ctx: Ctx): string => ctx.now().toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const OPEN: PurchaseOrderStatus[] = ['sent', 'partially_received'];

function toLine(r: Record<string, unknown>, status: PurchaseOrderStatus, today: string): PurchaseOrderLine {
  const quantity = Number(r.quantity);
  const accepted = Number(r.accepted_quantity);
  const rejected = Number(r.rejected_quantity);
  const expectedDate = ymd(r.expected_date);
  return {
    id: String(r.id), lineNo: Number(r.line_no), sku: String(r.sku), supplierSku: (r.supplier_sku as string | null) ?? null,
    quantity, unitCostMinor: Number(r.unit_cost_minor), amountMinor: quantity * Number(r.unit_cost_minor), expectedDate,
    warehouseId: String(r.warehouse_id), warehouse: String(r.warehouse_code),
    acceptedQuantity: accepted, rejectedQuantity: rejected, receivedQuantity: accepted + rejected,
    outstandingQuantity: quantity - accepted - rejected, incomingQuantity: Number(r.incoming_quantity),
    ackStatus: (r.ack_status as string | null) ?? null, ackQuantity: r.ack_quantity === null ? null : Number(r.ack_quantity),
    shippedQuantity: Number(r.shipped_quantity), reason: (r.reason as string | null) ?? null, completedAt: iso(r.completed_at),
    overdue: OPEN.includes(status) && accepted + rejected < quantity && expectedDate < today,
  };
}

/** Reads POs with their lines (one query each). */
export async function loadPurchaseOrders(ctx: Ctx, ids: string[]): Promise<PurchaseOrder[]> {
  if (ids.length === 0) return [];
  const db = q(ctx);
  const idsJson = JSON.stringify(ids);
  const pos = await db.execute(sql`
    select p.*, s.code as supplier_code, s.name as supplier_name from purchase_orders p join suppliers s on s.id = p.supplier_id
    where p.id in (select (jsonb_array_elements_text(${idsJson}::jsonb))::uuid)`);
  const lines = await db.execute(sql`
    select l.*, w.code as warehouse_code from purchase_order_lines l join warehouses w on w.id = l.warehouse_id
    where l.purchase_order_id in (select (jsonb_array_elements_text(${idsJson}::jsonb))::uuid) order by l.line_no`);
  const today = todayOf(ctx);
  const byPo = new Map<string, Array<Record<string, unknown>>>();
  for (const l of lines.rows as Array<Record<string, unknown>>) {
    const k = String(l.purchase_order_id);
    byPo.set(k, [...(byPo.get(k) ?? []), l]);
  }
  const out = (pos.rows as Array<Record<string, unknown>>).map((r): PurchaseOrder => {
    const status = r.status as PurchaseOrderStatus;
    const ls = (byPo.get(String(r.id)) ?? []).map((l) => toLine(l, status, today));
    return {
      id: String(r.id), number: String(r.number), supplierId: String(r.supplier_id), supplierCode: String(r.supplier_code),
      supplierName: String(r.supplier_name), status, currency: String(r.currency), totalMinor: Number(r.total_minor),
      source: String(r.source), notes: (r.notes as string | null) ?? null,
      approvedAt: iso(r.approved_at), approvedBy: (r.approved_by as string | null) ?? null, sentAt: iso(r.sent_at),
      receivedAt: iso(r.received_at), closedAt: iso(r.closed_at), cancelledAt: iso(r.cancelled_at), overdueAt: iso(r.overdue_at),
      overdue: ls.some((l) => l.overdue), hasEdi850: r.edi_850 !== null && r.edi_850 !== undefined,
      createdBy: (r.created_by as string | null) ?? null, createdAt: iso(r.created_at)!, lines: ls,
    };
  });
  const order = new Map(ids.map((id, i) => [id, i]));
  return out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

export async function getPurchaseOrder(ctx: Ctx, idOrNumber: string): Promise<PurchaseOrder & { timeline: PurchaseOrderEvent[] }> {
  const isId = z.string().uuid().safeParse(idOrNumber).success;
  if (idOrNumber.includes('\u0000') || idOrNumber.length > 200) throw new NotFoundError('purchase order', idOrNumber.slice(0, 200));
  const found = await q(ctx).execute(isId
    ? sql`select id from purchase_orders where id = ${idOrNumber}`
    : sql`select id from purchase_orders where number = ${idOrNumber}`);
  const id = (found.rows[0] as { id: string } | undefined)?.id;
  if (!id) throw new NotFoundError('purchase order', idOrNumber);
  const [po] = await loadPurchaseOrders(ctx, [id]);
  const ev = await q(ctx).execute(sql`select * from purchase_order_events where purchase_order_id = ${id} order by id`);
  const timeline = (ev.rows as Array<Record<string, unknown>>).map((e) => ({
    id: Number(e.id), kind: String(e.kind), message: String(e.message), data: (e.data as Record<string, unknown> | null) ?? null,
    actor: (e.actor as string | null) ?? null, at: iso(e.created_at)!,
  }));
  return { ...po!, timeline };
}

export const ListPurchaseOrdersQuery = z.object({
  status: z.enum(['draft', 'approved', 'sent', 'partially_received', 'received', 'closed', 'cancelled']).optional(),
  supplier: z.string().max(200).optional(),
  /** `true`: only open POs with a line whose expected date passed and that is not fully received. */
  overdue: z.enum(['true', 'false']).optional(),
  sku: z.string().max(200).optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().regex(/^\d{1,18}$/, 'not a cursor returned by this API').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Purchase orders, newest first, keyset-paginated by number (`nextCursor`). */
export async function listPurchaseOrders(ctx: Ctx, input: unknown = {}): Promise<{ items: PurchaseOrder[]; nextCursor: string | null }> {
  const p = parseInput(ListPurchaseOrdersQuery, input);
  const sup = p.supplier ? await resolveSupplier(ctx, p.supplier) : null;
  const today = todayOf(ctx);
  const res = await q(ctx).execute(sql`
    select p.id, p.seq from purchase_orders p where true
    ${p.status ? sql`and p.status = ${p.status}` : sql``}
    ${sup ? sql`and p.supplier_id = ${sup.id}` : sql``}
    ${p.sku ? sql`and exists (select 1 from purchase_order_lines l where l.purchase_order_id = p.id and l.sku = ${p.sku})` : sql``}
    ${p.overdue === 'true' ? sql`and p.id in (${overdueIdsSql(today)})` : p.overdue === 'false' ? sql`and p.id not in (${overdueIdsSql(today)})` : sql``}
    ${p.cursor ? sql`and p.seq < ${p.cursor}::bigint` : sql``}
    order by p.seq desc limit ${p.limit + 1}`);
  const rows = res.rows as Array<{ id: string; seq: string | number }>;
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return { items: await loadPurchaseOrders(ctx, page.map((r) => r.id)), nextCursor: rows.length > p.limit && last ? String(last.seq) : null };
}

/** Open POs with a line past its expected date and not fully received. */
export const overdueIdsSql = (today: string) => sql`
  select distinct l.purchase_order_id from purchase_order_lines l join purchase_orders o on o.id = l.purchase_order_id
  where o.status in ('sent', 'partially_received') and l.expected_date < ${today}::date
    and l.accepted_quantity + l.rejected_quantity < l.quantity`;

/** One timeline row, in the caller's transaction. */
export async function addPoEvent(ctx: Ctx, tx: Tx, poId: string, kind: string, message: string, data?: Record<string, unknown>): Promise<void> {
  await tx.execute(sql`
    insert into purchase_order_events (purchase_order_id, kind, message, data, actor)
    values (${poId}, ${kind}, ${message}, ${data ? JSON.stringify(data) : null}::jsonb, ${ctx.actor ?? 'system'})`);
}

/**
 * Creates a draft PO in the supplier's currency. A line without a unit cost takes the supplier
 * item's price break for its quantity; without an expected date, today + the item's lead time.
 */
export async function createPurchaseOrder(ctx: Ctx, input: unknown, opts: { source?: 'manual' | 'replenishment' } = {}): Promise<PurchaseOrder & { timeline: PurchaseOrderEvent[] }> {
  const p = parseInput(PurchaseOrderInput, input);
  const id = await withTransaction(ctx, async (tx) => {
    const cx = inTx(ctx, tx);
    const sup = await resolveSupplier(cx, p.supplier);
    if (!sup.active) throw new ConflictError('supplier_inactive', `Supplier ${sup.code} is inactive.`);
    const today = todayOf(ctx);
    const rows: Array<Record<string, unknown>> = [];
    for (const [i, l] of p.lines.entries()) {
      const wh = await resolveWarehouse(cx, l.warehouse);
      const item = (await tx.execute(sql`select supplier_sku, price_breaks, lead_time_days from supplier_items where supplier_id = ${sup.id} and sku = ${l.sku}`)).rows[0] as
        { supplier_sku: string | null; price_breaks: Array<{ minQuantity: number; unitCostMinor: number }>; lead_time_days: number | null } | undefined;
      const prod = await tx.execute(sql`select 1 from products where sku = ${l.sku}`);
      if (prod.rows.length === 0) throw new ValidationError([{ path: `lines.${i}.sku`, message: `unknown SKU ${l.sku}` }]);
      const cost = l.unitCostMinor ?? (item ? unitCostAt(item.price_breaks, l.quantity) : null);
      if (cost === null || cost === undefined) throw new ValidationError([{ path: `lines.${i}.unitCostMinor`, message: `required: ${sup.code} has no price for ${l.sku}` }]);
      const lead = item?.lead_time_days ?? sup.leadTimeDays;
      rows.push({
        line_no: i + 1, sku: l.sku, supplier_sku: item?.supplier_sku ?? null, quantity: l.quantity, unit_cost_minor: cost,
        expected_date: l.expectedDate ?? addDays(today, Number(lead)), warehouse_id: wh.id, reason: l.reason ?? null,
      });
    }
    const total = rows.reduce((s, r) => s + Number(r.quantity) * Number(r.unit_cost_minor), 0);
    if (!Number.isSafeInteger(total)) throw new ValidationError([{ path: 'lines', message: 'the order total is too large' }]);
    const po = await tx.execute(sql`
      with n as (select nextval(pg_get_serial_sequence('purchase_orders', 'seq')) as v)
      insert into purchase_orders (seq, number, supplier_id, status, currency, total_minor, source, notes, created_by)
      select v, 'PO-' || lpad(v::text, 6, '0'), ${sup.id}, 'draft', ${sup.currency}, ${total}, ${opts.source ?? 'manual'}, ${p.notes ?? null}, ${ctx.actor ?? 'system'}
      from n returning id, number`);
    const { id: poId, number } = po.rows[0] as { id: string; number: string };
    await tx.execute(sql`
      insert into purchase_order_lines (purchase_order_id, line_no, sku, supplier_sku, quantity, unit_cost_minor, expected_date, warehouse_id, reason)
      select ${poId}, line_no, sku, supplier_sku, quantity, unit_cost_minor, expected_date, warehouse_id, reason
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(line_no int, sku text, supplier_sku text, quantity int,
        unit_cost_minor bigint, expected_date date, warehouse_id uuid, reason text)`);
    await addPoEvent(ctx, tx, poId, 'created', `${number} drafted for ${sup.code}: ${rows.length} ${rows.length === 1 ? 'line' : 'lines'}, total ${fromMinor(total, sup.currency)} ${sup.currency}.`, { source: opts.source ?? 'manual', totalMinor: total });
    return poId;
  });
  return getPurchaseOrder(ctx, id);
}
