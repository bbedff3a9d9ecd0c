import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CATALOG } from '../../connectors/sandbox/generate';
import { SANDBOX_PAYOUT_ORDERS } from '../../connectors/sandbox/payouts';
import { runSync } from '../../src/connections/run-sync';
import { postStockMovements } from '../../src/finance/post-stock-movements';
import { pullPayouts } from '../../src/finance/pull-payouts';
import { pushListingStock } from '../../src/inventory/push-stock';
import { runDemoSupplier } from '../../src/purchasing/demo-supplier';
import { arrivesShort, DEMO_BANK_ACCOUNT, runDemoBank } from '../../src/finance/demo-bank';
import { replenishmentSuggestions } from '../../src/purchasing/replenishment';
import { reconcile } from '../../src/finance/reconcile-payout';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { ensureDemoConnection } from '../../src/main';
import { createTestHub, type TestHub } from '../helpers/hub';

/**
 * What `--demo` sets up besides the order flow: opening stock, suppliers, and the sandbox channel's
 * payouts (it pays out every ten orders it sold; the connection's finance settings carry the fee
 * schedule and pull interval), so the finance and purchasing screens show clean payouts, each kind of
 * break the sandbox makes on purpose, and replenishment suggestions.
 */
let t: TestHub;
let conn: string;

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  conn = await ensureDemoConnection(t.hub);
});
afterAll(() => t?.close());

describe('the demo', () => {
  it('the demo connection pulls payouts every 20 s under the sandbox fee schedule, once', async () => {
    const s = await t.api('GET', `/api/v1/finance/settings/${conn}`);
    expect(s.status).toBe(200);
    expect(s.body.payoutPollSeconds).toBe(20);
    expect(s.body.rules.feeSchedule).toMatchObject({ percentBps: 290, fixedMinor: 30 });
    // A restart finds the settings and leaves what the user changed since.
    await t.api('PUT', `/api/v1/finance/settings/${conn}`, { ...s.body, payoutPollSeconds: 60 });
    expect(await ensureDemoConnection(t.hub)).toBe(conn);
    expect((await t.api('GET', `/api/v1/finance/settings/${conn}`)).body.payoutPollSeconds).toBe(60);
  });

  it('lists the catalogue on the demo shop, one unit of each kept back, and pushes it what is available', async () => {
    const listings = (await t.api('GET', `/api/v1/listings?connectionId=${conn}`)).body.items as Array<{ id: string; sku: string; buffer: number }>;
    expect(listings.map((l) => l.sku).sort()).toEqual(SANDBOX_CATALOG.map((p) => p.sku).sort());
    expect(listings.every((l) => l.buffer === 1)).toBe(true);
    const tee = listings.find((l) => l.sku === 'TEE-BLK-M')!;
    const stock = (await t.api('GET', '/api/v1/stock?sku=TEE-BLK-M')).body.items as Array<{ available: number }>;
    const available = stock.reduce((n, s) => n + s.available, 0);
    expect(available).toBeGreaterThan(1);
    expect(await pushListingStock(t.hub.ctx, { listingId: tee.id })).toMatchObject({ pushed: true, quantity: available - 1 });
    expect((await t.api('GET', `/api/v1/listings/${tee.id}`)).body.lastPushedQuantity).toBe(available - 1);
    // A restart lists nothing twice.
    await ensureDemoConnection(t.hub);
    expect((await t.api('GET', `/api/v1/listings?connectionId=${conn}`)).body.items).toHaveLength(SANDBOX_CATALOG.length);
  });

  it('stocks the demo with opening stock, valued against owner equity (its P&L shows no stocktake gain)', async () => {
    const posted = await postStockMovements(t.hub.ctx, {});
    expect(posted.posted).toBeGreaterThan(0);
    const byRole = await t.hub.ctx.db.execute(sql`
      select a.role, sum(l.debit_minor - l.credit_minor)::bigint as b from journal_lines l join ledger_accounts a on a.id = l.account_id
      group by a.role order by a.role`);
    const b = Object.fromEntries((byRole.rows as Array<{ role: string; b: string }>).map((r) => [r.role, Number(r.b)]));
    expect(b.shrinkage).toBeUndefined();
    expect(b.inventory).toBeGreaterThan(0);
    expect(b.opening_equity).toBe(-b.inventory!);
  });

  it('pays out nothing before the channel sold a full block of orders', async () => {
    expect(await pullPayouts(t.hub.ctx, { connectionId: conn })).toEqual({ payouts: 0, changed: 0 });
    await runSync(t.hub.ctx, { connectionId: conn, kind: 'incremental' });
    expect(await pullPayouts(t.hub.ctx, { connectionId: conn })).toEqual({ payouts: 0, changed: 0 });
  });

  it('reconciles one payout per ten orders: mostly clean, then a short capture, a chargeback, an unknown order', async () => {
    // The demo pulls two orders a time: 40 pulls are 80 orders, eight payouts.
    for (let i = 1; i < 40; i++) await runSync(t.hub.ctx, { connectionId: conn, kind: 'incremental' });
    await drainRawEvents(t.hub.ctx);
    const orders = await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders where connection_id = ${conn}`);
    expect((orders.rows[0] as { n: number }).n).toBe(8 * SANDBOX_PAYOUT_ORDERS);
    expect(await pullPayouts(t.hub.ctx, { connectionId: conn })).toEqual({ payouts: 8, changed: 8 });
    // Pulled again: the same payouts, nothing changes.
    expect(await pullPayouts(t.hub.ctx, { connectionId: conn })).toEqual({ payouts: 8, changed: 0 });

    const list = await t.api('GET', `/api/v1/payouts?connectionId=${conn}`);
    expect(list.status).toBe(200);
    const byExt = new Map<string, any>(list.body.items.map((p: any) => [p.externalId, p]));
    const outcome: Record<string, string[]> = {};
    for (let block = 0; block < 8; block++) {
      const p = byExt.get(`sbx_po_demo_${block}`);
      expect(p, `payout of block ${block}`).toBeDefined();
      expect(p.source).toBe('sandbox');
      const r = await reconcile(t.hub.ctx, { payoutId: p.id });
      outcome[block] = r.breaks.map((b: any) => b.class).sort();
      // Every line of a sandbox payout is there: the payout is the net of its lines.
      const detail = (await t.api('GET', `/api/v1/payouts/${p.id}`)).body;
      expect(detail.lines.reduce((s: number, l: any) => s + l.netMinor, 0)).toBe(p.amountMinor);
    }
    expect(outcome).toEqual({ 0: [], 1: ['amount_mismatch'], 2: [], 3: ['chargeback'], 4: [], 5: [], 6: ['order_not_found'], 7: [] });

    // Page by page (keyset), newest first: payouts of one day come newest stored first, none twice.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await t.api('GET', `/api/v1/payouts?connectionId=${conn}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
      seen.push(...page.items.map((p: any) => p.externalId));
      cursor = page.nextCursor;
    } while (cursor);
    const byDay = [...list.body.items].sort((a: any, b: any) => (a.arrivalDate < b.arrivalDate ? 1 : a.arrivalDate > b.arrivalDate ? -1 : 0));
    expect(seen).toHaveLength(8);
    expect(seen.map((x) => byExt.get(x).arrivalDate)).toEqual(byDay.map((p: any) => p.arrivalDate));
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [byExt.get(seen[i - 1]!), byExt.get(seen[i]!)];
      if (a.arrivalDate === b.arrivalDate) expect(Number(seen[i - 1]!.split('_').pop()), `${seen}`).toBeGreaterThan(Number(seen[i]!.split('_').pop()));
    }
    expect((await t.api('GET', `/api/v1/payouts?cursor=bm90LWEtY3Vyc29y`)).status).toBe(400);

    // The short capture is explained to the cent: 1.00 less than the order total.
    const short = (await reconcile(t.hub.ctx, { payoutId: byExt.get('sbx_po_demo_1').id })).breaks[0]!;
    expect(short.expectedMinor - short.actualMinor).toBe(100);
  });

  it('the demo bank books the arrived payouts on a statement: the rules match most, a few arrive short for a person, once', async () => {
    const short = Array.from({ length: 8 }, (_, b) => `sbx_po_demo_${b}`).filter(arrivesShort);
    expect(short.length).toBeGreaterThan(0);
    expect(short.length).toBeLessThan(8);
    // Eight deposits and the month's account fee.
    expect(await runDemoBank(t.hub.ctx)).toEqual({ lines: 9, stored: 9, skipped: 0, matched: 8 - short.length });
    const lines = (await t.api('GET', `/api/v1/bank-statements/lines?account=${DEMO_BANK_ACCOUNT}`)).body.items as Array<any>;
    const open = lines.filter((l) => !l.matchedTo).map((l) => l.reference).sort();
    expect(open).toEqual([...short, expect.stringMatching(/^FEE-\d{4}-\d{2}$/)].sort());
    for (const l of lines.filter((x) => x.matchedTo)) expect(l.matchedTo).toMatchObject({ kind: 'payout', label: `sandbox ${l.reference}`, amountMinor: l.amountMinor });
    // Run again: the short ones are offered again and skipped as imported; nothing new.
    expect(await runDemoBank(t.hub.ctx)).toEqual({ lines: short.length + 1, stored: 0, skipped: short.length + 1, matched: 0 });
    // A person matches a short one by hand: 1.50 less than its payout.
    const line = lines.find((l) => l.reference === short[0])!;
    const payout = (await t.api('GET', `/api/v1/payouts?connectionId=${conn}`)).body.items.find((p: any) => p.externalId === short[0]);
    const m = await t.api('POST', `/api/v1/bank-statements/lines/${line.id}/match`, { payoutId: payout.id });
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    expect(m.body.matchedTo.amountMinor - m.body.amountMinor).toBe(150);
  });

  it('has suppliers for the stocked SKUs, so low stock turns into suggestions to order', async () => {
    const sug = await replenishmentSuggestions(t.hub.ctx, {});
    const lines = sug.suggestions.flatMap((g) => g.lines.map((l) => ({ supplier: g.supplierCode, ...l })));
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.supplier))).toEqual(new Set(['MILL-A']));
    // The preferred mill sells in packs of six, at least twelve.
    for (const l of lines) expect(l.quantity % 6 === 0 && l.quantity >= 12, `${l.sku} ${l.quantity}`).toBe(true);
    expect(lines.map((l) => l.sku)).not.toContain('SOCK-3PK');
  });

  it('the mills deliver: low stock is ordered from them, and a PO sent a while ago arrives, once', async () => {
    const onHand = async () => ((await t.api('GET', '/api/v1/stock')).body.items as Array<{ onHand: number }>).reduce((n, s) => n + s.onHand, 0);
    expect((await replenishmentSuggestions(t.hub.ctx, {})).suggestions.length).toBeGreaterThan(0);
    const first = await runDemoSupplier(t.hub.ctx, { deliverAfterMs: 60_000 });
    expect(first.sent.length).toBeGreaterThan(0);
    expect(first.delivered).toEqual([]);
    const sent = (await t.api('GET', '/api/v1/purchase-orders?status=sent')).body.items as Array<{ number: string; supplierCode: string; timeline?: unknown }>;
    expect(sent.map((p) => p.number).sort()).toEqual([...first.sent].sort());
    expect(new Set(sent.map((p) => p.supplierCode))).toEqual(new Set(['MILL-A']));
    // What is on its way counts: nothing more to order, and nothing arrives before its time.
    expect((await replenishmentSuggestions(t.hub.ctx, {})).suggestions).toEqual([]);
    expect(await runDemoSupplier(t.hub.ctx, { deliverAfterMs: 60_000 })).toEqual({ sent: [], delivered: [] });

    const before = await onHand();
    const second = await runDemoSupplier(t.hub.ctx, { deliverAfterMs: 0 });
    expect(second).toEqual({ sent: [], delivered: first.sent });
    const received = (await t.api('GET', '/api/v1/purchase-orders?status=received')).body.items as Array<{ number: string; lines: Array<{ acceptedQuantity: number }> }>;
    expect(received.map((p) => p.number).sort()).toEqual([...first.sent].sort());
    const accepted = received.flatMap((p) => p.lines).reduce((n, l) => n + l.acceptedQuantity, 0);
    expect(await onHand()).toBe(before + accepted);
    const mill = (await t.api('GET', '/api/v1/suppliers/MILL-A')).body;
    expect(mill.scorecard.fillRate).toBe(1);
    expect(mill.scorecard.onTimeRate).toBe(1);
    // Delivered once: a later run finds nothing due.
    expect((await runDemoSupplier(t.hub.ctx, { deliverAfterMs: 0 })).delivered).toEqual([]);
  });
});
