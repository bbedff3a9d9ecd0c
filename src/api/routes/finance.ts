import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { getPayout } from '../../finance/get-payout';
import { listLedgerAccounts, UpdateLedgerAccountInput, updateLedgerAccount } from '../../finance/ledger-accounts';
import { orderSettlements } from '../../finance/order-settlements';
import { importAmazonSettlement } from '../../finance/import-amazon-settlement';
import { exportJournals, getJournal, listJournals, ListJournalsQuery, requestJournalSync } from '../../finance/journals';
import { ListBreaksQuery, listBreaks } from '../../finance/list-breaks';
import { ListPayoutsQuery, listPayouts } from '../../finance/list-payouts';
import { queuePayoutPull } from '../../finance/pull-payouts';
import { reconcile } from '../../finance/reconcile-payout';
import { ResolveBreakInput, resolveBreak } from '../../finance/resolve-break';
import { FinanceSettings, getFinanceSettings, setFinanceSettings } from '../../finance/settings';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const Any = z.record(z.string(), z.unknown());
const IdParam = z.object({ id: z.string() });

/** Payouts, reconciliation breaks, journals and accounting sync. */
export function financeRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'get', path: '/api/v1/payouts', tags: ['finance'], summary: 'Payouts (filters: connection, status, date, reconciliation)',
    request: { query: ListPayoutsQuery }, responses: { 200: json(z.object({ items: z.array(Any), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listPayouts(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'post', path: '/api/v1/payouts/pull', tags: ['finance'], summary: 'Queue a pull of payouts (Shopify Payments, Stripe, Amazon settlements, the sandbox) for a connection',
    request: body(z.object({ connectionId: z.string().uuid(), since: z.string().datetime({ offset: true }).optional() })),
    responses: { 202: json(z.object({ queued: z.boolean() })) },
  }, async (c) => {
    const input = z.object({ connectionId: z.string().uuid(), since: z.string().optional() }).parse(await c.req.json());
    await queuePayoutPull(c.get('ctx'), input);
    return c.json({ queued: true }, 202);
  });

  route(app, {
    method: 'get', path: '/api/v1/payouts/{id}', tags: ['finance'], summary: 'A payout with its lines (matched orders) and breaks',
    request: { params: IdParam }, responses: { 200: json(Any) },
  }, async (c) => c.json(await getPayout(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'post', path: '/api/v1/payouts/{id}/reconcile', tags: ['finance'], summary: 'Reconcile a payout now (dryRun=true shows what would change)',
    request: { params: IdParam, query: z.object({ dryRun: z.enum(['true', 'false']).optional() }) }, responses: { 200: json(Any) },
  }, async (c) => c.json(await reconcile(c.get('ctx'), { payoutId: c.req.param('id')!, dryRun: c.req.query('dryRun') === 'true' })));

  route(app, {
    method: 'get', path: '/api/v1/orders/{id}/settlements', tags: ['finance'], summary: 'Which payouts settled an order, and with what fees',
    request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(Any) })) },
  }, async (c) => c.json(await orderSettlements(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'get', path: '/api/v1/discrepancies', tags: ['finance'], summary: 'Reconciliation breaks',
    request: { query: ListBreaksQuery }, responses: { 200: json(z.object({ items: z.array(Any), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listBreaks(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'post', path: '/api/v1/discrepancies/{id}/resolve', tags: ['finance'], summary: 'Resolve or accept a break, with a note',
    request: { params: IdParam, ...body(ResolveBreakInput) }, responses: { 200: json(Any), 404: json(z.unknown(), 'Unknown break'), 409: json(z.unknown(), 'Not open') },
  }, async (c) => c.json(await resolveBreak(c.get('ctx'), c.req.param('id')!, await c.req.json())));

  route(app, {
    method: 'get', path: '/api/v1/journals', tags: ['finance'], summary: 'Journal entries with their lines and sync state',
    request: { query: ListJournalsQuery }, responses: { 200: json(z.object({ items: z.array(Any), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listJournals(c.get('ctx'), c.req.query())));

  // Registered before /journals/{id} so `export` is not taken for an id.
  route(app, {
    method: 'get', path: '/api/v1/journals/export', tags: ['finance'], summary: 'Export journals as CSV or JSON',
    request: { query: ListJournalsQuery.omit({ cursor: true, limit: true, order: true }).extend({ format: z.enum(['csv', 'json']).default('csv') }) },
    responses: { 200: { description: 'CSV or JSON', content: { 'text/csv': { schema: z.string() }, 'application/json': { schema: Any } } } },
  }, async (c) => {
    const { format, ...rest } = c.req.query();
    const out = await exportJournals(c.get('ctx'), format === 'json' ? 'json' : 'csv', rest);
    return c.body(out.body, 200, { 'content-type': out.contentType });
  });

  route(app, {
    method: 'get', path: '/api/v1/journals/{id}', tags: ['finance'], summary: 'One journal entry',
    request: { params: IdParam }, responses: { 200: json(Any) },
  }, async (c) => c.json(await getJournal(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'post', path: '/api/v1/journals/{id}/sync', tags: ['finance'], summary: 'Queue (or retry) the sync of a journal to its accounting targets',
    request: { params: IdParam }, responses: { 202: json(z.object({ queued: z.array(z.string()) })) },
  }, async (c) => c.json(await requestJournalSync(c.get('ctx'), c.req.param('id')!), 202));

  route(app, {
    method: 'post', path: '/api/v1/settlements/amazon', tags: ['finance'], summary: 'Upload an Amazon settlement report V2 (flat file, tab-separated)',
    request: { query: z.object({ connectionId: z.string().uuid() }), body: { content: { 'text/tab-separated-values': { schema: z.string() }, 'text/plain': { schema: z.string() } }, required: true } },
    responses: { 201: json(Any, 'Stored') },
  }, async (c) => c.json(await importAmazonSettlement(c.get('ctx'), { connectionId: c.req.query('connectionId'), file: await c.req.text() }), 201));

  route(app, {
    method: 'get', path: '/api/v1/finance/accounts', tags: ['finance'], summary: 'The chart of accounts and its mapping to Xero / QuickBooks',
    responses: { 200: json(z.object({ items: z.array(Any) })) },
  }, async (c) => c.json(await listLedgerAccounts(c.get('ctx'))));

  route(app, {
    method: 'patch', path: '/api/v1/finance/accounts/{id}', tags: ['finance'], summary: 'Edit an account\'s code, name or external codes',
    request: { params: IdParam, ...body(UpdateLedgerAccountInput) }, responses: { 200: json(Any), 404: json(z.unknown(), 'Unknown account') },
  }, async (c) => c.json(await updateLedgerAccount(c.get('ctx'), c.req.param('id')!, await c.req.json())));

  route(app, {
    method: 'get', path: '/api/v1/finance/settings/{id}', tags: ['finance'], summary: 'Finance settings of a payments connection (fee schedule, rules, accounting targets)',
    request: { params: IdParam }, responses: { 200: json(Any) },
  }, async (c) => c.json(await getFinanceSettings(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'put', path: '/api/v1/finance/settings/{id}', tags: ['finance'], summary: 'Replace the finance settings of a payments connection',
    request: { params: IdParam, ...body(FinanceSettings) }, responses: { 200: json(Any) },
  }, async (c) => c.json(await setFinanceSettings(c.get('ctx'), c.req.param('id')!, await c.req.json())));
}
