import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAllocationJob } from '../../src/inventory/allocation-jobs';
import { createTestHub, type TestHub } from '../helpers/hub';

/**
 * Random sequences of orders, allocations, cancellations, partial fulfilments, transfers (and their
 * receipt), adjustments and returns; every invariant is checked after every step. Runs on the
 * embedded database and on real PostgreSQL.
 */
let t: TestHub;
const WH = ['P-A', 'P-B', 'P-C'];

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  for (const [i, code] of WH.entries()) await t.api('POST', '/api/v1/warehouses', { code, name: code, priority: i });
}, 60_000);
afterAll(() => t.close());

const Op = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('order' as const), lines: fc.array(fc.record({ sku: fc.nat(2), qty: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3 }) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('allocate' as const), sku: fc.nat(2) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('cancel' as const), order: fc.nat(40) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('fulfil' as const), order: fc.nat(40), qty: fc.integer({ min: 1, max: 2 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('adjust' as const), sku: fc.nat(2), wh: fc.nat(2), delta: fc.integer({ min: -4, max: 6 }).filter((d) => d !== 0) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('return' as const), sku: fc.nat(2), wh: fc.nat(2), qty: fc.integer({ min: 1, max: 2 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('transfer' as const), sku: fc.nat(2), from: fc.nat(2), to: fc.nat(2), qty: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('receive' as const), n: fc.nat(20) }), weight: 1 },
);

async function checkInvariants(skus: string[]): Promise<void> {
  const db = t.hub.ctx.db;
  const list = `{${skus.join(',')}}`;
  // Stored totals = ledger sums, and reserved = open reservations, per (sku, warehouse).
  const drift = await db.execute(sql`
    select s.sku, s.warehouse_id from stock_levels s
    left join (select sku, warehouse_id, sum(on_hand_delta) oh, sum(reserved_delta) rs, sum(incoming_delta) inc from stock_movements group by 1, 2) m
      using (sku, warehouse_id)
    left join (select sku, warehouse_id, sum(quantity) q from reservations group by 1, 2) r using (sku, warehouse_id)
    where s.sku = any(${list}::text[]) and (s.on_hand <> coalesce(m.oh, 0) or s.reserved <> coalesce(m.rs, 0)
      or s.incoming <> coalesce(m.inc, 0) or s.reserved <> coalesce(r.q, 0)
      or s.on_hand < 0 or s.reserved < 0 or s.reserved > s.on_hand or s.incoming < 0)`);
  expect(drift.rows).toEqual([]);
  // No order holds more than its lines ask for; cancelled orders hold nothing; `allocated` means fully covered.
  const bad = await db.execute(sql`
    with need as (select order_id, sku, sum(quantity)::int q from order_lines where sku = any(${list}::text[]) group by 1, 2),
    held as (select order_id, sku, sum(quantity)::int r, sum(fulfilled_quantity)::int f from reservations where sku = any(${list}::text[]) group by 1, 2)
    select o.id, o.status, o.allocation_status, n.sku, n.q, coalesce(h.r, 0) r, coalesce(h.f, 0) f
    from need n join orders o on o.id = n.order_id left join held h using (order_id, sku)
    where coalesce(h.r, 0) + coalesce(h.f, 0) > n.q
       or (o.status = 'cancelled' and coalesce(h.r, 0) > 0)
       or (o.allocation_status = 'allocated' and coalesce(h.r, 0) + coalesce(h.f, 0) <> n.q)`);
  expect(bad.rows).toEqual([]);
}

let run = 0;

describe('inventory invariants under random operations', () => {
  it('hold after every step of random sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(Op, { minLength: 5, maxLength: 25 }), async (ops) => {
        run++;
        const skus = [0, 1, 2].map((i) => `PR${run}-${i}`);
        for (const sku of skus) await t.api('POST', '/api/v1/products', { sku, title: sku });
        const orders: string[] = [];
        const transfers: string[] = [];
        // Model: physical units per SKU (on hand + in transit) change only by adjustments, returns and shipments.
        const physical = new Map(skus.map((s) => [s, 0]));
        for (const op of ops) {
          switch (op.op) {
            case 'order': {
              const r = await t.api('POST', '/api/v1/orders', {
                currency: 'USD', lines: op.lines.map((l) => ({ sku: skus[l.sku], title: 'x', quantity: l.qty, unitPriceMinor: 100 })),
              });
              expect(r.status).toBe(201);
              orders.push(r.body.id);
              break;
            }
            case 'allocate':
              await runAllocationJob(t.hub.ctx, { sku: skus[op.sku]!, includeBackordered: true });
              break;
            case 'cancel': {
              const id = orders[op.order % Math.max(1, orders.length)];
              if (!id) break;
              const r = await t.api('POST', `/api/v1/orders/${id}/cancel`);
              expect([200, 409]).toContain(r.status);
              break;
            }
            case 'fulfil': {
              const id = orders[op.order % Math.max(1, orders.length)];
              if (!id) break;
              const a = await t.api('GET', `/api/v1/orders/${id}/allocation`);
              const line = a.body.lines.find((l: { allocations: Array<{ quantity: number; fulfilled: number }> }) => l.allocations.some((x) => x.quantity > x.fulfilled));
              if (!line) {
                expect((await t.api('POST', `/api/v1/orders/${id}/fulfillments`)).status).toBe(409);
                break;
              }
              const r = await t.api('POST', `/api/v1/orders/${id}/fulfillments`, { lines: [{ sku: line.sku, quantity: op.qty }] });
              expect([201, 400]).toContain(r.status);
              if (r.status === 201) physical.set(line.sku, physical.get(line.sku)! - op.qty);
              break;
            }
            case 'adjust': {
              const r = await t.api('POST', '/api/v1/stock/adjustments', { sku: skus[op.sku], warehouse: WH[op.wh], delta: op.delta, reason: 'prop' });
              expect([201, 409]).toContain(r.status);
              if (r.status === 201) physical.set(skus[op.sku]!, physical.get(skus[op.sku]!)! + op.delta);
              break;
            }
            case 'return': {
              const r = await t.api('POST', '/api/v1/stock/adjustments', { sku: skus[op.sku], warehouse: WH[op.wh], delta: op.qty, reason: 'customer return', kind: 'return' });
              expect(r.status).toBe(201);
              physical.set(skus[op.sku]!, physical.get(skus[op.sku]!)! + op.qty);
              break;
            }
            case 'transfer': {
              const r = await t.api('POST', '/api/v1/stock/transfers', { sku: skus[op.sku], from: WH[op.from], to: WH[op.to], quantity: op.qty });
              expect([201, 400, 409]).toContain(r.status);
              if (r.status === 201) transfers.push(r.body.id);
              break;
            }
            case 'receive': {
              const id = transfers[op.n % Math.max(1, transfers.length)];
              if (!id) break;
              const r = await t.api('POST', `/api/v1/stock/transfers/${id}/receive`);
              expect([200, 409]).toContain(r.status);
              break;
            }
          }
          await checkInvariants(skus);
        }
        for (const sku of skus) {
          const rows = (await t.api('GET', `/api/v1/stock?sku=${sku}`)).body.items as Array<{ onHand: number; incoming: number }>;
          expect(rows.reduce((s, x) => s + x.onHand + x.incoming, 0)).toBe(physical.get(sku));
        }
      }),
      { numRuns: 25, endOnFailure: true },
    );
  }, 300_000);
});
