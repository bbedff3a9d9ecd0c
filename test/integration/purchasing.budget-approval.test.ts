import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBudgets } from '../../src/finance/budgets';
import { createTestHub, type TestHub, expectOk } from '../helpers/hub';

/**
 * Budgets ↔ purchase orders (registered when the hub opens): open POs count as committed on a
 * purchases (inventory) budget, and sending a draft PO that would take that budget past 100 % needs
 * a person's approval, with the budget and its figures in the reason.
 */
let t: TestHub;
let month: string;
let today: string;

const ok = expectOk;
const draft = (unitCostMinor: number, supplier = 'BUD') => ok(t.api('POST', '/api/v1/purchase-orders', { supplier, lines: [{ sku: 'BUD-TEE', quantity: 10, unitCostMinor, warehouse: 'WH-B' }] }));
const stockBudget = async () => (await ok(t.api('GET', `/api/v1/budgets?month=${month}`))).items.find((b: any) => b.name === 'Stock purchases');

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  today = t.hub.ctx.now().toISOString().slice(0, 10);
  month = today.slice(0, 7);
  await ok(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD' }));
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'WH-B', name: 'Budget WH', priority: 1 }));
  await ok(t.api('POST', '/api/v1/products', { sku: 'BUD-TEE', title: 'Tee' }));
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'BUD', name: 'Budget Supplies', currency: 'USD' }));
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'BUD-EU', name: 'Budget Europe', currency: 'EUR' }));
  await ok(t.api('PUT', '/api/v1/fx-rates', { date: today, base: 'EUR', quote: 'USD', rate: '1.5' }));
  // 1 000.00 USD a month for stock; 200.00 already bought (billed) this month.
  await ok(t.api('POST', '/api/v1/budgets', { name: 'Stock purchases', scope: { kind: 'role', value: 'inventory' }, currency: 'USD', periods: [{ month, amountMinor: 100_000 }] }));
  await ok(t.api('POST', '/api/v1/journals/manual', { date: today, memo: 'Stock bought', reference: 'stock-1', lines: [{ accountCode: '1300', debit: '200.00', currency: 'USD' }, { accountCode: '1000', credit: '200.00', currency: 'USD' }] }));
});
afterAll(async () => t?.close());

describe('budget → purchase order approval', () => {
  it('counts open POs as committed (drafts and cancelled ones not), converted to the budget currency', async () => {
    expect(await stockBudget()).toMatchObject({ actualMinor: 20_000, committedMinor: 0 });
    const po = await draft(3_000); // 300.00 USD
    expect((await stockBudget()).committedMinor).toBe(0);
    await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/send`));
    expect((await stockBudget()).committedMinor).toBe(30_000);
    const cancelled = await draft(1_000);
    await ok(t.api('POST', `/api/v1/purchase-orders/${cancelled.id}/approve`));
    expect((await stockBudget()).committedMinor).toBe(40_000);
    await ok(t.api('POST', `/api/v1/purchase-orders/${cancelled.id}/cancel`, {}));
    expect((await stockBudget()).committedMinor).toBe(30_000);
  });

  it('a PO within the budget is approved by rule and sent; one past 100 % needs approval with the budget and figures', async () => {
    // 200 actual + 300 committed + 400 = 900 of 1 000: within.
    const under = await draft(4_000);
    const sent = await t.api('POST', `/api/v1/purchase-orders/${under.id}/send`);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.status).toBe('sent');
    expect((await stockBudget()).committedMinor).toBe(70_000);

    // 200 + 700 + EUR 100.00 at 1.5 (150.00) = 1 050 of 1 000: over.
    const over = await draft(1_000, 'BUD-EU');
    const refused = await t.api('POST', `/api/v1/purchase-orders/${over.id}/send`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('approval_required');
    expect(refused.body.detail).toContain(`budget "Stock purchases" for ${month}: actual 200.00 + committed 700.00 + this PO 150.00 = 1050.00 USD exceeds 1000.00 USD (105 %)`);
    expect((await ok(t.api('GET', `/api/v1/purchase-orders/${over.id}`))).status).toBe('draft');
    // A person approves it explicitly; then it can be sent, and the budget alerts see it committed.
    await ok(t.api('POST', `/api/v1/purchase-orders/${over.id}/approve`));
    await ok(t.api('POST', `/api/v1/purchase-orders/${over.id}/send`));
    expect(await stockBudget()).toMatchObject({ actualMinor: 20_000, committedMinor: 85_000, usedPercent: 105 });
    const fired = await checkBudgets(t.hub.ctx, { month });
    expect(fired.fired.map((f) => f.threshold).sort((a, b) => a - b)).toEqual([80, 100]);
  });

  it('a budget on another account has no say on POs', async () => {
    await ok(t.api('POST', '/api/v1/budgets', { name: 'Ads', scope: { kind: 'account', value: '6600' }, currency: 'USD', periods: [{ month, amountMinor: 1 }] }));
    await ok(t.api('PUT', `/api/v1/budgets/${(await stockBudget()).id}/periods`, [{ month, amountMinor: 10_000_000 }]));
    const po = await draft(5_000);
    const sent = await t.api('POST', `/api/v1/purchase-orders/${po.id}/send`);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  });
});
