import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTx, type Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { withTransaction, type Tx } from '../db/transaction';
import {
  planOrder, stockKey, type Holding, type OrderPlan, type RuleOrder, type RuleSettings, type RuleWarehouse,
} from '../domain/allocation-rules';
import { AppError, ValidationError, zodFieldErrors } from '../errors';
import { insertOrderEvents } from '../inbox/upsert-orders';
import {
  fulfilGuarded, insertMovements, lockStockRows, readStockRows, releaseGuarded, reserveGuarded, stockLockTimeout, type Delta, type MovementRow,
} from './stock-writes';

export const AllocateInput = z.object({
  /** Allocate these orders (whatever their allocation state). */
  orderIds: z.array(z.string().uuid()).max(1000).optional(),
  /** Or: the oldest orders waiting for allocation that need this SKU (the hot-SKU batch). */
  sku: z.string().min(1).max(200).optional(),
  /** With `sku`: also retry backordered / partial orders (stock arrived). */
  includeBackordered: z.boolean().default(false),
  /** Or: the oldest orders waiting for allocation, whatever their SKUs (sweeps, bulk imports). */
  pending: z.boolean().default(false),
  limit: z.number().int().min(1).max(5000).default(500),
});
export type AllocateInput = z.input<typeof AllocateInput>;

export interface AllocateResult {
  orders: number;
  reservedUnits: number;
  releasedUnits: number;
  plans: OrderPlan[];
  /** SKUs whose availability changed (stock pushes, re-allocation of backorders after a release). */
  changedSkus: string[];
  releasedSkus: string[];
}

interface OrderRow {
  id: string;
  connection_id: string;
  status: string;
  fulfillment_status: string;
  allocation_status: string;
  exceptions: string[];
}

/** Test-only hook: lets a crash test kill the process after the guarded UPDATE, before commit. */
export interface AllocateHooks {
  afterReserve?: (tx: Tx) => Promise<void>;
}

const ACTIVE = ['open', 'on_hold'];
/** First key of the two-key advisory lock that makes allocators of one SKU take turns. */
const ALLOCATOR_LOCK_CLASS = 7_310_001;
/** First key of the advisory locks that cap how many batch allocations write at once (the slots). */
const ALLOCATOR_SLOT_CLASS = 7_310_002;

/**
 * Takes one of `slots` allocation slots for this transaction: the first free one, else waits for one.
 * Batches of orders over many SKUs lock hundreds of stock rows each; past a few at once they mostly
 * wait on each other's rows (and redo optimistic plans), so more workers made allocation slower, not
 * faster. Capping the writers keeps the database busy without the convoy. Only throughput depends on
 * it: correctness is the guarded UPDATE's.
 */
async function takeAllocationSlot(tx: Tx, slots: number): Promise<void> {
  if (slots <= 0) return;
  const free = await tx.execute(sql`
    select s from generate_series(0, ${slots - 1}::int) s where pg_try_advisory_xact_lock(${ALLOCATOR_SLOT_CLASS}, s) limit 1`);
  if (free.rows.length > 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${ALLOCATOR_SLOT_CLASS}, ${Math.floor(Math.random() * slots)}::int)`);
}

/**
 * Allocates orders in one transaction: locks the orders (skipping ones another allocator holds),
 * then their stock rows in sorted order, plans with the pure rules and applies the plan with one
 * guarded UPDATE per kind of change plus bulk inserts of reservations, ledger rows and timeline
 * entries. A crash anywhere rolls back everything; a rerun computes the same plan from the same state.
 */
export async function allocateOrders(ctx: Ctx, input: AllocateInput, hooks: AllocateHooks = {}): Promise<AllocateResult> {
  const parsed = AllocateInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const p = parsed.data;
  const empty: AllocateResult = { orders: 0, reservedUnits: 0, releasedUnits: 0, plans: [], changedSkus: [], releasedSkus: [] };
  if (!p.orderIds && !p.sku && !p.pending) return empty;

  return withTransaction(ctx, async (tx) => {
    await stockLockTimeout(tx);
    let ordersRes;
    if (p.orderIds) {
      // A batch (a drain's new orders) writes over many SKUs like a sweep: it takes a slot. One order (an
      // action on it) does not wait for one.
      if (p.orderIds.length > 1) await takeAllocationSlot(tx, ctx.config.allocationSlots);
      // One named order may wait for its lock (nothing that holds an order lock waits on us); several are skip-locked
      // so two callers naming overlapping sets in different orders cannot deadlock.
      ordersRes = await tx.execute(sql`
        select id, connection_id, status, fulfillment_status, allocation_status, exceptions from orders
        where id = any(${pgArray(p.orderIds, 'uuid')})
          -- Held for review (審核): allocated only once approved; a cancelled one may still release.
          and (allocation_status <> 'review' or status = 'cancelled')
        order by placed_at, id
        for no key update ${p.orderIds.length > 1 ? sql`skip locked` : sql``}`);
    } else if (!p.sku) {
      await takeAllocationSlot(tx, ctx.config.allocationSlots);
      ordersRes = await tx.execute(sql`
        select id, connection_id, status, fulfillment_status, allocation_status, exceptions from orders
        where allocation_status = 'pending'
        order by placed_at, id limit ${p.limit}
        for no key update skip locked`);
    } else {
      // Allocators of the same SKU take turns (an advisory lock per SKU, held to commit): each batch then
      // takes the oldest orders still waiting and finds the stock the previous batch left, instead of
      // several batches planning against the same units and all but one redoing their work. This lock
      // is for throughput only; the guarded UPDATE still decides what is reserved (correctness does not
      // depend on it, see reserveGuarded). lock_timeout applies, so a stuck holder fails the job, retried.
      await tx.execute(sql`select pg_advisory_xact_lock(${ALLOCATOR_LOCK_CLASS}, hashtext(${p.sku!}))`);
      // The slot after the SKU lock: a slot holder never waits for a SKU lock, so the two cannot deadlock.
      await takeAllocationSlot(tx, ctx.config.allocationSlots);
      const states = p.includeBackordered ? ['pending', 'backordered', 'partial'] : ['pending'];
      ordersRes = await tx.execute(sql`
        select id, connection_id, status, fulfillment_status, allocation_status, exceptions from orders
        where skus @> array[${p.sku!}]::text[] and allocation_status = any(${pgArray(states, 'text')})
          and (status = any(${pgArray(ACTIVE, 'text')}) or allocation_status = 'pending')
        order by placed_at, id limit ${p.limit}
        for no key update skip locked`);
    }
    const orders = ordersRes.rows as unknown as OrderRow[];
    if (orders.length === 0) return empty;
    const ids = orders.map((o) => o.id);

    const linesRes = await tx.execute(sql`select order_id, sku, quantity from order_lines where order_id = any(${pgArray(ids, 'uuid')}) order by order_id, position`);
    const holdRes = await tx.execute(sql`select order_id, sku, warehouse_id, quantity, fulfilled_quantity from reservations where order_id = any(${pgArray(ids, 'uuid')})`);
    const lines = new Map<string, RuleOrder['lines']>();
    const skus = new Set<string>();
    for (const r of linesRes.rows as Array<{ order_id: string; sku: string | null; quantity: number }>) {
      lines.set(r.order_id, [...(lines.get(r.order_id) ?? []), { sku: r.sku, quantity: Number(r.quantity) }]);
      if (r.sku) skus.add(r.sku);
    }
    const holdings = new Map<string, Holding[]>();
    for (const r of holdRes.rows as Array<{ order_id: string; sku: string; warehouse_id: string; quantity: number; fulfilled_quantity: number }>) {
      holdings.set(r.order_id, [...(holdings.get(r.order_id) ?? []), { sku: r.sku, warehouseId: r.warehouse_id, quantity: Number(r.quantity), fulfilled: Number(r.fulfilled_quantity) }]);
      skus.add(r.sku);
    }
    const skuList = [...skus].sort();
    const known = new Set<string>();
    if (skuList.length) {
      const kr = await tx.execute(sql`select sku from products where active and sku = any(${pgArray(skuList, 'text')})`);
      for (const r of kr.rows as Array<{ sku: string }>) known.add(r.sku);
    }
    const { warehouses, settingsFor } = await loadRules(tx, [...new Set(orders.map((o) => o.connection_id))]);
    const activeWh = new Set(warehouses.map((w) => w.id));
    /**
     * One attempt. Pessimistic: lock the stock rows (sorted) first, plan, write. Optimistic (batches):
     * plan from an unlocked read, write the bookkeeping, and only then lock the stock rows and run the
     * guarded UPDATEs, so the hot row is held for milliseconds instead of the whole batch. If the
     * guard finds the units gone, the savepoint is rolled back and the pessimistic attempt runs.
     * Either way the guarded UPDATE decides: nothing is reserved that is not there.
     */
    const attempt = async (tx: Tx, optimistic: boolean) => {
      const stock = optimistic ? await readStockRows(tx, skuList) : await lockStockRows(tx, skuList);
      const available = new Map<string, number>();
      for (const s of stock) if (activeWh.has(s.warehouse_id)) available.set(stockKey(s.sku, s.warehouse_id), s.on_hand - s.reserved);

      const plans = orders.map((o) =>
        planOrder(
          { id: o.id, connectionId: o.connection_id, status: o.status, fulfillmentStatus: o.fulfillment_status, lines: lines.get(o.id) ?? [], holdings: holdings.get(o.id) ?? [] },
          { warehouses, settings: settingsFor(o.connection_id), available, known: (s) => known.has(s) },
        ),
      );

      const reserve: Delta[] = [];
      const release: Delta[] = [];
      const fulfil: Delta[] = [];
      const resRows: Array<{ order_id: string; sku: string; warehouse_id: string; dq: number; df: number; kind: string }> = [];
      for (const pl of plans) {
        for (const m of pl.release) {
          release.push({ sku: m.sku, warehouse_id: m.warehouseId, q: m.quantity });
          resRows.push({ order_id: pl.orderId, sku: m.sku, warehouse_id: m.warehouseId, dq: -m.quantity, df: 0, kind: 'release' });
        }
        for (const m of pl.fulfil) {
          fulfil.push({ sku: m.sku, warehouse_id: m.warehouseId, q: m.quantity });
          resRows.push({ order_id: pl.orderId, sku: m.sku, warehouse_id: m.warehouseId, dq: -m.quantity, df: m.quantity, kind: 'fulfilment' });
        }
        for (const m of pl.reserve) {
          reserve.push({ sku: m.sku, warehouse_id: m.warehouseId, q: m.quantity });
          resRows.push({ order_id: pl.orderId, sku: m.sku, warehouse_id: m.warehouseId, dq: m.quantity, df: 0, kind: 'reservation' });
        }
      }
      const applyStock = async () => {
        // Give back before taking, so units released by one order in this batch can go to the next.
        await releaseGuarded(tx, release);
        await fulfilGuarded(tx, fulfil);
        await reserveGuarded(tx, reserve);
        await hooks.afterReserve?.(tx);

      };
      if (!optimistic) await applyStock();
      if (resRows.length) {
        // Rows the orders already hold change in place; new ones are a plain bulk INSERT (the order rows are
        // locked by us, so nobody else can insert the same (order, sku, warehouse) meanwhile).
        const heldKeys = new Set([...holdings.values()].flat().map((h) => `${h.sku}|${h.warehouseId}`));
        const isHeld = (r: (typeof resRows)[number]) => holdings.get(r.order_id)?.some((h) => h.sku === r.sku && h.warehouseId === r.warehouse_id) ?? false;
        const toUpdate = heldKeys.size ? resRows.filter(isHeld) : [];
        const toInsert = heldKeys.size ? resRows.filter((r) => !isHeld(r)) : resRows;
        const rowsOut: Array<{ order_id: string; sku: string; warehouse_id: string; version: number }> = [];
        if (toUpdate.length) {
          const u = await tx.execute(sql`
            update reservations r set quantity = r.quantity + d.dq, fulfilled_quantity = r.fulfilled_quantity + d.df,
              version = r.version + 1, updated_at = now()
            from jsonb_to_recordset(${JSON.stringify(toUpdate)}::jsonb) as d(order_id uuid, sku text, warehouse_id uuid, dq int, df int)
            where r.order_id = d.order_id and r.sku = d.sku and r.warehouse_id = d.warehouse_id
            returning r.order_id, r.sku, r.warehouse_id, r.version`);
          rowsOut.push(...(u.rows as typeof rowsOut));
        }
        if (toInsert.length) {
          await tx.execute(sql`
            insert into reservations (order_id, sku, warehouse_id, quantity, fulfilled_quantity, version)
            select order_id, sku, warehouse_id, dq, df, 1
            from jsonb_to_recordset(${JSON.stringify(toInsert)}::jsonb) as d(order_id uuid, sku text, warehouse_id uuid, dq int, df int)`);
          rowsOut.push(...toInsert.map((r) => ({ order_id: r.order_id, sku: r.sku, warehouse_id: r.warehouse_id, version: 1 })));
        }
        if (rowsOut.length !== resRows.length) throw new AppError('reservation_mismatch', 'Reservations changed during allocation; retrying.', { status: 409, retryable: true });
        const up = { rows: rowsOut };
        const versions = new Map<string, number>();
        for (const r of up.rows as Array<{ order_id: string; sku: string; warehouse_id: string; version: number }>) {
          versions.set(`${r.order_id}|${r.sku}|${r.warehouse_id}`, Number(r.version));
        }
        const actor = ctx.actor ?? 'allocator';
        const movements: MovementRow[] = resRows.map((r) => {
          const q = Math.abs(r.dq);
          return {
            sku: r.sku, warehouse_id: r.warehouse_id, kind: r.kind, quantity: q,
            on_hand_delta: r.kind === 'fulfilment' ? -q : 0,
            reserved_delta: r.dq,
            incoming_delta: 0,
            order_id: r.order_id, actor,
            // One ledger row per version of a reservation: a replayed write of the same change collides here.
            idempotency_key: `${r.kind}:${r.order_id}:${r.sku}:${r.warehouse_id}:v${versions.get(`${r.order_id}|${r.sku}|${r.warehouse_id}`) ?? 0}`,
          };
        });
        await insertMovements(tx, movements);
      }

      const byId = new Map(orders.map((o) => [o.id, o]));
      const updates = plans.map((pl) => ({ id: pl.orderId, status: pl.status, unknown: pl.unknownSkus.length > 0 }));
      await tx.execute(sql`
        update orders o set allocation_status = x.status,
          exceptions = case when x.unknown and not ('unknown_sku' = any(o.exceptions))
                            then (select array_agg(e order by e) from unnest(o.exceptions || array['unknown_sku']) e)
                            else o.exceptions end,
          updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as x(id uuid, status text, unknown boolean)
        where o.id = x.id`);

      const events = plans
        .filter((pl) => pl.reserve.length || pl.release.length || pl.fulfil.length || byId.get(pl.orderId)?.allocation_status !== pl.status)
        .map((pl) => ({
          order_id: pl.orderId, kind: 'allocation',
          message: `Allocation ${pl.status}${pl.reasons.length ? `: ${pl.reasons.join('. ')}` : ''}`,
          data: { status: pl.status, reserve: pl.reserve, release: pl.release, fulfil: pl.fulfil, unknownSkus: pl.unknownSkus },
          raw_event_id: null, actor: ctx.actor ?? 'allocator',
        }));
      if (events.length) await insertOrderEvents(tx, events);

      if (optimistic) {
        await lockStockRows(tx, skuList);
        await applyStock();
      }
      return { plans, reserve, release, fulfil };
    };

    let out: Awaited<ReturnType<typeof attempt>>;
    let done: typeof out | undefined;
    // A few optimistic tries, each from a fresh snapshot (another batch took the units meanwhile), then the locked path.
    for (let i = 0; orders.length > 1 && i < 3 && !done; i++) {
      try {
        done = await tx.transaction(async (sp) => attempt(sp as unknown as Tx, true));
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'stock_changed')) throw err;
      }
    }
    out = done ?? (await attempt(tx, false));
    const { plans, reserve, release, fulfil } = out;

    const changed = new Set([...reserve, ...release, ...fulfil].map((d) => d.sku));
    return {
      orders: orders.length,
      reservedUnits: reserve.reduce((s, d) => s + d.q, 0),
      releasedUnits: release.reduce((s, d) => s + d.q, 0),
      plans,
      changedSkus: [...changed].sort(),
      releasedSkus: [...new Set(release.map((d) => d.sku))].sort(),
    };
  });
}

/** Active warehouses and the allocation settings (per connection, else global, else defaults). */
export async function loadRules(tx: Tx, connectionIds: string[]): Promise<{ warehouses: RuleWarehouse[]; settingsFor: (connectionId: string) => RuleSettings }> {
  const whRes = await tx.execute(sql`select id, code, priority, allowed_connection_ids from warehouses where active order by priority, code`);
  const setRes = await tx.execute(sql`select connection_id, warehouse_order, allow_split, ship_complete from allocation_settings
      where connection_id is null or connection_id = any(${pgArray(connectionIds.length ? connectionIds : ['00000000-0000-0000-0000-000000000000'], 'uuid')})`);
  const warehouses = (whRes.rows as Array<{ id: string; code: string; priority: number; allowed_connection_ids: string[] | null }>).map((w) => ({
    id: w.id, code: w.code, priority: Number(w.priority), allowedConnectionIds: parsePgArray(w.allowed_connection_ids),
  }));
  const rows = setRes.rows as Array<{ connection_id: string | null; warehouse_order: string[] | null; allow_split: boolean; ship_complete: boolean }>;
  const toSettings = (r: (typeof rows)[number]): RuleSettings => ({ warehouseOrder: parsePgArray(r.warehouse_order), allowSplit: r.allow_split, shipComplete: r.ship_complete });
  const global = rows.find((r) => r.connection_id === null);
  const defaults: RuleSettings = global ? toSettings(global) : { warehouseOrder: null, allowSplit: true, shipComplete: true };
  const per = new Map(rows.filter((r) => r.connection_id).map((r) => [r.connection_id!, toSettings(r)]));
  return { warehouses, settingsFor: (c) => per.get(c) ?? defaults };
}

/** uuid[] comes back as a JS array from node-postgres and as `{a,b}` text in some PGlite paths. */
export function parsePgArray(v: unknown): string[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(String);
  const s = String(v);
  if (s === '{}') return [];
  return s.replace(/^\{|\}$/g, '').split(',').filter(Boolean);
}

/** Convenience for verbs that already hold a transaction. */
export function allocateInTx(ctx: Ctx, tx: Tx, orderIds: string[]): Promise<AllocateResult> {
  return allocateOrders(inTx(ctx, tx), { orderIds });
}
