import { randomBytes } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushListingStock } from '../../src/inventory/push-stock';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';
import { useMswServer } from '../helpers/msw';

// Unique hosts per run, so rate buckets in a shared Redis never meet another run's.
const tag = randomBytes(3).toString('hex');
const SHOP = `push-${tag}.myshopify.com`;
const SHOPIFY = `https://api-${tag}.shopify-fake.test`;
const GQL = `${SHOPIFY}/admin/api/2026-01/graphql.json`;
const WOO = `https://woo-${tag}.woo-fake.test`;
const SQUARE = `https://sq-${tag}.square-fake.test`;
const WOO_AUTH = `Basic ${Buffer.from('ck_push:cs_push').toString('base64')}`;

interface GqlCall { query: string; variables: Record<string, any> }
/** Shopify's `available` per inventory item gid at location L-1, as the fake shop holds it. */
const shopAvailable = new Map<string, number>();
const gqlCalls: GqlCall[] = [];
const wooPuts: Array<{ path: string; body: Record<string, unknown> }> = [];
const squareCalls: Array<Record<string, any>> = [];
/** Answers queued for the next Square calls (failures), then the normal answer. */
const squareFailures: Array<() => Response> = [];

useMswServer(
  http.post(GQL, async ({ request }) => {
    expect(request.headers.get('x-shopify-access-token')).toBe('shpat_push');
    const call = (await request.json()) as GqlCall;
    gqlCalls.push(call);
    if (call.query.includes('inventorySetQuantities')) {
      const input = call.variables.input;
      const q = input.quantities[0];
      const current = shopAvailable.get(q.inventoryItemId) ?? 0;
      if (!input.ignoreCompareQuantity && q.compareQuantity !== current) {
        return HttpResponse.json({ data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [
          { code: 'COMPARE_QUANTITY_STALE', field: ['input', 'quantities', '0', 'compareQuantity'], message: 'The compareQuantity value does not match persisted value.' },
        ] } } });
      }
      if (q.inventoryItemId.endsWith('/404')) {
        return HttpResponse.json({ data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [
          { code: 'INVALID_INVENTORY_ITEM', field: ['input', 'quantities', '0', 'inventoryItemId'], message: 'The specified inventory item could not be found.' },
        ] } } });
      }
      shopAvailable.set(q.inventoryItemId, q.quantity);
      return HttpResponse.json({ data: { inventorySetQuantities: { inventoryAdjustmentGroup: { id: 'gid://shopify/InventoryAdjustmentGroup/1' }, userErrors: [] } } });
    }
    const available = shopAvailable.get(call.variables.item) ?? 0;
    return HttpResponse.json({ data: { inventoryItem: { inventoryLevel: { quantities: [{ name: 'available', quantity: available }] } } } });
  }),
  http.put(`${WOO}/wp-json/wc/v3/products/*`, async ({ request }) => {
    expect(request.headers.get('authorization')).toBe(WOO_AUTH);
    const path = new URL(request.url).pathname;
    const body = (await request.json()) as Record<string, unknown>;
    wooPuts.push({ path, body });
    if (path.includes('/products/404')) {
      return HttpResponse.json({ code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 404 } }, { status: 404 });
    }
    return HttpResponse.json({ id: 1, manage_stock: true, stock_quantity: body.stock_quantity });
  }),
  http.post(`${SQUARE}/v2/inventory/changes/batch-create`, async ({ request }) => {
    expect(request.headers.get('authorization')).toBe('Bearer EAAA-push');
    const body = (await request.json()) as Record<string, any>;
    squareCalls.push(body);
    const fail = squareFailures.shift();
    if (fail) return fail();
    const pc = body.changes[0].physical_count;
    return HttpResponse.json({ counts: [{ catalog_object_id: pc.catalog_object_id, location_id: pc.location_id, state: 'IN_STOCK', quantity: pc.quantity }] });
  }),
);

let t: TestHub;
const conn: Record<string, string> = {};

async function listing(sku: string, connection: string, externalIds: Record<string, string>): Promise<string> {
  const r = await t.api('POST', '/api/v1/listings', { sku, connectionId: conn[connection], externalIds });
  expect(r.status).toBe(201);
  return r.body.id;
}
async function adjust(sku: string, delta: number) {
  const r = await t.api('POST', '/api/v1/stock/adjustments', { sku, warehouse: 'CP-A', delta, reason: 'test' });
  expect(r.status).toBe(201);
}
const getListing = async (id: string) => (await t.api('GET', `/api/v1/listings/${id}`)).body;

beforeAll(async () => {
  // Workers start only in the end-to-end test: until then the queued pushes wait, and each test drives the push itself.
  t = await createTestHub();
  const make = async (type: string, config: Record<string, unknown>) => {
    const r = await t.api('POST', '/api/v1/connections', { type, name: `${type} push ${tag}`, config });
    expect(r.status).toBe(201);
    conn[type] = r.body.id;
  };
  await make('shopify', { shopDomain: SHOP, accessToken: 'shpat_push', baseUrl: SHOPIFY, pollIntervalSeconds: 0 });
  await make('woocommerce', { siteUrl: WOO, consumerKey: 'ck_push', consumerSecret: 'cs_push', pollIntervalSeconds: 0 });
  await make('square', { accessToken: 'EAAA-push', locationIds: ['L-SQ'], baseUrl: SQUARE, pollIntervalSeconds: 0 });
  await t.api('POST', '/api/v1/warehouses', { code: 'CP-A', name: 'Push main', priority: 1 });
  for (const sku of ['SH-1', 'SH-BAD', 'WO-1', 'WO-BAD', 'WO-NOIDS', 'SQ-1', 'E2E-WOO']) await t.api('POST', '/api/v1/products', { sku, title: sku });
}, 60_000);
afterAll(() => t.close());

describe('stock push to Shopify (inventorySetQuantities)', () => {
  it('sets `available` compare-and-set with an idempotency key; a stale compare re-reads and retries once', async () => {
    const id = await listing('SH-1', 'shopify', { inventoryItemId: '111', locationId: '222' });
    shopAvailable.set('gid://shopify/InventoryItem/111', 3);
    await adjust('SH-1', 7);
    gqlCalls.length = 0;
    expect(await pushListingStock(t.hub.ctx, { listingId: id })).toEqual({ pushed: true, quantity: 7 });
    // Never pushed before: the shop's figure is read first and used as compareQuantity.
    expect(gqlCalls).toHaveLength(2);
    const set = gqlCalls[1]!;
    expect(set.query).toMatch(/inventorySetQuantities\(input: \$input\) @idempotent\(key: \$key\)/);
    expect(set.variables.input).toEqual({
      name: 'available', reason: 'correction',
      quantities: [{ inventoryItemId: 'gid://shopify/InventoryItem/111', locationId: 'gid://shopify/Location/222', quantity: 7, compareQuantity: 3 }],
    });
    expect(set.variables.key).toMatch(/^[0-9a-f]{32}$/);
    expect(shopAvailable.get('gid://shopify/InventoryItem/111')).toBe(7);

    // Two units sell on Shopify meanwhile: our compareQuantity (7) is stale.
    shopAvailable.set('gid://shopify/InventoryItem/111', 5);
    await adjust('SH-1', 3);
    gqlCalls.length = 0;
    expect(await pushListingStock(t.hub.ctx, { listingId: id })).toEqual({ pushed: true, quantity: 10 });
    expect(gqlCalls.map((c) => (c.query.includes('inventorySetQuantities') ? `set ${c.variables.input.quantities[0].compareQuantity}` : 'read'))).toEqual(['set 7', 'read', 'set 5']);
    // The retry has other parameters, so it carries its own key (Shopify refuses a reused key with new parameters).
    expect(gqlCalls[2]!.variables.key).not.toBe(gqlCalls[0]!.variables.key);
    expect(shopAvailable.get('gid://shopify/InventoryItem/111')).toBe(10);
    expect(await getListing(id)).toMatchObject({ lastPushedQuantity: 10, pushError: null });
  });

  it('the idempotency key is the same for the same quantity and changes with it', async () => {
    const id = (await t.api('GET', '/api/v1/listings?sku=SH-1')).body.items[0].id;
    gqlCalls.length = 0;
    await pushListingStock(t.hub.ctx, { listingId: id, full: true });
    await pushListingStock(t.hub.ctx, { listingId: id, full: true });
    const keys = gqlCalls.map((c) => c.variables.key);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    await adjust('SH-1', 1);
    await pushListingStock(t.hub.ctx, { listingId: id });
    expect(gqlCalls.at(-1)!.variables.input.quantities[0].quantity).toBe(11);
    expect(gqlCalls.at(-1)!.variables.key).not.toBe(keys[0]);
  });

  it('a userError (unknown inventory item) is a permanent failure recorded on the listing', async () => {
    const id = await listing('SH-BAD', 'shopify', { inventoryItemId: 'gid://shopify/InventoryItem/404', locationId: 'gid://shopify/Location/222' });
    shopAvailable.set('gid://shopify/InventoryItem/404', 0);
    await adjust('SH-BAD', 2);
    const r = await pushListingStock(t.hub.ctx, { listingId: id });
    expect(r).toMatchObject({ pushed: false, quantity: 2 });
    expect(r.error).toMatch(/INVALID_INVENTORY_ITEM/);
    expect(await getListing(id)).toMatchObject({ lastPushedQuantity: null, pushError: expect.stringMatching(/INVALID_INVENTORY_ITEM/) });
  });
});

describe('stock push to WooCommerce (stock_quantity)', () => {
  it('PUTs stock_quantity with manage_stock on the variation', async () => {
    const id = await listing('WO-1', 'woocommerce', { productId: '501', variationId: '9' });
    await adjust('WO-1', 12);
    wooPuts.length = 0;
    expect(await pushListingStock(t.hub.ctx, { listingId: id })).toEqual({ pushed: true, quantity: 12 });
    expect(wooPuts).toEqual([{ path: '/wp-json/wc/v3/products/501/variations/9', body: { manage_stock: true, stock_quantity: 12 } }]);
    expect(await getListing(id)).toMatchObject({ lastPushedQuantity: 12, pushError: null });
  });

  it('a 404 and a listing without ids are permanent failures: recorded, not retried', async () => {
    const bad = await listing('WO-BAD', 'woocommerce', { productId: '404' });
    await adjust('WO-BAD', 1);
    const r = await pushListingStock(t.hub.ctx, { listingId: bad });
    expect(r).toMatchObject({ pushed: false, quantity: 1 });
    expect(await getListing(bad)).toMatchObject({ lastPushedQuantity: null, pushError: expect.stringMatching(/answered 404/) });

    const noIds = await listing('WO-NOIDS', 'woocommerce', {});
    const before = wooPuts.length;
    expect((await pushListingStock(t.hub.ctx, { listingId: noIds, full: true })).pushed).toBe(false);
    expect(wooPuts.length).toBe(before);
    expect((await getListing(noIds)).pushError).toMatch(/productId/);
  });
});

describe('stock push to Square (PHYSICAL_COUNT)', () => {
  it('a retryable failure is recorded and fails the job; the retry sends the same idempotency key and clears the error', async () => {
    const id = await listing('SQ-1', 'square', { catalogObjectId: 'VAR-77' });
    await adjust('SQ-1', 4);
    squareCalls.length = 0;
    // A fixed clock: the retry falls in the same minute, so it must be byte-for-byte the same request.
    const realNow = t.hub.ctx.now;
    t.hub.ctx.now = () => new Date('2026-11-27T10:15:42.123Z');
    // Rate limited for an hour: longer than the client waits in-process, so the job queue retries later.
    squareFailures.push(() => HttpResponse.json({ errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' }] }, { status: 429, headers: { 'retry-after': '3600' } }));
    await expect(pushListingStock(t.hub.ctx, { listingId: id })).rejects.toMatchObject({ retryable: true });
    expect(await getListing(id)).toMatchObject({ lastPushedQuantity: null, pushError: expect.stringMatching(/429/) });

    t.hub.ctx.now = () => new Date('2026-11-27T10:15:58.000Z');
    try {
      expect(await pushListingStock(t.hub.ctx, { listingId: id })).toEqual({ pushed: true, quantity: 4 });
    } finally {
      t.hub.ctx.now = realNow;
    }
    expect(squareCalls).toHaveLength(2);
    const [first, second] = squareCalls;
    // Square replays a key only for the same body: key, time and count are all the same.
    expect(second).toEqual(first);
    expect(second!.idempotency_key).toMatch(/^[0-9a-f]{32}:\d+$/);
    expect(second!.changes).toEqual([{
      type: 'PHYSICAL_COUNT',
      physical_count: { catalog_object_id: 'VAR-77', location_id: 'L-SQ', state: 'IN_STOCK', quantity: '4', occurred_at: '2026-11-27T10:15:00.000Z' },
    }]);
    expect(await getListing(id)).toMatchObject({ lastPushedQuantity: 4, pushError: null });
  });
});

describe('end to end', () => {
  it('a stock adjustment through the API reaches the channel through the push job', async () => {
    await listing('E2E-WOO', 'woocommerce', { productId: '777' });
    await t.startWorkers();
    await adjust('E2E-WOO', 6);
    const put = await waitFor(async () => wooPuts.find((p) => p.path === '/wp-json/wc/v3/products/777' && p.body.stock_quantity === 6), 20_000, 'the WooCommerce PUT');
    expect(put.body).toEqual({ manage_stock: true, stock_quantity: 6 });
  }, 30_000);
});
