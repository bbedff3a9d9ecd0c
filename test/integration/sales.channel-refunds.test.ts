import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signShopifyBody } from '../../connectors/shopify/index';
import { AppError } from '../../src/errors';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { applyChannelRefunds } from '../../src/sales/channel-refunds';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';
import { FIXTURES } from '../helpers/fixtures';

// Shopify's public samples: an order of three iPods, and a refund of two of its lines (BLACK and GREEN).
const orderFixture = JSON.parse(readFileSync(`${FIXTURES}/shopify/order.json`, 'utf8')).order;
const refundFixture = JSON.parse(readFileSync(`${FIXTURES}/shopify/refund.json`, 'utf8')).refund;
const SECRET = 'shpss_refund_secret';
const SHOP = 'refunds-test.myshopify.com';

let t: TestHub;
let conn: string;

function orderBody(id: number) {
  return JSON.stringify({ ...orderFixture, id, name: `#R${id}` });
}
function refundBody(id: number, orderId: number) {
  return JSON.stringify({ refund: { ...refundFixture, id, order_id: orderId } });
}
async function deliver(body: string, topic: string, webhookId: string) {
  const res = await t.app.request(`/webhooks/${conn}`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': signShopifyBody(SECRET, body), 'x-shopify-webhook-id': webhookId, 'x-shopify-topic': topic, 'x-shopify-shop-domain': SHOP },
  });
  expect(res.status).toBe(202);
}
const orderIdOf = async (externalId: number) =>
  ((await t.hub.ctx.db.execute(sql`select id from orders where connection_id = ${conn} and external_id = ${String(externalId)}`)).rows[0] as { id: string } | undefined)?.id;
const returnsOf = async (orderId: string) => (await t.api('GET', `/api/v1/returns?orderId=${orderId}`)).body;

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  const c = await t.api('POST', '/api/v1/connections', { type: 'shopify', name: 'Refunds', config: { shopDomain: SHOP, accessToken: 'shpat_x', webhookSecret: SECRET, pollIntervalSeconds: 0 } });
  conn = c.body.id;
}, 60_000);
afterAll(() => t?.close());

describe('channel refunds become returns (RMA)', () => {
  it('reads a Shopify refunds/create webhook as a refund of units and makes one return for it, once', async () => {
    await deliver(orderBody(450789469), 'orders/create', 'wh-o1');
    await deliver(refundBody(509562969, 450789469), 'refunds/create', 'wh-r1');
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.failed).toBe(0);
    expect(s.refunds).toHaveLength(1);
    expect(s.refunds![0]).toMatchObject({ connectionId: conn, orderExternalId: '450789469', refundId: '509562969' });

    const first = await applyChannelRefunds(t.hub.ctx, s.refunds!);
    expect(first.map((o) => o.outcome)).toEqual(['created']);
    const orderId = (await orderIdOf(450789469))!;
    const list = await returnsOf(orderId);
    const items = (Array.isArray(list) ? list : list.items) as Array<{ source: string; externalId: string; status: string; lines: Array<{ sku: string; quantity: number }> }>;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ source: 'channel', externalId: '509562969', status: 'requested' });
    expect(items[0]!.lines.map((l) => [l.sku, l.quantity])).toEqual([['IPOD2008BLACK', 1], ['IPOD2008GREEN', 1]]);
    const timeline = await t.hub.ctx.db.execute(sql`select kind from order_events where order_id = ${orderId} and kind = 'return_requested'`);
    expect(timeline.rows).toHaveLength(1);

    // The same refund again (a redelivery, a replay): nothing new.
    expect((await applyChannelRefunds(t.hub.ctx, s.refunds!)).map((o) => o.outcome)).toEqual(['exists']);
    const again = await returnsOf(orderId);
    expect((Array.isArray(again) ? again : again.items)).toHaveLength(1);
  });

  it('a refund that arrives before its order is retried until the order is in; units returned by hand are not taken twice', async () => {
    await deliver(refundBody(509562970, 450789470), 'refunds/create', 'wh-r2');
    const s1 = await drainRawEvents(t.hub.ctx);
    await expect(applyChannelRefunds(t.hub.ctx, s1.refunds!)).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.retryable && e.code === 'order_not_yet_imported');

    await deliver(orderBody(450789470), 'orders/create', 'wh-o2');
    await drainRawEvents(t.hub.ctx);
    const orderId = (await orderIdOf(450789470))!;
    // GREEN was already taken back by hand.
    const manual = await t.api('POST', `/api/v1/orders/${orderId}/returns`, { lines: [{ sku: 'IPOD2008GREEN', quantity: 1 }], reason: 'at the counter' });
    expect(manual.status).toBe(201);
    const out = await applyChannelRefunds(t.hub.ctx, s1.refunds!);
    expect(out.map((o) => o.outcome)).toEqual(['created']);
    const list = await returnsOf(orderId);
    const channel = (Array.isArray(list) ? list : list.items).find((r: { source: string }) => r.source === 'channel');
    expect(channel.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([['IPOD2008BLACK', 1]]);
  });

  it('a refund of money only makes no return', async () => {
    const out = await applyChannelRefunds(t.hub.ctx, [{ connectionId: conn, orderExternalId: '450789469', refundId: 'money-1', createdAt: '2026-01-01T00:00:00.000Z', currency: 'USD', amountMinor: 500, lines: [] }]);
    expect(out.map((o) => o.outcome)).toEqual(['money_only']);
  });

  it('end to end: the workers drain the webhooks and the job makes the return', async () => {
    await t.startWorkers();
    await deliver(orderBody(450789471), 'orders/create', 'wh-o3');
    await deliver(refundBody(509562971, 450789471), 'refunds/create', 'wh-r3');
    const orderId = await waitFor(() => orderIdOf(450789471), 20_000, 'the order');
    await waitFor(async () => {
      const list = await returnsOf(orderId);
      return (Array.isArray(list) ? list : list.items).length === 1;
    }, 30_000, 'the return made from the refund');
  }, 60_000);
});
