import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processors } from '../../workers/processors';
import { createTestHub, type TestHub, expectOk } from '../helpers/hub';

let t: TestHub;
const ok = (p: Promise<{ status: number; body: any }>, status = 200) => expectOk(p, status);
const meta = { id: 'test', attempt: 1, maxAttempts: 1 } as never;

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'WH-R', name: 'Replenished', priority: 1, leadTimeDays: 30 }), 201);
  for (const sku of ['SKU-R', 'SKU-S', 'SKU-U', 'SKU-X']) await ok(t.api('POST', '/api/v1/products', { sku, title: sku }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'SUPA', name: 'Supplier A', currency: 'USD', leadTimeDays: 5 }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'SUPB', name: 'Supplier B', currency: 'USD', leadTimeDays: 5 }), 201);
  // SKU-R: both sell it; A has MOQ 50 and packs of 12, B is cheaper with packs of 10 (but has no track record).
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'SUPA', sku: 'SKU-R', priceBreaks: [{ minQuantity: 1, unitCostMinor: 900 }], moq: 50, packSize: 12 }));
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'SUPB', sku: 'SKU-R', priceBreaks: [{ minQuantity: 1, unitCostMinor: 700 }], packSize: 10 }));
  // SKU-S: only B, item lead time 10 days, packs of 10.
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'SUPB', sku: 'SKU-S', priceBreaks: [{ minQuantity: 1, unitCostMinor: 300 }], packSize: 10, leadTimeDays: 10 }));
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'SUPA', sku: 'SKU-X', priceBreaks: [{ minQuantity: 1, unitCostMinor: 100 }] }));

  // A's track record: one PO received complete and on time → a perfect score; B has none.
  const po = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'SUPA', lines: [{ sku: 'SKU-X', quantity: 1, warehouse: 'WH-R' }] }), 201);
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/send`));
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/receive`, { lines: [{ lineNo: 1, accepted: 1 }] }));

  // Demand over the last 28 days, one order a day: SKU-R 2/day, SKU-S 1/day, SKU-U 1/day (steady: σ = 0, no safety stock).
  for (let i = 0; i < 28; i++) {
    const placedAt = new Date(Date.now() - (i + 0.5) * 86_400_000).toISOString();
    await ok(t.api('POST', '/api/v1/orders', {
      currency: 'USD', placedAt,
      lines: [{ sku: 'SKU-R', title: 'R', quantity: 2, unitPriceMinor: 100 }, { sku: 'SKU-S', title: 'S', quantity: 1, unitPriceMinor: 100 }, { sku: 'SKU-U', title: 'U', quantity: 1, unitPriceMinor: 100 }],
    }), 201);
  }
  await ok(t.api('POST', '/api/v1/stock/adjustments', { sku: 'SKU-R', warehouse: 'WH-R', delta: 4, reason: 'count' }), 201);
  await ok(t.api('POST', '/api/v1/stock/adjustments', { sku: 'SKU-S', warehouse: 'WH-R', delta: 2, reason: 'count' }), 201);
  await ok(t.api('POST', '/api/v1/stock/adjustments', { sku: 'SKU-U', warehouse: 'WH-R', delta: 1, reason: 'count' }), 201);
});
afterAll(() => t?.close());

describe('replenishment', () => {
  it('suggests order-up-to quantities rounded to MOQ and pack, grouped by the best-scoring supplier, with reasons', async () => {
    const s = await ok(t.api('GET', '/api/v1/replenishment/suggestions'));
    expect(s.reviewPeriodDays).toBe(14);
    // SKU-R: lead 5 d (supplier) → ROP 2×5 = 10; order-up-to 10 + 14×2 = 38; need 38 − 4 = 34;
    //   A scores best → MOQ 50 → packs of 12 → 60.
    // SKU-S: lead 10 d (item) → ROP 10; order-up-to 10 + 14 = 24; need 22 → packs of 10 → 30.
    expect(s.suggestions.map((g: any) => [g.supplierCode, g.lines.map((l: any) => [l.sku, l.need, l.quantity, l.unitCostMinor])])).toEqual([
      ['SUPA', [['SKU-R', 34, 60, 900]]],
      ['SUPB', [['SKU-S', 22, 30, 300]]],
    ]);
    expect(s.suggestions[0].grade).toBe('A');
    expect(s.suggestions[1].grade).toBeNull();
    expect(s.suggestions[0].lines[0].reason).toContain('reorder point 10');
    expect(s.suggestions[0].lines[0].reason).toContain('need 34 → 60 (MOQ 50, pack 12)');
    // SKU-U has no supplier, so the warehouse's lead time (30 d) applies: ROP 30, up-to 44, need 43.
    expect(s.unsupplied).toEqual([{ sku: 'SKU-U', warehouse: 'WH-R', need: 30 + 14 - 1 }]);
  });

  it('drafts one PO per supplier (never sent), and a second run drafts nothing new', async () => {
    await ok(t.api('PUT', '/api/v1/purchasing/settings', { autoApproveBelow: { USD: 10_000 } }));
    const run = await ok(t.api('POST', '/api/v1/replenishment/suggestions/draft'));
    // B's draft (30 × 300 = 9,000) is within the auto-approve limit: approved, still not sent. A's (54,000) waits for a person.
    expect(run.created.map((c: any) => [c.supplier, c.lines, c.totalMinor, c.status])).toEqual([
      ['SUPA', 1, 60 * 900, 'draft'],
      ['SUPB', 1, 30 * 300, 'approved'],
    ]);
    const po = await ok(t.api('GET', `/api/v1/purchase-orders/${run.created[0].id}`));
    expect(po.source).toBe('replenishment');
    expect(po.lines[0]).toMatchObject({ sku: 'SKU-R', quantity: 60, warehouse: 'WH-R' });
    expect(po.lines[0].reason).toContain('MOQ 50, pack 12');
    // Not sent: nothing is incoming yet.
    const stock = await ok(t.api('GET', '/api/v1/stock?sku=SKU-R'));
    expect(stock.items[0].incoming).toBe(0);

    // The daily job: units on unsent POs count, so nothing new is drafted.
    await processors['purchasing.replenish'](t.hub.ctx, {}, meta);
    const all = await ok(t.api('GET', '/api/v1/purchase-orders?limit=50'));
    expect(all.items.filter((p: any) => p.source === 'replenishment')).toHaveLength(2);
    expect((await ok(t.api('GET', '/api/v1/replenishment/suggestions'))).suggestions).toEqual([]);
  });
});
