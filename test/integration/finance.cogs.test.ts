import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postStockMovements } from '../../src/finance/post-stock-movements';
import { importStocktake } from '../../src/inventory/import-stocktake';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';

let t: TestHub;

async function balance(role: string, currency = 'USD'): Promise<number> {
  const r = await t.hub.ctx.db.execute(sql`
    select coalesce(sum(l.debit_minor - l.credit_minor), 0)::bigint as b from journal_lines l join ledger_accounts a on a.id = l.account_id
    where a.role = ${role} and l.currency = ${currency}`);
  return Number((r.rows[0] as { b: number }).b);
}

describe('cost of goods sold and stock valuation', () => {
  beforeAll(async () => {
    t = await createTestHub({ workers: true });
    for (const [code, priority] of [['WH-A', 1], ['WH-B', 2]] as const) expect((await t.api('POST', '/api/v1/warehouses', { code, name: code, priority })).status).toBe(201);
    expect((await t.api('POST', '/api/v1/products', { sku: 'MUG', title: 'Mug', unitCostMinor: 437, currency: 'USD' })).status).toBe(201);
    expect((await t.api('POST', '/api/v1/products', { sku: 'FREE', title: 'Sample (no cost)' })).status).toBe(201);
  });
  afterAll(async () => t.close());

  it('posts COGS = quantity × unit cost when an order ships (a job after the stock transaction)', async () => {
    expect((await t.api('POST', '/api/v1/stock/adjustments', { sku: 'MUG', warehouse: 'WH-A', delta: 10, reason: 'opening', kind: 'receipt' })).status).toBe(201);
    const o = await t.api('POST', '/api/v1/orders', { currency: 'USD', lines: [{ sku: 'MUG', title: 'Mug', quantity: 7, unitPriceMinor: 1500 }] });
    expect(o.status).toBe(201);
    const id = o.body.id as string;
    await waitFor(async () => (await t.api('GET', `/api/v1/orders/${id}/allocation`)).body.allocationStatus === 'allocated', 15_000, 'allocation');
    expect((await t.api('POST', `/api/v1/orders/${id}/fulfillments`, { lines: [{ sku: 'MUG', quantity: 3 }] })).status).toBe(201);
    await waitFor(async () => (await balance('cogs')) === 3 * 437, 15_000, 'COGS for the first shipment');
    expect((await t.api('POST', `/api/v1/orders/${id}/fulfillments`)).status).toBe(201);
    await waitFor(async () => (await balance('cogs')) === 7 * 437, 15_000, 'COGS for the rest');
    // The receipt (goods in without a PO) went in at cost against goods received, not billed.
    expect(await balance('inventory')).toBe(10 * 437 - 7 * 437);
    expect(await balance('received_not_billed')).toBe(-10 * 437);
    const j = await t.hub.ctx.db.execute(sql`select count(*)::int as n, min(channel) as channel from journal_entries where kind = 'cogs'`);
    expect(j.rows[0]).toMatchObject({ n: 2, channel: 'manual' });
    // A re-run finds nothing left to post.
    expect(await postStockMovements(t.hub.ctx, { orderId: id })).toMatchObject({ posted: 0 });
    expect(await balance('cogs')).toBe(7 * 437);
  });

  it('posts stock adjustments to shrinkage, and values stock by warehouse', async () => {
    expect((await t.api('POST', '/api/v1/stock/adjustments', { sku: 'MUG', warehouse: 'WH-B', delta: 5, reason: 'found in stocktake' })).status).toBe(201);
    expect((await t.api('POST', '/api/v1/stock/adjustments', { sku: 'MUG', warehouse: 'WH-A', delta: -2, reason: 'broken' })).status).toBe(201);
    expect((await t.api('POST', '/api/v1/stock/adjustments', { sku: 'FREE', warehouse: 'WH-A', delta: 4, reason: 'samples' })).status).toBe(201);
    await waitFor(async () => (await balance('shrinkage')) === 2 * 437 - 5 * 437, 15_000, 'shrinkage postings');
    const v = await t.api('GET', '/api/v1/reports/stock-valuation');
    expect(v.status).toBe(200);
    const by = Object.fromEntries(v.body.warehouses.map((w: any) => [w.code, w]));
    expect(by['WH-A']).toMatchObject({ values: { USD: 1 * 437 }, units: 1, uncostedUnits: 4 });
    expect(by['WH-B']).toMatchObject({ values: { USD: 5 * 437 }, units: 5 });
    expect(v.body.totals).toEqual({ USD: 6 * 437 });
  });

  it('values opening stock against owner equity, not as a gain in the P&L', async () => {
    expect((await t.api('POST', '/api/v1/products', { sku: 'VASE', title: 'Vase', unitCostMinor: 1200, currency: 'USD' })).status).toBe(201);
    const shrinkage = await balance('shrinkage');
    const equity = await balance('opening_equity');
    expect((await t.api('POST', '/api/v1/stock/adjustments', { sku: 'VASE', warehouse: 'WH-A', delta: 3, reason: 'stock we started with', kind: 'opening' })).status).toBe(201);
    await waitFor(async () => (await balance('opening_equity')) === equity - 3 * 1200, 15_000, 'the opening stock posting');
    expect(await balance('shrinkage')).toBe(shrinkage);
    const j = await t.hub.ctx.db.execute(sql`select kind, memo from journal_entries where memo like '%VASE%'`);
    expect(j.rows).toEqual([{ kind: 'opening_stock', memo: 'Opening stock: 3 × VASE @ 1200 (WH-A)' }]);
    // Opening stock only adds: a negative one is refused, naming the field.
    const neg = await t.api('POST', '/api/v1/stock/adjustments', { sku: 'VASE', warehouse: 'WH-A', delta: -1, reason: 'x', kind: 'opening' });
    expect(neg.status).toBe(400);
    expect(JSON.stringify(neg.body)).toContain('delta');
  });

  it('imports a first count as opening stock; a count below the stored figure stays an adjustment', async () => {
    const equity = await balance('opening_equity');
    const shrinkage = await balance('shrinkage');
    // VASE has 3 at WH-A: counted 2 there (1 missing) and 4 found at WH-B.
    const r = await importStocktake(t.hub.ctx, { csv: 'sku,warehouse,onHand\nVASE,WH-A,2\nVASE,WH-B,4\n', source: 'first-count.csv', opening: true });
    expect(r).toMatchObject({ rows: 2, adjusted: 2, errors: [] });
    const m = await t.hub.ctx.db.execute(sql`select m.kind, m.on_hand_delta, m.reason from stock_movements m join warehouses w on w.id = m.warehouse_id
      where m.sku = 'VASE' and m.reason like '%first-count%' order by w.code`);
    expect(m.rows).toEqual([
      { kind: 'adjustment', on_hand_delta: -1, reason: 'opening stock first-count.csv row 2' },
      { kind: 'opening', on_hand_delta: 4, reason: 'opening stock first-count.csv row 3' },
    ]);
    await waitFor(async () => (await balance('opening_equity')) === equity - 4 * 1200 && (await balance('shrinkage')) === shrinkage + 1200, 15_000, 'the count\'s postings');
  });

  it('values goods received without a PO against goods received, not billed; a PO\'s receipt is left to its bill', async () => {
    expect((await t.api('POST', '/api/v1/products', { sku: 'JUG', title: 'Jug', unitCostMinor: 800, currency: 'USD' })).status).toBe(201);
    const inventory = await balance('inventory');
    const accrued = await balance('received_not_billed');
    expect((await t.api('POST', '/api/v1/stock/adjustments', { sku: 'JUG', warehouse: 'WH-A', delta: 5, reason: 'delivered by a local potter', kind: 'receipt' })).status).toBe(201);
    await waitFor(async () => (await balance('received_not_billed')) === accrued - 5 * 800, 15_000, 'the receipt\'s posting');
    expect(await balance('inventory')).toBe(inventory + 5 * 800);
    const j = await t.hub.ctx.db.execute(sql`select kind, memo from journal_entries where memo like '%JUG%'`);
    expect(j.rows).toEqual([{ kind: 'stock_receipt', memo: 'Goods received without a PO: 5 × JUG @ 800 (WH-A)' }]);
    const account = await t.hub.ctx.db.execute(sql`select code, name, kind from ledger_accounts where role = 'received_not_billed'`);
    expect(account.rows).toEqual([{ code: '2100', name: 'Goods received, not billed', kind: 'liability' }]);
    // A receipt of stock never takes it away.
    const neg = await t.api('POST', '/api/v1/stock/adjustments', { sku: 'JUG', warehouse: 'WH-A', delta: -1, reason: 'x', kind: 'receipt' });
    expect(neg.status).toBe(400);
    expect(JSON.stringify(neg.body)).toContain('delta');

    // A PO's receipt is valued by the supplier's bill (Dr inventory, Cr payables): this job leaves it alone.
    expect((await t.api('POST', '/api/v1/suppliers', { code: 'POTTER', name: 'Potter & Co', currency: 'USD' })).status).toBe(201);
    const po = await t.api('POST', '/api/v1/purchase-orders', { supplier: 'POTTER', lines: [{ sku: 'JUG', quantity: 4, unitCostMinor: 800, warehouse: 'WH-A' }] });
    expect(po.status).toBe(201);
    for (const step of ['approve', 'send']) expect((await t.api('POST', `/api/v1/purchase-orders/${po.body.id}/${step}`)).status).toBe(200);
    expect((await t.api('POST', `/api/v1/purchase-orders/${po.body.id}/receive`, { lines: [{ lineNo: 1, accepted: 4 }] })).status).toBe(200);
    const received = await t.hub.ctx.db.execute(sql`select count(*)::int as n from stock_movements where sku = 'JUG' and kind = 'receipt'`);
    expect(received.rows[0]).toEqual({ n: 2 });
    expect(await postStockMovements(t.hub.ctx, { skus: ['JUG'] })).toMatchObject({ posted: 0 });
    expect(await balance('inventory')).toBe(inventory + 5 * 800);
    expect(await balance('received_not_billed')).toBe(accrued - 5 * 800);
  });
});
