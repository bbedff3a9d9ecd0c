import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { normalizeSandboxOrder } from '../../connectors/sandbox/transform';
import { withTransaction } from '../../src/db/transaction';
import { countOrders, foldOrderCounts, recountOrders } from '../../src/inbox/count-orders';
import { upsertOrders } from '../../src/inbox/upsert-orders';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
let shop: string;

beforeAll(async () => {
  t = await createTestHub();
  const c = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Count shop', config: { webhookSecret: 'count-secret-123', pollIntervalSeconds: 0 } });
  shop = c.body.id;
});
afterAll(() => t.close());

const live = () => countOrders(t.hub.ctx, { maxAgeMs: 0 });

/** Upserts sandbox orders n (revision r: a later sourceUpdatedAt, so an existing order is updated). */
async function upsert(ns: number[], revision: number, status?: string) {
  await withTransaction(t.hub.ctx, (tx) =>
    upsertOrders(tx, ns.map((n) => {
      const o = normalizeSandboxOrder(sandboxOrder('counts', n, revision));
      return { connectionId: shop, channel: 'sandbox', path: 'poll' as const, rawEventId: null, order: status ? { ...o, status: status as typeof o.status } : o };
    })),
  );
}

describe('maintained inbox counts', () => {
  it('equal a full recount after inserts, upserts, updates, deletes and folds (random sequences)', async () => {
    type Op =
      | { kind: 'upsert'; ns: number[]; revision: number; status?: string }
      | { kind: 'status'; n: number; status: string }
      | { kind: 'allocation'; n: number; value: string }
      | { kind: 'exception'; n: number; value: string }
      | { kind: 'delete'; n: number }
      | { kind: 'fold' };
    const n = fc.integer({ min: 0, max: 40 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('upsert' as const), ns: fc.array(n, { minLength: 1, maxLength: 12 }), revision: fc.integer({ min: 0, max: 3 }), status: fc.option(fc.constantFrom('open', 'cancelled'), { nil: undefined }) }),
      fc.record({ kind: fc.constant('status' as const), n, status: fc.constantFrom('open', 'cancelled', 'closed') }),
      fc.record({ kind: fc.constant('allocation' as const), n, value: fc.constantFrom('pending', 'allocated', 'backordered', 'partial') }),
      fc.record({ kind: fc.constant('exception' as const), n, value: fc.constantFrom('unknown_sku', 'on_hold', 'invalid_address') }),
      fc.record({ kind: fc.constant('delete' as const), n }),
      fc.constant({ kind: 'fold' as const }),
    );
    const ext = (k: number) => normalizeSandboxOrder(sandboxOrder('counts', k)).externalId;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        for (const o of ops) {
          const db = t.hub.ctx.db;
          if (o.kind === 'upsert') await upsert(o.ns, o.revision, o.status);
          else if (o.kind === 'status') await db.execute(sql`update orders set status = ${o.status} where connection_id = ${shop} and external_id = ${ext(o.n)}`);
          else if (o.kind === 'allocation') await db.execute(sql`update orders set allocation_status = ${o.value} where connection_id = ${shop} and external_id = ${ext(o.n)}`);
          else if (o.kind === 'exception') await db.execute(sql`update orders set exceptions = array_append(exceptions, ${o.value}) where connection_id = ${shop} and external_id = ${ext(o.n)}`);
          else if (o.kind === 'delete') {
            await db.execute(sql`delete from order_events where order_id in (select id from orders where connection_id = ${shop} and external_id = ${ext(o.n)})`);
            await db.execute(sql`delete from order_lines where order_id in (select id from orders where connection_id = ${shop} and external_id = ${ext(o.n)})`);
            await db.execute(sql`delete from orders where connection_id = ${shop} and external_id = ${ext(o.n)}`);
          } else await foldOrderCounts(t.hub.ctx);
          expect(await live()).toEqual(await recountOrders(t.hub.ctx));
        }
      }),
      { numRuns: 12 },
    );
  });

  it('folding moves every delta into the base and changes no count', async () => {
    await upsert([100, 101, 102], 0);
    const before = await live();
    const pendingBefore = Number(((await t.hub.ctx.db.execute(sql`select count(*)::int as n from order_count_deltas`)).rows[0] as { n: number }).n);
    expect(pendingBefore).toBeGreaterThan(0);
    expect(await foldOrderCounts(t.hub.ctx)).toBe(pendingBefore);
    expect(Number(((await t.hub.ctx.db.execute(sql`select count(*)::int as n from order_count_deltas`)).rows[0] as { n: number }).n)).toBe(0);
    expect(await live()).toEqual(before);
    expect(before.total).toBe(Number(((await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders`)).rows[0] as { n: number }).n));
  });
});
