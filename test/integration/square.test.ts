import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { squareHttpTuning } from '../../connectors/square/client';
import { signSquareWebhook } from '../../connectors/square/index';
import { closeRateGovernors } from '../../connectors/kit/rate-governor';
import { runSync } from '../../src/connections/run-sync';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { PermanentJobError } from '../../src/queue/port';
import { createTestHub, type TestHub } from '../helpers/hub';
import { recordRequests, useMswServer } from '../helpers/msw';

const BASE = 'https://connect.square.test';
const SEARCH = `${BASE}/v2/orders/search`;
const CATALOG = `${BASE}/v2/catalog/batch-retrieve`;
const KEY = 'square-signature-key';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../shared/fixtures/square/${name}`, import.meta.url), 'utf8'));
const sample = fixture('pay_order_response.json').order;

function order(n: number, variation = `VAR-${n}`) {
  return {
    ...sample, id: `SQ-ORDER-${n}`, updated_at: `2026-11-20T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
    line_items: sample.line_items.map((li: Record<string, unknown>, i: number) => ({ ...li, catalog_object_id: i === 0 ? variation : undefined })),
  };
}
const page = (orders: unknown[], cursor?: string) => HttpResponse.json({ orders, ...(cursor ? { cursor } : {}) });
const catalog = () => http.post(CATALOG, async ({ request }) => {
  const { object_ids } = (await request.json()) as { object_ids: string[] };
  return HttpResponse.json({ objects: object_ids.map((id) => ({ type: 'ITEM_VARIATION', id, item_variation_data: { sku: `SKU-${id}` } })) });
});

const server = useMswServer();
const seen = recordRequests(server);
let t: TestHub;
let n = 0;

async function connect(over: Record<string, unknown> = {}) {
  n++;
  const res = await t.api('POST', '/api/v1/connections', {
    type: 'square', name: `Square ${n}`,
    config: { accessToken: `EAAA-token-${n}`, locationIds: ['L1'], webhookSignatureKey: KEY, baseUrl: BASE, pollIntervalSeconds: 0, ...over },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function ordersOf(connectionId: string) {
  await drainRawEvents(t.hub.ctx);
  const res = await t.api('GET', `/api/v1/orders?connectionId=${connectionId}&limit=200`);
  return res.body.items as Array<{ id: string; externalId: string; exceptions: string[]; ingestPaths: string[] }>;
}

beforeAll(async () => {
  t = await createTestHub();
  Object.assign(squareHttpTuning, { minBackoffMs: 20, maxBackoffMs: 100, retries: 3 });
});
afterAll(async () => {
  await t.close();
  await closeRateGovernors();
});

describe('Square pull', () => {
  it('pages through SearchOrders repeating the same query with the cursor, across location chunks, resolving SKUs', async () => {
    const locations = Array.from({ length: 12 }, (_, i) => `L${i}`);
    const id = await connect({ locationIds: locations });
    const bodies: Array<Record<string, any>> = [];
    server.use(
      catalog(),
      http.post(SEARCH, async ({ request }) => {
        expect(request.headers.get('authorization')).toMatch(/^Bearer EAAA-token-/);
        expect(request.headers.get('square-version')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const b = (await request.json()) as Record<string, any>;
        bodies.push(b);
        if (b.location_ids.length === 10 && !b.cursor) return page([order(1), order(2)], 'c2');
        if (b.cursor === 'c2') return page([order(3, 'VAR-1')]);
        return page([order(4)]);
      }),
    );
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(r).toMatchObject({ pages: 3, ordersSeen: 4 });
    expect(bodies.map((b) => [b.location_ids.length, b.cursor ?? null])).toEqual([[10, null], [10, 'c2'], [2, null]]);
    const { cursor: _c, ...first } = bodies[0]!;
    const { cursor: _d, ...second } = bodies[1]!;
    expect(second).toEqual(first);
    expect(first.query.sort).toEqual({ sort_field: 'UPDATED_AT', sort_order: 'ASC' });
    expect(Object.keys(first.query.filter.date_time_filter.updated_at).sort()).toEqual(['end_at', 'start_at']);
    // VAR-1 was looked up once: the second page's copy came from the cache.
    expect(seen.filter((s) => s.url.pathname === '/v2/catalog/batch-retrieve')).toHaveLength(2);
    const orders = await ordersOf(id);
    expect(orders.map((o) => o.externalId).sort()).toEqual(['SQ-ORDER-1', 'SQ-ORDER-2', 'SQ-ORDER-3', 'SQ-ORDER-4']);
    const detail = await t.api('GET', `/api/v1/orders/${orders.find((o) => o.externalId === 'SQ-ORDER-3')!.id}`);
    expect(detail.body.lines.map((l: { sku: string | null }) => l.sku)).toEqual(['SKU-VAR-1', null]);
    // The second line has no catalog id: an ad-hoc item, flagged.
    expect(detail.body.exceptions).toContain('adhoc_item');
  });

  it('backs off on 429 without Retry-After, waits for Retry-After, and retries a 5xx', async () => {
    const id = await connect();
    let calls = 0;
    const times: number[] = [];
    server.use(
      catalog(),
      http.post(SEARCH, async ({ request }) => {
        calls++;
        times.push(Date.now());
        const b = (await request.json()) as Record<string, unknown>;
        if (calls === 1) return HttpResponse.json({ errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' }] }, { status: 429 });
        if (calls === 2) return page([order(10)], 'n2');
        if (calls === 3) return HttpResponse.json({ errors: [{ code: 'RATE_LIMITED' }] }, { status: 429, headers: { 'retry-after': '1' } });
        if (calls === 4) return HttpResponse.json({ errors: [{ category: 'API_ERROR' }] }, { status: 502 });
        expect(b.cursor).toBe('n2');
        return page([order(11)]);
      }),
    );
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(r.ordersSeen).toBe(2);
    expect(calls).toBe(5);
    expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(950);
  });

  it('stops on a permanent 401, fails the run and marks the connection', async () => {
    const id = await connect();
    server.use(http.post(SEARCH, () => HttpResponse.json({ errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' }] }, { status: 401 })));
    const err = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentJobError);
    const conn = await t.api('GET', `/api/v1/connections/${id}`);
    expect(conn.body.status).toBe('error');
    expect(conn.body.secretsSet).toEqual(['accessToken', 'webhookSignatureKey']);
    expect(JSON.stringify(conn.body)).not.toContain('EAAA-token');
  });

  it('resumes a crashed sync at the stored cursor without loss or duplicates', async () => {
    const id = await connect();
    let broken = true;
    server.use(
      catalog(),
      http.post(SEARCH, async ({ request }) => {
        const b = (await request.json()) as Record<string, unknown>;
        if (!b.cursor) return page([order(20), order(21)], 'k2');
        if (b.cursor === 'k2') return broken ? HttpResponse.json({}, { status: 500 }) : page([order(22)], 'k3');
        return page([order(23)]);
      }),
    );
    const first = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' }).catch((e) => e);
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(PermanentJobError);
    const runs = await t.api('GET', `/api/v1/connections/${id}/sync-runs`);
    broken = false;
    const mark = seen.length;
    await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental', syncRunId: runs.body.items[0].id });
    const searches = seen.slice(mark).filter((s) => s.url.pathname === '/v2/orders/search');
    expect(searches).toHaveLength(2); // k2 and k3; the first page was not asked again
    const orders = await ordersOf(id);
    expect(orders.map((o) => o.externalId).sort()).toEqual(['SQ-ORDER-20', 'SQ-ORDER-21', 'SQ-ORDER-22', 'SQ-ORDER-23']);
  });
});

describe('Square webhooks', () => {
  let id: string;
  let url: string;
  beforeAll(async () => {
    id = await connect();
    url = `https://hub.example.com/webhooks/${id}`;
    const p = await t.api('PATCH', `/api/v1/connections/${id}`, { config: { webhookNotificationUrl: url } });
    expect(p.status).toBe(200);
  });

  async function deliver(body: string, signature: string) {
    const res = await t.app.request(`/webhooks/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const events = async () => (await t.api('GET', `/api/v1/events?connectionId=${id}`)).body.items as Array<{ deliveryId: string; status: string; error: string | null }>;

  it('refuses a forged signature (wrong key, wrong URL, none) with 401 and stores nothing', async () => {
    const body = JSON.stringify(fixture('webhook_order_updated.json'));
    expect((await deliver(body, signSquareWebhook('not-the-key', url, body))).status).toBe(401);
    expect((await deliver(body, signSquareWebhook(KEY, 'https://elsewhere.example/webhooks', body))).status).toBe(401);
    expect((await deliver(body, '')).status).toBe(401);
    const tampered = body.replace('eA3vssLHKJrv9H0IdJCM3gNqfdcZY', 'eA3vssLHKJrv9H0IdJCM3gNqfdcZX');
    expect((await deliver(tampered, signSquareWebhook(KEY, url, body))).status).toBe(401);
    expect(await events()).toEqual([]);
  });

  it('stores a signed order.updated once (duplicate event_id deduped) and the drain queues a fetch of the order', async () => {
    const body = JSON.stringify(fixture('webhook_order_updated.json'));
    const first = await deliver(body, signSquareWebhook(KEY, url, body));
    expect(first).toMatchObject({ status: 202, body: { duplicate: false } });
    const again = await deliver(body, signSquareWebhook(KEY, url, body));
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    await t.hub.ctx.rawEvents.drain();
    const before = (await t.hub.ctx.queue.counts())['connection.sync']!;
    const summary = await drainRawEvents(t.hub.ctx);
    expect(summary.ignored).toBeGreaterThanOrEqual(1);
    const stored = await events();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ deliveryId: fixture('webhook_order_updated.json').event_id, status: 'ignored', error: expect.stringMatching(/^fetch queued/) });
    const after = (await t.hub.ctx.queue.counts())['connection.sync']!;
    expect(after.delayed + after.waiting).toBe(before.delayed + before.waiting + 1);

    // The queued sync pulls the order the webhook named; it lands once, with the webhook's id.
    server.use(catalog(), http.post(SEARCH, () => page([{ ...order(30), id: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY' }])));
    await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    const orders = await ordersOf(id);
    expect(orders.map((o) => o.externalId)).toEqual(['eA3vssLHKJrv9H0IdJCM3gNqfdcZY']);
  });

  it('stores and ignores topics that carry no order (payment.updated)', async () => {
    const body = JSON.stringify(fixture('webhook_payment_updated.json'));
    expect((await deliver(body, signSquareWebhook(KEY, url, body))).status).toBe(202);
    await t.hub.ctx.rawEvents.drain();
    await drainRawEvents(t.hub.ctx);
    const ev = (await events()).find((e) => e.deliveryId === fixture('webhook_payment_updated.json').event_id);
    expect(ev).toMatchObject({ status: 'ignored', error: 'topic payment.updated carries no order' });
  });
});
