import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client';
import { AppError } from '../../src/errors';
import { RawEventWriter, type RawEventInput } from '../../src/inbox/raw-event-writer';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
let shop: string;

const event = (deliveryId: string, connectionId = shop): RawEventInput => ({
  connectionId, deliveryId, path: 'webhook', topic: 'order.updated', headers: { 'x-test': '1' }, body: `{"d":"${deliveryId}"}`,
});

beforeAll(async () => {
  t = await createTestHub();
  const c = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Writer', config: { webhookSecret: 'writer-secret-1', pollIntervalSeconds: 0 } });
  shop = c.body.id;
});
afterAll(() => t.close());

describe('raw event group commit', () => {
  it('answers each of 600 concurrent writes once: one stored per delivery id, the rest duplicates', async () => {
    const writer = new RawEventWriter(t.hub.ctx.db, { maxBatch: 40, maxParallel: 4 });
    // 200 delivery ids, each sent 3 times, interleaved so copies land in the same and in parallel batches.
    const inputs = Array.from({ length: 600 }, (_, i) => event(`gc-${i % 200}`));
    const answers = await Promise.all(inputs.map((e) => writer.write(e)));
    const stored = answers.filter((a) => !a.duplicate);
    expect(stored).toHaveLength(200);
    expect(new Set(stored.map((a) => a.id)).size).toBe(200);
    expect(answers.filter((a) => a.duplicate).every((a) => a.id === null)).toBe(true);
    const rows = await t.hub.ctx.db.execute(sql`select count(*)::int as n, count(distinct delivery_id)::int as d from raw_events where connection_id = ${shop} and delivery_id like 'gc-%'`);
    expect(rows.rows[0]).toMatchObject({ n: 200, d: 200 });
    await writer.drain();
  });

  it('stores an event addressed with an upper-case connection id, and reports it as new', async () => {
    const writer = new RawEventWriter(t.hub.ctx.db);
    const a = await writer.write(event('upper-1', shop.toUpperCase()));
    expect(a.duplicate).toBe(false);
    expect(a.id).toBeGreaterThan(0);
    expect((await writer.write(event('upper-1', shop))).duplicate).toBe(true);
  });

  it('rejects every waiting write with a retryable 503 when the database fails, and answers later writes', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    await database.close();
    const broken = new RawEventWriter(database.db, { maxBatch: 5 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => broken.write(event(`down-${i}`))));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    for (const r of results) {
      const err = (r as PromiseRejectedResult).reason as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ status: 503, retryable: true, code: 'storage_unavailable' });
    }
    await broken.drain();
  });
});
