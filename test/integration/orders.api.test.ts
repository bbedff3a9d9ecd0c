import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { normalizeSandboxOrder } from '../../connectors/sandbox/transform';
import { withTransaction } from '../../src/db/transaction';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { upsertOrders } from '../../src/inbox/upsert-orders';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;

const baseOrder = (over: Record<string, unknown> = {}) => ({
  currency: 'USD',
  source: 'phone',
  financialStatus: 'paid',
  lines: [
    { sku: 'TEE-BLK-M', title: 'Organic tee', quantity: 2, unitPriceMinor: 1999, taxMinor: 280 },
    { sku: 'MUG-CER-01', title: 'Mug', quantity: 1, unitPriceMinor: 1450, discountMinor: 150 },
  ],
  shippingMinor: 495,
  customer: { name: 'Ada Lovelace', email: 'Ada@Example.com' },
  shippingAddress: { name: 'Ada Lovelace', line1: '1 Market St', city: 'Leeds', postalCode: 'LS1 1UR', country: 'GB' },
  ...over,
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  return t.api('POST', '/api/v1/orders', body, headers);
}

beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t.close());

describe('manual order entry', () => {
  it('computes the totals in minor units and records the order', async () => {
    const r = await post(baseOrder({ number: 'PHONE-1' }));
    expect(r.status).toBe(201);
    // 2×1999 + 1450 = 5448 subtotal; tax 280; shipping 495; discount 150.
    expect(r.body).toMatchObject({
      channel: 'manual', number: 'PHONE-1', currency: 'USD', subtotalMinor: 5448, taxMinor: 280, shippingMinor: 495,
      discountMinor: 150, totalMinor: 6073, status: 'open', ingestPaths: ['manual'], financialStatus: 'paid',
    });
    expect(r.body.lines).toHaveLength(2);
    expect(r.body.timeline[0].message).toBe('Received via manual');
  });

  it('accepts a totalMinor that matches and refuses one that does not, naming totalMinor', async () => {
    expect((await post(baseOrder({ totalMinor: 6073 }))).status).toBe(201);
    const r = await post(baseOrder({ totalMinor: 6000 }));
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['totalMinor']);
  });

  it('names the failing field: missing lines, negative quantity', async () => {
    const { lines: _drop, ...noLines } = baseOrder();
    const missing = await post(noLines);
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('lines');

    const negative = await post(baseOrder({ lines: [{ title: 'x', quantity: -1, unitPriceMinor: 100 }] }));
    expect(negative.status).toBe(400);
    expect(negative.body.errors.map((e: { path: string }) => e.path)).toContain('lines.0.quantity');

    const empty = await post(baseOrder({ lines: [] }));
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e: { path: string }) => e.path)).toContain('lines');
  });

  it('replays the first answer for a retried Idempotency-Key and refuses the key with another body', async () => {
    const body = baseOrder({ number: 'IDEM-1' });
    const first = await post(body, { 'idempotency-key': 'key-idem-1' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post(body, { 'idempotency-key': 'key-idem-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await post(baseOrder({ number: 'IDEM-2' }), { 'idempotency-key': 'key-idem-1' });
    expect(other.status).toBe(422);
    const list = await t.api('GET', '/api/v1/orders?q=IDEM-1');
    expect(list.body.items).toHaveLength(1);
    expect((await t.api('GET', '/api/v1/orders?q=IDEM-2')).body.items).toHaveLength(0);
  });

  it('creates one order for 10 concurrent POSTs with the same Idempotency-Key', async () => {
    const body = baseOrder({ number: 'IDEM-PAR' });
    const all = await Promise.all(Array.from({ length: 10 }, () => post(body, { 'idempotency-key': 'key-parallel' })));
    expect(all.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
    expect(all.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    const n = await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders where number = 'IDEM-PAR'`);
    expect(Number((n.rows[0] as { n: number }).n)).toBe(1);
  });
});

describe('order actions', () => {
  it('holds, releases and cancels with guarded states (409 otherwise) and a timeline entry each', async () => {
    const created = await post(baseOrder({ number: 'ACT-1' }));
    const id = created.body.id as string;
    const hold = await t.api('POST', `/api/v1/orders/${id}/hold`, { reason: 'address check' });
    expect(hold).toMatchObject({ status: 200, body: { id, status: 'on_hold' } });
    expect((await t.api('POST', `/api/v1/orders/${id}/hold`)).status).toBe(409);
    expect((await t.api('POST', `/api/v1/orders/${id}/release`)).body.status).toBe('open');
    const releaseAgain = await t.api('POST', `/api/v1/orders/${id}/release`);
    expect(releaseAgain.status).toBe(409);
    expect(releaseAgain.body.code).toBe('invalid_order_state');
    expect((await t.api('POST', `/api/v1/orders/${id}/cancel`, { reason: 'customer called' })).body.status).toBe('cancelled');
    expect((await t.api('POST', `/api/v1/orders/${id}/cancel`)).status).toBe(409);
    expect((await t.api('POST', `/api/v1/orders/${id}/hold`)).status).toBe(409);

    const detail = await t.api('GET', `/api/v1/orders/${id}`);
    expect(detail.body.status).toBe('cancelled');
    const entries = detail.body.timeline.filter((e: { kind: string }) => e.kind !== 'received');
    expect(entries.map((e: { kind: string; message: string }) => [e.kind, e.message])).toEqual([
      ['hold', 'Put on hold: address check'],
      ['release', 'Released from hold'],
      ['cancel', 'Cancelled: customer called'],
    ]);
    expect(entries.every((e: { actor: string }) => e.actor.startsWith('key:'))).toBe(true);
  });

  it('answers 404 for an unknown order, and 400 for a bad action body', async () => {
    expect((await t.api('POST', '/api/v1/orders/00000000-0000-4000-8000-000000000999/hold')).status).toBe(404);
    const created = await post(baseOrder());
    expect((await t.api('POST', `/api/v1/orders/${created.body.id}/hold`, { reason: 5 })).status).toBe(400);
  });
});

describe('the inbox list', () => {
  let shop: string;
  beforeAll(async () => {
    const c = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'List shop', config: { webhookSecret: 'list-secret-123', pollIntervalSeconds: 0 } });
    shop = c.body.id;
    const body = JSON.stringify(sandboxOrder('list', 1));
    const res = await t.app.request(`/webhooks/${shop}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody('list-secret-123', body), 'x-sandbox-delivery-id': 'l-1' },
      body,
    });
    expect(res.status).toBe(202);
    await t.hub.ctx.rawEvents.drain();
    await drainRawEvents(t.hub.ctx);
    await post(baseOrder({
      number: 'CN-8', placedAt: '2025-06-01T08:00:00Z', financialStatus: 'pending',
      customer: { name: '王小明', email: 'xiaoming@example.cn' },
      lines: [{ sku: 'TEA-OOLONG', title: '乌龙茶', quantity: 3, unitPriceMinor: 1200 }],
    }));
    await post(baseOrder({ number: 'OLD-1', placedAt: '2024-01-15T12:00:00Z' }));
  });

  const ids = async (query: string) =>
    ((await t.api('GET', `/api/v1/orders?${query}`)).body.items as Array<{ number: string }>).map((o) => o.number);

  it('filters by channel, connection, status and sku', async () => {
    expect(await ids('channel=sandbox')).toEqual(['#1001']);
    expect(await ids(`connectionId=${shop}`)).toEqual(['#1001']);
    expect(await ids('status=cancelled')).toEqual(['ACT-1']);
    expect(await ids('sku=TEA-OOLONG')).toEqual(['CN-8']);
    const manual = await ids('channel=manual');
    expect(manual).toContain('CN-8');
    expect(manual).not.toContain('#1001');
  });

  it('searches by number, email (any case) and name, Chinese included', async () => {
    expect(await ids('q=CN-8')).toEqual(['CN-8']);
    expect(await ids('q=1001')).toEqual(['#1001']);
    expect(await ids('q=XIAOMING%40example.cn')).toEqual(['CN-8']);
    expect(await ids(`q=${encodeURIComponent('王小明')}`)).toEqual(['CN-8']);
    expect(await ids(`q=${encodeURIComponent('小明')}`)).toEqual(['CN-8']);
    expect(await ids('q=ada%40example.com')).toContain('PHONE-1');
    expect(await ids('q=%25')).toEqual([]);
  });

  it('filters by placed date range and by exception', async () => {
    expect(await ids('placedFrom=2025-01-01T00:00:00Z&placedTo=2025-12-31T00:00:00Z')).toEqual(['CN-8']);
    expect(await ids('placedTo=2025-01-01T00:00:00Z')).toEqual(['OLD-1']);
    expect(await ids('exception=unpaid&channel=manual')).toEqual(['CN-8']);
    expect((await t.api('GET', '/api/v1/orders?exception=nonsense')).status).toBe(400);
    expect((await t.api('GET', '/api/v1/orders?limit=500')).status).toBe(400);
    expect((await t.api('GET', '/api/v1/orders?cursor=garbage')).status).toBe(400);
  });

  it('pages through every order exactly once, ties on placed time included', async () => {
    for (let i = 0; i < 23; i++) {
      // Three orders share each placed time, so pages break inside ties.
      await post(baseOrder({ number: `PAGE-${i}`, placedAt: `2025-03-0${1 + Math.floor(i / 3) % 9}T10:00:00Z` }));
    }
    const all = await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders`);
    const total = Number((all.rows[0] as { n: number }).n);
    const seen: string[] = [];
    let placed: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { body: { items: Array<{ id: string; placedAt: string }>; nextCursor: string | null } } = await t.api(
        'GET', `/api/v1/orders?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...r.body.items.map((o) => o.id));
      placed.push(...r.body.items.map((o) => o.placedAt));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...placed].sort().reverse()).toEqual(placed);
    placed = [];
  });

  it('pages correctly when placed times carry microseconds', async () => {
    // Channels may send sub-millisecond times; a cursor cut to milliseconds would skip rows.
    const micro = ['2023-05-05T05:05:05.123456Z', '2023-05-05T05:05:05.123400Z', '2023-05-05T05:05:05.123000Z'];
    await withTransaction(t.hub.ctx, (tx) =>
      upsertOrders(tx, micro.map((placedAt, i) => ({
        connectionId: shop, channel: 'sandbox', path: 'poll' as const, rawEventId: null,
        order: { ...normalizeSandboxOrder(sandboxOrder('micro', i)), placedAt },
      }))),
    );
    const got: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const r: { body: { items: Array<{ externalId: string }>; nextCursor: string | null } } = await t.api(
        'GET', `/api/v1/orders?connectionId=${shop}&placedTo=2023-12-31T00:00:00Z&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      got.push(...r.body.items.map((o) => o.externalId));
      cursor = r.body.nextCursor;
      if (!cursor) break;
    }
    expect(got).toEqual(['SBX-micro-0', 'SBX-micro-1', 'SBX-micro-2']);
  });

  it('answers 404 problem for an unknown or malformed order id', async () => {
    const unknown = await t.api('GET', '/api/v1/orders/00000000-0000-4000-8000-000000000404');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(unknown.body).toMatchObject({ status: 404, code: 'not_found' });
    expect((await t.api('GET', '/api/v1/orders/not-a-uuid')).status).toBe(404);
  });
});
