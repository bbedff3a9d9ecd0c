import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStockPushes, signSandboxBody } from '../../connectors/sandbox/index';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { pushListingStock } from '../../src/inventory/push-stock';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';

const SECRET = 'push-test-secret';
let t: TestHub;
let connectionId: string;

beforeAll(async () => {
  t = await createTestHub({ workers: true });
  const c = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Push shop', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
  connectionId = c.body.id;
  await t.api('POST', '/api/v1/warehouses', { code: 'M-A', name: 'Main', priority: 1 });
  await t.api('POST', '/api/v1/warehouses', { code: 'M-B', name: 'Other channel only', priority: 2, allowedConnectionIds: ['00000000-0000-4000-8000-00000000beef'] });
  for (const sku of ['PUSH-1', 'PUSH-2', 'E2E-1']) await t.api('POST', '/api/v1/products', { sku, title: sku });
}, 60_000);
afterAll(() => t.close());

describe('stock to channels', () => {
  it('pushes available-to-sell through the policy (eligible warehouses, buffer, share, cap) and records it on the listing', async () => {
    const l = await t.api('POST', '/api/v1/listings', { sku: 'PUSH-1', connectionId, externalIds: { variant: 'v-1' }, buffer: 2, sharePercent: 50, cap: 4 });
    expect(l.status).toBe(201);
    await t.api('POST', '/api/v1/stock/adjustments', { sku: 'PUSH-1', warehouse: 'M-A', delta: 9, reason: 'in' });
    await t.api('POST', '/api/v1/stock/adjustments', { sku: 'PUSH-1', warehouse: 'M-B', delta: 50, reason: 'in' });
    // M-B may not serve this channel: (9 − 2) × 50% = 3.5 → 3, under the cap of 4.
    // `full`: the workers may already have pushed after the adjustments (then an unchanged figure is not re-sent).
    const r = await pushListingStock(t.hub.ctx, { listingId: l.body.id, full: true });
    expect(r).toEqual({ pushed: true, quantity: 3 });
    const pushes = sandboxStockPushes.get(connectionId)!;
    expect(pushes.at(-1)).toMatchObject({ sku: 'PUSH-1', quantity: 3, externalIds: { variant: 'v-1' } });
    const listing = await t.api('GET', `/api/v1/listings/${l.body.id}`);
    expect(listing.body).toMatchObject({ lastPushedQuantity: 3, pushError: null });
    // Unchanged figure: nothing is sent again.
    expect((await pushListingStock(t.hub.ctx, { listingId: l.body.id })).pushed).toBe(false);
  });

  it('a stock change queues a debounced push that the workers run', async () => {
    const before = sandboxStockPushes.get(connectionId)!.length;
    await t.api('POST', '/api/v1/stock/adjustments', { sku: 'PUSH-1', warehouse: 'M-A', delta: 20, reason: 'in' });
    await waitFor(async () => sandboxStockPushes.get(connectionId)!.length > before, 15_000, 'a push');
    expect(sandboxStockPushes.get(connectionId)!.at(-1)).toMatchObject({ sku: 'PUSH-1', quantity: 4 });
  });

  it('records a failed push on the listing', async () => {
    const l = await t.api('POST', '/api/v1/listings', { sku: 'PUSH-2', connectionId, externalIds: { fail: 'yes' } });
    const r = await pushListingStock(t.hub.ctx, { listingId: l.body.id, full: true });
    expect(r.pushed).toBe(false);
    const listing = await t.api('GET', `/api/v1/listings/${l.body.id}`);
    expect(listing.body.pushError).toMatch(/refused/);
    expect(listing.body.lastPushedQuantity).toBeNull();
  });

  it('a signed webhook order is drained and allocated by the workers, end to end', async () => {
    await t.api('POST', '/api/v1/stock/adjustments', { sku: 'E2E-1', warehouse: 'M-A', delta: 1, reason: 'in' });
    const o = { ...sandboxOrder('e2e', 1), items: [{ id: '1-0', sku: 'E2E-1', title: 'E2E', qty: 2, price: '5.00' }] };
    const body = JSON.stringify(o);
    const res = await t.app.request(`/webhooks/${connectionId}`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, body), 'x-sandbox-delivery-id': 'e2e-1', 'x-sandbox-topic': 'order.created' },
    });
    expect(res.status).toBe(202);
    const order = await waitFor(async () => {
      const l = await t.api('GET', `/api/v1/orders?q=${o.id}`);
      const it = l.body.items[0];
      return it && it.allocationStatus !== 'pending' ? it : null;
    }, 45_000, 'allocation'); // generous: the CI runs this beside ~90 other files on 2 cores
    expect(order.allocationStatus).toBe('partial');
    // The channel cancels it: the drain hands the change to the allocator, which releases the unit.
    const cancelled = JSON.stringify({ ...o, state: 'cancelled', updated_at: new Date(Date.parse(o.updated_at) + 60_000).toISOString() });
    await t.app.request(`/webhooks/${connectionId}`, {
      method: 'POST', body: cancelled,
      headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, cancelled), 'x-sandbox-delivery-id': 'e2e-1-cancel', 'x-sandbox-topic': 'order.updated' },
    });
    await waitFor(async () => (await t.api('GET', `/api/v1/orders/${order.id}`)).body.allocationStatus === 'not_required', 15_000, 'release');
    const s = await t.api('GET', '/api/v1/stock?sku=E2E-1');
    expect(s.body.items[0]).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
  });

  it('lists replenishment alerts: available + incoming below the reorder point', async () => {
    const r = await t.api('GET', '/api/v1/stock/alerts?sku=E2E-1&days=7&show=all');
    expect(r.status).toBe(200);
    // The cancelled order does not count as demand; no demand → reorder point 0 → no alert.
    expect(r.body.items[0]).toMatchObject({ sku: 'E2E-1', warehouse: 'M-A', reorderPoint: 0, belowReorderPoint: false });
    const now = new Date().toISOString();
    for (let i = 0; i < 3; i++) {
      await t.api('POST', '/api/v1/orders', { currency: 'USD', placedAt: now, lines: [{ sku: 'E2E-1', title: 'E2E', quantity: 5, unitPriceMinor: 100 }] });
    }
    const alerts = await t.api('GET', '/api/v1/stock/alerts?days=7');
    const row = alerts.body.items.find((x: { sku: string }) => x.sku === 'E2E-1');
    expect(row).toMatchObject({ warehouse: 'M-A', belowReorderPoint: true });
    expect(row.averageDailyDemand).toBeCloseTo(15 / 7, 2);
    expect(row.reorderPoint).toBeGreaterThan(row.position);
    const bad = await t.api('GET', '/api/v1/stock/alerts?serviceLevel=2');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('serviceLevel');
  });
});
