import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPayout } from '../../src/finance/ingest-payout';
import { accountingJournal, syncOutboxRow } from '../../src/finance/sync-journal';
import { reconcile } from '../../src/finance/reconcile-payout';
import { shopifyPayoutToInput, shopifyTransactionToLine } from '../../connectors/shopify/payouts-transform';
import { createTestHub, type TestHub } from '../helpers/hub';
import { useMswServer } from '../helpers/msw';
import { createOrder, fixture, insertConnection } from './finance.helpers';

/**
 * Journals synced to Xero (ManualJournals) and QuickBooks (JournalEntry) through the outbox; msw
 * plays Xero and Intuit and keeps journals by idempotency key, as the real services do.
 */
const XERO = 'https://xero.test';
const QBO = 'https://qbo.test';
const xeroJournals = new Map<string, any>();
const xeroBank = new Map<string, any>();
const xeroCalls: Array<{ key: string | null; tenant: string | null; body: any }> = [];
const qboCalls: Array<{ requestid: string | null; minorversion: string | null; body: any }> = [];
let tokenRefreshes = 0;
let throttleOnce = false;
let throttledAt = 0;
let retriedAt = 0;

/** Xero's 429 once when `throttleOnce` is set; records when the retry came. */
function throttle(): HttpResponse<string> | null {
  if (throttleOnce) {
    throttleOnce = false;
    throttledAt = Date.now();
    return new HttpResponse('{"Title":"Too Many Requests"}', { status: 429, headers: { 'retry-after': '1', 'x-rate-limit-problem': 'minute' } });
  }
  if (throttledAt && !retriedAt) retriedAt = Date.now();
  return null;
}

const server = useMswServer(
  http.post(`${XERO}/connect/token`, async ({ request }) => {
    tokenRefreshes++;
    const form = new URLSearchParams(await request.text());
    expect(form.get('grant_type')).toBe('refresh_token');
    return HttpResponse.json({ access_token: 'xero-access', expires_in: 1800, refresh_token: `${form.get('refresh_token')}-r` });
  }),
  http.post(`${XERO}/api.xro/2.0/ManualJournals`, async ({ request }) => {
    const key = request.headers.get('idempotency-key');
    expect(request.headers.get('authorization')).toBe('Bearer xero-access');
    const body = await request.json();
    xeroCalls.push({ key, tenant: request.headers.get('xero-tenant-id'), body });
    const throttled = throttle();
    if (throttled) return throttled;
    // Xero answers a repeated Idempotency-Key with the first result.
    if (!xeroJournals.has(key!)) xeroJournals.set(key!, { ManualJournalID: `mj-${xeroJournals.size + 1}`, ...(body as any).ManualJournals[0] });
    return HttpResponse.json({ Status: 'OK', ManualJournals: [xeroJournals.get(key!)] });
  }),
  http.post(`${XERO}/api.xro/2.0/BankTransactions`, async ({ request }) => {
    const key = request.headers.get('idempotency-key');
    const body = await request.json();
    xeroCalls.push({ key, tenant: request.headers.get('xero-tenant-id'), body });
    const throttled = throttle();
    if (throttled) return throttled;
    if (!xeroBank.has(key!)) xeroBank.set(key!, { BankTransactionID: `bt-${xeroBank.size + 1}`, ...(body as any).BankTransactions[0] });
    return HttpResponse.json({ Status: 'OK', BankTransactions: [xeroBank.get(key!)] });
  }),
  http.post(`${QBO}/v3/company/:realm/deposit`, async ({ request }) => {
    const u = new URL(request.url);
    qboCalls.push({ requestid: u.searchParams.get('requestid'), minorversion: u.searchParams.get('minorversion'), body: await request.json() });
    return HttpResponse.json({ Deposit: { Id: '812', SyncToken: '0' } });
  }),
  http.post(`${QBO}/oauth2/v1/tokens/bearer`, () => HttpResponse.json({ access_token: 'qbo-access', expires_in: 3600 })),
  http.post(`${QBO}/v3/company/:realm/journalentry`, async ({ request, params }) => {
    const u = new URL(request.url);
    expect(params.realm).toBe('9130');
    qboCalls.push({ requestid: u.searchParams.get('requestid'), minorversion: u.searchParams.get('minorversion'), body: await request.json() });
    return HttpResponse.json({ JournalEntry: { Id: '450', SyncToken: '0' } });
  }),
);

let t: TestHub;
let shop: string;
let xero: string;
let qbo: string;
let settlementId: string;

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  shop = await insertConnection(t, 'shopify', { shopDomain: 'sync-shop.test' });
  const x = await t.api('POST', '/api/v1/connections', { type: 'xero', name: 'Books', config: { tenantId: 'tenant-1', clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-1', baseUrl: XERO } });
  expect(x.status).toBe(201);
  xero = x.body.id;
  const qb = await t.api('POST', '/api/v1/connections', { type: 'quickbooks', name: 'QBO', config: { realmId: '9130', clientId: 'qid', clientSecret: 'qsecret', refreshToken: 'qrt', baseUrl: QBO } });
  qbo = qb.body.id;
  await t.api('PUT', `/api/v1/finance/settings/${shop}`, { accountingTargets: [{ target: 'xero', connectionId: xero }, { target: 'quickbooks', connectionId: qbo }] });
  // The mapping the user edits: our fees account is 404 at Xero and 65 at QuickBooks.
  const accounts = await t.api('GET', '/api/v1/finance/accounts');
  const fees = accounts.body.items.find((a: any) => a.role === 'fees' && a.connectionId === null);
  const patched = await t.api('PATCH', `/api/v1/finance/accounts/${fees.id}`, { externalRefs: { xero: '404', quickbooks: '65' } });
  expect(patched.body).toMatchObject({ code: '6100', externalRefs: { xero: '404', quickbooks: '65' } });
  expect((await t.api('PATCH', `/api/v1/finance/accounts/${fees.id}`, { externalRefs: { sage: '1' } })).status).toBe(400);
  await createOrder(t, '217130470', 1150);
  const rows = fixture<{ transactions: any[] }>('shopify/balance_transactions.json').transactions.filter((r) => [567994517].includes(r.id));
  const { payoutId } = await ingestPayout(t.hub.ctx, {
    connectionId: shop, source: 'shopify_payments',
    payout: shopifyPayoutToInput({ ...fixture('shopify/payout.json').payout, amount: '10.85' }), lines: rows.map(shopifyTransactionToLine),
  });
  const r = await reconcile(t.hub.ctx, { payoutId });
  expect(r.breaks).toEqual([]);
  expect(r.outboxIds).toHaveLength(4); // (settlement, deposit) × (xero, quickbooks)
  settlementId = r.changes.journals.find((j) => j.kind === 'settlement')!.journalId!;
});
afterAll(() => t?.close());

async function outbox(journalId: string, target: string) {
  const r = await t.hub.ctx.db.execute(sql`select * from accounting_outbox where journal_id = ${journalId} and target = ${target}`);
  return r.rows[0] as any;
}

describe('accounting sync through the outbox', () => {
  it('maps the journal to Xero decimals and account codes', async () => {
    const j = await accountingJournal(t.hub.ctx, settlementId, 'xero');
    expect(j.lines).toEqual([
      { accountCode: '4000', role: 'sales', description: 'sales · payout 623721858', debit: null, credit: '11.50' },
      { accountCode: '404', role: 'fees', description: 'fees · payout 623721858', debit: '0.65', credit: null },
      { accountCode: '1150', role: 'clearing', description: 'clearing · payout 623721858', debit: '10.85', credit: null },
    ]);
  });

  it('a journal synced twice makes one journal at Xero, with the same Idempotency-Key both times', async () => {
    const row = await outbox(settlementId, 'xero');
    const first = await syncOutboxRow(t.hub.ctx, row.id);
    expect(first).toEqual({ status: 'synced', remoteId: 'mj-1' });
    // A retry through the API (as after a lost answer): the row is put back and sent again.
    await t.hub.ctx.db.execute(sql`update accounting_outbox set status = 'pending' where id = ${row.id}`);
    const again = await t.api('POST', `/api/v1/journals/${settlementId}/sync`);
    expect(again.status).toBe(202);
    expect(again.body.queued).toContain(row.id);
    await syncOutboxRow(t.hub.ctx, row.id);
    const calls = xeroCalls.filter((c) => c.key === row.idempotency_key);
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.tenant === 'tenant-1')).toBe(true);
    expect(xeroJournals.size).toBe(1);
    expect((await outbox(settlementId, 'xero')).remote_id).toBe('mj-1');
    // Once synced, a further sync job is a no-op: nothing is sent.
    const n = xeroCalls.length;
    expect((await syncOutboxRow(t.hub.ctx, row.id)).status).toBe('synced');
    expect(xeroCalls.length).toBe(n);
    // Lines as Xero wants them: debits positive, credits negative; they sum to zero.
    const sent = calls[0]!.body.ManualJournals[0].JournalLines.map((l: any) => l.LineAmount);
    expect(sent).toEqual([-11.5, 0.65, 10.85]);
    expect(tokenRefreshes).toBe(1);
    // Xero rotated the refresh token; the connection keeps the new one (sealed, never shown).
    const conn = await t.api('GET', `/api/v1/connections/${xero}`);
    expect(JSON.stringify(conn.body)).not.toContain('rt-1');
  });

  it('sends the deposit as a Xero bank transaction (RECEIVE into the bank, from clearing), honouring a 429', async () => {
    const deposit = (await t.hub.ctx.db.execute(sql`select id from journal_entries where kind = 'deposit'`)).rows[0] as any;
    const row = await outbox(deposit.id, 'xero');
    throttleOnce = true;
    const r = await syncOutboxRow(t.hub.ctx, row.id);
    expect(r).toEqual({ status: 'synced', remoteId: 'bt-1' });
    expect(retriedAt - throttledAt).toBeGreaterThanOrEqual(950);
    const calls = xeroCalls.filter((c) => c.key === row.idempotency_key);
    expect(calls).toHaveLength(2);
    const bt = calls[1]!.body.BankTransactions[0];
    expect(bt).toMatchObject({ Type: 'RECEIVE', Contact: { Name: 'Shopify Payments' }, BankAccount: { Code: '1000' }, CurrencyCode: 'USD' });
    expect(bt.LineItems).toEqual([expect.objectContaining({ Quantity: 1, UnitAmount: 10.85, AccountCode: '1150' })]);
    expect(xeroJournals.size).toBe(1); // only the settlement went as a manual journal
  }, 20_000);

  it('sends the deposit as a QuickBooks Deposit into the bank account from clearing', async () => {
    const deposit = (await t.hub.ctx.db.execute(sql`select id from journal_entries where kind = 'deposit'`)).rows[0] as any;
    const row = await outbox(deposit.id, 'quickbooks');
    expect((await syncOutboxRow(t.hub.ctx, row.id)).remoteId).toBe('812');
    const call = qboCalls.at(-1)!;
    expect(call).toMatchObject({ requestid: row.idempotency_key, minorversion: '75' });
    expect(call.body).toMatchObject({ DepositToAccountRef: { value: '1000' }, CurrencyRef: { value: 'USD' } });
    expect(call.body.Line).toEqual([expect.objectContaining({ Amount: 10.85, DetailType: 'DepositLineDetail', DepositLineDetail: { AccountRef: { value: '1150' } } })]);
  });

  it('posts a QuickBooks JournalEntry with requestid and minorversion 75', async () => {
    const row = await outbox(settlementId, 'quickbooks');
    expect((await syncOutboxRow(t.hub.ctx, row.id)).remoteId).toBe('450');
    const call = qboCalls.at(-1)!;
    expect(call).toMatchObject({ requestid: row.idempotency_key, minorversion: '75' });
    expect(call.body.Line.map((l: any) => [l.JournalEntryLineDetail.PostingType, l.Amount, l.JournalEntryLineDetail.AccountRef.value]))
      .toEqual([['Credit', 11.5, '4000'], ['Debit', 0.65, '65'], ['Debit', 10.85, '1150']]);
    const list = await t.api('GET', '/api/v1/journals?target=quickbooks&status=synced');
    // Both of the payout's journals are synced to QuickBooks now (the deposit as a Deposit, above).
    expect(list.body.items.map((j: any) => j.id)).toHaveLength(2);
    expect(list.body.items.map((j: any) => j.id)).toContain(settlementId);
  });

  it('exports journals as CSV', async () => {
    const res = await t.app.request('/api/v1/journals/export?format=csv', { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    expect(text.split('\n')[0]).toBe('journal_id,date,kind,status,memo,account_code,account_name,debit,credit,currency,line_memo');
    expect(text).toContain(',6100,Payment processing fees,0.65,,USD,');
  });
});
