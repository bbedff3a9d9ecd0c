import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAllocationJob } from '../../src/inventory/allocation-jobs';
import { registerCreditLimitSource } from '../../src/sales/review-settings';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;

const addr = { name: 'Ada', line1: '1 Market St', city: 'Leeds', postalCode: 'LS1 1UR', country: 'GB' };
async function order(over: Record<string, unknown> = {}) {
  const r = await t.api('POST', '/api/v1/orders', {
    currency: 'USD', financialStatus: 'paid',
    lines: [{ sku: 'REV-1', title: 'Thing', quantity: 1, unitPriceMinor: 1000 }],
    customer: { email: 'repeat@example.com' }, shippingAddress: addr, billingAddress: addr, ...over,
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}
const get = async (id: string) => (await t.api('GET', `/api/v1/orders/${id}`)).body;

beforeAll(async () => {
  t = await createTestHub();
  expect((await t.api('POST', '/api/v1/warehouses', { code: 'WH-A', name: 'A', priority: 1 })).status).toBe(201);
  expect((await t.api('POST', '/api/v1/products', { sku: 'REV-1', title: 'Thing' })).status).toBe(201);
  expect((await t.api('POST', '/api/v1/stock/adjustments', { sku: 'REV-1', warehouse: 'WH-A', delta: 100, reason: 'seed' })).status).toBe(201);
  // An order before the rules are on: the customer 'repeat@example.com' is known from here on.
  await order();
});
afterAll(() => {
  registerCreditLimitSource(null);
  return t.close();
});

describe('order review rules (審核)', () => {
  it('stores the rules and names a bad field', async () => {
    const bad = await t.api('PUT', '/api/v1/review/settings', { enabled: true, totalAbove: { usd: 5 } });
    expect(bad.status).toBe(400);
    const ok = await t.api('PUT', '/api/v1/review/settings', {
      enabled: true, totalAbove: { USD: 50_000 }, firstOrder: true, addressMismatch: true, creditLimit: true,
    });
    expect(ok.status).toBe(200);
    expect((await t.api('GET', '/api/v1/review/settings')).body).toMatchObject({ enabled: true, totalAbove: { USD: 50_000 }, firstOrder: true });
  });

  it('lets an order matching no rule go straight to allocation', async () => {
    const id = await order();
    const o = await get(id);
    expect(o.allocationStatus).toBe('pending');
    expect(o.exceptions).not.toContain('review');
    await runAllocationJob(t.hub.ctx, { sku: 'REV-1', includeBackordered: false });
    expect((await get(id)).allocationStatus).toBe('allocated');
  });

  it('holds a big order, a first order and an address mismatch, each with its reason, and the allocator skips them', async () => {
    const big = await order({ lines: [{ sku: 'REV-1', title: 'Thing', quantity: 60, unitPriceMinor: 1000 }] });
    const first = await order({ customer: { email: '  New.Person@Example.com ' } });
    const mismatch = await order({ billingAddress: { ...addr, line1: '9 Other Rd' } });
    // Case and spaces do not make a mismatch.
    const sameAddr = await order({ billingAddress: { ...addr, postalCode: 'ls11ur', city: ' LEEDS' } });
    // Another currency has no threshold.
    const yen = await order({ currency: 'JPY', lines: [{ sku: 'REV-1', title: 'Thing', quantity: 1, unitPriceMinor: 9_000_000 }] });
    const reasons = async (id: string) => (await get(id)).timeline.find((e: { kind: string }) => e.kind === 'review_hold')?.data.reasons;
    expect(await reasons(big)).toEqual(['total_above']);
    expect(await reasons(first)).toEqual(['first_order']);
    expect(await reasons(mismatch)).toEqual(['address_mismatch']);
    for (const id of [big, first, mismatch]) {
      const o = await get(id);
      expect(o.allocationStatus).toBe('review');
      expect(o.exceptions).toContain('review');
    }
    expect((await get(sameAddr)).allocationStatus).toBe('pending');
    expect((await get(yen)).allocationStatus).toBe('pending');
    // The inbox filter lists exactly the held orders.
    const inbox = await t.api('GET', '/api/v1/orders?exception=review');
    expect(inbox.body.items.map((o: { id: string }) => o.id).sort()).toEqual([big, first, mismatch].sort());
    // Allocation (batch by SKU, by id, and re-request) leaves them held.
    await runAllocationJob(t.hub.ctx, { sku: 'REV-1', includeBackordered: false });
    await runAllocationJob(t.hub.ctx, { orderIds: [big], includeBackordered: false });
    expect((await get(big)).allocationStatus).toBe('review');
    expect((await get(sameAddr)).allocationStatus).toBe('allocated');
    // The same new customer's second order is not a first order.
    const second = await order({ customer: { email: 'new.person@example.com' } });
    expect((await get(second)).allocationStatus).toBe('pending');
  });

  it('approve releases to allocation; reject cancels with the reason; a decided order answers 409', async () => {
    const a = await order({ lines: [{ sku: 'REV-1', title: 'Thing', quantity: 51, unitPriceMinor: 1000 }] });
    const b = await order({ lines: [{ sku: 'REV-1', title: 'Thing', quantity: 52, unitPriceMinor: 1000 }] });
    expect((await t.api('POST', `/api/v1/orders/${b}/reject`, {})).status).toBe(400);
    const ap = await t.api('POST', `/api/v1/orders/${a}/approve`, { reason: 'called the customer' });
    expect(ap.status).toBe(200);
    const oa = await get(a);
    expect(oa.allocationStatus).toBe('pending');
    expect(oa.exceptions).not.toContain('review');
    expect(oa.timeline.at(-1)).toMatchObject({ kind: 'review_approved' });
    await runAllocationJob(t.hub.ctx, { sku: 'REV-1', includeBackordered: false });
    expect((await get(a)).allocationStatus).toBe('allocated');
    const rj = await t.api('POST', `/api/v1/orders/${b}/reject`, { reason: 'fraud' });
    expect(rj.status).toBe(200);
    const ob = await get(b);
    expect(ob).toMatchObject({ status: 'cancelled', allocationStatus: 'not_required' });
    expect(ob.timeline.at(-1)).toMatchObject({ kind: 'review_rejected', data: { reason: 'fraud' } });
    expect((await t.api('POST', `/api/v1/orders/${a}/approve`, {})).status).toBe(409);
    expect((await t.api('POST', `/api/v1/orders/${b}/reject`, { reason: 'again' })).status).toBe(409);
    expect((await t.api('POST', '/api/v1/orders/00000000-0000-0000-0000-000000000000/approve', {})).status).toBe(404);
  });

  it('bulk approve decides the held ones and reports the rest', async () => {
    const held = await order({ lines: [{ sku: 'REV-1', title: 'Thing', quantity: 70, unitPriceMinor: 1000 }] });
    const free = await order();
    const r = await t.api('POST', '/api/v1/review/approve', { ids: [held, free] });
    expect(r.status).toBe(200);
    expect(r.body.done).toEqual([held]);
    expect(r.body.skipped).toEqual([{ id: free, allocationStatus: 'pending', status: 'open' }]);
  });

  it('the credit-limit rule is skipped without a source and applied through a registered one', async () => {
    const before = await order({ customer: { email: 'b2b@example.com' } });
    expect((await get(before)).allocationStatus).toBe('review'); // first order only
    registerCreditLimitSource({
      async overLimit(_tx, orders) {
        return new Map(orders.filter((o) => o.customerEmail === 'b2b@example.com').map((o) => [o.id, 'over by 10.00']));
      },
    });
    const over = await order({ customer: { email: 'b2b@example.com' } });
    const hold = (await get(over)).timeline.find((e: { kind: string }) => e.kind === 'review_hold');
    expect(hold.data.reasons).toEqual(['credit_limit']);
    registerCreditLimitSource(null);
  });

  it('with review disabled nothing is held', async () => {
    expect((await t.api('PUT', '/api/v1/review/settings', { enabled: false, totalAbove: { USD: 1 } })).status).toBe(200);
    const id = await order({ customer: { email: 'another.new@example.com' } });
    expect((await get(id)).allocationStatus).toBe('pending');
  });
});
