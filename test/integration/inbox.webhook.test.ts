import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { createTestHub, type TestHub } from '../helpers/hub';

const SECRET = 'test-webhook-secret';
let t: TestHub;
let connectionId: string;

async function deliver(body: string, deliveryId: string, opts: { secret?: string; topic?: string } = {}) {
  const res = await t.app.request(`/webhooks/${connectionId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-sandbox-signature': signSandboxBody(opts.secret ?? SECRET, body),
      'x-sandbox-delivery-id': deliveryId,
      'x-sandbox-topic': opts.topic ?? 'order.updated',
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  t = await createTestHub();
  const res = await t.api('POST', '/api/v1/connections', {
    type: 'sandbox', name: 'Webhook shop', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 },
  });
  expect(res.status).toBe(201);
  connectionId = res.body.id;
});
afterAll(() => t.close());

describe('webhook ingestion', () => {
  it('stores a signed delivery, acknowledges it, and the drain turns it into one order', async () => {
    const body = JSON.stringify(sandboxOrder('wh', 1));
    const r = await deliver(body, 'd-1');
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ received: true, duplicate: false });
    await drainRawEvents(t.hub.ctx);
    const list = await t.api('GET', `/api/v1/orders?connectionId=${connectionId}`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ externalId: 'SBX-wh-1', ingestPaths: ['webhook'], channel: 'sandbox' });
  });

  it('answers a redelivery of the same delivery id as a duplicate and stores nothing new', async () => {
    const body = JSON.stringify(sandboxOrder('wh', 1));
    const r = await deliver(body, 'd-1');
    expect(r.status).toBe(200);
    expect(r.body.duplicate).toBe(true);
    const events = await t.api('GET', `/api/v1/events?connectionId=${connectionId}`);
    expect(events.body.items).toHaveLength(1);
  });

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const body = JSON.stringify(sandboxOrder('wh', 2));
    const r = await deliver(body, 'd-forged', { secret: 'not-the-secret' });
    expect(r.status).toBe(401);
    const events = await t.api('GET', `/api/v1/events?connectionId=${connectionId}`);
    expect(events.body.items.map((e: { deliveryId: string }) => e.deliveryId)).not.toContain('d-forged');
  });

  it('never lets an older update overwrite a newer one', async () => {
    await deliver(JSON.stringify(sandboxOrder('wh', 3, 2)), 'd-3-new');
    await drainRawEvents(t.hub.ctx);
    await deliver(JSON.stringify(sandboxOrder('wh', 3, 0)), 'd-3-old');
    await drainRawEvents(t.hub.ctx);
    const list = await t.api('GET', `/api/v1/orders?q=SBX-wh-3`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].sourceUpdatedAt).toBe(sandboxOrder('wh', 3, 2).updated_at);
    expect(list.body.items[0].financialStatus).toBe('paid');
  });

  it('keeps an unreadable payload as a dead letter that can be replayed', async () => {
    const broken = { ...sandboxOrder('wh', 4), items: 'not-a-list' };
    const r = await deliver(JSON.stringify(broken), 'd-broken');
    expect(r.status).toBe(202);
    await drainRawEvents(t.hub.ctx);
    const failed = await t.api('GET', '/api/v1/events?status=failed');
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0].error).toMatch(/items/);
    const replay = await t.api('POST', `/api/v1/events/${failed.body.items[0].id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body.event.status).toBe('failed');
  });

  it('answers 404 for an unknown connection and 413 for a huge body', async () => {
    const unknown = await t.app.request('/webhooks/00000000-0000-4000-8000-00000000abcd', { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
    const huge = await t.app.request(`/webhooks/${connectionId}`, {
      method: 'POST', body: 'x'.repeat(t.config.bodyLimitBytes + 10), headers: { 'content-length': String(t.config.bodyLimitBytes + 10) },
    });
    expect(huge.status).toBe(413);
  });

  it('keeps a signed body with a NUL character byte for byte (base64) as a dead letter, without failing other writes', async () => {
    const body = '{"id":"x\u0000y"}'.replace('\\u0000', '\u0000');
    expect(body.includes('\u0000')).toBe(true);
    const [nul, fine] = await Promise.all([deliver(body, 'd-nul'), deliver(JSON.stringify(sandboxOrder('wh', 9)), 'd-beside-nul')]);
    expect(nul.status).toBe(202);
    expect(fine.status).toBe(202);
    await drainRawEvents(t.hub.ctx);
    const ev = await t.api('GET', `/api/v1/events/${nul.body.eventId}`);
    expect(ev.body.bodyEncoding).toBe('base64');
    expect(Buffer.from(ev.body.body, 'base64').toString('utf8')).toBe(body);
    expect(ev.body.status).toBe('failed');
  });

  it('stores an overlong delivery id by its digest, and still recognises the redelivery', async () => {
    const id = 'x'.repeat(5000);
    const body = JSON.stringify(sandboxOrder('wh', 10));
    expect((await deliver(body, id)).status).toBe(202);
    const again = await deliver(body, id);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
  });

  it('reads the headers from Node\'s own message when served over HTTP: same names (lower case), same values', async () => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      const body = JSON.stringify(sandboxOrder('wh', 11));
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/${connectionId}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Sandbox-Signature': signSandboxBody(SECRET, body),
          'X-Sandbox-Delivery-Id': 'd-over-http',
          'X-Sandbox-Topic': 'order.created',
          'X-Extra': 'kept',
        },
        body,
      });
      expect(res.status).toBe(202);
      const { eventId } = (await res.json()) as { eventId: number };
      const ev = await t.api('GET', `/api/v1/events/${eventId}`);
      expect(ev.body.topic).toBe('order.created');
      expect(ev.body.headers).toMatchObject({
        'content-type': 'application/json',
        'x-sandbox-delivery-id': 'd-over-http',
        'x-sandbox-topic': 'order.created',
        'x-extra': 'kept',
      });
      expect(Object.keys(ev.body.headers).every((k) => k === k.toLowerCase())).toBe(true);
      // A wrong signature is still refused on this path.
      const forged = await fetch(`http://127.0.0.1:${port}/webhooks/${connectionId}`, {
        method: 'POST', headers: { 'x-sandbox-signature': 'nope', 'x-sandbox-delivery-id': 'd-over-http-2' }, body,
      });
      expect(forged.status).toBe(401);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
