import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAllocationJob } from '../../src/inventory/allocation-jobs';
import { reconcileStock } from '../../src/inventory/reconcile-stock';
import { stockAlerts } from '../../src/inventory/stock-alerts';
import { flagOverduePurchaseOrders } from '../../src/purchasing/overdue';
import { createTestHub, type TestHub, expectOk } from '../helpers/hub';

let t: TestHub;
const enqueued: Array<{ name: string; payload: unknown }> = [];
const today = () => new Date().toISOString().slice(0, 10);
const plusDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

const level = async (sku: string, warehouse: string) => {
  const r = await t.api('GET', `/api/v1/stock?sku=${sku}&warehouse=${warehouse}`);
  return (r.body.items[0] ?? { onHand: 0, reserved: 0, available: 0, incoming: 0 }) as { onHand: number; reserved: number; available: number; incoming: number };
};
const ok = (p: Promise<{ status: number; body: any }>, status = 200) => expectOk(p, status);
const noDrift = async () => expect((await reconcileStock(t.hub.ctx)).drift).toEqual([]);

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  const q = t.hub.ctx.queue;
  const orig = q.enqueue.bind(q);
  q.enqueue = (async (name: never, payload: never, opts: never) => {
    enqueued.push({ name, payload });
    return orig(name, payload, opts);
  }) as typeof q.enqueue;
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'WH-A', name: 'A', priority: 1 }), 201);
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'WH-B', name: 'B', priority: 2 }), 201);
  await ok(t.api('POST', '/api/v1/products', { sku: 'TEE', title: 'T-shirt', unitCostMinor: 1000, currency: 'USD' }), 201);
  await ok(t.api('POST', '/api/v1/products', { sku: 'MUG', title: 'Mug' }), 201);
  await ok(t.api('POST', '/api/v1/products', { sku: 'CUP', title: 'Cup' }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', {
    code: 'ACME', name: 'Acme Textiles', currency: 'USD', paymentTerms: 'NET30', leadTimeDays: 10,
    contacts: [{ name: 'Ann', email: 'ann@acme.example' }],
  }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'BETA', name: 'Beta', currency: 'USD' }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'TOKYO', name: '東京商事', currency: 'JPY', leadTimeDays: 20 }), 201);
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'ACME', sku: 'TEE', supplierSku: 'AC-T1', priceBreaks: [{ minQuantity: 1, unitCostMinor: 1300 }, { minQuantity: 100, unitCostMinor: 1200 }] }));
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'ACME', sku: 'MUG', priceBreaks: [{ minQuantity: 1, unitCostMinor: 500 }] }));
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'BETA', sku: 'TEE', priceBreaks: [{ minQuantity: 1, unitCostMinor: 1400 }, { minQuantity: 50, unitCostMinor: 1100 }] }));
  await ok(t.api('POST', '/api/v1/supplier-items', { supplier: 'TOKYO', sku: 'CUP', priceBreaks: [{ minQuantity: 1, unitCostMinor: 1500 }, { minQuantity: 10, unitCostMinor: 1350 }] }));
});
afterAll(() => t?.close());

describe('suppliers and price comparison', () => {
  it('validates suppliers and items, and compares prices at a quantity with price breaks and valid quotes', async () => {
    const bad = await t.api('POST', '/api/v1/suppliers', { code: 'X', name: 'x', currency: 'usd' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('currency');
    expect((await t.api('POST', '/api/v1/suppliers', { code: 'ACME', name: 'again', currency: 'USD' })).status).toBe(409);
    const dupBreak = await t.api('POST', '/api/v1/supplier-items', { supplier: 'ACME', sku: 'TEE', priceBreaks: [{ minQuantity: 1, unitCostMinor: 1 }, { minQuantity: 1, unitCostMinor: 2 }] });
    expect(dupBreak.status).toBe(400);

    const at60 = await ok(t.api('GET', '/api/v1/supplier-items/compare?sku=TEE&quantity=60'));
    expect(at60.options.map((o: any) => [o.supplierCode, o.unitCostMinor, o.cheapest])).toEqual([['BETA', 1100, true], ['ACME', 1300, false]]);
    // A quote counts while valid and once the quantity reaches it; an expired one does not.
    await ok(t.api('POST', '/api/v1/supplier-quotes', { supplier: 'ACME', sku: 'TEE', quantity: 50, unitCostMinor: 1050, validUntil: plusDays(30), reference: 'RFQ-7' }), 201);
    await ok(t.api('POST', '/api/v1/supplier-quotes', { supplier: 'ACME', sku: 'TEE', quantity: 1, unitCostMinor: 1, validFrom: plusDays(-10), validUntil: plusDays(-1) }), 201);
    const again = await ok(t.api('GET', '/api/v1/supplier-items/compare?sku=TEE&quantity=60'));
    expect(again.options[0]).toMatchObject({ supplierCode: 'ACME', source: 'quote', unitCostMinor: 1050, cheapest: true });
    expect(again.options).toHaveLength(3);
    const badWindow = await t.api('POST', '/api/v1/supplier-quotes', { supplier: 'ACME', sku: 'TEE', quantity: 1, unitCostMinor: 1, validFrom: plusDays(5), validUntil: plusDays(1) });
    expect(badWindow.status).toBe(400);
  });
});

describe('purchase orders', () => {
  it('keeps amounts in the supplier currency (JPY has no minor digits) and prices lines from the breaks', async () => {
    const po = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'TOKYO', lines: [{ sku: 'CUP', quantity: 12, warehouse: 'WH-A' }] }), 201);
    expect(po).toMatchObject({ status: 'draft', currency: 'JPY', totalMinor: 12 * 1350, number: expect.stringMatching(/^PO-\d{6}$/) });
    expect(po.lines[0]).toMatchObject({ unitCostMinor: 1350, amountMinor: 16200, expectedDate: plusDays(20) });
    const csv = await t.app.request(`/api/v1/purchase-orders/${po.id}/csv?lang=zh-CN`, { headers: { authorization: `Bearer ${t.adminKey}` } });
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(text).toContain('供应商货号');
    // The CSV carries the amount in JPY: 1,350 yen a unit, not 13.50.
    expect(text.split('\r\n')[1]).toContain(',1350,16200,');
    const unknown = await t.api('POST', '/api/v1/purchase-orders', { supplier: 'TOKYO', lines: [{ sku: 'TEE', quantity: 1, warehouse: 'WH-A' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('lines.0.unitCostMinor');
  });

  it('needs an approval above the threshold, sends once, raises incoming and publishes purchase_order.sent', async () => {
    await ok(t.api('PUT', '/api/v1/purchasing/settings', { approvalThresholds: { USD: 100_000 } }));
    await ok(t.api('POST', '/api/v1/webhook-subscriptions', { url: 'https://erp.example.com/po', events: ['purchase_order.sent'] }), 201);
    const po = await ok(t.api('POST', '/api/v1/purchase-orders', {
      supplier: 'ACME', lines: [
        { sku: 'TEE', quantity: 100, warehouse: 'WH-A', expectedDate: plusDays(1) },
        { sku: 'MUG', quantity: 20, warehouse: 'WH-A', expectedDate: plusDays(5) },
      ],
    }), 201);
    expect(po.totalMinor).toBe(100 * 1200 + 20 * 500);
    const refused = await t.api('POST', `/api/v1/purchase-orders/${po.id}/send`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('approval_required');
    expect((await level('TEE', 'WH-A')).incoming).toBe(0);
    await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/approve`));
    expect((await t.api('POST', `/api/v1/purchase-orders/${po.id}/approve`)).status).toBe(409);
    const sent = await ok(t.api('POST', `/api/v1/purchase-orders/${po.number}/send`));
    expect(sent.status).toBe('sent');
    expect((await t.api('POST', `/api/v1/purchase-orders/${po.id}/send`)).status).toBe(409);
    expect(await level('TEE', 'WH-A')).toMatchObject({ onHand: 0, incoming: 100 });
    expect(await level('MUG', 'WH-A')).toMatchObject({ incoming: 20 });
    const d = await t.hub.ctx.db.execute(sql`select payload from webhook_deliveries where event_type = 'purchase_order.sent'`);
    expect(d.rows).toHaveLength(1);
    expect((d.rows[0] as { payload: { data: { number: string; currency: string } } }).payload.data).toMatchObject({ number: po.number, currency: 'USD' });
    expect(sent.timeline.map((e: { kind: string }) => e.kind)).toEqual(['created', 'approved', 'sent']);
    await noDrift();
    (globalThis as Record<string, unknown>).po1 = po.id;
  });

  it('partial receipt with rejections: stock, incoming, moving-average cost, backorders and the scorecard, exactly', async () => {
    const poId = (globalThis as Record<string, unknown>).po1 as string;
    // Opening stock: 10 TEE at WH-B (product cost 1000), and an order for 15 TEE that backorders 5.
    await ok(t.api('POST', '/api/v1/stock/adjustments', { sku: 'TEE', warehouse: 'WH-B', delta: 10, reason: 'opening' }), 201);
    const order = await ok(t.api('POST', '/api/v1/orders', { currency: 'USD', lines: [{ sku: 'TEE', title: 'T', quantity: 15, unitPriceMinor: 2500 }] }), 201);
    await runAllocationJob(t.hub.ctx, { sku: 'TEE', includeBackordered: true });
    expect((await t.api('GET', `/api/v1/orders/${order.id}/allocation`)).body.allocationStatus).not.toBe('allocated');
    enqueued.length = 0;

    const over = await t.api('POST', `/api/v1/purchase-orders/${poId}/receive`, { lines: [{ lineNo: 2, accepted: 21 }] });
    expect(over.status).toBe(409);
    const r1 = await ok(t.api('POST', `/api/v1/purchase-orders/${poId}/receive`, {
      lines: [{ lineNo: 1, accepted: 40, rejected: 10 }, { lineNo: 2, accepted: 20 }],
      landedCosts: [{ kind: 'freight', amountMinor: 5000 }], landedCostBasis: 'value',
    }, { 'idempotency-key': 'rcv-1' }));
    expect(r1.status).toBe('partially_received');
    expect(r1.lines[0]).toMatchObject({ acceptedQuantity: 40, rejectedQuantity: 10, outstandingQuantity: 50, incomingQuantity: 50 });
    // A retried receipt with the same key counts once.
    const replay = await t.api('POST', `/api/v1/purchase-orders/${poId}/receive`, {
      lines: [{ lineNo: 1, accepted: 40, rejected: 10 }, { lineNo: 2, accepted: 20 }],
      landedCosts: [{ kind: 'freight', amountMinor: 5000 }], landedCostBasis: 'value',
    }, { 'idempotency-key': 'rcv-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    expect(await level('TEE', 'WH-A')).toMatchObject({ onHand: 40, incoming: 50 });
    expect(await level('MUG', 'WH-A')).toMatchObject({ onHand: 20, incoming: 0 });
    await noDrift();

    // Freight 5000 by value: TEE 40×1200 = 48000, MUG 20×500 = 10000 → 4138 and 862 (largest remainder).
    const teeShare = Math.round(5000 * 48000 / 58000);
    const mugShare = 5000 - teeShare;
    const rl = await t.hub.ctx.db.execute(sql`select sku, landed_minor from purchase_receipt_lines order by sku`);
    expect((rl.rows as Array<{ sku: string; landed_minor: number }>).map((r) => [r.sku, Number(r.landed_minor)])).toEqual([['MUG', mugShare], ['TEE', teeShare]]);
    // Moving average: (10 on hand × 1000 + 40 × 1200 + share) / 50; MUG had no cost: (20 × 500 + share) / 20.
    const products = await t.hub.ctx.db.execute(sql`select sku, unit_cost_minor, currency from products where sku in ('TEE', 'MUG') order by sku`);
    expect((products.rows as Array<{ sku: string; unit_cost_minor: number; currency: string }>).map((p) => [p.sku, Number(p.unit_cost_minor), p.currency])).toEqual([
      ['MUG', Math.round((20 * 500 + mugShare) / 20), 'USD'],
      ['TEE', Math.round((10 * 1000 + 40 * 1200 + teeShare) / 50), 'USD'],
    ]);

    // The receipt queued allocation of backordered orders for TEE; running it allocates the order.
    const job = enqueued.find((e) => e.name === 'order.allocate' && (e.payload as { sku: string }).sku === 'TEE');
    expect(job?.payload).toEqual({ sku: 'TEE', includeBackordered: true });
    await runAllocationJob(t.hub.ctx, job!.payload as { sku: string; includeBackordered: boolean });
    expect((await t.api('GET', `/api/v1/orders/${order.id}/allocation`)).body.allocationStatus).toBe('allocated');

    // Scorecard after the first receipt: only the MUG line is due (complete, on time); TEE is not due yet.
    const acme = await ok(t.api('GET', '/api/v1/suppliers/ACME'));
    expect(acme.scorecard).toMatchObject({ linesDue: 1, onTimeRate: 1, fillRate: 1, qualityRate: Math.round((60 / 70) * 1e4) / 1e4 });
    expect(acme.items.map((i: { sku: string }) => i.sku)).toEqual(['MUG', 'TEE']);

    // The rest arrives three days late: the TEE line completes after its expected date.
    const late = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const r2 = await ok(t.api('POST', `/api/v1/purchase-orders/${poId}/receive`, { lines: [{ lineNo: 1, accepted: 50 }], receivedAt: late }));
    expect(r2.status).toBe('received');
    expect(await level('TEE', 'WH-A')).toMatchObject({ onHand: 90, incoming: 0 });
    await noDrift();
    const card = (await ok(t.api('GET', '/api/v1/suppliers/ACME'))).scorecard;
    // Due: both lines. On time: MUG only. Fill 120/120. Quality (40 + 50 + 20) / 120.
    // Price: TEE best is BETA's 1100 at 100 (or ACME's quote 1050 for ≥ 50), MUG only ACME.
    const best = Math.min(1100, 1050);
    const priceIndex = (100 * 1200 + 20 * 500) / (100 * best + 20 * 500);
    const parts = { onTime: 0.5, fill: 1, quality: 110 / 120, price: 1 / priceIndex };
    const score = 0.3 * parts.onTime + 0.25 * parts.fill + 0.25 * parts.quality + 0.2 * parts.price;
    expect(card).toMatchObject({ linesDue: 2, onTimeRate: 0.5, fillRate: 1, qualityRate: Math.round(parts.quality * 1e4) / 1e4, priceIndex: Math.round(priceIndex * 1e4) / 1e4, receipts: 3 });
    expect(card.score).toBeCloseTo(score, 4);
    expect(card.grade).toBe(score >= 0.9 ? 'A' : score >= 0.8 ? 'B' : score >= 0.65 ? 'C' : 'D');
    // Lead times per receipt line: ~0, ~0 and ~3 days.
    expect(card.averageLeadTimeDays).toBeCloseTo(1, 1);
    expect(card.leadTimeStdDevDays).toBeCloseTo(Math.sqrt(2), 1);
    // Weights are configurable: quality only → the score is the quality rate.
    await ok(t.api('PUT', '/api/v1/purchasing/settings', { scoreWeights: { onTime: 0, fill: 0, quality: 1, price: 0 } }));
    expect((await ok(t.api('GET', '/api/v1/suppliers/ACME'))).scorecard.score).toBeCloseTo(110 / 120, 4);
    await ok(t.api('PUT', '/api/v1/purchasing/settings', { scoreWeights: { onTime: 0.3, fill: 0.25, quality: 0.25, price: 0.2 } }));

    // Observed lead time of TEE from ACME (mean of ~0 and ~3 days) now feeds the safety-stock signal.
    const items = await ok(t.api('GET', '/api/v1/supplier-items?supplier=ACME&sku=TEE'));
    expect(items.items[0].observedLeadTimeDays).toBeCloseTo(1.5, 1);
    const signal = await stockAlerts(t.hub.ctx, { sku: 'TEE', show: 'all' });
    expect(signal.items.every((i) => i.leadTimeDays === 2)).toBe(true);

    const timeline = (await ok(t.api('GET', `/api/v1/purchase-orders/${poId}`))).timeline.map((e: { kind: string }) => e.kind);
    expect(timeline).toEqual(['created', 'approved', 'sent', 'received', 'received']);
    expect((await t.api('POST', `/api/v1/purchase-orders/${poId}/receive`, { lines: [{ lineNo: 1, accepted: 1 }] })).status).toBe(409);
  });

  it('cancel lowers incoming again; close drops what will not arrive', async () => {
    await ok(t.api('PUT', '/api/v1/purchasing/settings', { approvalThresholds: {} }));
    const a = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'ACME', lines: [{ sku: 'MUG', quantity: 30, warehouse: 'WH-B' }] }), 201);
    await ok(t.api('POST', `/api/v1/purchase-orders/${a.id}/send`));
    expect((await level('MUG', 'WH-B')).incoming).toBe(30);
    const cancelled = await ok(t.api('POST', `/api/v1/purchase-orders/${a.id}/cancel`, { reason: 'wrong warehouse' }));
    expect(cancelled.status).toBe('cancelled');
    expect((await level('MUG', 'WH-B')).incoming).toBe(0);

    const b = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'ACME', lines: [{ sku: 'MUG', quantity: 10, warehouse: 'WH-B' }] }), 201);
    await ok(t.api('POST', `/api/v1/purchase-orders/${b.id}/send`));
    await ok(t.api('POST', `/api/v1/purchase-orders/${b.id}/receive`, { lines: [{ lineNo: 1, accepted: 3, rejected: 1 }] }));
    expect(await level('MUG', 'WH-B')).toMatchObject({ onHand: 3, incoming: 6 });
    expect((await t.api('POST', `/api/v1/purchase-orders/${b.id}/cancel`)).status).toBe(409);
    const closed = await ok(t.api('POST', `/api/v1/purchase-orders/${b.id}/close`));
    expect(closed.status).toBe('closed');
    expect(await level('MUG', 'WH-B')).toMatchObject({ onHand: 3, incoming: 0 });
    await noDrift();
  });
});

describe('overdue purchase orders', () => {
  it('lists and flags POs past their expected date (once), not received or cancelled ones', async () => {
    const mk = async (expectedDate: string) => {
      const po = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'BETA', lines: [{ sku: 'TEE', quantity: 5, warehouse: 'WH-B', expectedDate }] }), 201);
      await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/send`));
      return po;
    };
    const late = await mk(plusDays(-2));
    const future = await mk(plusDays(5));
    const done = await mk(plusDays(-3));
    await ok(t.api('POST', `/api/v1/purchase-orders/${done.id}/receive`, { lines: [{ lineNo: 1, accepted: 5 }] }));
    const list = await ok(t.api('GET', '/api/v1/purchase-orders?overdue=true'));
    expect(list.items.map((p: { number: string }) => p.number)).toEqual([late.number]);
    expect(list.items[0].overdue).toBe(true);
    expect(list.items[0].lines[0].overdue).toBe(true);

    const first = await flagOverduePurchaseOrders(t.hub.ctx);
    expect(first.flagged).toEqual([late.number]);
    expect((await flagOverduePurchaseOrders(t.hub.ctx)).flagged).toEqual([]);
    // Six days on, the future one is late too (the daily job runs with the clock of its day).
    const later = { ...t.hub.ctx, now: () => new Date(Date.now() + 6 * 86_400_000) };
    expect((await flagOverduePurchaseOrders(later)).flagged).toEqual([future.number]);
    const detail = await ok(t.api('GET', `/api/v1/purchase-orders/${late.id}`));
    expect(detail.overdueAt).not.toBeNull();
    expect(detail.timeline.at(-1)).toMatchObject({ kind: 'overdue' });
    expect(detail.timeline.at(-1).message).toContain(`expected ${plusDays(-2)}`);
    expect(today() > plusDays(-2)).toBe(true);
  });
});
