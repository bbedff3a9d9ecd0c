import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertMinor } from '../../src/domain/fx';
import { isBalanced, payoutPostings } from '../../src/domain/ledger';
import { reconcilePayout, MatchRules, type RecLine, type RecOrder } from '../../src/domain/reconciliation';
import { ingestPayout } from '../../src/finance/ingest-payout';
import { reconcile } from '../../src/finance/reconcile-payout';
import { createTestHub, type TestHub } from '../helpers/hub';
import { insertConnection } from './finance.helpers';

/** Random payouts: orders, their charges (some off by a little), partial refunds, disputes, unknown types, fees. */
const scenario = fc.record({
  currency: fc.constantFrom('USD', 'JPY', 'KWD'),
  orders: fc.array(fc.record({ total: fc.integer({ min: 1, max: 500_000 }), known: fc.boolean(), chargeDelta: fc.constantFrom(0, 0, 0, 1, -250) }), { minLength: 1, maxLength: 8 }),
  refunds: fc.array(fc.record({ order: fc.nat(), part: fc.integer({ min: 1, max: 100 }), fee: fc.integer({ min: -50, max: 0 }) }), { maxLength: 4 }),
  disputes: fc.array(fc.record({ order: fc.nat(), fee: fc.integer({ min: 0, max: 2000 }) }), { maxLength: 2 }),
  others: fc.array(fc.record({ type: fc.constantFrom('adjustment', 'reserve', 'mystery_type'), amount: fc.integer({ min: -10_000, max: 10_000 }) }), { maxLength: 3 }),
  feeBps: fc.integer({ min: 0, max: 400 }),
  feeNoise: fc.constantFrom(0, 0, 1),
  payoutDrift: fc.constantFrom(0, 0, 0, 7, -13),
  status: fc.constantFrom('paid', 'paid', 'in_transit', 'failed', 'scheduled'),
});

function build(s: any) {
  const orders: RecOrder[] = s.orders.map((o: any, i: number) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, externalId: `O${i}`, number: `#N${i}`, totalMinor: o.total,
    currency: s.currency, financialStatus: 'paid', placedAt: '2026-01-01T00:00:00.000Z',
  }));
  const lines: RecLine[] = [];
  const mk = (id: string, category: RecLine['category'], type: string, amount: number, fee: number, order: string | null, chargeId = `ch_${id}`): RecLine => ({
    id: `00000000-0000-4000-9000-${String(lines.length).padStart(12, '0')}`, externalId: id, type, category, amountMinor: amount, feeMinor: fee,
    netMinor: amount - fee, currency: s.currency, sourceOrderId: order, chargeId, exchangeRate: null, processedAt: '2026-01-01T00:00:00.000Z',
  });
  s.orders.forEach((o: any, i: number) => {
    const amount = o.total + o.chargeDelta > 0 ? o.total + o.chargeDelta : o.total;
    const fee = Math.round((amount * s.feeBps) / 10_000) + s.feeNoise;
    // Each exact key in turn: the order's external id, its number (without the '#'), or the charge id.
    if (i % 3 === 0) lines.push(mk(`c${i}`, 'charge', 'charge', amount, fee, `O${i}`));
    else if (i % 3 === 1) lines.push(mk(`c${i}`, 'charge', 'charge', amount, fee, `N${i}`));
    else lines.push(mk(`c${i}`, 'charge', 'charge', amount, fee, null, `O${i}`));
  });
  s.refunds.forEach((r: any, j: number) => {
    const i = r.order % orders.length;
    lines.push(mk(`r${j}`, 'refund', 'refund', -Math.max(1, Math.floor((orders[i]!.totalMinor * r.part) / 100)), r.fee, `O${i}`));
  });
  s.disputes.forEach((d: any, j: number) => lines.push(mk(`d${j}`, 'dispute', 'dispute', -orders[d.order % orders.length]!.totalMinor, d.fee, `O${d.order % orders.length}`)));
  s.others.forEach((x: any, j: number) => lines.push(mk(`x${j}`, x.type === 'mystery_type' ? 'unknown' : (x.type as RecLine['category']), x.type, x.amount, 0, null)));
  const known = orders.filter((_, i) => s.orders[i].known);
  const net = lines.reduce((a, l) => a + l.netMinor, 0);
  return { orders, known, lines, payoutAmount: net + s.payoutDrift };
}

describe('ledger and reconciliation invariants (property)', () => {
  it('for random orders, refunds and fees: every journal balances and every cent is matched or in a break', () => {
    fc.assert(fc.property(scenario, (s: any) => {
      const { known, lines, payoutAmount } = build(s);
      const ordersByKey = new Map<string, RecOrder[]>();
      for (const o of known) {
        ordersByKey.set(o.externalId, [o]);
        ordersByKey.set(`number:${o.number}`, [o]);
      }
      const rules = MatchRules.parse({ feeSchedule: { percentBps: s.feeBps, fixedMinor: 0 } });
      const res = reconcilePayout({
        payout: { id: 'p', amountMinor: payoutAmount, currency: s.currency, status: s.status, manual: false },
        lines, ordersByKey, candidates: [], settledElsewhere: new Map(), chargeKeysElsewhere: new Map(), rules,
      });
      // Every line is explained: matched to an order, classified by its category, or referenced by a break.
      const inBreak = new Set(res.breaks.map((b) => b.lineId));
      for (const m of res.matches) expect(m.orderId !== null || m.rule === 'classified' || inBreak.has(m.lineId)).toBe(true);
      // The payout total: Σ net plus the total-mismatch delta is exactly the payout amount.
      const total = res.breaks.find((b) => b.class === 'payout_total_mismatch');
      expect(res.linesNetMinor + (total ? total.actualMinor - total.expectedMinor : 0)).toBe(payoutAmount);
      for (const b of res.breaks) expect(Number.isSafeInteger(b.actualMinor - b.expectedMinor)).toBe(true);
      // Journals balance per currency, and the clearing account of the payout nets to Σ net − deposit.
      const entries = payoutPostings({
        payout: { externalId: 'p', amountMinor: payoutAmount, currency: s.currency, status: s.status, arrivalDate: '2026-01-02', manual: false },
        lines: lines.map((l) => ({ ...l, orderCurrency: s.currency })), bookedRates: {},
      });
      for (const e of entries) expect(isBalanced(e.lines)).toBe(true);
      const clearing = entries.flatMap((e) => e.lines).filter((l) => l.role === 'clearing').reduce((a, l) => a + l.debitMinor - l.creditMinor, 0);
      const deposited = entries.some((e) => e.kind === 'deposit');
      expect(clearing).toBe(res.linesNetMinor - (deposited ? payoutAmount : 0));
    }), { numRuns: 400 });
  });

  it('converts across exponents exactly (EUR→JPY, JPY→USD, USD→KWD)', () => {
    expect(convertMinor(10000, 'EUR', 'JPY', '161.5')).toBe(16150);
    expect(convertMinor(1500, 'JPY', 'USD', '0.0067')).toBe(1005);
    expect(convertMinor(10000, 'USD', 'KWD', '0.3071')).toBe(30710);
    expect(convertMinor(-5, 'USD', 'USD', '0.5')).toBe(-3); // half away from zero
  });
});

describe('the database enforces balanced journal entries', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub({ queue: 'embedded' });
  });
  afterAll(() => t?.close());

  /** drizzle wraps the driver's error ("Failed query: commit"); the trigger's message is in the cause. */
  async function expectUnbalanced(p: Promise<unknown>): Promise<void> {
    const err = await p.then(() => null, (e: any) => e);
    expect(err).not.toBeNull();
    expect(`${err.message} ${err.cause?.message ?? ''}`).toMatch(/does not balance/);
  }

  async function account(role: string): Promise<string> {
    const r = await t.hub.ctx.db.execute(sql`select id from ledger_accounts where role = ${role} and connection_id is null`);
    return String((r.rows[0] as { id: string }).id);
  }

  it('rejects an unbalanced entry at commit and accepts a balanced one', async () => {
    const [bank, sales] = [await account('bank'), await account('sales')];
    const attempt = (credit: number, key: string) => t.hub.ctx.db.transaction(async (tx) => {
      const e = await tx.execute(sql`insert into journal_entries (kind, dedupe_key, entry_date, memo, fingerprint) values ('manual', ${key}, '2026-01-01', 'test', '') returning id`);
      const id = (e.rows[0] as { id: string }).id;
      await tx.execute(sql`insert into journal_lines (entry_id, position, account_id, debit_minor, currency) values (${id}, 0, ${bank}, 1000, 'USD')`);
      // Deferred: the half-written entry is allowed until COMMIT.
      await tx.execute(sql`insert into journal_lines (entry_id, position, account_id, credit_minor, currency) values (${id}, 1, ${sales}, ${credit}, 'USD')`);
    });
    await expectUnbalanced(attempt(999, 'unbalanced'));
    const none = await t.hub.ctx.db.execute(sql`select count(*)::int as n from journal_entries where dedupe_key = 'unbalanced'`);
    expect(Number((none.rows[0] as { n: number }).n)).toBe(0);
    await attempt(1000, 'balanced');
    // Balanced in total but across two currencies is still unbalanced per currency.
    await expectUnbalanced(t.hub.ctx.db.transaction(async (tx) => {
      const e = await tx.execute(sql`insert into journal_entries (kind, dedupe_key, entry_date, memo, fingerprint) values ('manual', 'mixed', '2026-01-01', 'x', '') returning id`);
      const id = (e.rows[0] as { id: string }).id;
      await tx.execute(sql`insert into journal_lines (entry_id, position, account_id, debit_minor, currency) values (${id}, 0, ${bank}, 1000, 'USD')`);
      await tx.execute(sql`insert into journal_lines (entry_id, position, account_id, credit_minor, currency) values (${id}, 1, ${sales}, 1000, 'EUR')`);
    }));
    // Editing a posted line out of balance is refused too.
    await expectUnbalanced(t.hub.ctx.db.execute(sql`update journal_lines set debit_minor = 1 where position = 0 and entry_id = (select id from journal_entries where dedupe_key = 'balanced')`));
  });

  it('random payouts reconciled in the database: all journals balance and every line is explained', async () => {
    const conn = await insertConnection(t, 'shopify', { shopDomain: 'prop.test' });
    await fc.assert(fc.asyncProperty(scenario, fc.nat(), async (s: any, salt: number) => {
      const { lines, payoutAmount } = build(s);
      const ext = `prop-${salt}-${Math.random().toString(36).slice(2)}`;
      const { payoutId } = await ingestPayout(t.hub.ctx, {
        connectionId: conn, source: 'shopify_payments',
        payout: { externalId: ext, status: s.status, amountMinor: payoutAmount, currency: s.currency, arrivalDate: '2026-01-02' },
        lines: lines.map((l) => ({ ...l, externalId: `${ext}-${l.externalId}`, chargeId: `${ext}-${l.chargeId}` })),
      });
      await reconcile(t.hub.ctx, { payoutId });
      const unexplained = await t.hub.ctx.db.execute(sql`
        select count(*)::int as n from payout_lines l where l.payout_id = ${payoutId} and l.matched_order_id is null
          and l.match_rule is distinct from 'classified' and not exists (select 1 from finance_breaks b where b.line_id = l.id)`);
      expect(Number((unexplained.rows[0] as { n: number }).n)).toBe(0);
      const unbalanced = await t.hub.ctx.db.execute(sql`
        select count(*)::int as n from (select entry_id from journal_lines group by entry_id, currency having sum(debit_minor) <> sum(credit_minor)) x`);
      expect(Number((unbalanced.rows[0] as { n: number }).n)).toBe(0);
    }), { numRuns: 15 });
  }, 120_000);

  it('the set-based SQL path and the in-memory rules agree: after either one, the other finds nothing to change', async () => {
    const conn = await insertConnection(t, 'shopify', { shopDomain: 'parity.test' });
    // Orders written straight to the table (hundreds per run; the inbox path is covered elsewhere).
    await fc.assert(fc.asyncProperty(scenario, fc.boolean(), async (s: any, bulkFirst: boolean) => {
      const { orders, known, lines, payoutAmount } = build(s);
      const ext = `par-${Math.random().toString(36).slice(2)}`;
      for (const o of known) {
        await t.hub.ctx.db.execute(sql`
          insert into orders (connection_id, channel, external_id, number, status, financial_status, fulfillment_status, currency,
                              subtotal_minor, tax_minor, shipping_minor, discount_minor, total_minor, placed_at, source_updated_at)
          values (${conn}, 'shopify', ${`${ext}-${o.externalId}`}, ${`#${ext}-${o.number.slice(1)}`}, 'open', 'paid', 'unfulfilled', ${o.currency},
                  ${o.totalMinor}, 0, 0, 0, ${o.totalMinor}, ${o.placedAt}, ${o.placedAt})`);
      }
      expect(orders.length).toBeGreaterThan(0);
      // The fuzzy rules (amount + date window) exist only in memory: keep them out of reach here (no
      // order is placed within 0 days of a line), so both paths see the same exact-key problem.
      await t.api('PUT', `/api/v1/finance/settings/${conn}`, { rules: { feeSchedule: { percentBps: s.feeBps, fixedMinor: 0 }, dateWindowDays: 0 } });
      const { payoutId } = await ingestPayout(t.hub.ctx, {
        connectionId: conn, source: 'shopify_payments',
        payout: { externalId: ext, status: s.status, amountMinor: payoutAmount, currency: s.currency, arrivalDate: '2026-01-02' },
        lines: lines.map((l) => ({ ...l, externalId: `${ext}-${l.externalId}`, chargeId: `${ext}-${l.chargeId}`, sourceOrderId: l.sourceOrderId ? `${ext}-${l.sourceOrderId}` : null, processedAt: '2025-06-01T00:00:00.000Z' })),
      });
      const first = bulkFirst ? 'bulk' : 'memory';
      const second = bulkFirst ? 'memory' : 'bulk';
      const a = await reconcile(t.hub.ctx, { payoutId, strategy: first });
      const b = await reconcile(t.hub.ctx, { payoutId, strategy: second, dryRun: true });
      const norm = (r: typeof a) => r.breaks.map((x) => ({ ...x })).sort((p, q) => p.id.localeCompare(q.id));
      expect(norm(b)).toEqual(norm(a));
      expect(b.changes.breaksAdded).toEqual([]);
      expect(b.changes.breaksChanged).toEqual([]);
      expect(b.changes.breaksCleared).toEqual([]);
      expect(b.changes.journals).toEqual([]);
      expect(b.changes.matchesChanged ?? b.changes.matches.length).toBe(0);
    }), { numRuns: 25 });
    // Every exact key was exercised by both paths.
    const used = await t.hub.ctx.db.execute(sql`select distinct match_rule from payout_lines where match_rule is not null order by 1`);
    expect((used.rows as Array<{ match_rule: string }>).map((r) => r.match_rule)).toEqual(['charge_id', 'classified', 'external_id', 'number']);
  }, 180_000);
});
