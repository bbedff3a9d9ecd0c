import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyPayoutToInput, shopifyTransactionToLine } from '../../connectors/shopify/payouts-transform';
import { ingestPayout } from '../../src/finance/ingest-payout';
import { createTestHub, waitFor, type TestHub } from '../helpers/hub';
import { createOrder, fixture, insertConnection, sandboxConnection } from './finance.helpers';

/**
 * The job path, with workers running (embedded queue, or BullMQ on Redis with real servers): a stored
 * payout is reconciled by `payout.reconcile`; an order arriving later through the inbox triggers
 * `finance.late-orders`, which reconciles the payout again.
 */
let t: TestHub;
let shop: string;
const rows = fixture<{ transactions: any[] }>('shopify/balance_transactions.json').transactions;
const row = (id: number) => rows.find((r) => r.id === id)!;

beforeAll(async () => {
  t = await createTestHub({ workers: true });
  shop = await insertConnection(t, 'shopify', { shopDomain: 'jobs.test' });
  const orders = await sandboxConnection(t);
  await t.api('PUT', `/api/v1/finance/settings/${shop}`, { orderConnectionIds: [orders], settlementWindowDays: 7 });
});
afterAll(() => t?.close());

const payoutState = async (id: string) => (await t.api('GET', `/api/v1/payouts/${id}`)).body;

describe('finance jobs', () => {
  it('reconciles a stored payout through the queue, and again when its missing order arrives', async () => {
    // Charge 567994517 (order 217130470, 11.50) whose order is not in the inbox yet.
    const { payoutId } = await ingestPayout(t.hub.ctx, {
      connectionId: shop, source: 'shopify_payments',
      payout: shopifyPayoutToInput({ ...fixture('shopify/payout.json').payout, amount: '10.85' }), lines: [shopifyTransactionToLine(row(567994517))],
    });
    const first = await waitFor(async () => {
      const p = await payoutState(payoutId);
      return p.reconciliation !== 'pending' && p;
    }, 20_000, 'first reconciliation');
    expect(first.breaks.map((b: any) => [b.class, b.status])).toEqual([['order_not_found', 'open']]);
    // The order comes in by webhook; the workers drain it and reconcile the payout again.
    await createOrder(t, '217130470', 1150, 'USD', 'paid', '2014-01-21T18:00:00Z', false);
    const after = await waitFor(async () => {
      const p = await payoutState(payoutId);
      return p.reconciliation === 'clean' && p;
    }, 20_000, 'late-order reconciliation');
    expect(after.breaks.map((b: any) => [b.class, b.status])).toEqual([['order_not_found', 'resolved']]);
    expect(after.lines[0].matchedOrder.externalId).toBe('217130470');
    const settled = await t.api('GET', `/api/v1/orders/${after.lines[0].matchedOrder.id}/settlements`);
    expect(settled.body.items).toEqual([expect.objectContaining({ payoutExternalId: '623721858', amountMinor: 1150, feeMinor: 65, netMinor: 1085 })]);
  }, 60_000);

  it('raises unsettled_order for a paid order no payout settled within the window', async () => {
    const id = await createOrder(t, 'NEVER-PAID-OUT', 4200, 'USD', 'paid', '2020-01-01T00:00:00Z');
    const { payoutId } = await ingestPayout(t.hub.ctx, {
      connectionId: shop, source: 'shopify_payments',
      payout: { externalId: 'empty-1', status: 'paid', amountMinor: 0, currency: 'USD', arrivalDate: '2020-02-01' }, lines: [],
    });
    const b = await waitFor(async () => {
      const r = await t.api('GET', `/api/v1/discrepancies?class=unsettled_order&connectionId=${shop}`);
      return r.body.items.find((x: any) => x.orderId === id);
    }, 20_000, 'unsettled_order break');
    expect(b).toMatchObject({ payoutId: null, expectedMinor: 4200, actualMinor: 0, deltaMinor: -4200, status: 'open' });
    expect(payoutId).toBeTruthy();
  }, 60_000);
});
