import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { createTestHub, type TestHub, expectOk } from '../helpers/hub';

let t: TestHub;

const ok = (p: Promise<{ status: number; body: any }>, status = 200) => expectOk(p, status);
const minusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/** A PO sent and received: `lines` ordered at a price, `accepted` of each received into stock. */
async function receivedPo(supplier: string, lines: Array<{ sku: string; quantity: number; unitCostMinor: number; accepted: number }>) {
  const po = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier, lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitCostMinor: l.unitCostMinor, warehouse: 'WH-P' })) }), 201);
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/approve`));
  await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/send`));
  const receive = lines.map((l, i) => ({ lineNo: i + 1, accepted: l.accepted })).filter((l) => l.accepted > 0);
  if (receive.length) await ok(t.api('POST', `/api/v1/purchase-orders/${po.id}/receive`, { lines: receive }));
  return po as { id: string; number: string; lines: Array<{ id: string; lineNo: number }> };
}

/** Ledger balance (debit − credit) of an account role in a currency, over everything posted. */
async function balance(role: string, currency = 'USD'): Promise<number> {
  const r = await t.hub.ctx.db.execute(sql`
    select coalesce(sum(l.debit_minor - l.credit_minor), 0)::bigint as b from journal_lines l join ledger_accounts a on a.id = l.account_id
    where a.role = ${role} and l.currency = ${currency}`);
  return Number((r.rows[0] as { b: number }).b);
}

async function csv(path: string): Promise<{ status: number; type: string; text: string; bytes: Uint8Array }> {
  const res = await t.app.request(path, { headers: { authorization: `Bearer ${t.adminKey}`, accept: 'text/csv' } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: new TextDecoder().decode(bytes), bytes };
}

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  await ok(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD' }));
  await ok(t.api('POST', '/api/v1/warehouses', { code: 'WH-P', name: 'Payables WH', priority: 1 }), 201);
  for (const sku of ['P-TEE', 'P-MUG', 'P-CAP']) await ok(t.api('POST', '/api/v1/products', { sku, title: sku }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'AGE', name: 'Aging Supplies', currency: 'USD' }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'SPLIT', name: 'Split Goods', currency: 'USD', paymentTerms: 'NET30' }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'MATCH', name: 'Match Works', currency: 'USD', paymentTerms: 'Net 45' }), 201);
  await ok(t.api('POST', '/api/v1/suppliers', { code: 'EURO', name: 'Euro Fabrik GmbH', currency: 'EUR', paymentTerms: 'NET30' }), 201);
});
afterAll(() => t?.close());

describe('aged payables', () => {
  it('buckets open bills at the exact boundaries as of a date, leaving drafts, void bills and later bills out; CSV too', async () => {
    const at = '2026-06-30';
    const po = await receivedPo('AGE', [{ sku: 'P-TEE', quantity: 100, unitCostMinor: 1000, accepted: 100 }]);
    // Days past due at `at`: -5 (not yet due), 0 (due that day), 1, 30, 31, 60, 61, 90, 91; bill i bills i+1 units.
    const offsets = [-5, 0, 1, 30, 31, 60, 61, 90, 91];
    for (const [i, days] of offsets.entries()) {
      const due = minusDays(at, days);
      const b = await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.number, number: `AGE-${i}`, issueDate: minusDays(due, 30), dueDate: due, lines: [{ lineNo: 1, quantity: i + 1 }] }), 201);
      expect(b).toMatchObject({ status: 'open', matchStatus: 'matched', dueDate: due, termsDays: null, totalMinor: 1000 * (i + 1) });
    }
    // Issued after `at`: not owed yet on that day. Voided: owes nothing. Draft (a variance, not approved): not in payables.
    await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'AGE-later', issueDate: '2026-07-01', dueDate: '2026-07-31', lines: [{ lineNo: 1, quantity: 1 }] }), 201);
    const v = await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'AGE-void', issueDate: '2026-05-01', dueDate: '2026-05-02', lines: [{ lineNo: 1, quantity: 1 }] }), 201);
    await ok(t.api('POST', `/api/v1/bills/${v.id}/void`, { reason: 'duplicate' }));
    const draft = await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'AGE-draft', issueDate: '2026-05-01', dueDate: '2026-05-02', lines: [{ lineNo: 1, quantity: 1, unitPriceMinor: 1500 }] }), 201);
    expect(draft.status).toBe('draft');

    const r = await ok(t.api('GET', `/api/v1/payables/aging?at=${at}&currency=USD`));
    const age = r.suppliers.find((s: any) => s.supplierCode === 'AGE');
    expect(age.buckets).toEqual({ current: 1000 + 2000, d1_30: 3000 + 4000, d31_60: 5000 + 6000, d61_90: 7000 + 8000, d90_plus: 9000 });
    expect(age.totalMinor).toBe(45_000);
    expect(age.bills.find((b: any) => b.number === 'AGE-8')).toMatchObject({ daysPastDue: 91, bucket: 'd90_plus' });
    expect(age.bills.map((b: any) => b.number)).not.toContain('AGE-later');
    expect(age.bills.map((b: any) => b.number)).not.toContain('AGE-void');
    expect(age.bills.map((b: any) => b.number)).not.toContain('AGE-draft');
    expect(r.functionalTotals.d90_plus).toBeGreaterThanOrEqual(9000);

    const file = await csv(`/api/v1/payables/aging?at=${at}`);
    expect(file.status).toBe(200);
    expect(file.type).toMatch(/^text\/csv/);
    expect([...file.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = file.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows[0]).toBe('supplier,name,currency,current,d1_30,d31_60,d61_90,d90_plus,total');
    expect(rows).toContain('AGE,Aging Supplies,USD,30.00,70.00,110.00,150.00,90.00,450.00');

    const bad = await t.api('GET', '/api/v1/payables/aging?at=2026-02-31');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('at');
  });

  it('lays unpaid bills out on a due-date calendar: overdue first, then by due week', async () => {
    const at = '2026-06-30'; // a Tuesday: its week runs 2026-06-29 to 2026-07-05
    const r = await ok(t.api('GET', `/api/v1/payables/calendar?at=${at}&weeks=4`));
    expect(r.groups.map((g: any) => g.kind)).toEqual(['overdue', 'week', 'week', 'week', 'week', 'later']);
    expect(r.groups[1]).toMatchObject({ from: '2026-06-29', to: '2026-07-05' });
    const mine = (g: any) => g.bills.filter((b: any) => b.supplierCode === 'AGE').map((b: any) => b.number);
    expect(mine(r.groups[0])).toEqual(['AGE-8', 'AGE-7', 'AGE-6', 'AGE-5', 'AGE-4', 'AGE-3', 'AGE-2']);
    expect(mine(r.groups[1])).toEqual(['AGE-1', 'AGE-0']); // due on 06-30 and 07-05
    expect(mine(r.groups[5])).toEqual(['AGE-later']); // due 07-31, beyond the four weeks
    expect(r.groups[1].totals.USD).toBeGreaterThanOrEqual(3000);
    const file = await csv(`/api/v1/payables/calendar?at=${at}&weeks=4`);
    expect(file.text).toContain('overdue,,2026-06-29,2026-03-31,AGE,AGE-8,USD,90.00,91');
  });
});

describe('supplier payments', () => {
  it('splits one payment over three bills (two paid, one partly) and refuses to overpay with a 409 naming the field', async () => {
    const po = await receivedPo('SPLIT', [{ sku: 'P-MUG', quantity: 70, unitCostMinor: 1000, accepted: 70 }]);
    const bill = (n: string, qty: number) => ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.number, number: n, issueDate: '2026-03-01', lines: [{ lineNo: 1, quantity: qty }] }), 201);
    const a = await bill('S-1', 10), b = await bill('S-2', 20), c = await bill('S-3', 30);
    expect(a).toMatchObject({ dueDate: '2026-03-31', termsDays: 30 }); // from the supplier's NET30
    const apBefore = await balance('payables'), bankBefore = await balance('bank');
    expect(apBefore).toBeLessThanOrEqual(-60_000);

    const pay = await ok(t.api('POST', '/api/v1/supplier-payments', {
      supplier: 'SPLIT', reference: 'WIRE-77', currency: 'USD', amountMinor: 45_000, paidDate: '2026-03-20',
      applications: [{ billId: a.id, amountMinor: 10_000 }, { billId: b.id, amountMinor: 20_000 }, { billId: c.id, amountMinor: 15_000 }],
    }), 201);
    expect(pay).toMatchObject({ amountMinor: 45_000, functionalAmountMinor: 45_000, fxMinor: 0 });
    expect(pay.applications.map((x: any) => [x.billNumber, x.amountMinor])).toEqual([['S-1', 10_000], ['S-2', 20_000], ['S-3', 15_000]]);
    const got = await Promise.all([a, b, c].map((x) => ok(t.api('GET', `/api/v1/bills/${x.id}`))));
    expect(got.map((g) => [g.status, g.outstandingMinor])).toEqual([['paid', 0], ['paid', 0], ['partially_paid', 15_000]]);
    expect(got[2].payments).toEqual([expect.objectContaining({ reference: 'WIRE-77', amountMinor: 15_000, fxMinor: 0 })]);
    expect(await balance('payables')).toBe(apBefore + 45_000);
    expect(await balance('bank')).toBe(bankBefore - 45_000);

    // Overpaying S-3 (15 000 left) is a conflict naming the application's amount; nothing of the request stays.
    const e = await bill('S-5', 1);
    const over = await t.api('POST', '/api/v1/supplier-payments', {
      supplier: 'SPLIT', reference: 'WIRE-78', currency: 'USD', paidDate: '2026-03-21',
      applications: [{ billId: e.id, amountMinor: 1_000 }, { billId: c.id, amountMinor: 15_001 }],
    });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'bill_overpaid', errors: [{ path: 'applications.1.amountMinor' }] });
    expect(over.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await ok(t.api('GET', `/api/v1/bills/${e.id}`))).status).toBe('open');
    expect((await ok(t.api('GET', `/api/v1/bills/${c.id}`))).outstandingMinor).toBe(15_000);
    // A paid bill (S-1) takes nothing more either.
    const paid = await t.api('POST', '/api/v1/supplier-payments', { supplier: 'SPLIT', reference: 'WIRE-78', currency: 'USD', paidDate: '2026-03-21', applications: [{ billId: a.id, amountMinor: 1 }] });
    expect(paid.status).toBe(409);
    expect((await ok(t.api('GET', '/api/v1/supplier-payments?supplier=SPLIT'))).items.map((p: any) => p.reference)).toEqual(['WIRE-77']);

    // The rest settles it; a retried request (same reference) is the same payment.
    const rest = { supplier: 'SPLIT', reference: 'WIRE-79', currency: 'USD', paidDate: '2026-03-25', applications: [{ billId: c.id, amountMinor: 15_000 }] };
    const r1 = await ok(t.api('POST', '/api/v1/supplier-payments', rest), 201);
    const r2 = await ok(t.api('POST', '/api/v1/supplier-payments', rest), 200);
    expect(r2.id).toBe(r1.id);
    expect((await ok(t.api('GET', `/api/v1/bills/${c.id}`))).status).toBe('paid');

    // Two payments racing for the whole of one bill: one wins, the other is refused, nothing is paid twice.
    const race = await Promise.all(['WIRE-R1', 'WIRE-R2'].map((reference) => t.api('POST', '/api/v1/supplier-payments', { supplier: 'SPLIT', reference, currency: 'USD', paidDate: '2026-03-26', applications: [{ billId: e.id, amountMinor: 1_000 }] })));
    expect(race.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await ok(t.api('GET', `/api/v1/bills/${e.id}`)))).toMatchObject({ status: 'paid', paidMinor: 1_000 });

    // A void bill cannot be paid; a paid one cannot be voided.
    const d = await bill('S-4', 1);
    await ok(t.api('POST', `/api/v1/bills/${d.id}/void`));
    const toVoid = await t.api('POST', '/api/v1/supplier-payments', { supplier: 'SPLIT', reference: 'WIRE-80', currency: 'USD', paidDate: '2026-03-26', applications: [{ billId: d.id, amountMinor: 100 }] });
    expect(toVoid.status).toBe(409);
    expect(toVoid.body).toMatchObject({ code: 'bill_not_payable', errors: [{ path: 'applications.0.billId' }] });
    expect((await t.api('POST', `/api/v1/bills/${a.id}/void`, {})).status).toBe(409);

    // Bad input is a 400 naming the field.
    const mismatch = await t.api('POST', '/api/v1/supplier-payments', { supplier: 'SPLIT', reference: 'WIRE-81', currency: 'USD', amountMinor: 5, paidDate: '2026-03-26', applications: [{ billId: d.id, amountMinor: 4 }] });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors.map((e: any) => e.path)).toContain('amountMinor');
    const noSupplier = await t.api('POST', '/api/v1/supplier-payments', { supplier: 'NOPE', reference: 'W', currency: 'USD', paidDate: '2026-03-26', applications: [{ billId: d.id, amountMinor: 4 }] });
    expect(noSupplier.body.errors[0].path).toBe('supplier');

    const list = await csv('/api/v1/supplier-payments?supplier=SPLIT');
    expect(list.text).toContain('WIRE-77,SPLIT,2026-03-20,USD,450.00,USD,450.00,0.00,S-1:100.00 S-2:200.00 S-3:150.00');
    const bills = await csv('/api/v1/bills?supplier=SPLIT');
    expect(bills.text.split('\r\n')[0]).toBe('bill,supplier,purchase_order,issue_date,due_date,currency,total,paid,outstanding,status,match,flags');
    expect(bills.text).toContain(`S-3,SPLIT,${po.number},2026-03-01,2026-03-31,USD,300.00,300.00,0.00,paid,matched,`);
  });
});

describe('three-way match', () => {
  it('flags a quantity over what was received and a price above the PO; the bill waits as a draft until approved with a reason', async () => {
    const po = await receivedPo('MATCH', [
      { sku: 'P-TEE', quantity: 10, unitCostMinor: 1000, accepted: 8 },
      { sku: 'P-CAP', quantity: 5, unitCostMinor: 2000, accepted: 5 },
    ]);
    const invBefore = await balance('inventory'), ppvBefore = await balance('purchase_price_variance'), apBefore = await balance('payables');
    const b = await ok(t.api('POST', '/api/v1/bills', {
      purchaseOrder: po.number, number: 'MW-1001', issueDate: '2026-04-01',
      lines: [{ lineNo: 1, quantity: 10 }, { poLineId: po.lines[1]!.id, quantity: 5, unitPriceMinor: 2100 }],
    }), 201);
    expect(b).toMatchObject({ status: 'draft', matchStatus: 'variance', totalMinor: 10 * 1000 + 5 * 2100, priceVarianceMinor: 500, dueDate: '2026-05-16', journalId: null });
    expect(b.lines.map((l: any) => ({ sku: l.sku, flags: l.flags, qv: l.quantityVariance, pv: l.priceVarianceMinor, received: l.receivedQuantity, po: l.poUnitPriceMinor }))).toEqual([
      { sku: 'P-TEE', flags: ['qty_over_received'], qv: 2, pv: 0, received: 8, po: 1000 },
      { sku: 'P-CAP', flags: ['price_variance'], qv: 0, pv: 500, received: 5, po: 2000 },
    ]);
    // Nothing is booked, nor payable, until someone approves.
    expect(await balance('payables')).toBe(apBefore);
    const early = await t.api('POST', '/api/v1/supplier-payments', { supplier: 'MATCH', reference: 'M-1', currency: 'USD', paidDate: '2026-04-02', applications: [{ billId: b.id, amountMinor: 100 }] });
    expect(early.status).toBe(409);
    // Approving a variance needs a reason; then who and when are kept, and it posts.
    const noNote = await t.api('POST', `/api/v1/bills/${b.id}/approve`, {});
    expect(noNote.status).toBe(400);
    expect(noNote.body.errors[0].path).toBe('note');
    const ap = await ok(t.api('POST', `/api/v1/bills/${b.id}/approve`, { note: 'Price rise agreed by phone; 2 tees in transit' }));
    expect(ap).toMatchObject({ status: 'open', approvalNote: 'Price rise agreed by phone; 2 tees in transit', approvedBy: expect.any(String), approvedAt: expect.any(String), journalId: expect.any(String) });
    expect((await t.api('POST', `/api/v1/bills/${b.id}/approve`, { note: 'again' })).status).toBe(409);
    // Inventory at the PO cost, the price difference to its own account, payables for the bill.
    expect(await balance('inventory')).toBe(invBefore + 10 * 1000 + 5 * 2000);
    expect(await balance('purchase_price_variance')).toBe(ppvBefore + 500);
    expect(await balance('payables')).toBe(apBefore - 20_500);

    // Everything received of line 1 is now billed (10 of 8): another bill for it is over received by all it asks.
    const again = await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'MW-1002', issueDate: '2026-04-03', lines: [{ lineNo: 1, quantity: 1 }] }), 201);
    expect(again.lines[0]).toMatchObject({ receivedQuantity: 0, quantityVariance: 1, flags: ['qty_over_received'] });
    const variances = await ok(t.api('GET', '/api/v1/bills?supplier=MATCH&matchStatus=variance'));
    expect(variances.items.map((x: any) => [x.number, x.flags])).toEqual([['MW-1001', ['price_variance', 'qty_over_received']], ['MW-1002', ['qty_over_received']]]);

    // The same number again is the same bill (a retry); with other content, a conflict naming `number`.
    const retry = await t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'MW-1002', issueDate: '2026-04-03', lines: [{ lineNo: 1, quantity: 1 }] });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(again.id);
    const taken = await t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'MW-1002', issueDate: '2026-04-03', lines: [{ lineNo: 2, quantity: 1 }] });
    expect(taken.status).toBe(409);
    expect(taken.body.errors[0].path).toBe('number');
  });

  it('accepts a price within the configured tolerance, refuses bills for goods not received, and names bad fields', async () => {
    await ok(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD', billPriceTolerancePercent: 5 }));
    try {
      const po = await receivedPo('MATCH', [{ sku: 'P-CAP', quantity: 4, unitCostMinor: 2000, accepted: 4 }]);
      const within = await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'MW-2001', issueDate: '2026-04-05', lines: [{ lineNo: 1, quantity: 2, unitPriceMinor: 2100 }] }), 201);
      expect(within).toMatchObject({ matchStatus: 'matched', status: 'open', priceVarianceMinor: 0 });
      const beyond = await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'MW-2002', issueDate: '2026-04-05', lines: [{ lineNo: 1, quantity: 2, unitPriceMinor: 2101 }] }), 201);
      expect(beyond).toMatchObject({ matchStatus: 'variance', status: 'draft', priceVarianceMinor: 202 });
    } finally {
      await ok(t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'USD' }));
    }
    const sent = await ok(t.api('POST', '/api/v1/purchase-orders', { supplier: 'MATCH', lines: [{ sku: 'P-CAP', quantity: 1, unitCostMinor: 100, warehouse: 'WH-P' }] }), 201);
    await ok(t.api('POST', `/api/v1/purchase-orders/${sent.id}/approve`));
    await ok(t.api('POST', `/api/v1/purchase-orders/${sent.id}/send`));
    const notReceived = await t.api('POST', '/api/v1/bills', { purchaseOrder: sent.id, number: 'MW-3001', issueDate: '2026-04-05', lines: [{ lineNo: 1, quantity: 1 }] });
    expect(notReceived.status).toBe(409);
    expect(notReceived.body.errors[0].path).toBe('purchaseOrder');

    const noTerms = await receivedPo('AGE', [{ sku: 'P-CAP', quantity: 1, unitCostMinor: 100, accepted: 1 }]);
    const needsDue = await t.api('POST', '/api/v1/bills', { purchaseOrder: noTerms.id, number: 'X-1', issueDate: '2026-04-05', lines: [{ lineNo: 1, quantity: 1 }] });
    expect(needsDue.status).toBe(400);
    expect(needsDue.body.errors[0].path).toBe('dueDate');
    const bad = await t.api('POST', '/api/v1/bills', { purchaseOrder: noTerms.id, number: 'X-1', issueDate: '2026-04-05', dueDate: '2026-04-01', lines: [{ lineNo: 9, quantity: 0 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['dueDate', 'lines.0.quantity']);
    const noLine = await t.api('POST', '/api/v1/bills', { purchaseOrder: noTerms.id, number: 'X-1', issueDate: '2026-04-05', dueDate: '2026-04-30', lines: [{ lineNo: 9, quantity: 1 }] });
    expect(noLine.body.errors[0].path).toBe('lines.0.lineNo');
    const prefill = await ok(t.api('GET', `/api/v1/bills/prefill?purchaseOrder=${noTerms.number}`));
    expect(prefill).toMatchObject({ supplierCode: 'AGE', termsDays: null, receivable: true, lines: [{ lineNo: 1, received: 1, billed: 0, quantity: 1, unitPriceMinor: 100 }] });
  });
});

describe('multi-currency payables', () => {
  it('books a EUR bill in USD at its date\'s rate and realises FX when paid at other rates (loss, then gain)', async () => {
    await ok(t.api('PUT', '/api/v1/fx-rates', { date: '2026-03-01', base: 'EUR', quote: 'USD', rate: '1.10' }));
    await ok(t.api('PUT', '/api/v1/fx-rates', { date: '2026-04-01', base: 'EUR', quote: 'USD', rate: '1.20' }));
    const po = await receivedPo('EURO', [{ sku: 'P-TEE', quantity: 10, unitCostMinor: 10_000, accepted: 10 }]);
    const apBefore = await balance('payables'), fxBefore = await balance('fx'), bankBefore = await balance('bank'), invBefore = await balance('inventory');
    const bill = await ok(t.api('POST', '/api/v1/bills', { purchaseOrder: po.number, number: 'EF-2026-1', issueDate: '2026-03-01', lines: [{ lineNo: 1, quantity: 10 }] }), 201);
    expect(bill).toMatchObject({ currency: 'EUR', totalMinor: 100_000, functionalCurrency: 'USD', fxRate: '1.1', functionalTotalMinor: 110_000, status: 'open' });
    expect(await balance('payables')).toBe(apBefore - 110_000);
    expect(await balance('inventory')).toBe(invBefore + 110_000);
    // The journal lines keep the EUR amount beside the USD one.
    const pres = await t.hub.ctx.db.execute(sql`select presentment_minor, presentment_currency from journal_lines where entry_id = ${bill.journalId} and credit_minor > 0`);
    expect(pres.rows[0]).toMatchObject({ presentment_currency: 'EUR' });
    expect(Number((pres.rows[0] as any).presentment_minor)).toBe(100_000);

    // 40% paid on 04-01 at 1.20: 48 000 USD leaves the bank for 44 000 booked → 4 000 loss.
    const p1 = await ok(t.api('POST', '/api/v1/supplier-payments', { supplier: 'EURO', reference: 'SEPA-1', currency: 'EUR', paidDate: '2026-04-01', applications: [{ billId: bill.id, amountMinor: 40_000 }] }), 201);
    expect(p1).toMatchObject({ fxRate: '1.2', functionalAmountMinor: 48_000, fxMinor: 4_000 });
    // The rest at the bank's own rate 1.05: 63 000 USD for the 66 000 still booked → 3 000 gain.
    const p2 = await ok(t.api('POST', '/api/v1/supplier-payments', { supplier: 'EURO', reference: 'SEPA-2', currency: 'EUR', paidDate: '2026-04-15', fxRate: '1.05', applications: [{ billId: bill.id, amountMinor: 60_000 }] }), 201);
    expect(p2).toMatchObject({ functionalAmountMinor: 63_000, fxMinor: -3_000 });
    const after = await ok(t.api('GET', `/api/v1/bills/${bill.id}`));
    expect(after).toMatchObject({ status: 'paid', functionalPaidMinor: 110_000 });
    expect(after.payments.map((p: any) => p.fxMinor)).toEqual([4_000, -3_000]);
    // Payables back where they were, bank down by what was paid in USD, net FX loss 1 000 (Dr fx).
    expect(await balance('payables')).toBe(apBefore);
    expect(await balance('bank')).toBe(bankBefore - 111_000);
    expect(await balance('fx')).toBe(fxBefore + 1_000);

    // A payment in another currency than the bill, and a bill on a day with no rate, are 400s naming the field.
    const wrongCur = await t.api('POST', '/api/v1/supplier-payments', { supplier: 'EURO', reference: 'SEPA-3', currency: 'USD', paidDate: '2026-04-15', applications: [{ billId: bill.id, amountMinor: 1 }] });
    expect(wrongCur.status).toBe(400);
    expect(wrongCur.body.errors[0].path).toBe('applications.0.billId');
    const noRate = await t.api('POST', '/api/v1/bills', { purchaseOrder: po.id, number: 'EF-2020-1', issueDate: '2020-01-01', lines: [{ lineNo: 1, quantity: 1 }] });
    expect(noRate.status).toBe(400);
    expect(noRate.body.errors[0].path).toBe('fxRate');

    // The balance sheet still ties out, and the realised FX shows in the P&L.
    const bs = await ok(t.api('GET', '/api/v1/reports/balance-sheet?at=2026-12-31'));
    expect(bs.current.totals.assets.functionalMinor).toBe(bs.current.totals.liabilitiesAndEquity.functionalMinor);
    const pl = await ok(t.api('GET', '/api/v1/reports/profit-and-loss?from=2026-04-01&to=2026-04-30'));
    expect(pl.current.totals.fx.functionalMinor).toBe(1_000);
    // Every journal balances per currency.
    const unbalanced = await t.hub.ctx.db.execute(sql`select entry_id from journal_lines group by entry_id, currency having sum(debit_minor) <> sum(credit_minor)`);
    expect(unbalanced.rows).toEqual([]);
  });
});

describe('payables API access', () => {
  it('puts bills, supplier payments and payables reports in the finance scope', async () => {
    const key = await createApiKey(t.hub.ctx, { name: 'finance reader', role: 'operator', scopes: ['finance:read'] });
    const as = (method: string, path: string, body?: unknown) => t.api(method, path, body, { authorization: `Bearer ${key.key}` });
    expect((await as('GET', '/api/v1/bills')).status).toBe(200);
    expect((await as('GET', '/api/v1/payables/aging')).status).toBe(200);
    expect((await as('POST', '/api/v1/supplier-payments', {})).status).toBe(403);
    const stock = await createApiKey(t.hub.ctx, { name: 'stock only', role: 'operator', scopes: ['stock:read'] });
    expect((await t.api('GET', '/api/v1/bills', undefined, { authorization: `Bearer ${stock.key}` })).status).toBe(403);
  });
});
