import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCustomers } from '../../src/customers/resolve-customers';
import { createTestHub, type TestHub } from '../helpers/hub';

/** Order review's credit-limit rule fed by the customers module: B2B limits, open unpaid orders counted. */
let t: TestHub;

const order = async (email: string, unitPriceMinor: number, financialStatus = 'pending') => {
  const r = await t.api('POST', '/api/v1/orders', {
    currency: 'USD', financialStatus, customer: { name: 'Wholesale Buyer', email },
    lines: [{ sku: 'CASE-12', title: 'Case of 12', quantity: 1, unitPriceMinor }],
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const get = async (id: string) => (await t.api('GET', `/api/v1/orders/${id}`)).body;

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
});
afterAll(() => t?.close());

describe('credit limits in order review', () => {
  it('holds the order that takes a B2B customer over its limit (unpaid open orders count), not the one within it', async () => {
    const first = await order(' Buyer@Wholesale.example ', 30_000);
    await resolveCustomers(t.hub.ctx, { orderIds: [first] });
    const customers = await t.api('GET', '/api/v1/customers?q=wholesale.example');
    const id = customers.body.items[0].id as string;
    expect((await t.api('PATCH', `/api/v1/customers/${id}`, { b2b: true, creditTermsDays: 30, creditLimit: { amountMinor: 50_000, currency: 'USD' } })).status).toBe(200);
    expect((await t.api('PUT', '/api/v1/review/settings', { enabled: true, creditLimit: true })).status).toBe(200);
    // 300.00 open and unpaid + 150.00 = 450.00 ≤ 500.00: not held.
    const within = await order('buyer@wholesale.example', 15_000);
    expect((await get(within)).allocationStatus).toBe('pending');
    await resolveCustomers(t.hub.ctx, { orderIds: [within] });
    // 450.00 + 100.00 = 550.00 > 500.00: held for review, with the reason in the timeline.
    const over = await order('BUYER@wholesale.example', 10_000);
    const o = await get(over);
    expect(o.allocationStatus).toBe('review');
    const hold = o.timeline.find((e: { kind: string }) => e.kind === 'review_hold');
    expect(hold.data.reasons).toEqual(['credit_limit']);
    // A paid order does not count as exposure; another customer without a limit is never held for credit.
    const other = await order('someone@else.example', 90_000);
    expect((await get(other)).allocationStatus).toBe('pending');
  });
});
