import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/hub';
import { insertConnection } from './finance.helpers';

let t: TestHub;

/** Every page of a list, following nextCursor; the items of all pages in order. */
async function allPages(path: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await t.api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

describe('lists longer than a page: stock, invoices, discrepancies and returns page with nextCursor', () => {
  beforeAll(async () => {
    t = await createTestHub();
    for (const [code, priority] of [['PG-B', 2], ['PG-A', 1]] as const) expect((await t.api('POST', '/api/v1/warehouses', { code, name: code, priority })).status).toBe(201);
    for (let i = 0; i < 7; i++) {
      const sku = `PG-${String(i).padStart(2, '0')}`;
      expect((await t.api('POST', '/api/v1/products', { sku, title: sku })).status).toBe(201);
      for (const wh of ['PG-A', 'PG-B']) expect((await t.api('POST', '/api/v1/stock/adjustments', { sku, warehouse: wh, delta: 10 + i, reason: 'seed' })).status).toBe(201);
    }
  });
  afterAll(async () => t.close());

  it('stock levels: every (sku, warehouse) once, by SKU then warehouse priority', async () => {
    const { items, pages } = await allPages('/api/v1/stock', 4);
    expect(pages).toBe(4);
    expect(items.map((l) => `${l.sku}@${l.warehouse}`)).toEqual(
      Array.from({ length: 7 }, (_, i) => [`PG-0${i}@PG-A`, `PG-0${i}@PG-B`]).flat(),
    );
    // Filters hold across pages.
    expect((await allPages('/api/v1/stock?warehouse=PG-B', 3)).items.map((l) => l.sku)).toEqual(Array.from({ length: 7 }, (_, i) => `PG-0${i}`));
  });

  it('invoices: by due date, then number, every one once', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await t.api('POST', '/api/v1/invoices', { customerRef: `C-${i % 2}`, currency: 'USD', netMinor: 1000 + i, issueDate: `2026-03-0${5 - i}`, termsDays: 30 });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const { items, pages } = await allPages('/api/v1/invoices', 2);
    expect(pages).toBe(3);
    const dues = items.map((i) => i.dueDate);
    expect(dues).toEqual([...dues].sort());
    expect(new Set(items.map((i) => i.id)).size).toBe(5);
    expect(items).toHaveLength(5);
    expect((await allPages('/api/v1/invoices?customerRef=C-0', 1)).items).toHaveLength(3);
  });

  it('discrepancies: oldest first, every one once', async () => {
    const conn = await insertConnection(t, 'sandbox', { seed: 'paging' });
    for (let i = 0; i < 5; i++) {
      await t.hub.ctx.db.execute(sql`
        insert into finance_breaks (id, connection_id, class, key, expected_minor, actual_minor, delta_minor, currency)
        values (${`paging-break-${i}`}, ${conn}, 'amount_mismatch', ${`paging-${i}`}, 100, ${100 + i}, ${i}, 'USD')`);
    }
    const { items, pages } = await allPages(`/api/v1/discrepancies?connectionId=${conn}`, 2);
    expect(pages).toBe(3);
    expect(items.map((b) => b.key)).toEqual(['paging-0', 'paging-1', 'paging-2', 'paging-3', 'paging-4']);
  });

  it('returns: newest first, every one once', async () => {
    const order = await t.api('POST', '/api/v1/orders', { currency: 'USD', lines: [{ sku: 'PG-01', title: 'Item', quantity: 5, unitPriceMinor: 500 }] });
    expect(order.status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.api('POST', `/api/v1/orders/${order.body.id}/returns`, { lines: [{ sku: 'PG-01', quantity: 1 }], reason: `return ${i}` });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.id);
    }
    const { items, pages } = await allPages('/api/v1/returns', 2);
    expect(pages).toBe(3);
    expect(items.map((r) => r.id)).toEqual([...ids].reverse());
    expect(items[0]).not.toHaveProperty('createdKey');
  });

  it('refuses a cursor it did not hand out, naming the field', async () => {
    for (const path of ['/api/v1/stock', '/api/v1/invoices', '/api/v1/discrepancies', '/api/v1/returns', '/api/v1/journals']) {
      for (const bad of ['not-a-cursor', Buffer.from('["x","y","z","w"]').toString('base64url'), Buffer.from('["2026-01-01T00:00:00Z","nope","x"]').toString('base64url')]) {
        const res = await t.api('GET', `${path}?cursor=${bad}`);
        expect(res.status, `${path} ${bad}`).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path), path).toContain('cursor');
      }
    }
  });
});
