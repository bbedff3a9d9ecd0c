import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { openHub, type Hub } from '../../src/hub';
import { normalizeSandboxOrder } from '../../connectors/sandbox/transform';
import type { Tx } from '../../src/db/transaction';
import { insertRawEvents } from '../../src/inbox/insert-raw-events';
import { upsertOrders, type IncomingOrder } from '../../src/inbox/upsert-orders';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { createLogger } from '../../src/logger';
import { EmbeddedQueue } from '../../src/queue/embedded';
import { createTestHub, type TestHub } from '../helpers/hub';
import { realServers, skipNote } from '../helpers/servers';

const SECRET = 'exactly-once-secret';

async function webhook(t: TestHub, connectionId: string, body: string, deliveryId: string) {
  const res = await t.app.request(`/webhooks/${connectionId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-sandbox-signature': signSandboxBody(SECRET, body),
      'x-sandbox-delivery-id': deliveryId,
      'x-sandbox-topic': 'order.updated',
    },
    body,
  });
  return res.status;
}

async function createShop(t: TestHub, name: string): Promise<string> {
  const res = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name, config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function count(t: TestHub, query: ReturnType<typeof sql>): Promise<number> {
  const res = await t.hub.ctx.db.execute(query);
  return Number((res.rows[0] as { n: number | string }).n);
}

describe('inbox: every order exactly once', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub();
  });
  afterAll(() => t.close());

  it('records a poll and a webhook of the same order as one row with both paths', async () => {
    const shop = await createShop(t, 'Poll + webhook');
    const order = sandboxOrder('both', 1);
    const body = JSON.stringify(order);
    expect(await webhook(t, shop, body, 'wh-1')).toBe(202);
    await t.hub.ctx.rawEvents.drain();
    await drainRawEvents(t.hub.ctx);
    // The next poll returns the very same record.
    await insertRawEvents(t.hub.ctx.db, [{ connectionId: shop, deliveryId: `poll:${order.id}:${order.updated_at}`, path: 'poll', topic: null, headers: null, body }]);
    await drainRawEvents(t.hub.ctx);

    const list = await t.api('GET', `/api/v1/orders?connectionId=${shop}`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].ingestPaths).toEqual(['poll', 'webhook']);
    const detail = await t.api('GET', `/api/v1/orders/${list.body.items[0].id}`);
    expect(detail.body.lines).toHaveLength(order.items.length);
    const messages = detail.body.timeline.map((e: { message: string }) => e.message);
    expect(messages[0]).toBe('Received via webhook');
    expect(messages.some((m: string) => m.startsWith('Also received via poll'))).toBe(true);
    expect(detail.body.sourceEvents.map((e: { path: string }) => e.path).sort()).toEqual(['poll', 'webhook']);
  });

  it('writes one row when the same order is twice in one drain batch', async () => {
    const shop = await createShop(t, 'Twice in a batch');
    const order = sandboxOrder('batch', 1);
    const body = JSON.stringify(order);
    expect(await webhook(t, shop, body, 'b-1')).toBe(202);
    expect(await webhook(t, shop, body, 'b-2')).toBe(202);
    await t.hub.ctx.rawEvents.drain();
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.processed).toBe(2);
    const list = await t.api('GET', `/api/v1/orders?connectionId=${shop}`);
    expect(list.body.items).toHaveLength(1);
    const detail = await t.api('GET', `/api/v1/orders/${list.body.items[0].id}`);
    expect(detail.body.lines).toHaveLength(order.items.length);
    expect(detail.body.timeline.filter((e: { kind: string }) => e.kind === 'received')).toHaveLength(1);
  });

  it('keeps one row for 50 concurrent deliveries of one order drained by two concurrent drains', async () => {
    const shop = await createShop(t, 'Concurrent deliveries');
    const order = sandboxOrder('burst', 7);
    const body = JSON.stringify(order);
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => webhook(t, shop, body, `burst-${i}`)));
    expect(statuses.every((s) => s === 202)).toBe(true);
    await t.hub.ctx.rawEvents.drain();
    await Promise.all([drainRawEvents(t.hub.ctx, { batchSize: 7 }), drainRawEvents(t.hub.ctx, { batchSize: 7 })]);

    expect(await count(t, sql`select count(*) as n from orders where connection_id = ${shop}`)).toBe(1);
    expect(await count(t, sql`select count(*) as n from order_lines l join orders o on o.id = l.order_id where o.connection_id = ${shop}`)).toBe(order.items.length);
    expect(await count(t, sql`select count(*) as n from raw_events where connection_id = ${shop} and status = 'processed'`)).toBe(50);
    expect(await count(t, sql`select count(*) as n from order_events e join orders o on o.id = e.order_id where o.connection_id = ${shop} and e.kind = 'received'`)).toBe(1);
  });
});

describe.skipIf(!realServers)(skipNote('inbox exactly once on real PostgreSQL: two hubs draining one database'), () => {
  let t: TestHub;
  let second: Hub;
  beforeAll(async () => {
    t = await createTestHub();
    // A second hub process on the same database: its own pool, its own writer.
    const database = await (await import('../../src/db/client')).openDatabase({ url: t.databaseUrl!, poolSize: 10 });
    second = await openHub(t.config, { database, skipMigrate: true, queue: new EmbeddedQueue(database.db), log: createLogger('silent') });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('turns 400 interleaved deliveries of 40 orders into 40 rows, newest wins, lines never duplicated', async () => {
    const shop = await createShop(t, 'Two hubs');
    const orders = 40;
    const copies = 10;
    // Each order arrives 10 times: revisions 0..4, each twice, in an order that puts old after new.
    const deliveries: Array<{ body: string; id: string }> = [];
    for (let c = 0; c < copies; c++) {
      for (let n = 0; n < orders; n++) {
        const revision = (c * 3 + n) % 5;
        deliveries.push({ body: JSON.stringify(sandboxOrder('two-hubs', n, revision)), id: `th-${n}-${c}` });
      }
    }
    // Half the events come in through each hub's writer, all at once.
    const secondApp = (await import('../../src/api/app')).createApp(second.ctx);
    const statuses = await Promise.all(
      deliveries.map((d, i) => {
        const init = {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, d.body), 'x-sandbox-delivery-id': d.id },
          body: d.body,
        };
        return Promise.resolve((i % 2 === 0 ? t.app : secondApp).request(`/webhooks/${shop}`, init)).then((r) => r.status);
      }),
    );
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    await Promise.all([t.hub.ctx.rawEvents.drain(), second.ctx.rawEvents.drain()]);

    // Four concurrent drains, two per hub, in small batches so they interleave on the same orders.
    await Promise.all([
      drainRawEvents(t.hub.ctx, { batchSize: 9 }),
      drainRawEvents(t.hub.ctx, { batchSize: 13 }),
      drainRawEvents(second.ctx, { batchSize: 11 }),
      drainRawEvents(second.ctx, { batchSize: 17 }),
    ]);

    expect(await count(t, sql`select count(*) as n from raw_events where connection_id = ${shop} and status <> 'processed'`)).toBe(0);
    expect(await count(t, sql`select count(*) as n from orders where connection_id = ${shop}`)).toBe(orders);
    const lines = await t.hub.ctx.db.execute(sql`
      select o.external_id, count(l.id)::int as n from orders o left join order_lines l on l.order_id = o.id
      where o.connection_id = ${shop} group by o.external_id`);
    for (const row of lines.rows as Array<{ external_id: string; n: number }>) {
      const n = Number(row.external_id.split('-').pop());
      expect(row.n, row.external_id).toBe(sandboxOrder('two-hubs', n, 4).items.length);
    }
    const newest = await t.hub.ctx.db.execute(sql`
      select count(*)::int as n from orders where connection_id = ${shop}
        and source_updated_at = placed_at + interval '4 minutes'`);
    expect(Number((newest.rows[0] as { n: number }).n)).toBe(orders);
    expect(await count(t, sql`select count(*) as n from order_events e join orders o on o.id = e.order_id
      where o.connection_id = ${shop} and e.kind = 'received'`)).toBe(orders);
  });

  it('handles an order that a concurrent batch inserts while this one waits for it', async () => {
    const shop = await createShop(t, 'Insert race');
    const item = (revision: number): IncomingOrder => ({
      connectionId: shop, channel: 'sandbox', path: 'webhook', rawEventId: null,
      order: normalizeSandboxOrder(sandboxOrder('race', 1, revision)),
    });
    let releaseA!: () => void;
    let aInserted!: () => void;
    const inserted = new Promise<void>((r) => {
      aInserted = r;
    });
    // Batch A inserts the order and holds its transaction open.
    const a = t.hub.ctx.db.transaction(async (tx) => {
      const res = await upsertOrders(tx as unknown as Tx, [item(0)]);
      aInserted();
      await new Promise<void>((r) => {
        releaseA = r;
      });
      return res;
    });
    await inserted;
    // Batch B, on another connection, brings a newer revision: its insert waits for A's row.
    const b = second.ctx.db.transaction((tx) => upsertOrders(tx as unknown as Tx, [item(2)]));
    await new Promise((r) => setTimeout(r, 200));
    releaseA();
    expect((await a)[0]!.outcome).toBe('created');
    const [rb] = await b;
    expect(rb!.outcome).toBe('updated');
    const lines = await count(t, sql`select count(*) as n from order_lines where order_id = ${rb!.id}`);
    expect(lines).toBe(sandboxOrder('race', 1, 2).items.length);
    const kinds = await t.hub.ctx.db.execute(sql`select kind from order_events where order_id = ${rb!.id} order by id`);
    expect(kinds.rows.map((r) => (r as { kind: string }).kind)).toEqual(['received', 'updated']);
  });
});
