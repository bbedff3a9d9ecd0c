import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { insertRawEvents } from '../../src/inbox/insert-raw-events';
import { scheduleHousekeeping } from '../../src/main';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';
import { realServers, skipNote } from '../helpers/servers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ORDERS = 100;
const REVISIONS = 5;

async function counts(t: TestHub, shop: string) {
  const res = await t.hub.ctx.db.execute(sql`
    select count(*) filter (where status = 'pending')::int as pending,
           count(*) filter (where status = 'processed')::int as processed,
           count(*) filter (where status not in ('pending', 'processed'))::int as other
    from raw_events where connection_id = ${shop}`);
  const r = res.rows[0] as { pending: number; processed: number; other: number };
  return { pending: Number(r.pending), processed: Number(r.processed), other: Number(r.other) };
}

async function createShop(t: TestHub, name: string): Promise<string> {
  const res = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name, config: { webhookSecret: 'crash-secret-1', pollIntervalSeconds: 0 } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Stored raw events as a webhook would leave them: 100 orders × 5 revisions, newest last for some. */
async function storeEvents(t: TestHub, shop: string, seed: string, orders: number, revisions: number) {
  const events = [];
  for (let r = 0; r < revisions; r++) {
    for (let n = 0; n < orders; n++) {
      const revision = (r + n) % revisions;
      events.push({
        connectionId: shop, deliveryId: `${seed}-${n}-${revision}`, path: 'webhook' as const, topic: 'order.updated', headers: null,
        body: JSON.stringify(sandboxOrder(seed, n, revision)),
      });
    }
  }
  await insertRawEvents(t.hub.ctx.db, events);
  return events.length;
}

/** Every stored order is its newest revision, with its lines exactly once and one 'received' entry. */
async function expectConsistent(t: TestHub, shop: string, seed: string, orders: number, revisions: number) {
  const rows = await t.hub.ctx.db.execute(sql`
    select o.external_id, o.source_updated_at, o.placed_at,
      (select count(*)::int from order_lines l where l.order_id = o.id) as lines,
      (select count(*)::int from order_lines l where l.order_id = o.id) - (select count(distinct position)::int from order_lines l where l.order_id = o.id) as dup_lines,
      (select count(*)::int from order_events e where e.order_id = o.id and e.kind = 'received') as received
    from orders o where o.connection_id = ${shop}`);
  const list = rows.rows as Array<{ external_id: string; source_updated_at: Date | string; placed_at: Date | string; lines: number; dup_lines: number; received: number }>;
  expect(list).toHaveLength(orders);
  expect(new Set(list.map((r) => r.external_id)).size).toBe(orders);
  for (const r of list) {
    const n = Number(r.external_id.split('-').pop());
    const newest = sandboxOrder(seed, n, revisions - 1);
    expect(new Date(r.source_updated_at).toISOString(), r.external_id).toBe(newest.updated_at);
    expect(Number(r.lines), r.external_id).toBe(newest.items.length);
    expect(Number(r.dup_lines)).toBe(0);
    expect(Number(r.received)).toBe(1);
  }
}

describe.skipIf(!realServers)(skipNote('inbox crash recovery: a worker killed mid-drain'), () => {
  let t: TestHub;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    t = await createTestHub();
  });
  afterAll(async () => {
    // A child killed by a signal has exitCode null (signalCode is set): only a live group is killed, and
    // one that is gone by the time the kill lands (ESRCH) is what we wanted anyway.
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
    await t?.close();
  });

  it('loses and duplicates nothing when the worker process is SIGKILLed mid-drain', async () => {
    const shop = await createShop(t, 'Crash shop');
    const total = await storeEvents(t, shop, 'crash', ORDERS, REVISIONS);
    expect(total).toBe(500);

    // Its own process group, so the kill reaches the node process behind npx.
    child = spawn('npx', ['tsx', 'test/helpers/crash-worker.ts'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, DATABASE_URL: t.databaseUrl!, REDIS_URL: t.config.redisUrl!, OMNIHUB_QUEUE_PREFIX: t.queuePrefix,
        OMNIHUB_SECRET_KEY: t.config.secretKey!, OMNIHUB_DATA_DIR: t.config.dataDir, LOG_LEVEL: 'silent', CRASH_BATCH: '10',
      },
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<void>((resolve) => child!.on('exit', () => resolve()));

    await waitFor(async () => {
      if (child!.exitCode !== null) throw new Error(`worker exited early: ${stderr}`);
      const c = await counts(t, shop);
      return c.processed >= 60 && c.pending > 0;
    }, 30_000, 'the child to be mid-drain');
    process.kill(-child.pid!, 'SIGKILL');
    await exited;

    const afterKill = await counts(t, shop);
    expect(afterKill.other).toBe(0);
    expect(afterKill.pending + afterKill.processed).toBe(total);
    expect(afterKill.pending).toBeGreaterThan(0);
    // What was committed is whole: every processed event's order exists, with its lines once.
    const orphans = await t.hub.ctx.db.execute(sql`
      select count(*)::int as n from raw_events r where r.connection_id = ${shop} and r.status = 'processed'
        and not exists (select 1 from orders o where o.connection_id = r.connection_id and o.external_id = (r.body::jsonb ->> 'id'))`);
    expect(Number((orphans.rows[0] as { n: number }).n)).toBe(0);
    const dupLines = await t.hub.ctx.db.execute(sql`
      select count(*)::int as n from (select order_id, position from order_lines l join orders o on o.id = l.order_id
        where o.connection_id = ${shop} group by 1, 2 having count(*) > 1) d`);
    expect(Number((dupLines.rows[0] as { n: number }).n)).toBe(0);

    // A new worker (this process) takes over: the sweep finds what the dead one left.
    await scheduleHousekeeping(t.hub);
    await t.startWorkers();
    await waitFor(async () => (await counts(t, shop)).processed === total, 30_000, 'every event processed');
    await expectConsistent(t, shop, 'crash', ORDERS, REVISIONS);
  });
});

describe('inbox sweep', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub();
  });
  afterAll(() => t.close());

  it('processes events stored while no worker ran, without anyone kicking a drain', async () => {
    const shop = await createShop(t, 'Sweep shop');
    const total = await storeEvents(t, shop, 'sweep', 20, 2);
    await new Promise((r) => setTimeout(r, 300));
    expect((await counts(t, shop)).pending).toBe(total);
    await scheduleHousekeeping(t.hub);
    await t.startWorkers();
    await waitFor(async () => (await counts(t, shop)).processed === total, 20_000, 'the sweep to drain');
    await expectConsistent(t, shop, 'sweep', 20, 2);
  });
});
