import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBudgets, registerCommitmentSource } from '../../src/finance/budgets';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
let n = 0;
const expense = (date: string, amount: string, code = '6600', currency = 'USD') => t.api('POST', '/api/v1/journals/manual', {
  date, memo: `ad spend ${++n}`, reference: `ads-${n}`,
  lines: [{ accountCode: code, debit: amount, currency }, { accountCode: '1000', credit: amount, currency }],
});
const deliveries = async () => (await t.hub.ctx.db.execute(sql`select payload from webhook_deliveries where event_type = 'budget.threshold_reached' order by created_at`)).rows
  .map((r: any) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload).data);

describe('budgets', () => {
  beforeAll(async () => {
    t = await createTestHub({ queue: 'embedded' });
    const sub = await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://hooks.example.test/omnihub', events: ['budget.threshold_reached'] });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  });
  afterAll(async () => t.close());

  it('fires each threshold exactly once per budget month, with actual + committed', async () => {
    const b = await t.api('POST', '/api/v1/budgets', {
      name: 'Marketing', scope: { kind: 'account', value: '6600' }, currency: 'USD',
      periods: [{ month: '2026-03', amountMinor: 100_000 }, { month: '2026-04', amountMinor: 100_000 }],
    });
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    const id = b.body.id as string;
    expect((await expense('2026-03-03', '500.00')).status).toBe(201);
    expect((await checkBudgets(t.hub.ctx, { month: '2026-03' })).fired).toEqual([]);
    expect((await expense('2026-03-10', '299.99')).status).toBe(201);
    expect((await checkBudgets(t.hub.ctx, { month: '2026-03' })).fired).toEqual([]); // 79.999 %
    expect((await expense('2026-03-11', '0.01')).status).toBe(201); // exactly 80 %
    // Concurrent checks: the unique key lets one of them fire.
    const runs = await Promise.all([1, 2, 3].map(() => checkBudgets(t.hub.ctx, { month: '2026-03' })));
    expect(runs.flatMap((r) => r.fired)).toEqual([{ budgetId: id, threshold: 80 }]);
    expect((await checkBudgets(t.hub.ctx, { month: '2026-03' })).fired).toEqual([]);

    // Committed spend (open POs, from the purchasing module's source) counts toward 100 %.
    const off = registerCommitmentSource(async (_ctx, q) => (q.scope.value === '6600' && q.month === '2026-03' ? 20_000 : 0));
    try {
      expect((await checkBudgets(t.hub.ctx, { month: '2026-03' })).fired).toEqual([{ budgetId: id, threshold: 100 }]);
      const list = await t.api('GET', '/api/v1/budgets?month=2026-03');
      expect(list.body.items[0]).toMatchObject({ budgetMinor: 100_000, actualMinor: 80_000, committedMinor: 20_000, usedPercent: 100, alertsFired: [80, 100] });
    } finally {
      off();
    }
    // More spending the same month fires nothing new; another month starts afresh.
    expect((await expense('2026-03-20', '1000.00')).status).toBe(201);
    expect((await checkBudgets(t.hub.ctx, { month: '2026-03' })).fired).toEqual([]);
    expect((await expense('2026-04-02', '1000.00')).status).toBe(201);
    expect((await checkBudgets(t.hub.ctx, { month: '2026-04' })).fired).toEqual([{ budgetId: id, threshold: 80 }, { budgetId: id, threshold: 100 }]);

    const events = await deliveries();
    expect(events.map((e: any) => `${e.month}:${e.threshold}`)).toEqual(['2026-03:80', '2026-03:100', '2026-04:80', '2026-04:100']);
    expect(events[0]).toMatchObject({ budgetId: id, actualMinor: 80_000, committedMinor: 0, budgetMinor: 100_000, currency: 'USD' });
    const alerts = await t.api('GET', '/api/v1/budgets/alerts');
    expect(alerts.body.items).toHaveLength(4);
  });

  it('budgets a whole role in its own currency, converting postings in others at their day\'s rate', async () => {
    expect((await t.api('PUT', '/api/v1/fx-rates', { date: '2026-05-01', base: 'EUR', quote: 'USD', rate: '1.25' })).status).toBe(200);
    const b = await t.api('POST', '/api/v1/budgets', { name: 'Operating', scope: { kind: 'role', value: 'operating_expenses' }, currency: 'USD', thresholds: [50], periods: [{ month: '2026-05', amountMinor: 10_000 }] });
    expect(b.status).toBe(201);
    expect((await expense('2026-05-05', '40.00', '6500', 'EUR')).status).toBe(201); // 50.00 USD
    const r = await checkBudgets(t.hub.ctx, { month: '2026-05' });
    expect(r.fired).toEqual([{ budgetId: b.body.id, threshold: 50 }]);
    const bad = await t.api('POST', '/api/v1/budgets', { name: 'X', scope: { kind: 'account', value: 'nope' }, currency: 'USD' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('scope.value');
  });
});
