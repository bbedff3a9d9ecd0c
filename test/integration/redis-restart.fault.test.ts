import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { scheduleHousekeeping } from '../../src/main';
import { freePort, PrivateRedis } from '../helpers/fault-servers';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';
import { realServers, skipNote } from '../helpers/servers';

const SECRET = 'redis-fault-secret';

describe.skipIf(!realServers)(skipNote('fault: Redis restarted while webhooks arrive'), () => {
  let redis: PrivateRedis;
  let t: TestHub;
  let shop: string;
  const tally = { tried: 0, acked: 0, unavailable: 0, other: [] as string[] };
  const acknowledged = new Set<string>();

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    // The hub's queue (BullMQ) and rate limiter on OUR Redis; the database is a fresh one on the shared PostgreSQL.
    t = await createTestHub({ env: { REDIS_URL: redis.url } });
    const created = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Redis fault shop', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
    shop = created.body.id;
    await scheduleHousekeeping(t.hub);
    await t.startWorkers();
  });
  afterAll(async () => {
    await redis?.start().catch(() => {});
    await t?.close();
    await redis?.kill();
  });

  /** One webhook delivery as a channel makes it: a 503 is retried (as channels do) until it is a 2xx. */
  async function deliver(n: number): Promise<void> {
    const order = sandboxOrder('redis-fault', n, 0);
    const body = JSON.stringify(order);
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await t.app.request(`/webhooks/${shop}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, body), 'x-sandbox-delivery-id': `rf-${n}`, 'x-sandbox-topic': 'order.created' },
        body,
      });
      tally.tried++;
      if (res.status === 200 || res.status === 202) {
        tally.acked++;
        acknowledged.add(String(order.id));
        return;
      }
      if (res.status === 503) {
        tally.unavailable++;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      tally.other.push(`${n}: ${res.status} ${await res.text()}`);
      return;
    }
  }

  async function deliverRange(from: number, to: number, parallel = 4): Promise<void> {
    let next = from;
    await Promise.all(Array.from({ length: parallel }, async () => {
      while (next < to) await deliver(next++);
    }));
  }

  async function stored() {
    const r = await t.hub.ctx.db.execute(sql`
      select (select count(*)::int from orders where connection_id = ${shop}) as orders,
             (select count(*)::int from raw_events where connection_id = ${shop} and status = 'pending') as pending,
             (select array_agg(external_id) from orders where connection_id = ${shop}) as ids`);
    const row = r.rows[0] as { orders: number; pending: number; ids: string[] | null };
    return { orders: Number(row.orders), pending: Number(row.pending), ids: new Set(row.ids ?? []) };
  }

  it('acknowledges only what is stored (2xx) or answers 503; loses nothing; the queue catches up after the restart', async () => {
    await deliverRange(0, 100);
    await waitFor(async () => (await stored()).orders === 100, 30_000, 'the first 100 orders');

    const downAt = Date.now();
    await redis.kill();
    expect(await t.hub.queue.ping(500)).toBe(false);
    // Webhooks keep coming while Redis is down: stored in PostgreSQL and acknowledged; the drain kicks are lost.
    await deliverRange(100, 200);
    const whileDown = await stored();
    await redis.start();
    const downMs = Date.now() - downAt;

    // No more webhooks: the events stored while Redis was down are found by the sweep (re-scheduled on
    // the empty Redis) and processed.
    await waitFor(async () => (await stored()).orders === 200, 45_000, 'the queue to catch up after the restart');
    await deliverRange(200, 250);
    await waitFor(async () => {
      const s = await stored();
      return s.orders === 250 && s.pending === 0;
    }, 30_000, 'the last 50 orders');

    const after = await stored();
    const lost = [...acknowledged].filter((id) => !after.ids.has(id));
    process.stdout.write(`[fault:redis] requests tried ${tally.tried}, acknowledged ${tally.acked}, 503 ${tally.unavailable}, other ${tally.other.length}; ` +
      `faults injected 1 (Redis SIGKILLed, down ${downMs} ms, restarted empty); pending while down ${whileDown.pending}; items lost ${lost.length}\n`);
    expect(tally.other).toEqual([]);
    expect(acknowledged.size).toBe(250);
    expect(lost).toEqual([]);
    expect(after.orders).toBe(250);
  });
});
