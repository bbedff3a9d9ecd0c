import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, expectOk, type TestHub } from '../helpers/hub';
import { realServers, skipNote } from '../helpers/servers';
import { insertConnection } from './finance.helpers';

/**
 * Bank lines a person works with: the list pages to its end, a line the rules could not place is
 * matched by hand (checked: side, currency, one to one, also under concurrent requests), a wrong
 * match is taken off and the automatic matching then leaves the line alone.
 */
let t: TestHub;
const payouts: Record<string, string> = {};
let supplierPaymentId: string;

const lineOf = async (reference: string) => {
  const all = (await t.api('GET', '/api/v1/bank-statements/lines?limit=500')).body.items as Array<Record<string, any>>;
  const l = all.find((x) => x.reference === reference);
  if (!l) throw new Error(`no line ${reference}`);
  return l;
};

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  const conn = await insertConnection(t, 'stripe', { secretKey: 'sk_test', baseUrl: 'https://api.stripe.test' });
  // Far from every line's amount and date: the automatic matching places none of them.
  for (const [ext, amount, cur] of [['po_X', 70_000, 'USD'], ['po_EUR', 10_000, 'EUR'], ['po_RACE', 55_500, 'USD'], ['po_HELD', 33_300, 'USD']] as const) {
    const r = await t.hub.ctx.db.execute(sql`
      insert into payouts (connection_id, source, external_id, status, amount_minor, currency, arrival_date)
      values (${conn}, 'stripe', ${ext}, 'paid', ${amount}, ${cur}, '2025-01-01') returning id`);
    payouts[ext] = String((r.rows[0] as { id: string }).id);
  }
  const sup = await expectOk(t.api('POST', '/api/v1/suppliers', { code: 'BL-SUP', name: 'Line Supplies', currency: 'USD' }));
  const sp = await t.hub.ctx.db.execute(sql`
    insert into supplier_payments (supplier_id, reference, currency, amount_minor, paid_date, functional_currency, fx_rate, functional_amount_minor)
    values (${sup.id}, 'SP-BL', 'USD', 12000, '2025-01-01', 'USD', '1', 12000) returning id`);
  supplierPaymentId = String((sp.rows[0] as { id: string }).id);
  const rows = ['date,amount,currency,reference,description'];
  for (let i = 1; i <= 7; i++) rows.push(`2026-05-${String(i).padStart(2, '0')},${i}.00,USD,L${i},line ${i}`);
  rows.push('2026-05-10,699.50,USD,NEAR-X,almost po_X', '2026-05-11,-119.00,USD,DEBIT,card', '2026-05-12,100.00,EUR,EURO,euro deposit');
  for (let i = 1; i <= 6; i++) rows.push(`2026-05-2${i},555.00,USD,RACE${i},race ${i}`);
  const imp = await t.api('POST', '/api/v1/bank-statements/import?account=OPS', `${rows.join('\n')}\n`, { 'content-type': 'text/csv' });
  expect(imp.status, JSON.stringify(imp.body)).toBe(201);
  expect(imp.body).toMatchObject({ lines: 16, stored: 16, matched: 0 });
});
afterAll(async () => t?.close());

describe('bank lines', () => {
  it('page newest first to the end with a cursor, and refuse a cursor the API did not hand out', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await t.api('GET', `/api/v1/bank-statements/lines?account=OPS&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      seen.push(...r.body.items.map((l: any) => `${l.bookingDate} ${l.reference}`));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(16);
    expect(new Set(seen).size).toBe(16);
    expect(seen).toEqual([...seen].sort().reverse());
    const other = await t.api('GET', '/api/v1/bank-statements/lines?account=NOPE');
    expect(other.body).toEqual({ items: [], nextCursor: null });
    const forged = await t.api('GET', `/api/v1/bank-statements/lines?cursor=${Buffer.from('["x"]').toString('base64url')}`);
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].path).toBe('cursor');
  });

  it('match a line by hand, naming what is wrong with a match that cannot be', async () => {
    const near = await lineOf('NEAR-X');
    const debit = await lineOf('DEBIT');
    const euro = await lineOf('EURO');
    const match = (id: string, b: unknown) => t.api('POST', `/api/v1/bank-statements/lines/${id}/match`, b);
    // Wrong side, wrong currency, two targets, none, no such target, no such line.
    let r = await match(debit.id, { payoutId: payouts.po_X });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ path: 'payoutId', message: expect.stringContaining('deposit') });
    r = await match(euro.id, { payoutId: payouts.po_X });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ path: 'payoutId', message: expect.stringContaining('USD') });
    r = await match(near.id, { payoutId: payouts.po_X, supplierPaymentId });
    expect(r.status).toBe(400);
    r = await match(near.id, {});
    expect(r.status).toBe(400);
    r = await match(near.id, { payoutId: '00000000-0000-4000-8000-000000000000' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('payoutId');
    r = await match('00000000-0000-4000-8000-000000000000', { payoutId: payouts.po_X });
    expect(r.status).toBe(404);

    // 699.50 against a payout of 700.00: a person may match it (a fee taken on the way); both amounts show.
    r = await match(near.id, { payoutId: payouts.po_X });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ matchedPayoutId: payouts.po_X, matchRule: 'manual', matchedTo: { kind: 'payout', label: 'stripe po_X', amountMinor: 70_000 } });
    // The line is taken, and so is the payout.
    r = await match(near.id, { payoutId: payouts.po_X });
    expect(r.status).toBe(409);
    expect(r.body.code ?? r.body.type).toMatch(/already_matched/);
    r = await match((await lineOf('L1')).id, { payoutId: payouts.po_X });
    expect(r.status).toBe(409);
    expect(r.body.errors[0].path).toBe('payoutId');
    // A debit goes to a supplier payment.
    r = await match(debit.id, { supplierPaymentId });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.matchedTo).toMatchObject({ kind: 'supplier_payment', label: 'SP-BL · Line Supplies', amountMinor: -12_000 });
    r = await match(euro.id, { payoutId: payouts.po_EUR });
    expect(r.status).toBe(200);
  });

  it('take a match off; the automatic matching leaves that line alone until a person matches it again', async () => {
    const near = await lineOf('NEAR-X');
    const off = await t.api('POST', `/api/v1/bank-statements/lines/${near.id}/unmatch`);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ matchedPayoutId: null, matchRule: 'left_unmatched', matchedTo: null });
    // With a tolerance wide enough to place it, the rules still do not.
    const again = await t.api('POST', '/api/v1/bank-statements/match', { amountToleranceMinor: 100, dateWindowDays: 60 });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect((await lineOf('NEAR-X')).matchedPayoutId).toBeNull();
    const bad = await t.api('POST', '/api/v1/bank-statements/match', { dateWindowDays: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('dateWindowDays');
    // By hand, it can be matched again.
    const r = await t.api('POST', `/api/v1/bank-statements/lines/${near.id}/match`, { payoutId: payouts.po_X });
    expect(r.status).toBe(200);
    expect(r.body.matchRule).toBe('manual');
  });

  it('match one payout to exactly one line when six requests race for it', async () => {
    const lines = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => lineOf(`RACE${i}`)));
    const results = await Promise.all(lines.map((l) => t.api('POST', `/api/v1/bank-statements/lines/${l.id}/match`, { payoutId: payouts.po_RACE })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const held = await t.hub.ctx.db.execute(sql`select count(*)::int as n from bank_statement_lines where matched_payout_id = ${payouts.po_RACE}`);
    expect((held.rows[0] as { n: number }).n).toBe(1);
  });

  it.runIf(realServers)(skipNote('answer 409, not 500, when another connection matches the same payout while the request runs'), async () => {
    // Another connection has matched L2 to the payout and not committed yet: the request's check cannot
    // see it, its update waits on the unique index, and fails when the other commits.
    const [a, b] = [await lineOf('L2'), await lineOf('L3')];
    const other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`update bank_statement_lines set matched_payout_id = $1, match_rule = 'manual' where id = $2`, [payouts.po_HELD, a.id]);
      const pending = t.api('POST', `/api/v1/bank-statements/lines/${b.id}/match`, { payoutId: payouts.po_HELD });
      await new Promise((r) => setTimeout(r, 300));
      await other.query('commit');
      const r = await pending;
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.errors[0].path).toBe('payoutId');
    } finally {
      await other.end();
    }
    expect((await lineOf('L3')).matchedPayoutId).toBeNull();
    expect((await lineOf('L2')).matchedPayoutId).toBe(payouts.po_HELD);
  });

  it('sum up per account what is matched and what is left open', async () => {
    const s = await expectOk(t.api('GET', '/api/v1/bank-statements/summary'));
    const usd = s.items.find((x: any) => x.account === 'OPS' && x.currency === 'USD');
    // 15 USD lines: NEAR-X, DEBIT and one RACE line matched (and L2 on real servers).
    const held = realServers ? 1 : 0;
    expect(usd).toMatchObject({ lines: 15, matched: 3 + held, unmatched: 12 - held, unmatchedOutMinor: 0, firstDate: '2026-05-01', lastDate: '2026-05-26' });
    // 1+…+7 and five 555.00 deposits left open.
    expect(usd.unmatchedInMinor).toBe(2_800 - held * 200 + 5 * 55_500);
    expect(s.items.find((x: any) => x.currency === 'EUR')).toMatchObject({ lines: 1, matched: 1, unmatched: 0 });
  });
});
