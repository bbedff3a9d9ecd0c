import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/hub';

/**
 * Days that look right but do not exist (30 February, month 13) are a 400 naming the field everywhere
 * a day is read: before, some reached PostgreSQL's date cast (a 500) and some a text comparison (a
 * filter that silently meant nothing).
 */
let t: TestHub;
beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
});
afterAll(async () => t?.close());

const cursor = (...parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
const uuid = '00000000-0000-4000-8000-000000000000';

describe('days that do not exist', () => {
  it.each([
    ['/api/v1/receivables/aging?at=2026-02-30', 'at'],
    ['/api/v1/payables/aging?at=2026-02-30', 'at'],
    ['/api/v1/journals?from=2026-02-30', 'from'],
    ['/api/v1/payouts?dateFrom=2026-13-45', 'dateFrom'],
    ['/api/v1/bills/prefill?purchaseOrder=PO-1&issueDate=2026-02-30', 'issueDate'],
    [`/api/v1/payments?cursor=${cursor('2026-02-30', 'REF', uuid)}`, 'cursor'],
    [`/api/v1/invoices?cursor=${cursor('2026-02-30', 'INV-1', uuid)}`, 'cursor'],
    [`/api/v1/supplier-payments?cursor=${cursor('2026-02-30', 'REF', uuid)}`, 'cursor'],
    [`/api/v1/bank-statements/lines?cursor=${cursor('2026-02-30', uuid)}`, 'cursor'],
  ])('GET %s is a 400 naming %s', async (path, field) => {
    const r = await t.api('GET', path);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('a manual journal dated 30 February is a 400 naming date', async () => {
    const r = await t.api('POST', '/api/v1/journals/manual', {
      reference: 'FEB-30', date: '2026-02-30', memo: 'no such day',
      lines: [{ account: '1000', debit: '1.00' }, { account: '3000', credit: '1.00' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('date');
  });
});
