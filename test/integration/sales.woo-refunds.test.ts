import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWooBody } from '../../connectors/woocommerce/index';
import type { Ctx } from '../../src/context';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { queueAfterDrain } from '../../src/inbox/queue-after-drain';
import { fetchChannelRefunds } from '../../src/sales/fetch-channel-refunds';
import { processors } from '../../workers/processors';
import { createTestHub, type TestHub } from '../helpers/hub';
import { useMswServer } from '../helpers/msw';
import { FIXTURES } from '../helpers/fixtures';

/**
 * WooCommerce lists refunds on the order by id and amount only. The public samples: order 723 lists
 * refunds 726 (money only) and 724, which refunds one unit of order line 311 (its `_refunded_item_id`;
 * the refund line itself has no SKU). The store here gives line 311 the SKU WOO-ALBUM.
 */
const FIX = `${FIXTURES}/woocommerce`;
const order723 = (JSON.parse(readFileSync(`${FIX}/orders_list.json`, 'utf8')) as Array<Record<string, any>>).find((o) => o.id === 723)!;
const refundList = JSON.parse(readFileSync(`${FIX}/order_refunds_list.json`, 'utf8')) as unknown[];
const SECRET = 'wc-refund-secret';
const SITE = `https://refunds-${randomBytes(3).toString('hex')}.woo-fake.test`;

let t: TestHub;
let conn: string;
let refundCalls = 0;
let failNext = false;
useMswServer(http.get(`${SITE}/wp-json/wc/v3/orders/723/refunds`, () => {
  refundCalls++;
  if (failNext) {
    failNext = false;
    return HttpResponse.json({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } }, { status: 401 });
  }
  return HttpResponse.json(refundList);
}));

/** WooCommerce's `_gmt` form (no zone) of a time `minutes` ago. */
const gmtAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().slice(0, 19);

function orderBody(modified: string) {
  const skus: Record<number, string> = { 311: 'WOO-ALBUM', 313: 'WOO-SINGLE' };
  return JSON.stringify({
    ...order723, date_modified_gmt: modified,
    line_items: order723.line_items.map((l: Record<string, any>) => ({ ...l, sku: skus[l.id] ?? l.sku })),
  });
}
async function deliver(body: string, deliveryId: string) {
  const res = await t.app.request(`/webhooks/${conn}`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-wc-webhook-signature': signWooBody(SECRET, body), 'x-wc-webhook-delivery-id': deliveryId, 'x-wc-webhook-topic': 'order.updated' },
  });
  expect(res.status).toBe(202);
}
const returnsOf = async () => {
  const id = ((await t.hub.ctx.db.execute(sql`select id from orders where connection_id = ${conn} and external_id = '723'`)).rows[0] as { id: string }).id;
  const list = (await t.api('GET', `/api/v1/returns?orderId=${id}`)).body;
  return (Array.isArray(list) ? list : list.items) as Array<{ source: string; externalId: string; lines: Array<{ sku: string; quantity: number }> }>;
};

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  const c = await t.api('POST', '/api/v1/connections', {
    type: 'woocommerce', name: 'Woo refunds', config: { siteUrl: SITE, consumerKey: 'ck_refunds', consumerSecret: 'cs_refunds', webhookSecret: SECRET, pollIntervalSeconds: 0 },
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  conn = c.body.id;
}, 60_000);
afterAll(() => t?.close());

describe('WooCommerce refunds become returns', () => {
  it('an order updated long ago (a backfill) does not turn its old refunds into returns', async () => {
    await deliver(orderBody('2017-03-22T16:00:00'), 'wc-r-0');
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.orders.map((o) => o.outcome)).toEqual(['created']);
    expect(s.refundFetches).toBeUndefined();
  });

  it('a delivered order that lists refunds queues one fetch of them after the drain', async () => {
    await deliver(orderBody(gmtAgo(60)), 'wc-r-1');
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.failed).toBe(0);
    expect(s.refundFetches).toEqual([{ connectionId: conn, orderExternalId: '723', currency: 'USD', refundIds: ['726', '724'] }]);
    const jobs: Array<{ name: string; payload: any }> = [];
    const ctx: Ctx = { ...t.hub.ctx, queue: { ...t.hub.ctx.queue, enqueue: async (name: string, payload: unknown) => void jobs.push({ name, payload }) } as Ctx['queue'] };
    // The same order twice in one drain (two versions) is one fetch.
    await queueAfterDrain(ctx, s.orders, [], [...s.refundFetches!, ...s.refundFetches!]);
    expect(jobs.filter((j) => j.name === 'sales.fetch-channel-refunds').map((j) => j.payload)).toEqual([{ orders: s.refundFetches }]);
  });

  it('a call the channel refuses fails the job and makes no return', async () => {
    failNext = true;
    await expect(fetchChannelRefunds(t.hub.ctx, [{ connectionId: conn, orderExternalId: '723', currency: 'USD', refundIds: ['726', '724'] }])).rejects.toThrow(/401|cannot list/);
    expect(await returnsOf()).toEqual([]);
  });

  it('the job reads the refunds: the money-only one makes no return, the refunded unit comes back by its order line\'s SKU', async () => {
    const calls = refundCalls;
    await processors['sales.fetch-channel-refunds'](t.hub.ctx, { orders: [{ connectionId: conn, orderExternalId: '723', currency: 'USD', refundIds: ['726', '724'] }] }, { id: 'f-1', attempt: 1, maxAttempts: 8 });
    expect(refundCalls).toBe(calls + 1);
    const returns = await returnsOf();
    expect(returns).toHaveLength(1);
    expect(returns[0]).toMatchObject({ source: 'channel', externalId: '724' });
    expect(returns[0]!.lines.map((l) => [l.sku, l.quantity])).toEqual([['WOO-ALBUM', 1]]);
  });

  it('keeps what became of each refund read, and a later update of the order asks the channel for none of them again', async () => {
    const seen = await t.hub.ctx.db.execute(sql`select refund_id, outcome, return_id is not null as has_return from channel_refunds where connection_id = ${conn} order by refund_id`);
    expect(seen.rows).toEqual([
      { refund_id: '724', outcome: 'created', has_return: true },
      { refund_id: '726', outcome: 'money_only', has_return: false },
    ]);
    await deliver(orderBody(gmtAgo(30)), 'wc-r-2');
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.refundFetches).toHaveLength(1);
    const calls = refundCalls;
    // 726 (money only) made no return, but it was read: not fetched again.
    expect(await fetchChannelRefunds(t.hub.ctx, s.refundFetches!)).toEqual([]);
    expect(refundCalls).toBe(calls);
    expect(await returnsOf()).toHaveLength(1);
  });

  it('a refund added later on the same order is the only one fetched', async () => {
    const calls = refundCalls;
    const out = await fetchChannelRefunds(t.hub.ctx, [{ connectionId: conn, orderExternalId: '723', currency: 'USD', refundIds: ['726', '724', '999'] }]);
    // The channel is asked once (for 999, which its list does not hold yet); 724 and 726 are not read again.
    expect(refundCalls).toBe(calls + 1);
    expect(out).toEqual([]);
    expect(await returnsOf()).toHaveLength(1);
  });
});
