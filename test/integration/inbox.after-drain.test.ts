import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import type { Ctx } from '../../src/context';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { queueAfterDrain } from '../../src/inbox/queue-after-drain';
import { createTestHub, type TestHub } from '../helpers/hub';
import { DRAIN_SLICE_MS, processors } from '../../workers/processors';

const SECRET = 'after-drain-secret';
let t: TestHub;
let connectionId: string;

async function deliver(body: string, deliveryId: string) {
  const res = await t.app.request(`/webhooks/${connectionId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, body), 'x-sandbox-delivery-id': deliveryId, 'x-sandbox-topic': 'order.updated' },
    body,
  });
  expect(res.status).toBe(202);
}

/** The hub's context with a queue that records what would be enqueued. */
function recording(): { ctx: Ctx; jobs: Array<{ name: string; payload: any }> } {
  const jobs: Array<{ name: string; payload: any }> = [];
  const queue = { ...t.hub.ctx.queue, enqueue: async (name: string, payload: unknown) => void jobs.push({ name, payload }) };
  return { ctx: { ...t.hub.ctx, queue: queue as Ctx['queue'] }, jobs };
}

beforeAll(async () => {
  t = await createTestHub();
  const res = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'After drain', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
  connectionId = res.body.id;
});
afterAll(() => t.close());

describe('work queued after a drain', () => {
  it('queues late-order reconciliation and the allocation of created orders by id, which stay allocation-pending', async () => {
    const order = sandboxOrder('after', 1);
    await deliver(JSON.stringify(order), 'ad-1');
    await t.hub.ctx.rawEvents.drain();
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.orders.map((o) => o.outcome)).toEqual(['created']);
    const expectedSkus = [...new Set(order.items.map((i) => i.sku))].sort();
    expect(s.orders[0]!.skus).toEqual(expectedSkus);

    const { ctx, jobs } = recording();
    await queueAfterDrain(ctx, s.orders);
    expect(jobs.filter((j) => j.name === 'finance.late-orders').map((j) => j.payload.externalIds)).toEqual([[s.orders[0]!.externalId]]);
    // By id, not by SKU: a SKU batch finds its orders through the SKU index, slower with every order allocated since the last vacuum.
    expect(jobs.filter((j) => j.name === 'order.allocate').map((j) => j.payload)).toEqual([{ orderIds: [s.orders[0]!.id], includeBackordered: false }]);
    const row = await t.hub.ctx.db.execute(sql`select allocation_status from orders where id = ${s.orders[0]!.id}`);
    expect((row.rows[0] as { allocation_status: string }).allocation_status).toBe('pending');
  });

  it('allocates a large drain in jobs of at most 1,000 orders (the job schema\'s limit), none left out', async () => {
    const { ctx, jobs } = recording();
    const many = Array.from({ length: 2501 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, connectionId, externalId: `big-${i}`, outcome: 'created' as const, newPath: false, skus: ['S'],
    }));
    await queueAfterDrain(ctx, many);
    const batches = jobs.filter((j) => j.name === 'order.allocate').map((j) => j.payload.orderIds as string[]);
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 501]);
    expect(batches.flat()).toEqual(many.map((o) => o.id));
  });

  it('marks an updated order pending again and queues its SKUs', async () => {
    const [o] = (await drainRawEvents(t.hub.ctx)).orders;
    expect(o).toBeUndefined();
    const existing = await t.hub.ctx.db.execute(sql`select id from orders limit 1`);
    const id = (existing.rows[0] as { id: string }).id;
    await t.hub.ctx.db.execute(sql`update orders set allocation_status = 'allocated' where id = ${id}`);
    const { ctx, jobs } = recording();
    await queueAfterDrain(ctx, [{ id, connectionId, externalId: 'x', outcome: 'updated', newPath: false, skus: [] }]);
    const row = await t.hub.ctx.db.execute(sql`select allocation_status from orders where id = ${id}`);
    expect((row.rows[0] as { allocation_status: string }).allocation_status).toBe('pending');
    expect(jobs.some((j) => j.name === 'order.allocate')).toBe(true);
    expect(jobs.some((j) => j.name === 'finance.late-orders')).toBe(false);
  });

  it('hands a long stream on in slices: follow-up work is queued while deliveries keep coming, not only once they stop', async () => {
    const { ctx, jobs } = recording();
    const queuedAt: number[] = [];
    const enqueue = ctx.queue.enqueue;
    ctx.queue.enqueue = (async (name: string, payload: unknown) => {
      if (name === 'finance.late-orders') queuedAt.push(Date.now());
      return enqueue(name as never, payload as never);
    }) as Ctx['queue']['enqueue'];
    // Deliveries every ~10 ms for twice the slice length: the table is never empty for long.
    let streaming = true;
    let n = 0;
    const stream = (async () => {
      const end = Date.now() + DRAIN_SLICE_MS * 2.5;
      while (Date.now() < end) {
        await deliver(JSON.stringify(sandboxOrder('stream', n)), `stream-${n}`);
        n++;
        await new Promise((r) => setTimeout(r, 10));
      }
      streaming = false;
    })();
    await new Promise((r) => setTimeout(r, 30));
    const streamEnded: number[] = [];
    const drained = processors['inbox.drain'](ctx, { reason: 'test' }, { id: 'slice-test', attempt: 1, maxAttempts: 1 });
    await stream;
    streamEnded.push(Date.now());
    await drained;
    // Whatever the drain had not reached when the stream ended, one more run takes.
    await processors['inbox.drain'](ctx, { reason: 'test' }, { id: 'slice-test-2', attempt: 1, maxAttempts: 1 });
    expect(streaming).toBe(false);
    expect(queuedAt.length).toBeGreaterThanOrEqual(2);
    expect(queuedAt[0]!).toBeLessThan(streamEnded[0]!);
    // Every streamed order reached follow-up work exactly once.
    const late = jobs.filter((j) => j.name === 'finance.late-orders').flatMap((j) => j.payload.externalIds as string[]);
    expect(late.filter((e) => e.startsWith('SBX-stream-')).sort()).toEqual(Array.from({ length: n }, (_, i) => `SBX-stream-${i}`).sort());
  });
});
