import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { squareExchangeOrder, squareReturnOrder } from '../../connectors/square/testing/return-order';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { applyChannelRefunds } from '../../src/sales/channel-refunds';
import { createTestHub, type TestHub } from '../helpers/hub';
import { FIXTURES } from '../helpers/fixtures';

/**
 * Square makes every refund a return order of its own. Pulled, it must become a return of the sale it
 * names (not an empty order in the inbox); pulled years later by a backfill, it stays history.
 * The sale is Square's RetrieveOrder sample with its first line sold from catalog variation VAR-ITEM-1.
 */
const saleFixture = JSON.parse(readFileSync(`${FIXTURES}/square/retrieve_order_response.json`, 'utf8')).order;
const SKUS = { 'VAR-ITEM-1': 'SQ-ITEM-1' };

let t: TestHub;
let conn: string;

async function pulled(order: Record<string, unknown>, deliveryId: string) {
  await t.hub.ctx.rawEvents.write({ connectionId: conn, deliveryId, path: 'poll', topic: null, headers: null, body: JSON.stringify({ order, skus: SKUS }) });
}
const countOrders = async () => Number(((await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders where connection_id = ${conn}`)).rows[0] as { n: number }).n);

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  const c = await t.api('POST', '/api/v1/connections', { type: 'square', name: 'Square returns', config: { accessToken: 'EAAA-test', locationIds: [saleFixture.location_id], pollIntervalSeconds: 0 } });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  conn = c.body.id;
  const sale = { ...saleFixture, line_items: saleFixture.line_items.map((l: Record<string, unknown>, i: number) => (i === 0 ? { ...l, catalog_object_id: 'VAR-ITEM-1' } : l)) };
  await pulled(sale, 'poll:sale');
  const s = await drainRawEvents(t.hub.ctx);
  expect(s.orders.map((o) => o.outcome)).toEqual(['created']);
}, 60_000);
afterAll(() => t?.close());

describe('Square return orders become returns', () => {
  it('a pulled return order opens a return of its sale for the refunded unit, and adds no order to the inbox', async () => {
    await pulled(squareReturnOrder({ createdAt: new Date().toISOString() }), 'poll:return-1');
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.failed).toBe(0);
    expect(s.orders).toEqual([]);
    expect(await countOrders()).toBe(1);
    expect(s.refunds).toHaveLength(1);
    const out = await applyChannelRefunds(t.hub.ctx, s.refunds!);
    expect(out.map((o) => o.outcome)).toEqual(['created']);
    const orderId = ((await t.hub.ctx.db.execute(sql`select id from orders where connection_id = ${conn}`)).rows[0] as { id: string }).id;
    const list = (await t.api('GET', `/api/v1/returns?orderId=${orderId}`)).body;
    const items = (Array.isArray(list) ? list : list.items) as Array<{ source: string; externalId: string; lines: Array<{ sku: string; quantity: number }> }>;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ source: 'channel', externalId: 'RETURN-ORDER-1' });
    expect(items[0]!.lines.map((l) => [l.sku, l.quantity])).toEqual([['SQ-ITEM-1', 1]]);
  });

  it('a return order from long ago (a backfill) is kept as an ignored event with its reason, and opens nothing', async () => {
    await pulled(squareReturnOrder({ id: 'RETURN-OLD', createdAt: '2020-06-01T10:00:00.000Z' }), 'poll:return-old');
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.refunds).toBeUndefined();
    expect(s.ignored).toBe(1);
    const ev = await t.hub.ctx.db.execute(sql`select status, error from raw_events where connection_id = ${conn} and delivery_id = 'poll:return-old'`);
    expect(ev.rows[0]).toMatchObject({ status: 'ignored', error: 'refund older than 30 days: not mirrored as a return' });
    expect(await countOrders()).toBe(1);
  });

  it('an exchange lands in the inbox as an order and opens a return of the sale for the unit it takes back', async () => {
    const sale2 = { ...saleFixture, id: 'SALE-FOR-EXCHANGE', line_items: saleFixture.line_items.map((l: Record<string, unknown>, i: number) => (i === 0 ? { ...l, catalog_object_id: 'VAR-ITEM-1' } : l)) };
    await pulled(sale2, 'poll:sale-2');
    await pulled(squareExchangeOrder({ sourceOrderId: 'SALE-FOR-EXCHANGE', createdAt: new Date().toISOString() }), 'poll:exchange-1');
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.failed).toBe(0);
    expect(s.orders.map((o) => [o.externalId, o.outcome]).sort()).toEqual([['EXCHANGE-ORDER-1', 'created'], ['SALE-FOR-EXCHANGE', 'created']]);
    expect(s.refunds).toHaveLength(1);
    const out = await applyChannelRefunds(t.hub.ctx, s.refunds!);
    expect(out.map((o) => o.outcome)).toEqual(['created']);
    const saleId = ((await t.hub.ctx.db.execute(sql`select id from orders where connection_id = ${conn} and external_id = 'SALE-FOR-EXCHANGE'`)).rows[0] as { id: string }).id;
    const list = (await t.api('GET', `/api/v1/returns?orderId=${saleId}`)).body;
    const items = (Array.isArray(list) ? list : list.items) as Array<{ source: string; externalId: string; lines: Array<{ sku: string; quantity: number }> }>;
    expect(items.map((r) => [r.source, r.externalId, r.lines.map((l) => [l.sku, l.quantity])])).toEqual([['channel', 'EXCHANGE-ORDER-1', [['SQ-ITEM-1', 1]]]]);
    // Pulled again (a later version of the exchange): the same return, not a second one.
    await pulled({ ...squareExchangeOrder({ sourceOrderId: 'SALE-FOR-EXCHANGE', createdAt: new Date().toISOString() }), version: 2, updated_at: new Date(Date.now() + 1000).toISOString() }, 'poll:exchange-1-v2');
    const again = await drainRawEvents(t.hub.ctx);
    expect((await applyChannelRefunds(t.hub.ctx, again.refunds!)).map((o) => o.outcome)).toEqual(['exists']);
  });

  it('an exchange from long ago (a backfill) is imported as an order, and opens no return', async () => {
    await pulled(squareExchangeOrder({ id: 'EXCHANGE-OLD', sourceOrderId: 'SALE-FOR-EXCHANGE', createdAt: '2020-06-01T10:00:00.000Z' }), 'poll:exchange-old');
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.orders.map((o) => [o.externalId, o.outcome])).toEqual([['EXCHANGE-OLD', 'created']]);
    expect(s.refunds).toBeUndefined();
  });
});
