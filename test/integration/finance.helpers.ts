import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { fromMinor } from '../../src/domain/money';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import type { TestHub } from '../helpers/hub';
import { FIXTURES } from '../helpers/fixtures';

export { FIXTURES };
export const fixture = <T = any>(rel: string): T => JSON.parse(readFileSync(`${FIXTURES}/${rel}`, 'utf8')) as T;

/**
 * A Shopify connection row for payout pulls. The Shopify connector itself lives on another branch;
 * the payouts client only reads shopDomain/accessToken/baseUrl from the connection.
 */
export async function insertConnection(t: TestHub, type: string, config: Record<string, unknown>): Promise<string> {
  const r = await t.hub.ctx.db.execute(sql`
    insert into connections (type, name, config) values (${type}, ${`${type} test`}, ${JSON.stringify(config)}::jsonb) returning id`);
  return String((r.rows[0] as { id: string }).id);
}

const SECRET = 'finance-test-secret';
const sandboxConn = new WeakMap<TestHub, string>();
let delivery = 0;

/**
 * A paid order that arrives through the inbox like any channel's (a signed sandbox webhook, then
 * the drain), with the external id the processor's transactions reference.
 * (Manual entry, POST /api/v1/orders, deadlocks on PGlite in this branch's core: see the report.)
 */
/** The sandbox shop the test orders come from (one per hub). */
export async function sandboxConnection(t: TestHub): Promise<string> {
  let conn = sandboxConn.get(t);
  if (!conn) {
    const r = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Finance test shop', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
    if (r.status !== 201) throw new Error(`sandbox connection: ${r.status} ${JSON.stringify(r.body)}`);
    conn = r.body.id as string;
    sandboxConn.set(t, conn);
  }
  return conn;
}

/** Set `drain` false to leave the drain to the workers (as in production). */
export async function createOrder(t: TestHub, externalId: string, totalMinor: number, currency = 'USD', financialStatus = 'paid', placedAt = '2020-11-01T12:00:00Z', drain = true): Promise<string> {
  const conn = await sandboxConnection(t);
  const order = {
    id: externalId, number: `#${externalId}`, state: 'open', paid: financialStatus === 'paid', currency,
    created_at: placedAt, updated_at: placedAt, revision: 0, email: 'buyer@example.test', name: 'Ada Buyer',
    address: { line1: '1 Main St', city: 'Austin', postal: '73301', country: 'US' },
    items: [{ id: `${externalId}-1`, sku: 'TEE-BLK-M', title: 'Organic tee', qty: 1, price: fromMinor(totalMinor, currency) }],
    shipping: fromMinor(0, currency), tax: fromMinor(0, currency),
  };
  const body = JSON.stringify(order);
  const res = await t.app.request(`/webhooks/${conn}`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, body), 'x-sandbox-delivery-id': `fin-${++delivery}-${externalId}`, 'x-sandbox-topic': 'order.updated' },
  });
  if (res.status >= 300) throw new Error(`webhook for ${externalId}: ${res.status}`);
  await t.hub.ctx.rawEvents.drain();
  if (!drain) return '';
  await drainRawEvents(t.hub.ctx);
  const r = await t.hub.ctx.db.execute(sql`select id from orders where connection_id = ${conn} and external_id = ${externalId}`);
  const id = (r.rows[0] as { id: string } | undefined)?.id;
  if (!id) throw new Error(`order ${externalId} did not reach the inbox`);
  return String(id);
}

/** Clearing balance (debit − credit) over every posted or reversed entry of a payout. */
export async function clearingBalance(t: TestHub, payoutId: string): Promise<number> {
  const r = await t.hub.ctx.db.execute(sql`
    select coalesce(sum(l.debit_minor - l.credit_minor), 0) as b from journal_lines l
    join journal_entries e on e.id = l.entry_id join ledger_accounts a on a.id = l.account_id
    where e.payout_id = ${payoutId} and a.role = 'clearing'`);
  return Number((r.rows[0] as { b: number }).b);
}

export async function ledgerTotals(t: TestHub): Promise<Array<{ entry: string; currency: string; dr: number; cr: number }>> {
  const r = await t.hub.ctx.db.execute(sql`
    select entry_id, currency, sum(debit_minor) as dr, sum(credit_minor) as cr from journal_lines group by entry_id, currency`);
  return (r.rows as Array<Record<string, unknown>>).map((x) => ({ entry: String(x.entry_id), currency: String(x.currency), dr: Number(x.dr), cr: Number(x.cr) }));
}
