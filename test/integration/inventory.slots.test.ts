import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateOrders } from '../../src/inventory/allocate-orders';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';
import { DATABASE_URL, skipNote } from '../helpers/servers';

let t: TestHub;

/** Advisory-lock waits on the allocation slots (class 7310002), seen from another connection. */
async function slotWaiters(): Promise<number> {
  const r = await t.hub.ctx.db.execute(sql`
    select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = 7310002 and not granted`);
  return Number((r.rows[0] as { n: number }).n);
}

async function order(sku: string, i: number): Promise<string> {
  const r = await t.api('POST', '/api/v1/orders', {
    currency: 'USD', placedAt: new Date(Date.UTC(2026, 8, 1, 0, i)).toISOString(), lines: [{ sku, title: sku, quantity: 1, unitPriceMinor: 100 }],
  });
  expect(r.status).toBe(201);
  return r.body.id;
}

/** Runs an allocation of `sku` that stops inside its transaction (slot held) until `release` is called. */
function pausedAllocation(sku: string) {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const inside = new Promise<void>((r) => (reached = r));
  const done = allocateOrders(t.hub.ctx, { sku, limit: 500 }, { afterReserve: async () => { reached(); await gate; } });
  return { inside, done, release };
}

/** The same for a batch of orders named by id (a drain's new orders). */
function pausedIdAllocation(orderIds: string[]) {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const inside = new Promise<void>((r) => (reached = r));
  const done = allocateOrders(t.hub.ctx, { orderIds }, { afterReserve: async () => { reached(); await gate; } });
  return { inside, done, release };
}

// Two transactions at once need two connections: PGlite has one.
describe.skipIf(!DATABASE_URL)(skipNote('allocation slots cap the batch allocations writing at once (PostgreSQL)'), () => {
  beforeAll(async () => {
    t = await createTestHub({ queue: 'embedded', env: { OMNIHUB_ALLOCATION_SLOTS: '1' } });
    await t.api('POST', '/api/v1/warehouses', { code: 'WH-A', name: 'A', priority: 1 });
    for (const sku of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']) {
      await t.api('POST', '/api/v1/products', { sku, title: sku });
      await t.api('POST', '/api/v1/stock/adjustments', { sku, warehouse: 'WH-A', delta: 5, reason: 'stock' });
    }
  }, 60_000);
  afterAll(() => t?.close());

  it('with one slot, a batch for another SKU waits until the first one commits; then both are allocated', async () => {
    expect(t.hub.ctx.config.allocationSlots).toBe(1);
    const [o1, o2] = [await order('S1', 1), await order('S2', 2)];
    const a = pausedAllocation('S1');
    await a.inside;
    const b = allocateOrders(t.hub.ctx, { sku: 'S2', limit: 500 });
    await waitFor(async () => (await slotWaiters()) === 1, 10_000, 'the second batch to wait for a slot');
    a.release();
    const [ra, rb] = await Promise.all([a.done, b]);
    expect([ra.reservedUnits, rb.reservedUnits]).toEqual([1, 1]);
    const st = await t.hub.ctx.db.execute(sql`select allocation_status as s from orders where id in (${o1}, ${o2})`);
    expect((st.rows as Array<{ s: string }>).map((r) => r.s)).toEqual(['allocated', 'allocated']);
  });

  it('with two slots, the second batch goes ahead while the first is still open', async () => {
    t.hub.ctx.config.allocationSlots = 2;
    const o3 = await order('S3', 3);
    await order('S4', 4);
    const a = pausedAllocation('S3');
    await a.inside;
    const rb = await allocateOrders(t.hub.ctx, { sku: 'S4', limit: 500 });
    expect(rb.reservedUnits).toBe(1);
    expect(await slotWaiters()).toBe(0);
    a.release();
    expect((await a.done).reservedUnits).toBe(1);
    expect((await t.hub.ctx.db.execute(sql`select allocation_status as s from orders where id = ${o3}`)).rows[0]).toEqual({ s: 'allocated' });
  });

  it('a batch named by id takes a slot too; a single order named by id does not wait for one', async () => {
    t.hub.ctx.config.allocationSlots = 1;
    const batch = [await order('S5', 5), await order('S5', 6)];
    const [other1, other2] = [await order('S6', 7), await order('S6', 8)];
    const single = await order('S7', 9);
    // Whatever the queue did with these orders meanwhile, they are allocated again from pending.
    await t.hub.ctx.db.execute(sql`update orders set allocation_status = 'pending' where id in (${batch[0]}, ${batch[1]}, ${other1}, ${other2}, ${single})`);
    const a = pausedIdAllocation(batch);
    await a.inside;
    const b = allocateOrders(t.hub.ctx, { orderIds: [other1!, other2!] });
    await waitFor(async () => (await slotWaiters()) === 1, 10_000, 'the second id batch to wait for a slot');
    // One order, named alone, goes ahead while the slot is taken.
    const one = await allocateOrders(t.hub.ctx, { orderIds: [single!] });
    expect(one.orders).toBe(1);
    expect(await slotWaiters()).toBe(1);
    a.release();
    await Promise.all([a.done, b]);
    const st = await t.hub.ctx.db.execute(sql`select allocation_status as s from orders where id in (${batch[0]}, ${batch[1]}, ${other1}, ${other2}, ${single})`);
    expect((st.rows as Array<{ s: string }>).map((r) => r.s)).toEqual(['allocated', 'allocated', 'allocated', 'allocated', 'allocated']);
  });
});
