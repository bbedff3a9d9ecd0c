import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeRfm, rfmSegment, runNightlyRfm } from '../../src/customers/compute-rfm';
import { produceFollowUps } from '../../src/customers/follow-ups';
import { createTestHub, type TestHub } from '../helpers/hub';
import { connection, seedOrders, type OrderSpec } from './customers.helpers';

let t: TestHub;
let shop: string;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 30, 12);

/**
 * Ten customers: customer i has i orders; its last order was `daysAgo[i]` days ago and carries
 * `value[i]` cents (its other orders are 0). Expected quintiles worked out by hand below.
 */
const daysAgo = [1, 200, 5, 400, 10, 100, 2, 300, 50, 3];
const value = [9000, 100, 5000, 200, 7000, 300, 10_000, 400, 8000, 600];
// Recency (oldest first): c4 c8 | c2 c6 | c9 c5 | c3 c10 | c7 c1. Frequency: 1 2 | 3 4 | 5 6 | 7 8 | 9 10.
// Monetary (smallest first): c2 c4 | c6 c8 | c10 c3 | c5 c9 | c1 c7.
const expected: Array<[number, number, number, string]> = [
  [5, 1, 5, 'new'], [2, 1, 1, 'lost'], [4, 2, 3, 'other'], [1, 2, 1, 'lost'], [3, 3, 4, 'loyal'],
  [2, 3, 2, 'at_risk'], [5, 4, 5, 'champions'], [1, 4, 2, 'at_risk'], [3, 5, 4, 'loyal'], [4, 5, 3, 'loyal'],
];

async function scoresOf(emails: string[]) {
  const r = await t.hub.ctx.db.execute(sql`select email, r_score, f_score, m_score, segment, order_count from customers
    where email = any(${`{${emails.join(',')}}`}::text[])`);
  const by = new Map((r.rows as Array<Record<string, any>>).map((x) => [x.email, x]));
  return emails.map((e) => by.get(e)!);
}

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  shop = await connection(t, 'Shop');
  const specs: OrderSpec[] = [];
  for (let i = 0; i < 10; i++) {
    const last = NOW - daysAgo[i]! * DAY;
    for (let k = 0; k <= i; k++) {
      specs.push({
        connectionId: shop, channel: 'shopify', customer: { email: `rfm${i + 1}@example.com` },
        placedAt: new Date(last - k * 3600_000).toISOString(), totalMinor: k === 0 ? value[i]! : 0,
      });
    }
  }
  // Cancelled and refunded orders count for nothing: without the rule, c2 would be the top spender and most recent.
  specs.push({ connectionId: shop, channel: 'shopify', customer: { email: 'rfm2@example.com' }, placedAt: new Date(NOW).toISOString(), totalMinor: 99_999_00, status: 'cancelled' });
  specs.push({ connectionId: shop, channel: 'shopify', customer: { email: 'rfm2@example.com' }, placedAt: new Date(NOW).toISOString(), totalMinor: 99_999_00, financialStatus: 'refunded' });
  await seedOrders(t, specs);
});
afterAll(() => t.close());

describe('RFM scores', () => {
  it('scores a known data set exactly, with the named segments', async () => {
    const ctx = { ...t.hub.ctx, now: () => new Date(NOW) };
    const r = await runNightlyRfm(ctx);
    expect(r.scored).toBe(10);
    const rows = await scoresOf(Array.from({ length: 10 }, (_, i) => `rfm${i + 1}@example.com`));
    expect(rows.map((x) => [x.r_score, x.f_score, x.m_score, x.segment])).toEqual(expected);
    expect(rows.map((x) => x.order_count)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The SQL CASE and the documented rule function agree.
    for (const x of rows) expect(rfmSegment(x.r_score, x.f_score, x.m_score, x.order_count)).toBe(x.segment);
  });

  it('is repeatable: a rerun changes no score and reports no segment change', async () => {
    const again = await computeRfm(t.hub.ctx);
    expect(again.changed).toEqual([]);
    const rows = await scoresOf(Array.from({ length: 10 }, (_, i) => `rfm${i + 1}@example.com`));
    expect(rows.map((x) => [x.r_score, x.f_score, x.m_score, x.segment])).toEqual(expected);
  });

  it('gives customers who behave the same the same scores (ties never split by ntile)', async () => {
    const at = new Date(NOW - 20 * DAY).toISOString();
    await seedOrders(t, ['twin1', 'twin2', 'twin3'].map((n) => ({ connectionId: shop, channel: 'shopify', customer: { email: `${n}@example.com` }, placedAt: at, totalMinor: 4242 })));
    await runNightlyRfm(t.hub.ctx);
    const twins = await scoresOf(['twin1@example.com', 'twin2@example.com', 'twin3@example.com']);
    expect(new Set(twins.map((x) => `${x.r_score}/${x.f_score}/${x.m_score}/${x.segment}`)).size).toBe(1);
    // Every one-order customer shares the lowest frequency score.
    const ones = await t.hub.ctx.db.execute(sql`select distinct f_score from customers where order_count = 1`);
    expect(ones.rows).toEqual([{ f_score: 1 }]);
  });

  it('publishes customer.segment_entered for the customers whose segment changed', async () => {
    const sub = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://hooks.example.com/x', events: ['customer.segment_entered'] });
    expect(sub.status).toBe(201);
    const before = (await scoresOf(['rfm4@example.com']))[0]!;
    expect(['lost', 'at_risk']).toContain(before.segment);
    // rfm4 (long gone) orders again, big: it becomes the most recent customer and leaves its segment.
    await seedOrders(t, [{ connectionId: shop, channel: 'shopify', customer: { email: 'rfm4@example.com' }, placedAt: new Date(NOW + DAY).toISOString(), totalMinor: 50_000 }]);
    const r = await runNightlyRfm(t.hub.ctx);
    const id4 = (await t.hub.ctx.db.execute(sql`select id from customers where email = 'rfm4@example.com'`)).rows[0] as { id: string };
    const c4 = r.changed.find((c) => c.customerId === id4.id);
    expect(c4).toBeDefined();
    const d = await t.hub.ctx.db.execute(sql`select payload from webhook_deliveries where event_type = 'customer.segment_entered'`);
    const payloads = (d.rows as Array<{ payload: any }>).map((x) => (typeof x.payload === 'string' ? JSON.parse(x.payload) : x.payload));
    expect(payloads.map((p) => p.data.customerId).sort()).toEqual(r.changed.map((c) => c.customerId).sort());
    expect(payloads.find((p) => p.data.customerId === c4!.customerId).data).toMatchObject({ previousSegment: before.segment, segment: c4!.segment });
    expect(c4!.segment).not.toBe(before.segment);
  });
});

describe('follow-up tasks', () => {
  it('makes no-order, birthday and follow-up tasks once per occasion; the team completes them', async () => {
    const today = new Date(NOW + 2 * DAY);
    const ctx = { ...t.hub.ctx, now: () => today };
    const c3 = (await t.hub.ctx.db.execute(sql`select id from customers where email = 'rfm3@example.com'`)).rows[0] as { id: string };
    await t.api('PATCH', `/api/v1/customers/${c3.id}`, { birthday: '1990-07-02', followUpOn: '2026-07-01' });
    const r = await produceFollowUps(ctx, { inactiveDays: 60 });
    const tasks = await t.hub.ctx.db.execute(sql`select t.kind, c.email from customer_tasks t join customers c on c.id = t.customer_id order by t.kind, c.email`);
    // Last orders 100, 200, 300 days ago (c6, c2, c8) lapse at 60 days; c4 ordered again.
    expect(tasks.rows).toEqual([
      { kind: 'birthday', email: 'rfm3@example.com' },
      { kind: 'follow_up', email: 'rfm3@example.com' },
      { kind: 'no_order', email: 'rfm2@example.com' },
      { kind: 'no_order', email: 'rfm6@example.com' },
      { kind: 'no_order', email: 'rfm8@example.com' },
    ]);
    expect(r.created).toBe(5);
    expect((await produceFollowUps(ctx, { inactiveDays: 60 })).created).toBe(0);

    const list = await t.api('GET', '/api/v1/customer-tasks?status=open&kind=no_order');
    expect(list.body.items).toHaveLength(3);
    const done = await t.api('POST', `/api/v1/customer-tasks/${list.body.items[0].id}/complete`);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');
    expect((await t.api('POST', `/api/v1/customer-tasks/${list.body.items[0].id}/complete`)).status).toBe(409);
    expect((await t.api('GET', '/api/v1/customer-tasks?status=open&kind=no_order')).body.items).toHaveLength(2);
    const manual = await t.api('POST', `/api/v1/customers/${c3.id}/tasks`, { title: 'Call about the wholesale order', dueOn: '2026-07-05' });
    expect(manual.status).toBe(201);
    expect(manual.body).toMatchObject({ kind: 'manual', status: 'open', dueOn: '2026-07-05' });
  });
});
