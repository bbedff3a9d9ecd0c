import { fromMinor } from '../../src/domain/money';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAllocationJob } from '../../src/inventory/allocation-jobs';
import { reconcileStock } from '../../src/inventory/reconcile-stock';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;

const stockOf = async (sku: string, wh: string) =>
  ((await t.api('GET', `/api/v1/stock?sku=${sku}`)).body.items as Array<{ warehouse: string; onHand: number; reserved: number }>).find((r) => r.warehouse === wh);

beforeAll(async () => {
  t = await createTestHub();
  for (const code of ['WH-A', 'WH-R']) expect((await t.api('POST', '/api/v1/warehouses', { code, name: code })).status).toBe(201);
  for (const sku of ['RET-1', 'RET-2']) expect((await t.api('POST', '/api/v1/products', { sku, title: sku })).status).toBe(201);
});
afterAll(() => t.close());

async function order() {
  const r = await t.api('POST', '/api/v1/orders', {
    currency: 'USD', financialStatus: 'paid',
    lines: [
      { sku: 'RET-1', title: 'Shirt', quantity: 3, unitPriceMinor: 2000, discountMinor: 300 },
      { sku: 'RET-2', title: 'Hat', quantity: 1, unitPriceMinor: 1500 },
    ],
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

describe('returns (RMA)', () => {
  it('creates a return for some units with the pro-rated refund and refuses more than was ordered', async () => {
    const id = await order();
    const r = await t.api('POST', `/api/v1/orders/${id}/returns`, { lines: [{ sku: 'RET-1', quantity: 2 }], reason: 'too small' });
    expect(r.status).toBe(201);
    // (3 × 2000 − 300) × 2/3 = 3800
    expect(r.body).toMatchObject({ status: 'requested', refundMinor: 3800, currency: 'USD', lines: [{ sku: 'RET-1', quantity: 2, refundMinor: 3800 }] });
    const over = await t.api('POST', `/api/v1/orders/${id}/returns`, { lines: [{ sku: 'RET-1', quantity: 2 }] });
    expect(over.status).toBe(400);
    expect(over.body.errors[0].path).toBe('lines.0.quantity');
    const unknown = await t.api('POST', `/api/v1/orders/${id}/returns`, { lines: [{ sku: 'NOPE', quantity: 1 }] });
    expect(unknown.body.errors[0].path).toBe('lines.0.sku');
    // Cancelling the first frees its units for another return.
    expect((await t.api('POST', `/api/v1/returns/${r.body.id}/cancel`)).body.status).toBe('cancelled');
    expect((await t.api('POST', `/api/v1/returns/${r.body.id}/receive`, { warehouse: 'WH-R' })).status).toBe(409);
    expect((await t.api('POST', `/api/v1/orders/${id}/returns`, { lines: [{ sku: 'RET-1', quantity: 3, refundMinor: 5000 }] })).status).toBe(201);
  });

  it('restocks exactly the returned units (once, however often it is received), records damaged ones without stock, and shows in the timeline', async () => {
    const id = await order();
    const before = (await stockOf('RET-1', 'WH-R'))?.onHand ?? 0;
    const r = await t.api('POST', `/api/v1/orders/${id}/returns`, { lines: [{ sku: 'RET-1', quantity: 2 }, { sku: 'RET-2', quantity: 1 }] });
    expect(r.status).toBe(201);
    const rid = r.body.id as string;
    expect((await t.api('POST', `/api/v1/returns/${rid}/close`)).status).toBe(409); // not received yet
    const rec = await t.api('POST', `/api/v1/returns/${rid}/receive`, { warehouse: 'WH-R', lines: [{ sku: 'RET-2', condition: 'damaged' }] });
    expect(rec.status).toBe(200);
    expect(rec.body).toMatchObject({ status: 'received', warehouse: 'WH-R' });
    expect(rec.body.lines).toEqual([
      expect.objectContaining({ sku: 'RET-1', condition: 'restock', restockedQuantity: 2 }),
      expect.objectContaining({ sku: 'RET-2', condition: 'damaged', restockedQuantity: 0 }),
    ]);
    const again = await t.api('POST', `/api/v1/returns/${rid}/receive`, { warehouse: 'WH-R' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await stockOf('RET-1', 'WH-R'))!.onHand).toBe(before + 2);
    expect(await stockOf('RET-2', 'WH-R')).toBeUndefined();
    const mv = await t.hub.ctx.db.execute(sql`select kind, quantity, on_hand_delta, order_id from stock_movements where order_id = ${id}`);
    expect(mv.rows).toEqual([{ kind: 'return', quantity: 2, on_hand_delta: 2, order_id: id }]);
    expect((await reconcileStock(t.hub.ctx, {})).drift).toEqual([]);
    const closed = await t.api('POST', `/api/v1/returns/${rid}/close`, { refundReference: 're_123' });
    expect(closed.body).toMatchObject({ status: 'closed', refundReference: 're_123' });
    expect((await t.api('POST', `/api/v1/returns/${rid}/cancel`)).status).toBe(409);
    const timeline = (await t.api('GET', `/api/v1/orders/${id}`)).body.timeline as Array<{ kind: string; message: string }>;
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['return_requested', 'return_received', 'return_closed']));
    // The refund reads as an amount of the order's currency, not in minor units.
    expect(timeline.find((e) => e.kind === 'return_closed')?.message).toBe(`Return closed (refund ${fromMinor(closed.body.refundMinor, closed.body.currency)} ${closed.body.currency})`);
    expect(closed.body.refundMinor).toBeGreaterThan(0);
    const listed = await t.api('GET', `/api/v1/returns?orderId=${id}`);
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([rid]);
  });

  it('a restock allocates a backordered order', async () => {
    // A SKU of its own: older orders of the other tests must not take the unit first.
    expect((await t.api('POST', '/api/v1/products', { sku: 'RET-3', title: 'Scarf' })).status).toBe(201);
    const sold = await t.api('POST', '/api/v1/orders', { currency: 'USD', lines: [{ sku: 'RET-3', title: 'Scarf', quantity: 1, unitPriceMinor: 900 }] });
    const rr = await t.api('POST', `/api/v1/orders/${sold.body.id}/returns`, { lines: [{ sku: 'RET-3', quantity: 1 }] });
    const waiting = await t.api('POST', '/api/v1/orders', { currency: 'USD', lines: [{ sku: 'RET-3', title: 'Scarf', quantity: 1, unitPriceMinor: 900 }] });
    await t.api('POST', `/api/v1/orders/${sold.body.id}/cancel`);
    await runAllocationJob(t.hub.ctx, { sku: 'RET-3', includeBackordered: false });
    expect((await t.api('GET', `/api/v1/orders/${waiting.body.id}`)).body.allocationStatus).toBe('backordered');
    const spy = vi.spyOn(t.hub.ctx.queue, 'enqueue');
    await t.api('POST', `/api/v1/returns/${rr.body.id}/receive`, { warehouse: 'WH-A' });
    // The receipt queues re-allocation of backorders for the restocked SKU (as a stock adjustment does).
    expect(spy.mock.calls.some(([name, p]) => name === 'order.allocate' && (p as { sku?: string }).sku === 'RET-3' && (p as { includeBackordered?: boolean }).includeBackordered)).toBe(true);
    spy.mockRestore();
    await runAllocationJob(t.hub.ctx, { sku: 'RET-3', includeBackordered: true });
    expect((await t.api('GET', `/api/v1/orders/${waiting.body.id}`)).body.allocationStatus).toBe('allocated');
  });

  it('a channel refund with an external id creates its return once', async () => {
    const id = await order();
    const a = await t.api('POST', `/api/v1/orders/${id}/returns`, { source: 'channel', externalId: 'refund-77', lines: [{ sku: 'RET-2', quantity: 1 }] });
    const b = await t.api('POST', `/api/v1/orders/${id}/returns`, { source: 'channel', externalId: 'refund-77', lines: [{ sku: 'RET-2', quantity: 1 }] });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body.id).toBe(a.body.id);
  });
});
