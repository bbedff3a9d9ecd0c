import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyPayoutToInput, shopifyTransactionToLine } from '../../connectors/shopify/payouts-transform';
import { ingestPayout } from '../../src/finance/ingest-payout';
import { reconcile } from '../../src/finance/reconcile-payout';
import { createTestHub, type TestHub } from '../helpers/hub';
import { createOrder, fixture, insertConnection } from './finance.helpers';

/**
 * Per-order journals: each settled order gets its own settlement entry; lines that settle no order
 * stay in the payout's summary entry; switching modes reverses what no longer fits (never edits).
 */
let t: TestHub;
let shop: string;
let payoutId: string;
// Two orders' charges, refunds and adjustments, plus one payout-level adjustment (no order).
const IDS = [515523000, 1006917261, 482793472, 382557793, 843310825, 201521674, 758509248];

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  shop = await insertConnection(t, 'shopify', { shopDomain: 'per-order.test' });
  await createOrder(t, '217130470', 1150);
  await createOrder(t, '625362839', 1150);
  const rows = fixture<{ transactions: any[] }>('shopify/balance_transactions.json').transactions.filter((r) => IDS.includes(r.id));
  const lines = rows.map(shopifyTransactionToLine);
  const net = lines.reduce((s, l) => s + l.netMinor, 0);
  expect(net).toBe(1517);
  ({ payoutId } = await ingestPayout(t.hub.ctx, {
    connectionId: shop, source: 'shopify_payments', payout: shopifyPayoutToInput({ ...fixture('shopify/payout.json').payout, amount: '15.17' }), lines,
  }));
});
afterAll(() => t?.close());

async function posted() {
  const r = await t.hub.ctx.db.execute(sql`
    select e.id, e.kind, e.group_key, a.role, sum(l.debit_minor - l.credit_minor)::int as signed
    from journal_entries e join journal_lines l on l.entry_id = e.id join ledger_accounts a on a.id = l.account_id
    where e.payout_id = ${payoutId} and e.status = 'posted' and e.kind in ('settlement', 'deposit')
    group by e.id, e.kind, e.group_key, a.role order by e.kind, e.group_key, a.role`);
  return r.rows as Array<{ id: string; kind: string; group_key: string; role: string; signed: number }>;
}

const clearingOfPayout = async () => Number(((await t.hub.ctx.db.execute(sql`
  select coalesce(sum(l.debit_minor - l.credit_minor), 0)::int as n from journal_lines l
  join journal_entries e on e.id = l.entry_id join ledger_accounts a on a.id = l.account_id
  where e.payout_id = ${payoutId} and a.role = 'clearing'`)).rows[0] as { n: number }).n);

describe('per-order journals', () => {
  it('post one settlement entry per settled order, a summary for payout-level lines, and the deposit', async () => {
    expect((await t.api('PUT', `/api/v1/finance/settings/${shop}`, { journalMode: 'per_order' })).status).toBe(200);
    await reconcile(t.hub.ctx, { payoutId });
    const rows = await posted();
    const orderIds = (await t.hub.ctx.db.execute(sql`select id, external_id from orders`)).rows as Array<{ id: string; external_id: string }>;
    const idOf = (ext: string) => orderIds.find((o) => o.external_id === ext)!.id;
    const entry = (kind: string, group: string) => Object.fromEntries(rows.filter((r) => r.kind === kind && r.group_key === group).map((r) => [r.role, r.signed]));
    // Order 217130470: charge 11.50 (fee 0.65), refund 3.45 → clearing 7.40. (Its adjustments are not
    // matched to the order by reconciliation, so they stay with the payout-level lines.)
    expect(entry('settlement', `order:${idOf('217130470')}`)).toEqual({ sales: -1150, refunds: 345, fees: 65, clearing: 740 });
    // Order 625362839: charge 11.50 (fee 0.63), refund 2.00 → clearing 8.87.
    expect(entry('settlement', `order:${idOf('625362839')}`)).toEqual({ sales: -1150, refunds: 200, fees: 63, clearing: 887 });
    // Payout-level: adjustments +0.45 +0.20 −1.50; the −1.50 line says fee −0.25 and net −1.75, so
    // amount − fee ≠ net by 0.50, which waits in suspense (as in summary mode).
    expect(entry('settlement', '')).toEqual({ adjustments: 85, fees: -25, suspense: 50, clearing: -110 });
    expect(entry('deposit', '')).toEqual({ bank: 1517, clearing: -1517 });
    expect(await clearingOfPayout()).toBe(0);
    // A re-run changes nothing.
    const again = await reconcile(t.hub.ctx, { payoutId });
    expect(again.changes.journals).toEqual([]);
  });

  it('switching back to summary reverses the per-order entries and posts one summary; the books still tie out', async () => {
    const before = await posted();
    await t.api('PUT', `/api/v1/finance/settings/${shop}`, { journalMode: 'summary' });
    const r = await reconcile(t.hub.ctx, { payoutId });
    expect(r.changes.journals.filter((j) => j.action === 'reverse')).toHaveLength(3);
    expect(r.changes.journals.filter((j) => j.action === 'post').map((j) => `${j.kind}|${j.groupKey}`)).toEqual(['settlement|']);
    const rows = await posted();
    expect(new Set(rows.map((x) => `${x.kind}|${x.group_key}`))).toEqual(new Set(['settlement|', 'deposit|']));
    // The summary entry carries the same totals per account as the per-order entries did together.
    const sum = (list: typeof rows) => {
      const m: Record<string, number> = {};
      for (const x of list.filter((y) => y.kind === 'settlement')) m[x.role] = (m[x.role] ?? 0) + x.signed;
      return m;
    };
    expect(sum(rows)).toEqual(sum(before));
    expect(await clearingOfPayout()).toBe(0);
  });
});
