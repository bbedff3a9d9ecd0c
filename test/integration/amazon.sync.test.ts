import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amazonHttpTuning, amazonRateSignal } from '../../connectors/amazon/client';
import { AMAZON_LAG_MS } from '../../connectors/amazon/index';
import { closeRateGovernors } from '../../connectors/kit/rate-governor';
import { runSync } from '../../src/connections/run-sync';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { PermanentJobError } from '../../src/queue/port';
import { createTestHub, type TestHub } from '../helpers/hub';
import { recordRequests, useMswServer } from '../helpers/msw';

const BASE = 'https://sp.amazon.test';
const ORDERS = `${BASE}/orders/2026-01-01/orders`;
const TOKEN = `${BASE}/auth/o2/token`;
const sample = JSON.parse(readFileSync(new URL('../../../shared/fixtures/amazon/orders_2026-01-01_searchOrders_response.json', import.meta.url), 'utf8')).orders[0];

/** A distinct order built from the real sample. */
function order(n: number, updated = `2026-11-20T10:00:${String(n % 60).padStart(2, '0')}Z`) {
  return { ...sample, orderId: `111-0000000-${String(n).padStart(7, '0')}`, lastUpdatedTime: updated };
}
const rate = { 'x-amzn-ratelimit-limit': '50' };
const ok = (orders: unknown[], nextToken?: string) => HttpResponse.json({ orders, pagination: nextToken ? { nextToken } : {} }, { headers: rate });
const tokenOk = () => HttpResponse.json({ access_token: 'Atza|access-1', token_type: 'bearer', expires_in: 3600 });
const quota = (headers: Record<string, string> = {}) =>
  HttpResponse.json({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] }, { status: 429, headers: { ...rate, ...headers } });

const server = useMswServer();
const seen = recordRequests(server);
let t: TestHub;
let n = 0;

/** A connection with its own seller id and refresh token, so buckets and cached tokens never leak between tests. */
async function connect(over: Record<string, unknown> = {}) {
  n++;
  const res = await t.api('POST', '/api/v1/connections', {
    type: 'amazon', name: `Amazon ${n}`,
    config: {
      sellerId: `SELLER${n}`, marketplaceIds: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2'], region: 'na', lwaClientId: 'amzn1.application-oa2-client.test',
      lwaClientSecret: 'lwa-secret', refreshToken: `Atzr|refresh-${n}-${Math.random()}`, baseUrl: BASE, pollIntervalSeconds: 0, ...over,
    },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function ordersOf(connectionId: string) {
  await drainRawEvents(t.hub.ctx);
  const res = await t.api('GET', `/api/v1/orders?connectionId=${connectionId}&limit=200`);
  return res.body.items as Array<{ externalId: string; totalMinor: number; ingestPaths: string[]; status: string; sourceUpdatedAt: string }>;
}

beforeAll(async () => {
  t = await createTestHub();
  Object.assign(amazonHttpTuning, { minBackoffMs: 20, maxBackoffMs: 100, retries: 3 });
});
afterAll(async () => {
  await t.close();
  await closeRateGovernors();
});

describe('Amazon pull (SP-API Orders 2026-01-01)', () => {
  it('pulls every page with paginationToken, with an LWA token, into the inbox', async () => {
    const id = await connect();
    server.use(
      http.post(TOKEN, async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        expect(form.get('grant_type')).toBe('refresh_token');
        expect(form.get('client_id')).toBe('amzn1.application-oa2-client.test');
        return tokenOk();
      }),
      http.get(ORDERS, ({ request }) => {
        const u = new URL(request.url);
        expect(request.headers.get('x-amz-access-token')).toBe('Atza|access-1');
        expect(u.searchParams.get('marketplaceIds')).toBe('ATVPDKIKX0DER,A2EUQ1WTGCTBG2');
        expect(Number(u.searchParams.get('maxResultsPerPage'))).toBeLessThanOrEqual(100);
        expect(u.searchParams.get('includedData')).toContain('PROCEEDS');
        const page = u.searchParams.get('paginationToken');
        if (!page) return ok([order(1), order(2)], 'p2');
        if (page === 'p2') return ok([order(3), order(4)], 'p3');
        return ok([order(5)]);
      }),
    );
    const before = Date.now();
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(r).toMatchObject({ pages: 3, ordersSeen: 5, newEvents: 5 });
    const calls = seen.filter((s) => s.url.pathname === '/orders/2026-01-01/orders');
    const last = calls.at(-1)!.url.searchParams;
    // The window ends more than two minutes before the request, as searchOrders demands.
    expect(Date.parse(last.get('lastUpdatedBefore')!)).toBeLessThanOrEqual(before - AMAZON_LAG_MS + 1000);
    expect(calls.slice(-3).map((c) => c.url.searchParams.get('paginationToken'))).toEqual([null, 'p2', 'p3']);
    const orders = await ordersOf(id);
    expect(orders.map((o) => o.externalId).sort()).toEqual([1, 2, 3, 4, 5].map((i) => order(i).orderId));
    expect(orders[0]).toMatchObject({ totalMinor: 15_499, ingestPaths: ['poll'] });

    // The next pull starts at the stored window end minus the look-back, and a repeat changes nothing.
    server.use(http.get(ORDERS, () => ok([order(5)])));
    const again = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(again.newEvents).toBe(0);
    expect(await ordersOf(id)).toHaveLength(5);
  });

  it('waits out a 429 QuotaExceeded without Retry-After, and honours Retry-After when given', async () => {
    const id = await connect();
    let calls = 0;
    const times: number[] = [];
    server.use(
      http.post(TOKEN, tokenOk),
      http.get(ORDERS, ({ request }) => {
        calls++;
        times.push(Date.now());
        const page = new URL(request.url).searchParams.get('paginationToken');
        if (calls === 1) return quota();
        if (!page) return ok([order(10)], 'p2');
        if (calls === 3) return quota({ 'retry-after': '1' });
        return ok([order(11)]);
      }),
    );
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(r.ordersSeen).toBe(2);
    expect(calls).toBe(4);
    expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(950);
    expect((await ordersOf(id)).map((o) => o.externalId).sort()).toEqual([order(10).orderId, order(11).orderId]);
  });

  it('reads x-amzn-RateLimit-Limit as the refill rate and a 429 as an empty bucket', () => {
    const headers = new Headers({ 'x-amzn-RateLimit-Limit': '0.0167' });
    expect(amazonRateSignal({ status: 200, headers })).toEqual({ refillPerSecond: 0.0167 });
    expect(amazonRateSignal({ status: 429, headers: new Headers() })).toEqual({ available: 0 });
    expect(amazonRateSignal({ status: 200, headers: new Headers() })).toBeUndefined();
  });

  it('retries a 5xx and goes on with the success that follows', async () => {
    const id = await connect();
    let calls = 0;
    server.use(http.post(TOKEN, tokenOk), http.get(ORDERS, () => (++calls === 1 ? HttpResponse.json({ errors: [{ code: 'InternalFailure' }] }, { status: 503 }) : ok([order(20)]))));
    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(r.ordersSeen).toBe(1);
    expect(calls).toBe(2);
  });

  it('stops on a permanent 401, fails the sync run and marks the connection', async () => {
    const id = await connect();
    let tokenCalls = 0;
    server.use(
      http.post(TOKEN, () => {
        tokenCalls++;
        return tokenOk();
      }),
      http.get(ORDERS, () => HttpResponse.json({ errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }] }, { status: 401 })),
    );
    const err = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentJobError);
    // The 401 drops the cached token and tries once more with a fresh one, then gives up.
    expect(tokenCalls).toBe(2);
    const conn = await t.api('GET', `/api/v1/connections/${id}`);
    expect(conn.body.status).toBe('error');
    const runs = await t.api('GET', `/api/v1/connections/${id}/sync-runs`);
    expect(runs.body.items[0]).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(conn.body)).not.toContain('lwa-secret');
  });

  it('marks the connection when Login with Amazon refuses the refresh token (invalid_grant)', async () => {
    const id = await connect();
    server.use(http.post(TOKEN, () => HttpResponse.json({ error: 'invalid_grant', error_description: 'The request has an invalid grant parameter' }, { status: 400 })));
    const err = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentJobError);
    expect((await t.api('GET', `/api/v1/connections/${id}`)).body.status).toBe('error');
  });

  it('refreshes the LWA token once when two pulls of the same account need it at the same moment', async () => {
    const shared = { refreshToken: `Atzr|shared-${Math.random()}` };
    const a = await connect(shared);
    const b = await connect({ ...shared, sellerId: 'SHAREDSELLER' });
    let tokenCalls = 0;
    server.use(
      http.post(TOKEN, async () => {
        tokenCalls++;
        await new Promise((r) => setTimeout(r, 100));
        return tokenOk();
      }),
      http.get(ORDERS, () => ok([order(30)])),
    );
    await Promise.all([runSync(t.hub.ctx, { connectionId: a, kind: 'incremental' }), runSync(t.hub.ctx, { connectionId: b, kind: 'incremental' })]);
    expect(tokenCalls).toBe(1);
  });

  it('keeps the newest version of an order that changed between pages, as one row', async () => {
    const id = await connect();
    server.use(
      http.post(TOKEN, tokenOk),
      http.get(ORDERS, ({ request }) => {
        const page = new URL(request.url).searchParams.get('paginationToken');
        if (!page) return ok([order(50, '2026-11-20T10:00:00Z'), order(51)], 'p2');
        // Order 50 was updated while we paged: it shows up again, newer, on a later page.
        return ok([{ ...order(50, '2026-11-20T10:05:00Z'), fulfillment: { fulfillmentStatus: 'CANCELLED' } }]);
      }),
    );
    await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    const orders = await ordersOf(id);
    expect(orders).toHaveLength(2);
    expect(orders.find((o) => o.externalId === order(50).orderId)).toMatchObject({ status: 'cancelled', sourceUpdatedAt: '2026-11-20T10:05:00.000Z' });
  });

  it('resumes after a crash mid-sync from the stored checkpoint, without loss or duplicates', async () => {
    const id = await connect();
    let failPage2 = true;
    server.use(
      http.post(TOKEN, tokenOk),
      http.get(ORDERS, ({ request }) => {
        const page = new URL(request.url).searchParams.get('paginationToken');
        if (!page) return ok([order(40), order(41)], 'p2');
        if (page === 'p2') return failPage2 ? HttpResponse.json({ errors: [] }, { status: 500 }) : ok([order(42)], 'p3');
        return ok([order(43)]);
      }),
    );
    const first = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' }).catch((e) => e);
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(PermanentJobError); // retryable: the queue runs the job again
    const conn = await t.api('GET', `/api/v1/connections/${id}/sync-runs`);
    const runId = conn.body.items[0].id;
    expect(conn.body.items[0].status).toBe('retrying');

    failPage2 = false;
    const mark = seen.length;
    const second = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental', syncRunId: runId });
    // It went on at page 2 of the same window; page 1 was not fetched again.
    const tokens = seen.slice(mark).filter((s) => s.url.pathname.endsWith('/orders')).map((s) => s.url.searchParams.get('paginationToken'));
    expect(tokens).toEqual(['p2', 'p3']);
    expect(second).toMatchObject({ pages: 3, ordersSeen: 4 });
    const orders = await ordersOf(id);
    expect(orders.map((o) => o.externalId).sort()).toEqual([40, 41, 42, 43].map((i) => order(i).orderId));
  });
});
