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

describe('lists longer than a page page with nextCursor', () => {
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

  it('purchase orders, bills and supplier payments: every one once; their CSV holds every row', async () => {
    expect((await t.api('POST', '/api/v1/suppliers', { code: 'PG-SUP', name: 'Paging Supplies', currency: 'USD', paymentTerms: 'NET30' })).status).toBe(201);
    const pos: Array<{ id: string; number: string }> = [];
    for (let i = 0; i < 5; i++) {
      const po = await t.api('POST', '/api/v1/purchase-orders', { supplier: 'PG-SUP', lines: [{ sku: 'PG-02', quantity: 10, unitCostMinor: 100, warehouse: 'PG-A' }] });
      expect(po.status).toBe(201);
      pos.push(po.body);
    }
    const listed = await allPages('/api/v1/purchase-orders?supplier=PG-SUP', 2);
    expect(listed.pages).toBe(3);
    expect(listed.items.map((p) => p.number)).toEqual(pos.map((p) => p.number).reverse());

    // One PO received, billed five times (two bills due the same day), and paid in five payments.
    const po = pos[0]!;
    for (const step of ['approve', 'send']) expect((await t.api('POST', `/api/v1/purchase-orders/${po.id}/${step}`)).status).toBe(200);
    expect((await t.api('POST', `/api/v1/purchase-orders/${po.id}/receive`, { lines: [{ lineNo: 1, accepted: 10 }] })).status).toBe(200);
    const bills: Array<{ id: string; number: string }> = [];
    for (const [i, due] of ['2026-04-03', '2026-04-01', '2026-04-02', '2026-04-01', '2026-04-05'].entries()) {
      const b = await t.api('POST', '/api/v1/bills', { purchaseOrder: po.number, number: `PGB-${i}`, issueDate: '2026-03-01', dueDate: due, lines: [{ lineNo: 1, quantity: 2 }] });
      expect(b.status, JSON.stringify(b.body)).toBe(201);
      bills.push(b.body);
    }
    const billPages = await allPages('/api/v1/bills?supplier=PG-SUP', 2);
    expect(billPages.pages).toBe(3);
    expect(billPages.items.map((b) => b.number)).toEqual(['PGB-1', 'PGB-3', 'PGB-2', 'PGB-0', 'PGB-4']);
    for (const [i, b] of bills.entries()) {
      const pay = await t.api('POST', '/api/v1/supplier-payments', {
        supplier: 'PG-SUP', reference: `PGW-${i}`, currency: 'USD', amountMinor: 100, paidDate: i < 2 ? '2026-04-10' : `2026-04-0${i}`,
        applications: [{ billId: b.id, amountMinor: 100 }],
      });
      expect(pay.status, JSON.stringify(pay.body)).toBe(201);
    }
    const paid = await allPages('/api/v1/supplier-payments?supplier=PG-SUP', 2);
    expect(paid.pages).toBe(3);
    expect(paid.items.map((p) => p.reference)).toEqual(['PGW-0', 'PGW-1', 'PGW-4', 'PGW-3', 'PGW-2']);

    // The CSV is every matching row, whatever the page size.
    const csvOf = async (path: string) => (await (await t.app.request(path, { headers: { authorization: `Bearer ${t.adminKey}`, accept: 'text/csv' } })).text()).trim().split('\n');
    expect(await csvOf('/api/v1/bills?supplier=PG-SUP&limit=1')).toHaveLength(1 + 5);
    expect(await csvOf('/api/v1/supplier-payments?supplier=PG-SUP&limit=1')).toHaveLength(1 + 5);
  });

  it('customer payments: newest first, then reference, every one once', async () => {
    for (const [i, day] of ['2026-05-02', '2026-05-03', '2026-05-03', '2026-05-01', '2026-05-03'].entries()) {
      const r = await t.api('POST', '/api/v1/payments', { customerRef: 'PG-CUST', reference: `PGR-${i}`, currency: 'USD', amountMinor: 500, receivedDate: day });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const { items, pages } = await allPages('/api/v1/payments?customerRef=PG-CUST', 2);
    expect(pages).toBe(3);
    expect(items.map((p) => p.reference)).toEqual(['PGR-1', 'PGR-2', 'PGR-4', 'PGR-0', 'PGR-3']);
  });

  it('refuses a cursor it did not hand out, naming the field', async () => {
    for (const path of ['/api/v1/stock', '/api/v1/invoices', '/api/v1/discrepancies', '/api/v1/returns', '/api/v1/journals', '/api/v1/purchase-orders', '/api/v1/bills', '/api/v1/supplier-payments', '/api/v1/payments']) {
      for (const bad of ['not-a-cursor', Buffer.from('["x","y","z","w"]').toString('base64url'), Buffer.from('["2026-01-01T00:00:00Z","nope","x"]').toString('base64url')]) {
        const res = await t.api('GET', `${path}?cursor=${bad}`);
        expect(res.status, `${path} ${bad}`).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path), path).toContain('cursor');
      }
    }
  });
});
