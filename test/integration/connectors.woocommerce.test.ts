import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signWooBody } from '../../connectors/woocommerce/index';
import { fakeWooOrder, FakeWooStore } from '../../connectors/woocommerce/testing/fake-store';
import { runSync } from '../../src/connections/run-sync';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { PermanentJobError } from '../../src/queue/port';
import { createTestHub, type TestHub } from '../helpers/hub';
import { useMswServer } from '../helpers/msw';
import { FIXTURES } from '../helpers/fixtures';

const SECRET = 'wc-webhook-secret';
const SITE = `https://shop-${randomBytes(3).toString('hex')}.woo-fake.test`;
const CK = 'ck_0123456789abcdef';
const CS = 'cs_fedcba9876543210';

let t: TestHub;
let store: FakeWooStore;
let failures: Array<() => Response> = [];
const server = useMswServer();

function installWoo() {
  server.use(http.get(`${SITE}/wp-json/wc/v3/orders`, ({ request }) => {
    const next = failures.shift();
    if (next) return next();
    const auth = request.headers.get('authorization');
    if (auth !== `Basic ${Buffer.from(`${CK}:${CS}`).toString('base64')}`) {
      return HttpResponse.json({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } }, { status: 401 });
    }
    const url = new URL(request.url);
    expect(url.searchParams.get('dates_are_gmt')).toBe('true');
    expect(url.searchParams.get('orderby')).toBe('modified');
    expect(url.searchParams.get('order')).toBe('asc');
    const { body, headers } = store.answer(url);
    return HttpResponse.json(body, { headers });
  }));
}

async function createConnection(extra: Record<string, unknown> = {}) {
  const res = await t.api('POST', '/api/v1/connections', {
    type: 'woocommerce', name: `Woo ${randomBytes(2).toString('hex')}`,
    config: { siteUrl: SITE, consumerKey: CK, consumerSecret: CS, webhookSecret: SECRET, pollIntervalSeconds: 0, pageSize: 3, ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function countOrders(connectionId: string): Promise<number> {
  const r = await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders where connection_id = ${connectionId}`);
  return Number((r.rows[0] as { n: number }).n);
}

async function orderRow(connectionId: string, externalId: string) {
  const r = await t.hub.ctx.db.execute(sql`select financial_status, status, total_minor, placed_at, ingest_paths from orders where connection_id = ${connectionId} and external_id = ${externalId}`);
  return r.rows[0] as { financial_status: string; status: string; total_minor: unknown; placed_at: unknown; ingest_paths: string[] } | undefined;
}

/** Orders 1..n modified one minute apart, on a store at UTC−3. */
function seed(n: number) {
  for (let i = 1; i <= n; i++) {
    store.put(fakeWooOrder(i, { modifiedGmt: new Date(Date.UTC(2026, 0, 1, 9) + i * 60_000).toISOString().slice(0, 19), status: 'pending' }));
  }
}

beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t.close());
beforeEach(() => {
  store = new FakeWooStore();
  failures = [];
  installWoo();
});

describe('WooCommerce connection config through the API', () => {
  it('names missing fields and refuses a private siteUrl', async () => {
    const res = await t.api('POST', '/api/v1/connections', { type: 'woocommerce', name: 'w', config: { consumerKey: CK } });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['config.siteUrl', 'config.consumerSecret']));
    const priv = await t.api('POST', '/api/v1/connections', { type: 'woocommerce', name: 'w', config: { siteUrl: 'http://10.1.2.3', consumerKey: CK, consumerSecret: CS } });
    expect(priv.status).toBe(400);
    expect(priv.body.errors[0].path).toBe('config.siteUrl');
  });
});

describe('WooCommerce pull (REST v3, msw standing in for the store)', () => {
  it('pages through several pages with Basic auth and GMT dates into the inbox', async () => {
    const id = await createConnection();
    seed(8);
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(r.ordersSeen).toBeGreaterThanOrEqual(8);
    expect(store.requests.length).toBeGreaterThanOrEqual(3);
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(8);
    // The store is at UTC−3; placed time comes from date_created_gmt.
    const row = await orderRow(id, '1');
    expect(new Date(row!.placed_at as string).toISOString()).toBe('2026-01-01T08:00:00.000Z');
    const again = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(again.newEvents).toBe(0);
  });

  it('an order modified while paging moves to the end of the offset pages, and none is skipped', async () => {
    const id = await createConnection();
    seed(9);
    store.onPage = (n) => {
      // After page 1: order 2 (already served) is modified, which shifts every later order up one place.
      if (n === 1) store.put(fakeWooOrder(2, { modifiedGmt: '2026-06-01T00:00:00', status: 'processing' }));
    };
    await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(9);
    expect((await orderRow(id, '2'))?.financial_status).toBe('paid');
    expect((await orderRow(id, '4'))?.financial_status).toBe('pending');
  });

  it('429 with and without Retry-After, then a 5xx, then success', async () => {
    const id = await createConnection();
    seed(2);
    const t0 = Date.now();
    failures = [
      () => HttpResponse.json({ code: 'rate_limited' }, { status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } }),
      () => new HttpResponse(null, { status: 429 }),
      () => new HttpResponse('<html>Service Unavailable</html>', { status: 503 }),
    ];
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(failures).toHaveLength(0);
    expect(r.ordersSeen).toBe(2);
  });

  it('wrong keys: a 401 stops the sync, fails the run and marks the connection', async () => {
    const id = await createConnection({ consumerSecret: 'cs_wrong' });
    seed(2);
    const err = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentJobError);
    expect(store.requests).toHaveLength(0);
    const conn = await t.api('GET', `/api/v1/connections/${id}`);
    expect(conn.body.status).toBe('error');
    expect(JSON.stringify(conn.body)).not.toContain('cs_wrong');
    const runs = await t.api('GET', `/api/v1/connections/${id}/sync-runs`);
    expect(runs.body.items[0].status).toBe('failed');
  });

  it('a crash after page 2 resumes from the checkpoint without loss or duplicates', async () => {
    const id = await createConnection();
    seed(10);
    const crash = new Error('worker killed');
    const err = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' }, (p) => {
      if (p.pages === 2) throw crash;
    }).catch((e) => e);
    expect(err).toBe(crash);
    const before = store.requests.length;
    await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    // The first request after the crash continues after page 2's last order, not from the start.
    const resumedAfter = store.requests[before]!.get('modified_after')!;
    expect(Date.parse(`${resumedAfter}Z`)).toBeGreaterThan(Date.UTC(2026, 0, 1, 9, 4));
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(10);
    const ev = await t.hub.ctx.db.execute(sql`select count(distinct body)::int as n, count(*)::int as all from raw_events where connection_id = ${id}`);
    expect(ev.rows[0]).toMatchObject({ n: 10, all: 10 });
  });
});

describe('WooCommerce webhooks through POST /webhooks/:id', () => {
  const fixture = JSON.parse(readFileSync(`${FIXTURES}/woocommerce/order.json`, 'utf8'));
  let id: string;

  async function deliver(raw: string, opts: { deliveryId: string; topic?: string; secret?: string }) {
    const res = await t.app.request(`/webhooks/${id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-signature': signWooBody(opts.secret ?? SECRET, raw),
        'x-wc-webhook-delivery-id': opts.deliveryId,
        'x-wc-webhook-topic': opts.topic ?? 'order.updated',
        'x-wc-webhook-source': `${SITE}/`,
      },
      body: raw,
    });
    return res.status;
  }

  const version = (modifiedGmt: string, status: string) => JSON.stringify({ ...fixture, date_modified_gmt: modifiedGmt, status });

  beforeAll(async () => {
    id = await createConnection();
  });

  it('stores a signed order; a redelivery is a duplicate', async () => {
    expect(await deliver(version('2026-02-01T10:00:00', 'pending'), { deliveryId: 'd-1', topic: 'order.created' })).toBe(202);
    expect(await deliver(version('2026-02-01T10:00:00', 'pending'), { deliveryId: 'd-1', topic: 'order.created' })).toBe(200);
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(1);
    expect(await orderRow(id, '727')).toMatchObject({ financial_status: 'pending', ingest_paths: ['webhook'] });
  });

  it('out of order: the older version arriving last changes nothing', async () => {
    expect(await deliver(version('2026-02-01T12:00:00', 'completed'), { deliveryId: 'd-3' })).toBe(202);
    expect(await deliver(version('2026-02-01T11:00:00', 'on-hold'), { deliveryId: 'd-2' })).toBe(202);
    await drainRawEvents(t.hub.ctx);
    expect(await orderRow(id, '727')).toMatchObject({ status: 'completed', financial_status: 'paid' });
    expect(await countOrders(id)).toBe(1);
  });

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const count = async () => (await t.hub.ctx.db.execute(sql`select count(*)::int as n from raw_events where connection_id = ${id}`)).rows[0];
    const before = await count();
    expect(await deliver(version('2026-03-01T00:00:00', 'completed'), { deliveryId: 'd-forged', secret: 'guess' })).toBe(401);
    const unsigned = await t.app.request(`/webhooks/${id}`, { method: 'POST', body: version('2026-03-01T00:00:00', 'completed') });
    expect(unsigned.status).toBe(401);
    expect(await count()).toEqual(before);
  });

  it('answers the store\'s unsigned ping when the webhook is saved, and ignores it', async () => {
    const ping = await t.app.request(`/webhooks/${id}`, { method: 'POST', body: 'webhook_id=12', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ping.status).toBe(202);
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.ignored).toBe(1);
  });
});
