import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCamt053 } from '../../src/domain/bank-matching';
import { createTestHub, type TestHub } from '../helpers/hub';
import { insertConnection } from './finance.helpers';

let t: TestHub;
const payoutIds: Record<string, string> = {};

const CAMT = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
  <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
  <Ntry><Amt Ccy="EUR">812.40</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-03-05</Dt></BookgDt><AcctSvcrRef>B-1</AcctSvcrRef><AddtlNtryInf>STRIPE PAYOUT</AddtlNtryInf></Ntry>
  <Ntry><Amt Ccy="EUR">45.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2026-03-06</Dt></BookgDt><AcctSvcrRef>B-2</AcctSvcrRef><AddtlNtryInf>Bank fee</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>`;

describe('bank statement import and deposit matching', () => {
  beforeAll(async () => {
    t = await createTestHub({ queue: 'embedded' });
    const conn = await insertConnection(t, 'stripe', { secretKey: 'sk_test', baseUrl: 'https://api.stripe.test' });
    for (const [ext, amount, cur, date] of [['po_A', 81_240, 'EUR', '2026-03-03'], ['po_B', 50_000, 'USD', '2026-03-01'], ['po_C', 50_000, 'USD', '2026-03-04'], ['po_D', 12_345, 'USD', '2026-01-01']] as const) {
      const r = await t.hub.ctx.db.execute(sql`
        insert into payouts (connection_id, source, external_id, status, amount_minor, currency, arrival_date)
        values (${conn}, 'stripe', ${ext}, 'paid', ${amount}, ${cur}, ${date}) returning id`);
      payoutIds[ext] = String((r.rows[0] as { id: string }).id);
    }
  });
  afterAll(async () => t.close());

  it('reads CAMT.053 entries with sign, date and references', () => {
    const s = parseCamt053(CAMT);
    expect(s.account).toBe('DE89370400440532013000');
    expect(s.entries).toEqual([
      { bookingDate: '2026-03-05', amount: '812.40', currency: 'EUR', reference: 'B-1', description: 'STRIPE PAYOUT' },
      { bookingDate: '2026-03-06', amount: '-45.00', currency: 'EUR', reference: 'B-2', description: 'Bank fee' },
    ]);
  });

  it('matches deposits to payouts by amount and date window, one to one, and imports a line once', async () => {
    const camt = await t.api('POST', '/api/v1/bank-statements/import?format=camt053', CAMT, { 'content-type': 'application/xml' });
    expect(camt.status, JSON.stringify(camt.body)).toBe(201);
    expect(camt.body).toMatchObject({ lines: 2, stored: 2, matched: 1 });
    // Two equal USD deposits: each takes the payout nearest its date; one far outside the window stays open.
    const csv = 'date,amount,currency,reference,description\n2026-03-02,500.00,USD,R1,payout\n2026-03-05,500.00,USD,R2,payout\n2026-03-20,123.45,USD,R3,late\n';
    const r = await t.api('POST', '/api/v1/bank-statements/import?account=US-OPERATING', csv, { 'content-type': 'text/csv' });
    expect(r.body).toMatchObject({ lines: 3, stored: 3, matched: 2 });
    const again = await t.api('POST', '/api/v1/bank-statements/import?account=US-OPERATING', csv, { 'content-type': 'text/csv' });
    expect(again.body).toMatchObject({ lines: 3, stored: 0, skipped: 3, matched: 0 });
    const lines = (await t.api('GET', '/api/v1/bank-statements/lines')).body.items;
    const by = Object.fromEntries(lines.map((l: any) => [l.reference, l.matchedPayoutId]));
    expect(by).toEqual({ 'B-1': payoutIds.po_A, 'B-2': null, R1: payoutIds.po_B, R2: payoutIds.po_C, R3: null });
    const bad = await t.api('POST', '/api/v1/bank-statements/import?account=X&currency=USD', 'date,amount\n2026-13-01,1e3\n', { 'content-type': 'text/csv' });
    expect(bad.status).toBe(400);
    // Dates that look right but are no day (month 13, 30 February) are a 400 naming the row, not a 500.
    const noDay = await t.api('POST', '/api/v1/bank-statements/import?account=X&currency=USD', 'date,amount\n2026-13-01,5\n2026-02-30,5\n', { 'content-type': 'text/csv' });
    expect(noDay.status, JSON.stringify(noDay.body)).toBe(400);
    expect(noDay.body.errors.map((e: { path: string }) => e.path)).toEqual(['rows.2.date', 'rows.3.date']);
  });

  it('matches receipts to customer payments (by reference, else amount and date) and debits to supplier payments, one to one', async () => {
    const pay = async (reference: string, amountMinor: number, receivedDate: string) => {
      const r = await t.api('POST', '/api/v1/payments', { customerRef: 'ACME', reference, currency: 'USD', amountMinor, receivedDate });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const byRef = await pay('INV-PAY-77', 25_000, '2026-04-01');
    // Same amount, no shared reference: matched by amount and date window.
    const byAmount = await pay('wire-123', 9_900, '2026-04-02');
    const sup = await t.api('POST', '/api/v1/suppliers', { code: 'BANKSUP', name: 'Bank Supplies', currency: 'USD' });
    expect(sup.status, JSON.stringify(sup.body)).toBe(201);
    const sp = await t.hub.ctx.db.execute(sql`
      insert into supplier_payments (supplier_id, reference, currency, amount_minor, paid_date, functional_currency, fx_rate, functional_amount_minor)
      values (${sup.body.id}, 'SP-1', 'USD', 40000, '2026-04-03', 'USD', '1', 40000) returning id`);
    const supplierPaymentId = String((sp.rows[0] as { id: string }).id);

    const csv = [
      'date,amount,currency,reference,description',
      // Booked two days after the payment, a reference the payment carries.
      '2026-04-03,250.00,USD,inv-pay-77,ACME remittance',
      '2026-04-02,99.00,USD,,incoming wire',
      '2026-04-04,-400.00,USD,,to Bank Supplies',
      // Equal to a payment already matched: stays open (one to one).
      '2026-04-05,250.00,USD,INV-PAY-77,duplicate?',
      '',
    ].join('\n');
    const r = await t.api('POST', '/api/v1/bank-statements/import?account=US-OPERATING', csv, { 'content-type': 'text/csv' });
    expect(r.body).toMatchObject({ lines: 4, stored: 4, matched: 3 });
    const lines = (await t.api('GET', '/api/v1/bank-statements/lines?limit=500')).body.items as Array<Record<string, unknown>>;
    const of = (d: string) => lines.find((l) => l.description === d)!;
    expect(of('ACME remittance')).toMatchObject({ matchedCustomerPaymentId: byRef, matchRule: 'reference', matchedPayoutId: null });
    expect(of('incoming wire')).toMatchObject({ matchedCustomerPaymentId: byAmount, matchRule: 'amount_date' });
    expect(of('to Bank Supplies')).toMatchObject({ matchedSupplierPaymentId: supplierPaymentId, matchRule: 'amount_date' });
    expect(of('duplicate?')).toMatchObject({ matchedCustomerPaymentId: null, matchedSupplierPaymentId: null, matchedPayoutId: null });
    const open = (await t.api('GET', '/api/v1/bank-statements/lines?matched=false&limit=500')).body.items as Array<Record<string, unknown>>;
    expect(open.map((l) => l.description)).toContain('duplicate?');
    expect(open.map((l) => l.description)).not.toContain('incoming wire');
  });
});
