import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signShopifyBody } from '../../connectors/shopify/index';
import { fakeGqlOrder, FakeShopifyStore } from '../../connectors/shopify/testing/fake-store';
import { runSync } from '../../src/connections/run-sync';
import { RemoteError } from '../../src/errors';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { PermanentJobError } from '../../src/queue/port';
import { createTestHub, type TestHub } from '../helpers/hub';
import { useMswServer } from '../helpers/msw';
import { FIXTURES } from '../helpers/fixtures';

const SECRET = 'shpss_test_webhook_secret';
// Unique per file run so buckets in a shared Redis never meet another run's.
const SHOP = `omni-${randomBytes(4).toString('hex')}.myshopify.com`;
const API = `https://api-${randomBytes(3).toString('hex')}.shopify-fake.test`;
const GQL = `${API}/admin/api/2026-01/graphql.json`;

let t: TestHub;
let store: FakeShopifyStore;
/** Replaces the store's answer for the next N GraphQL calls (429s, 5xx, THROTTLED …). */
let failures: Array<() => Response> = [];
let tokenHeaders: string[] = [];

const server = useMswServer();

function installShopify() {
  server.use(http.post(GQL, async ({ request }) => {
    tokenHeaders.push(request.headers.get('x-shopify-access-token') ?? '');
    const next = failures.shift();
    if (next) return next();
    return HttpResponse.json(store.answer((await request.json()) as never) as Record<string, unknown>);
  }));
}

async function createConnection(extra: Record<string, unknown> = {}) {
  const res = await t.api('POST', '/api/v1/connections', {
    type: 'shopify', name: `Shop ${randomBytes(2).toString('hex')}`,
    config: { shopDomain: SHOP, accessToken: 'shpat_secret_token', webhookSecret: SECRET, baseUrl: API, pollIntervalSeconds: 0, pageSize: 3, ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function countOrders(connectionId: string): Promise<number> {
  const r = await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders where connection_id = ${connectionId}`);
  return Number((r.rows[0] as { n: number }).n);
}

async function orderRow(connectionId: string, externalId: string) {
  const r = await t.hub.ctx.db.execute(sql`select financial_status, source_updated_at, ingest_paths from orders where connection_id = ${connectionId} and external_id = ${externalId}`);
  return r.rows[0] as { financial_status: string; source_updated_at: unknown; ingest_paths: string[] } | undefined;
}

function seed(n: number, from = 0) {
  for (let i = from; i < from + n; i++) {
    store.put(fakeGqlOrder(i, { updatedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), financial: 'PENDING' }));
  }
}

beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t.close());
beforeEach(() => {
  store = new FakeShopifyStore();
  failures = [];
  tokenHeaders = [];
  installShopify();
});

describe('Shopify connection config through the API', () => {
  it('names the missing field', async () => {
    const res = await t.api('POST', '/api/v1/connections', { type: 'shopify', name: 'x', config: { accessToken: 'a' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('config.shopDomain');
    const noAuth = await t.api('POST', '/api/v1/connections', { type: 'shopify', name: 'x', config: { shopDomain: SHOP } });
    expect(noAuth.status).toBe(400);
    expect(noAuth.body.errors.map((e: { path: string }) => e.path)).toContain('config.accessToken');
  });

  it('refuses a baseUrl on 127.0.0.1 unless it is allowed, and never returns secrets', async () => {
    const res = await t.api('POST', '/api/v1/connections', {
      type: 'shopify', name: 'local', config: { shopDomain: SHOP, accessToken: 'a', baseUrl: 'http://127.0.0.1:8081' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('config.baseUrl');
    const allowed = await createTestHub({ env: { OMNIHUB_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
    try {
      const ok = await allowed.api('POST', '/api/v1/connections', {
        type: 'shopify', name: 'local', config: { shopDomain: SHOP, accessToken: 'shpat_abc', baseUrl: 'http://127.0.0.1:8081', pollIntervalSeconds: 0 },
      });
      expect(ok.status).toBe(201);
      expect(JSON.stringify(ok.body)).not.toContain('shpat_abc');
    } finally {
      await allowed.close();
    }
  });

  it('lists shopify among the connector types', async () => {
    const res = await t.api('GET', '/api/v1/connectors');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('shopDomain');
  });
});

describe('Shopify pull (GraphQL, msw standing in for Shopify)', () => {
  it('pages through several pages ascending by updated-at into the inbox, via baseUrl, with the token', async () => {
    const id = await createConnection();
    seed(8);
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(r.pages).toBe(3);
    expect(r.ordersSeen).toBe(8);
    expect(store.afters[0]).toBeNull();
    expect(store.afters.filter((a) => a !== null)).toHaveLength(2);
    expect(new Set(tokenHeaders)).toEqual(new Set(['shpat_secret_token']));
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(8);
    const big = await orderRow(id, '820982911946154515');
    expect(big?.ingest_paths).toEqual(['poll']);
    // A second pull overlaps by the look-back and finds nothing new: no duplicates.
    const again = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(again.newEvents).toBe(0);
    expect(await countOrders(id)).toBe(8);
  });

  it('waits out a 429 with Retry-After, a 429 without it, and a THROTTLED answer with HTTP 200', async () => {
    const id = await createConnection();
    seed(4);
    const t0 = Date.now();
    failures = [
      () => new HttpResponse('Too Many Requests', { status: 429, headers: { 'retry-after': '1' } }),
      () => new HttpResponse('Too Many Requests', { status: 429 }),
      () => HttpResponse.json({
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
        extensions: { cost: { requestedQueryCost: 50, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 } } },
      }),
    ];
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(r.ordersSeen).toBe(4);
    expect(failures).toHaveLength(0);
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(4);
  });

  it('retries a 5xx and succeeds', async () => {
    const id = await createConnection();
    seed(2);
    failures = [() => new HttpResponse('<html>bad gateway</html>', { status: 502 })];
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(r.ordersSeen).toBe(2);
  });

  it('a permanent 401 stops the sync, fails the run and marks the connection', async () => {
    const id = await createConnection();
    seed(2);
    failures = [() => HttpResponse.json({ errors: '[API] Invalid API key or access token' }, { status: 401 })];
    const err = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentJobError);
    expect(err.cause).toBeInstanceOf(RemoteError);
    expect(failures).toHaveLength(0); // asked once, not retried
    const conn = await t.api('GET', `/api/v1/connections/${id}`);
    expect(conn.body.status).toBe('error');
    expect(JSON.stringify(conn.body)).not.toContain('shpat_secret_token');
    const runs = await t.api('GET', `/api/v1/connections/${id}/sync-runs`);
    expect(runs.body.items[0].status).toBe('failed');
  });

  it('records that change between pages are neither lost nor left stale', async () => {
    const id = await createConnection();
    seed(9);
    store.onPage = (n) => {
      if (n !== 1) return;
      // Order 1 was just served; order 7 is still ahead. Both change now (newer updated_at, paid).
      for (const i of [1, 7]) store.put(fakeGqlOrder(i, { updatedAt: '2026-06-01T00:00:00.000Z', financial: 'PAID', createdAt: '2026-01-01T00:00:00.000Z' }));
    };
    await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(9);
    expect((await orderRow(id, '820982911946154509'))?.financial_status).toBe('paid');
    expect((await orderRow(id, '820982911946154515'))?.financial_status).toBe('paid');
    expect((await orderRow(id, '820982911946154510'))?.financial_status).toBe('pending');
  });

  it('a backfill that crashes resumes from the cursor kept in its sync run', async () => {
    const id = await createConnection();
    seed(10);
    const sync = await t.api('POST', `/api/v1/connections/${id}/sync`, { kind: 'backfill', since: '2025-12-01T00:00:00Z' });
    expect(sync.status).toBe(202);
    const runId = sync.body.syncRunId as string;
    const crash = new Error('worker killed');
    await runSync(t.hub.ctx, { connectionId: id, syncRunId: runId, kind: 'backfill', since: '2025-12-01T00:00:00Z' }, (p) => {
      if (p.pages === 2) throw crash;
    }).catch((e) => expect(e).toBe(crash));
    const before = store.afters.length;
    const resumed = await runSync(t.hub.ctx, { connectionId: id, syncRunId: runId, kind: 'backfill', since: '2025-12-01T00:00:00Z' });
    expect(store.afters[before]).not.toBeNull();
    expect(resumed.ordersSeen).toBe(10); // counted across both attempts of the one run
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(10);
  });

  it('a crash after page 2 resumes from the checkpoint without loss or duplicates', async () => {
    const id = await createConnection();
    seed(10);
    const crash = new Error('worker killed');
    const err = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' }, (p) => {
      if (p.pages === 2) throw crash;
    }).catch((e) => e);
    expect(err).toBe(crash);
    expect(store.afters).toHaveLength(2);
    const cursorAfterPage2 = store.afters.length;
    const resumed = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    // The resumed pull asks for page 3 (after page 2's end cursor), not page 1 again.
    expect(store.afters[cursorAfterPage2]).not.toBeNull();
    expect(resumed.ordersSeen).toBe(4);
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(10);
    const ev = await t.hub.ctx.db.execute(sql`select count(*)::int as n from raw_events where connection_id = ${id}`);
    expect(Number((ev.rows[0] as { n: number }).n)).toBe(10);
  });
});

describe('Shopify query cost and long orders', () => {
  it('a page too costly for one call is retried smaller, and the size that works is kept in the cursor', async () => {
    const id = await createConnection({ pageSize: 8 });
    seed(5);
    const firsts: number[] = [];
    server.use(http.post(GQL, async ({ request }) => {
      const b = (await request.json()) as { variables: { first: number } };
      firsts.push(b.variables.first);
      if (b.variables.first > 2) {
        return HttpResponse.json({ errors: [{ message: 'Query cost is 1500, which exceeds the single query max cost limit (1000).', extensions: { code: 'MAX_COST_EXCEEDED', cost: 1500, maxCost: 1000 } }] });
      }
      return HttpResponse.json(store.answer(b as never) as Record<string, unknown>);
    }));
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(firsts.slice(0, 3)).toEqual([8, 4, 2]);
    expect(r.ordersSeen).toBe(5);
    const conn = await t.hub.ctx.db.execute(sql`select cursor from connections where id = ${id}`);
    expect((conn.rows[0] as { cursor: { extra?: { pageSize?: number } } }).cursor.extra?.pageSize).toBe(2);
  });

  it('fetches the rest of the line items of an order with more than one page of them', async () => {
    const id = await createConnection();
    const node = fakeGqlOrder(50, { updatedAt: '2026-02-01T00:00:00.000Z' });
    (node.lineItems as { pageInfo: unknown }).pageInfo = { hasNextPage: true, endCursor: 'li-1' };
    store.put(node);
    server.use(http.post(GQL, async ({ request }) => {
      const b = (await request.json()) as { query: string; variables: Record<string, unknown> };
      if (b.query.includes('OmnihubOrderLines')) {
        expect(b.variables).toEqual({ id: node.id, after: 'li-1' });
        const more = (fakeGqlOrder(51, { updatedAt: '2026-02-01T00:00:00.000Z', price: '5.00', quantity: 2 }).lineItems as { nodes: unknown[] }).nodes;
        return HttpResponse.json({ data: { order: { lineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: more } } } });
      }
      return HttpResponse.json(store.answer(b as never) as Record<string, unknown>);
    }));
    await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    await drainRawEvents(t.hub.ctx);
    const lines = await t.hub.ctx.db.execute(sql`select l.sku, l.quantity from order_lines l join orders o on o.id = l.order_id where o.connection_id = ${id} order by l.sku`);
    expect(lines.rows.map((r) => (r as { sku: string }).sku)).toEqual(['SKU-1', 'SKU-2']);
  });
});

describe('Shopify webhooks through POST /webhooks/:id', () => {
  const orderFixture = readFileSync(`${FIXTURES}/shopify/order.json`, 'utf8');
  const refundFixture = readFileSync(`${FIXTURES}/shopify/refund.json`, 'utf8');
  let id: string;

  /** The fixture as a webhook body (Shopify sends the order itself), with a big id and a given updated_at/status. */
  function body(updatedAt: string, financial: string) {
    const o = orderFixture
      .replace('"id": 450789469', '"id": 820982911946154600')
      .replace('"updated_at": "2008-01-10T11:00:00-05:00"', `"updated_at": "${updatedAt}"`)
      .replace('"financial_status": "authorized"', `"financial_status": "${financial}"`);
    return JSON.stringify(JSON.parse(o.replace(/820982911946154600/, '"820982911946154600"')).order).replace('"820982911946154600"', '820982911946154600');
  }

  async function deliver(raw: string, opts: { webhookId: string; topic?: string; secret?: string }) {
    const res = await t.app.request(`/webhooks/${id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': signShopifyBody(opts.secret ?? SECRET, raw),
        'x-shopify-webhook-id': opts.webhookId,
        'x-shopify-topic': opts.topic ?? 'orders/updated',
        'x-shopify-shop-domain': SHOP,
      },
      body: raw,
    });
    return res.status;
  }

  beforeAll(async () => {
    const res = await t.api('POST', '/api/v1/connections', {
      type: 'shopify', name: 'Webhooks', config: { shopDomain: SHOP, accessToken: 'shpat_x', webhookSecret: SECRET, pollIntervalSeconds: 0 },
    });
    id = res.body.id;
  });

  it('stores a signed order, keeps the big id exact, and a redelivery is a duplicate', async () => {
    const raw = body('2026-02-01T10:00:00Z', 'pending');
    expect(raw).toContain('820982911946154600');
    expect(await deliver(raw, { webhookId: 'wh-1', topic: 'orders/create' })).toBe(202);
    expect(await deliver(raw, { webhookId: 'wh-1', topic: 'orders/create' })).toBe(200);
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(id)).toBe(1);
    expect(await orderRow(id, '820982911946154600')).toMatchObject({ financial_status: 'pending', ingest_paths: ['webhook'] });
  });

  it('an older update arriving after a newer one changes nothing', async () => {
    expect(await deliver(body('2026-02-01T12:00:00Z', 'paid'), { webhookId: 'wh-3' })).toBe(202);
    await drainRawEvents(t.hub.ctx);
    expect(await deliver(body('2026-02-01T11:00:00Z', 'authorized'), { webhookId: 'wh-2' })).toBe(202);
    await drainRawEvents(t.hub.ctx);
    expect((await orderRow(id, '820982911946154600'))?.financial_status).toBe('paid');
    expect(await countOrders(id)).toBe(1);
  });

  it('refuses a forged or missing signature with 401 and stores nothing', async () => {
    const before = await t.hub.ctx.db.execute(sql`select count(*)::int as n from raw_events where connection_id = ${id}`);
    expect(await deliver(body('2026-03-01T00:00:00Z', 'paid'), { webhookId: 'wh-forged', secret: 'not-the-secret' })).toBe(401);
    const unsigned = await t.app.request(`/webhooks/${id}`, { method: 'POST', body: '{}', headers: { 'x-shopify-topic': 'orders/create' } });
    expect(unsigned.status).toBe(401);
    const after = await t.hub.ctx.db.execute(sql`select count(*)::int as n from raw_events where connection_id = ${id}`);
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('stores unknown topics (ignored) and refunds (read as a refund of units, never as an order)', async () => {
    expect(await deliver('{"id":1}', { webhookId: 'wh-unknown', topic: 'products/update' })).toBe(202);
    expect(await deliver(refundFixture, { webhookId: 'wh-refund', topic: 'refunds/create' })).toBe(202);
    const s = await drainRawEvents(t.hub.ctx);
    expect(s.ignored).toBe(1);
    expect(s.failed).toBe(0);
    expect(s.orders).toEqual([]);
    expect(s.refunds?.map((r) => [r.refundId, r.orderExternalId, r.lines.map((l) => `${l.quantity}×${l.sku}`).join(' ')])).toEqual([['509562969', '450789469', '1×IPOD2008BLACK 1×IPOD2008GREEN']]);
  });

  it('a webhook and a poll of the same order meet on one row with both paths', async () => {
    const pollId = await createConnection({ webhookSecret: SECRET });
    store.put(fakeGqlOrder(100, { updatedAt: '2026-02-02T00:00:00.000Z' }));
    await runSync(t.hub.ctx, { connectionId: pollId, kind: 'incremental' });
    const raw = body('2026-02-03T00:00:00Z', 'paid').replace('820982911946154600', '820982911946154608');
    const res = await t.app.request(`/webhooks/${pollId}`, {
      method: 'POST', body: raw,
      headers: { 'x-shopify-hmac-sha256': signShopifyBody(SECRET, raw), 'x-shopify-webhook-id': 'wh-both', 'x-shopify-topic': 'orders/updated' },
    });
    expect(res.status).toBe(202);
    await drainRawEvents(t.hub.ctx);
    expect(await countOrders(pollId)).toBe(1);
    expect((await orderRow(pollId, '820982911946154608'))?.ingest_paths.sort()).toEqual(['poll', 'webhook']);
  });
});

describe('Shopify expiring tokens (client credentials)', () => {
  it('fetches one token for concurrent pulls, from baseUrl', async () => {
    let tokenCalls = 0;
    server.use(http.post(`${API}/admin/oauth/access_token`, async ({ request }) => {
      tokenCalls++;
      const b = (await request.json()) as Record<string, string>;
      expect(b.grant_type).toBe('client_credentials');
      await new Promise((r) => setTimeout(r, 30));
      return HttpResponse.json({ access_token: 'shpat_fresh', scope: 'read_orders', expires_in: 86399 });
    }));
    const ids = await Promise.all([0, 1, 2].map(() => createConnection({ accessToken: undefined, clientId: 'cid-1', clientSecret: 'csecret' })));
    seed(2);
    await Promise.all(ids.map((cid) => runSync(t.hub.ctx, { connectionId: cid, kind: 'incremental' })));
    expect(tokenCalls).toBe(1);
    expect(new Set(tokenHeaders)).toEqual(new Set(['shpat_fresh']));
  });
});
