import { createHmac } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { deliverWebhook, DISABLE_AFTER } from '../../src/outbound/deliver-webhook';
import { emitEvents } from '../../src/outbound/emit-event';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';
import { useMswServer } from '../helpers/msw';

const received: Array<{ headers: Headers; body: string }> = [];
let answer = 200;
const server = useMswServer(
  http.post('https://erp.example.com/omnihub', async ({ request }) => {
    received.push({ headers: request.headers, body: await request.text() });
    return new HttpResponse(answer === 200 ? 'ok' : 'nope', { status: answer });
  }),
);
void server;

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub({ workers: true });
});
afterAll(() => t.close());

function verify(secret: string, header: string, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  return createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex') === m[2];
}

describe('outbound webhooks', () => {
  let subId: string;
  let secret: string;

  it('registers subscribers (admins only; private addresses refused)', async () => {
    const { key } = await createApiKey(t.hub.ctx, { name: 'op', role: 'operator' });
    const denied = await t.app.request('/api/v1/webhook-subscriptions', {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://erp.example.com/omnihub', events: ['order.created'] }),
    });
    expect(denied.status).toBe(403);
    const privateUrl = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'http://127.0.0.1:9/x', events: ['order.created'] });
    expect(privateUrl.status).toBe(400);
    expect(privateUrl.body.errors[0].path).toBe('url');
    const bad = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://erp.example.com/omnihub', events: ['order.exploded'] });
    expect(bad.status).toBe(400);
    const res = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://erp.example.com/omnihub', events: ['order.created', 'stock.changed'] });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    subId = res.body.id;
    secret = res.body.secret;
    const list = await t.api('GET', '/api/v1/webhook-subscriptions');
    expect(JSON.stringify(list.body)).not.toContain(secret);
  });

  it('delivers a signed order.created when an order is entered', async () => {
    const created = await t.api('POST', '/api/v1/orders', { currency: 'EUR', lines: [{ sku: 'X-1', title: 'Thing', quantity: 1, unitPriceMinor: 1000 }] });
    expect(created.status).toBe(201);
    const hit = await waitFor(async () => received.find((r) => JSON.parse(r.body).data.orderId === created.body.id), 15_000, 'the delivery');
    const payload = JSON.parse(hit.body);
    expect(payload.type).toBe('order.created');
    expect(hit.headers.get('omnihub-event-type')).toBe('order.created');
    expect(hit.headers.get('omnihub-event-id')).toBe(payload.id);
    expect(verify(secret, hit.headers.get('omnihub-signature')!, hit.body)).toBe(true);
    expect(verify('whsec_wrong', hit.headers.get('omnihub-signature')!, hit.body)).toBe(false);
    const deliveries = await waitFor(async () => {
      const d = await t.api('GET', `/api/v1/webhook-subscriptions/${subId}/deliveries`);
      return d.body.items.find((x: { status: string }) => x.status === 'delivered') ? d : null;
    });
    expect(deliveries.body.items[0]).toMatchObject({ eventType: 'order.created', lastStatus: 200, attempts: 1 });
  });

  it('retries a failed delivery, records each answer, and disables a subscriber that keeps failing', async () => {
    // Driven through the verb, attempt by attempt (the queue's back-off spans a day), on a hub without workers.
    const outer = t;
    t = await createTestHub();
    try {
    const sub = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://erp.example.com/omnihub', events: ['payout.reconciled'] });
    const ids = async () => {
      const r = await t.hub.ctx.db.execute(sql`select id from webhook_deliveries where subscription_id = ${sub.body.id} and status = 'pending' order by created_at`);
      return (r.rows as Array<{ id: string }>).map((x) => x.id);
    };
    answer = 500;
    await emitEvents(t.hub.ctx, [{ type: 'payout.reconciled', data: { payoutId: 'p-1' } }]);
    const [first] = await ids();
    await expect(deliverWebhook(t.hub.ctx, first!, { number: 1, last: false })).rejects.toMatchObject({ retryable: true });
    answer = 200;
    expect(await deliverWebhook(t.hub.ctx, first!, { number: 2, last: false })).toBe('delivered');
    const d = (await t.api('GET', `/api/v1/webhook-subscriptions/${sub.body.id}/deliveries`)).body.items[0];
    expect(d).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });

    answer = 503;
    for (let i = 0; i < DISABLE_AFTER; i++) {
      await emitEvents(t.hub.ctx, [{ type: 'payout.reconciled', data: { payoutId: `p-${i}` } }]);
      const pending = await ids();
      for (const id of pending) await deliverWebhook(t.hub.ctx, id, { number: 13, last: true });
    }
    const subs = await t.api('GET', '/api/v1/webhook-subscriptions');
    const disabled = subs.body.items.find((s: { id: string }) => s.id === sub.body.id);
    expect(disabled.status).toBe('disabled');
    expect(disabled.disabledReason).toMatch(/503/);
    const again = await t.api('POST', `/api/v1/webhook-subscriptions/${sub.body.id}/enable`);
    expect(again.body).toMatchObject({ status: 'active', consecutiveFailures: 0 });
    answer = 200;
    } finally {
      await t.close();
      t = outer;
    }
  });
});
