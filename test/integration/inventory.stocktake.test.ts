import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { importStocktake, type StocktakeProgress } from '../../src/inventory/import-stocktake';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;

const stock = async (sku: string, warehouse: string) => {
  const r = await t.api('GET', `/api/v1/stock?sku=${sku}&warehouse=${warehouse}`);
  return r.body.items[0]?.onHand ?? 0;
};
/** on_hand must equal the sum of its movements, stocktake or not. */
async function ledgerMatches(sku: string) {
  const r = await t.hub.ctx.db.execute(sql`
    select s.warehouse_id, s.on_hand, coalesce((select sum(m.on_hand_delta) from stock_movements m where m.sku = s.sku and m.warehouse_id = s.warehouse_id), 0) as ledger
    from stock_levels s where s.sku = ${sku}`);
  for (const row of r.rows as Array<{ on_hand: unknown; ledger: unknown }>) expect(Number(row.ledger)).toBe(Number(row.on_hand));
}

beforeAll(async () => {
  t = await createTestHub();
  await t.api('POST', '/api/v1/warehouses', { code: 'ST-A', name: 'Count A', priority: 1 });
  await t.api('POST', '/api/v1/warehouses', { code: 'ST-B', name: 'Count B', priority: 2 });
  for (const sku of ['ST-1', 'ST-2', 'ST-3']) await t.api('POST', '/api/v1/products', { sku, title: sku });
  await t.api('POST', '/api/v1/stock/adjustments', { sku: 'ST-1', warehouse: 'ST-A', delta: 10, reason: 'opening' });
  await t.api('POST', '/api/v1/stock/adjustments', { sku: 'ST-3', warehouse: 'ST-A', delta: 5, reason: 'opening' });
}, 60_000);
afterAll(() => t.close());

const FILE = [
  'sku,warehouse,onHand',
  'ST-1,ST-A,7', // 2: 10 → 7
  'ST-2,ST-B,4', // 3: nothing → 4
  'ST-1,ST-B,0', // 4: nothing, counted 0
  'NOPE,ST-A,1', // 5: unknown SKU
  'ST-2,ZZ,1', // 6: unknown warehouse
  'ST-2,ST-A,-2', // 7: negative
  'ST-2,ST-A,abc', // 8: not a number
  'ST-1,ST-A,9', // 9: counted twice
  ',ST-A,1', // 10: no SKU
  'ST-3,ST-A,5', // 11: as stored
].join('\n');

describe('stocktake import', () => {
  it('writes the difference as adjustments, reports every bad row by line number and keeps the ledger whole', async () => {
    const progress: StocktakeProgress[] = [];
    const s = await importStocktake(t.hub.ctx, { csv: FILE, source: 'count.csv' }, (p) => progress.push(p));
    expect(s).toMatchObject({ rows: 10, adjusted: 2, unchanged: 2, alreadyImported: 0 });
    expect(s.errors.map((e) => e.row)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(s.errors.find((e) => e.row === 5)!.message).toMatch(/NOPE/);
    expect(s.errors.find((e) => e.row === 6)!.message).toMatch(/ZZ/);
    expect(s.errors.find((e) => e.row === 9)!.message).toMatch(/row 2/);
    expect(progress.at(-1)).toEqual({ done: 10, total: 10, adjusted: 2, unchanged: 2, errors: 6 });
    expect(progress).toHaveLength(10);

    expect(await stock('ST-1', 'ST-A')).toBe(7);
    expect(await stock('ST-2', 'ST-B')).toBe(4);
    expect(await stock('ST-3', 'ST-A')).toBe(5);
    const m = await t.hub.ctx.db.execute(sql`select kind, on_hand_delta, reason from stock_movements where sku = 'ST-1' and reason like 'stocktake%'`);
    expect(m.rows).toEqual([{ kind: 'adjustment', on_hand_delta: expect.anything(), reason: 'stocktake count.csv row 2' }]);
    expect(Number((m.rows[0] as { on_hand_delta: unknown }).on_hand_delta)).toBe(-3);
    for (const sku of ['ST-1', 'ST-2', 'ST-3']) await ledgerMatches(sku);
  });

  it('importing the same file again applies no row twice, even after the stock moved', async () => {
    await t.api('POST', '/api/v1/stock/adjustments', { sku: 'ST-1', warehouse: 'ST-A', delta: 5, reason: 'goods in' });
    const again = await importStocktake(t.hub.ctx, { csv: FILE, source: 'count.csv' });
    expect(again).toMatchObject({ rows: 10, adjusted: 0, unchanged: 0, alreadyImported: 4 });
    expect(again.errors.map((e) => e.row)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(await stock('ST-1', 'ST-A')).toBe(12);
    // A new count (another file) does apply: 12 → 7.
    const recount = await importStocktake(t.hub.ctx, { csv: 'SKU,Warehouse,onhand\r\nST-1,ST-A,7\r\n', source: 'recount.csv' });
    expect(recount).toMatchObject({ rows: 1, adjusted: 1, unchanged: 0, errors: [] });
    expect(await stock('ST-1', 'ST-A')).toBe(7);
    await ledgerMatches('ST-1');
  });

  it('a count below the units reserved for orders is refused for that row, and the reservation stays whole', async () => {
    await t.api('POST', '/api/v1/stock/adjustments', { sku: 'ST-2', warehouse: 'ST-A', delta: 5, reason: 'opening' });
    const o = await t.api('POST', '/api/v1/orders', { currency: 'USD', placedAt: new Date().toISOString(), lines: [{ sku: 'ST-2', title: 'Two', quantity: 3, unitPriceMinor: 100 }] });
    expect(o.status).toBe(201);
    const alloc = await t.api('POST', `/api/v1/orders/${o.body.id}/allocate`);
    expect(alloc.status).toBe(200);
    const s = await importStocktake(t.hub.ctx, { csv: 'sku,warehouse,onHand\nST-2,ST-A,2\nST-3,ST-A,6\n', source: 'short.csv' });
    expect(s).toMatchObject({ rows: 2, adjusted: 1 });
    expect(s.errors).toEqual([{ row: 2, message: expect.stringMatching(/reserved 3/) }]);
    const level = (await t.api('GET', '/api/v1/stock?sku=ST-2&warehouse=ST-A')).body.items[0];
    expect(level).toMatchObject({ onHand: 5, reserved: 3 });
    expect(await stock('ST-3', 'ST-A')).toBe(6);
    await ledgerMatches('ST-2');
  });

  it('refuses a file without the three columns before touching any row', async () => {
    const err = await importStocktake(t.hub.ctx, { csv: 'sku,qty\nST-1,3\n' }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors.map((e) => e.message).join(' ')).toMatch(/warehouse.*onHand/);
    expect(await stock('ST-1', 'ST-A')).toBe(7);
  });
});
