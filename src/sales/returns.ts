import { fromMinor } from '../domain/money';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { decodeKeyset, encodeKeyset, keysetTime, keysetUuid } from '../db/keyset';
import { inTx, type Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { q, withTransaction, type Tx } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { insertOrderEvents } from '../inbox/upsert-orders';
import { AdjustmentInput, applyOnHandDelta } from '../inventory/adjust-stock';
import { afterStockChange } from '../inventory/after-stock-change';
import { resolveWarehouse } from '../inventory/warehouses';

export const returnConditions = ['restock', 'damaged', 'scrap'] as const;
export const returnStatuses = ['requested', 'received', 'closed', 'cancelled'] as const;

const Minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const CreateReturnInput = z.object({
  lines: z.array(z.object({
    sku: z.string().min(1).max(200),
    quantity: z.number().int().positive().max(1_000_000),
    /** Refund for these units; default: their share of the line's price after the line discount. */
    refundMinor: Minor.optional(),
  })).min(1).max(1000),
  reason: z.string().trim().max(500).optional(),
  refundReference: z.string().trim().max(200).optional(),
  /** `channel` when the return mirrors a channel refund/return (then `externalId` makes it idempotent). */
  source: z.enum(['manual', 'channel']).default('manual'),
  externalId: z.string().trim().min(1).max(200).optional(),
});

export const ReceiveReturnInput = z.object({
  /** Warehouse code or id the goods come back to. */
  warehouse: z.string().min(1).max(200),
  /** Condition for every line not named in `lines` (default restock). */
  condition: z.enum(returnConditions).default('restock'),
  lines: z.array(z.object({ sku: z.string().min(1).max(200), condition: z.enum(returnConditions) })).max(1000).default([]),
});

export const CloseReturnInput = z.object({ refundReference: z.string().trim().max(200).optional() }).default({});

export interface ReturnLine { sku: string; title: string; quantity: number; refundMinor: number; condition: string | null; restockedQuantity: number }
export interface OrderReturn {
  id: string; orderId: string; orderNumber: string; status: string; source: string; externalId: string | null; reason: string | null;
  currency: string; refundMinor: number; refundReference: string | null; warehouseId: string | null; warehouse: string | null;
  receivedAt: string | null; closedAt: string | null; cancelledAt: string | null; createdAt: string; lines: ReturnLine[];
}

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());

export async function getReturn(ctx: Ctx, id: string): Promise<OrderReturn> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('return', id);
  const [found] = await listReturnsWhere(ctx, sql`r.id = ${id}`);
  const r = found && (({ createdKey: _k, ...rest }) => rest)(found);
  if (!r) throw new NotFoundError('return', id);
  return r;
}

export const ListReturnsQuery = z.object({
  orderId: z.string().uuid().optional(),
  status: z.enum(returnStatuses).optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export async function listReturns(ctx: Ctx, input: unknown): Promise<OrderReturn[]> {
  return (await listReturnsPage(ctx, input)).items;
}

/** Returns, newest first, keyset-paginated (`nextCursor`). */
export async function listReturnsPage(ctx: Ctx, input: unknown): Promise<{ items: OrderReturn[]; nextCursor: string | null }> {
  const p = ListReturnsQuery.safeParse(input ?? {});
  if (!p.success) throw new ValidationError(zodFieldErrors(p.error.issues));
  const where = [sql`true`];
  if (p.data.orderId) where.push(sql`r.order_id = ${p.data.orderId}`);
  if (p.data.status) where.push(sql`r.status = ${p.data.status}`);
  if (p.data.cursor) {
    const [at, id] = decodeKeyset(p.data.cursor, 2) as [string, string];
    where.push(sql`(r.created_at, r.id) < (${keysetTime(at)}::timestamptz, ${keysetUuid(id)}::uuid)`);
  }
  const rows = await listReturnsWhere(ctx, sql.join(where, sql` and `), p.data.limit + 1);
  const items = rows.slice(0, p.data.limit);
  const last = items.at(-1);
  return { items: items.map(({ createdKey: _k, ...r }) => r), nextCursor: rows.length > p.data.limit && last ? encodeKeyset([last.createdKey, last.id]) : null };
}

async function listReturnsWhere(ctx: Ctx, where: ReturnType<typeof sql>, limit = 100): Promise<Array<OrderReturn & { createdKey: string }>> {
  const res = await q(ctx).execute(sql`
    select r.*, o.number as order_number, w.code as warehouse_code,
      to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key,
      coalesce((select jsonb_agg(jsonb_build_object('sku', l.sku, 'title', l.title, 'quantity', l.quantity, 'refundMinor', l.refund_minor,
        'condition', l.condition, 'restockedQuantity', l.restocked_quantity) order by l.sku) from order_return_lines l where l.return_id = r.id), '[]'::jsonb) as lines
    from order_returns r join orders o on o.id = r.order_id left join warehouses w on w.id = r.warehouse_id
    where ${where} order by r.created_at desc, r.id desc limit ${limit}`);
  return (res.rows as Array<Record<string, unknown>>).map((r) => ({
    id: r.id as string, orderId: r.order_id as string, orderNumber: r.order_number as string, status: r.status as string,
    source: r.source as string, externalId: (r.external_id as string | null) ?? null, reason: (r.reason as string | null) ?? null,
    currency: r.currency as string, refundMinor: Number(r.refund_minor), refundReference: (r.refund_reference as string | null) ?? null,
    warehouseId: (r.warehouse_id as string | null) ?? null, warehouse: (r.warehouse_code as string | null) ?? null,
    receivedAt: iso(r.received_at), closedAt: iso(r.closed_at), cancelledAt: iso(r.cancelled_at), createdAt: iso(r.created_at)!,
    lines: (typeof r.lines === 'string' ? JSON.parse(r.lines) : r.lines) as ReturnLine[],
    createdKey: String(r.created_key),
  }));
}

/**
 * Creates a return for some units of an order. The order row is locked, so two returns created at
 * once cannot together take back more units than were ordered (returns not cancelled count).
 * With `externalId` (a channel refund) a repeat answers with the return already made.
 */
export async function createReturn(ctx: Ctx, orderId: string, input: unknown): Promise<{ created: boolean; body: OrderReturn }> {
  const parsed = CreateReturnInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  if (!z.string().uuid().safeParse(orderId).success) throw new NotFoundError('order', orderId);
  const p = parsed.data;
  const dup = new Set<string>();
  p.lines.forEach((l, i) => {
    if (dup.has(l.sku)) throw new ValidationError([{ path: `lines.${i}.sku`, message: 'each SKU once per return' }]);
    dup.add(l.sku);
  });
  const r = await withTransaction(ctx, async (tx) => {
    const o = (await tx.execute(sql`select id, currency, status from orders where id = ${orderId} for no key update`)).rows[0] as
      { id: string; currency: string; status: string } | undefined;
    if (!o) throw new NotFoundError('order', orderId);
    if (p.externalId) {
      const ex = await tx.execute(sql`select id from order_returns where order_id = ${orderId} and external_id = ${p.externalId}`);
      const exId = (ex.rows[0] as { id: string } | undefined)?.id;
      if (exId) return { id: exId, created: false };
    }
    if (o.status === 'cancelled') throw new ConflictError('invalid_order_state', 'A cancelled order has nothing to return.', { status: o.status });
    const ordered = await tx.execute(sql`
      select sku, min(title) as title, sum(quantity)::int as quantity, sum(unit_price_minor * quantity - discount_minor)::bigint as net
      from order_lines where order_id = ${orderId} and sku = any(${pgArray(p.lines.map((l) => l.sku), 'text')}) group by sku`);
    const returned = await tx.execute(sql`
      select l.sku, sum(l.quantity)::int as quantity from order_return_lines l join order_returns r on r.id = l.return_id
      where r.order_id = ${orderId} and r.status <> 'cancelled' group by l.sku`);
    const ord = new Map((ordered.rows as Array<{ sku: string; title: string; quantity: number; net: number }>).map((x) => [x.sku, x]));
    const ret = new Map((returned.rows as Array<{ sku: string; quantity: number }>).map((x) => [x.sku, Number(x.quantity)]));
    const lines = p.lines.map((l, i) => {
      const line = ord.get(l.sku);
      if (!line) throw new ValidationError([{ path: `lines.${i}.sku`, message: `the order has no line with SKU ${l.sku}` }]);
      const left = Number(line.quantity) - (ret.get(l.sku) ?? 0);
      if (l.quantity > left) throw new ValidationError([{ path: `lines.${i}.quantity`, message: `only ${left} of ${l.sku} can still be returned` }]);
      const refund = l.refundMinor ?? Math.round((Number(line.net) * l.quantity) / Number(line.quantity));
      return { sku: l.sku, title: line.title, quantity: l.quantity, refund_minor: Math.max(0, refund) };
    });
    const total = lines.reduce((s, l) => s + l.refund_minor, 0);
    const ins = await tx.execute(sql`
      insert into order_returns (order_id, source, external_id, reason, currency, refund_minor, refund_reference, actor)
      values (${orderId}, ${p.source}, ${p.externalId ?? null}, ${p.reason ?? null}, ${o.currency}, ${total}, ${p.refundReference ?? null}, ${ctx.actor ?? 'system'})
      returning id`);
    const id = (ins.rows[0] as { id: string }).id;
    await tx.execute(sql`
      insert into order_return_lines (return_id, sku, title, quantity, refund_minor)
      select ${id}::uuid, sku, title, quantity, refund_minor
      from jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) as x(sku text, title text, quantity int, refund_minor bigint)`);
    const units = lines.reduce((s, l) => s + l.quantity, 0);
    await insertOrderEvents(tx, [{
      order_id: orderId, kind: 'return_requested',
      message: `Return requested: ${lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}${p.reason ? ` (${p.reason})` : ''}`,
      data: { returnId: id, units, refundMinor: total, lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })), reason: p.reason ?? null },
      raw_event_id: null, actor: ctx.actor ?? 'system',
    }]);
    return { id, created: true };
  });
  return { created: r.created, body: await getReturn(ctx, r.id) };
}

/**
 * Receives a return into a warehouse. The state change is one guarded UPDATE (`requested` →
 * `received`); a repeated receive finds it already received and changes nothing (idempotent), and
 * the ledger rows carry a key per (return, SKU) as a second guard. Restocked units are a `return`
 * movement raising on_hand; damaged and scrapped units are only recorded on the return line: they
 * never become sellable stock, so the ledger (which counts sellable units) does not see them.
 */
export async function receiveReturn(ctx: Ctx, id: string, input: unknown): Promise<{ replayed: boolean; body: OrderReturn }> {
  const parsed = ReceiveReturnInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('return', id);
  const p = parsed.data;
  const r = await withTransaction(ctx, async (tx) => {
    const tc = inTx(ctx, tx);
    const wh = await resolveWarehouse(tc, p.warehouse);
    const upd = await tx.execute(sql`
      update order_returns set status = 'received', warehouse_id = ${wh.id}, received_at = now(), updated_at = now()
      where id = ${id} and status = 'requested' returning order_id`);
    const row = upd.rows[0] as { order_id: string } | undefined;
    if (!row) return { replayed: true as const, restocked: [] as string[], ...(await stateOf(tx, id, ['received', 'closed'], 'receive')) };
    const lines = (await tx.execute(sql`select sku, quantity from order_return_lines where return_id = ${id} order by sku`)).rows as Array<{ sku: string; quantity: number }>;
    const cond = new Map(p.lines.map((l) => [l.sku, l.condition]));
    for (const [sku] of cond) if (!lines.some((l) => l.sku === sku)) throw new ValidationError([{ path: 'lines', message: `the return has no line with SKU ${sku}` }]);
    const restocked: string[] = [];
    const summary: Array<{ sku: string; quantity: number; condition: string }> = [];
    for (const l of lines) {
      const c = cond.get(l.sku) ?? p.condition;
      summary.push({ sku: l.sku, quantity: Number(l.quantity), condition: c });
      if (c === 'restock') {
        await applyOnHandDelta(tc, tx, {
          ...AdjustmentInput.parse({ sku: l.sku, warehouse: wh.id, delta: Number(l.quantity), reason: `Return ${id.slice(0, 8)}`, kind: 'return', orderId: row.order_id }),
          idempotencyKey: `return:${id}:${l.sku}`,
        });
        restocked.push(l.sku);
      }
    }
    await tx.execute(sql`
      update order_return_lines l set condition = x.condition, restocked_quantity = case when x.condition = 'restock' then l.quantity else 0 end
      from jsonb_to_recordset(${JSON.stringify(summary)}::jsonb) as x(sku text, condition text)
      where l.return_id = ${id} and l.sku = x.sku`);
    await insertOrderEvents(tx, [{
      order_id: row.order_id, kind: 'return_received',
      message: `Return received at ${wh.code}: ${summary.map((s) => `${s.quantity} × ${s.sku} ${s.condition}`).join(', ')}`,
      data: { returnId: id, warehouse: wh.code, lines: summary }, raw_event_id: null, actor: ctx.actor ?? 'system',
    }]);
    return { replayed: false as const, restocked };
  });
  if (r.restocked.length) await afterStockChange(ctx, { freedSkus: r.restocked });
  return { replayed: r.replayed, body: await getReturn(ctx, id) };
}

/** received → closed (refund settled); requested → cancelled. Guarded UPDATEs; repeating the same step is a no-op. */
export async function closeReturn(ctx: Ctx, id: string, input: unknown): Promise<OrderReturn> {
  const parsed = CloseReturnInput.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  return transition(ctx, id, 'close', sql`status = 'closed', closed_at = now(), refund_reference = coalesce(${parsed.data.refundReference ?? null}, refund_reference)`, 'received', 'closed');
}

export async function cancelReturn(ctx: Ctx, id: string): Promise<OrderReturn> {
  return transition(ctx, id, 'cancel', sql`status = 'cancelled', cancelled_at = now()`, 'requested', 'cancelled');
}

async function transition(ctx: Ctx, id: string, verb: 'close' | 'cancel', set: ReturnType<typeof sql>, from: string, to: string): Promise<OrderReturn> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('return', id);
  await withTransaction(ctx, async (tx) => {
    const upd = await tx.execute(sql`update order_returns set ${set}, updated_at = now() where id = ${id} and status = ${from} returning order_id, refund_minor, currency`);
    const row = upd.rows[0] as { order_id: string; refund_minor: number; currency: string } | undefined;
    if (!row) return stateOf(tx, id, [to], verb);
    await insertOrderEvents(tx, [{
      order_id: row.order_id, kind: verb === 'close' ? 'return_closed' : 'return_cancelled',
      message: verb === 'close' ? `Return closed (refund ${fromMinor(Number(row.refund_minor), row.currency)} ${row.currency})` : 'Return cancelled',
      data: { returnId: id, refundMinor: Number(row.refund_minor) }, raw_event_id: null, actor: ctx.actor ?? 'system',
    }]);
    return undefined;
  });
  return getReturn(ctx, id);
}

/** After a guarded UPDATE matched nothing: fine when the return already is where the step leads, else 404 / 409. */
async function stateOf(tx: Tx, id: string, okStates: string[], verb: string): Promise<Record<string, never>> {
  const cur = (await tx.execute(sql`select status from order_returns where id = ${id}`)).rows[0] as { status: string } | undefined;
  if (!cur) throw new NotFoundError('return', id);
  if (!okStates.includes(cur.status)) throw new ConflictError('invalid_return_state', `Cannot ${verb} a return whose status is ${cur.status}.`, { status: cur.status });
  return {};
}
