import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { checkBudgets, CreateBudgetInput, createBudget, getBudget, ListBudgetsQuery, listBudgetAlerts, listBudgets, SetPeriodsInput, setBudgetPeriods } from '../../finance/budgets';
import { CompanySettings, getCompanySettings, setCompanySettings } from '../../finance/company-settings';
import { ConvertQuery, convertAmount, fetchFxRates, importFxRatesCsv, ListRatesQuery, listFxRates, RateInput, setManualRate } from '../../finance/fx-rates';
import { FxRevaluationInput, ListFxRevaluationsQuery, listFxRevaluations, runFxRevaluation } from '../../finance/fx-revaluation';
import { ManualJournalInput, postManualJournal } from '../../finance/post-journal';
import { stockValuation } from '../../finance/post-stock-movements';
import { AgingQuery, receivablesAging } from '../../finance/receivables-aging';
import { RunRemindersInput, runOverdueReminders } from '../../finance/overdue-reminders';
import {
  ApplyPaymentInput, applyPayment, CreditNoteInput, getInvoice, IssueInvoiceInput, issueCreditNote, issueInvoice, ListInvoicesQuery, listInvoices,
  ListPaymentsQuery, listPayments, ReceivePaymentInput, receivePayment,
} from '../../finance/receivables';
import { AtQuery, getBalanceSheet, getCashFlow, getProfitAndLoss, PeriodQuery, statementCsv } from '../../finance/statements';
import { ImportBankQuery, importBankStatement, matchBankLines } from '../../finance/bank-statements';
import { bankSummary, getBankLine, ListBankLinesQuery, listBankLines, MatchLineInput, matchBankLine, unmatchBankLine } from '../../finance/bank-lines';
import { ValidationError, zodFieldErrors } from '../../errors';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const Any = z.record(z.string(), z.unknown());
const RematchInput = z.object({ amountToleranceMinor: z.number().int().min(0).max(1_000_000).optional(), dateWindowDays: z.number().int().min(0).max(60).optional() }).strict();
const IdParam = z.object({ id: z.string() });
const csvOrJson = (description: string) => ({ description, content: { 'application/json': { schema: Any }, 'text/csv': { schema: z.string() } } });
const wantsCsv = (c: Context<AppEnv>) => /\btext\/csv\b/.test(c.req.header('accept') ?? '');

/** Statements as JSON, or as CSV (UTF-8 with BOM) when the client asks `Accept: text/csv`. */
function statement(c: Context<AppEnv>, name: string, r: { functionalCurrency: string; current: any; previous: any }) {
  if (!wantsCsv(c)) return c.json(r);
  return c.body(statementCsv(r.current, r.previous, r.functionalCurrency), 200, {
    'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"`,
  });
}

/** Exchange rates, statements, receivables, stock valuation and budgets (issue 10, without payables). */
export function accountingRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'get', path: '/api/v1/finance/company', tags: ['finance'], summary: 'Company finance settings: functional currency, rate provider, default credit terms',
    responses: { 200: json(Any) },
  }, async (c) => c.json(await getCompanySettings(c.get('ctx'))));
  route(app, {
    method: 'put', path: '/api/v1/finance/company', tags: ['finance'], summary: 'Replace the company finance settings',
    request: body(CompanySettings), responses: { 200: json(Any) },
  }, async (c) => c.json(await setCompanySettings(c.get('ctx'), await c.req.json())));

  route(app, {
    method: 'get', path: '/api/v1/fx-rates', tags: ['fx'], summary: 'Exchange rates (units of quote per unit of base, exact decimal strings)',
    request: { query: ListRatesQuery }, responses: { 200: json(z.object({ items: z.array(Any), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listFxRates(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'put', path: '/api/v1/fx-rates', tags: ['fx'], summary: 'Manual override of one day\'s rate (imports and fetches never replace it)',
    request: body(RateInput), responses: { 200: json(Any) },
  }, async (c) => c.json(await setManualRate(c.get('ctx'), await c.req.json())));
  route(app, {
    method: 'post', path: '/api/v1/fx-rates/import', tags: ['fx'], summary: 'Import rates from CSV (date,base,quote,rate)',
    request: { body: { content: { 'text/csv': { schema: z.string() }, 'text/plain': { schema: z.string() } }, required: true } },
    responses: { 201: json(Any, 'Stored') },
  }, async (c) => c.json(await importFxRatesCsv(c.get('ctx'), await c.req.text()), 201));
  route(app, {
    method: 'post', path: '/api/v1/fx-rates/fetch', tags: ['fx'], summary: 'Fetch rates now from the configured provider',
    responses: { 200: json(Any) },
  }, async (c) => c.json(await fetchFxRates(c.get('ctx'))));
  route(app, {
    method: 'get', path: '/api/v1/fx-rates/convert', tags: ['fx'], summary: 'Convert an amount on a day (exponents respected: JPY 0, KWD 3)',
    request: { query: ConvertQuery }, responses: { 200: json(Any), 422: json(z.unknown(), 'No rate known') },
  }, async (c) => c.json(await convertAmount(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'get', path: '/api/v1/reports/profit-and-loss', tags: ['reports'], summary: 'Profit and loss for a period, with the previous period (CSV with Accept: text/csv)',
    request: { query: PeriodQuery }, responses: { 200: csvOrJson('The statement') },
  }, async (c) => statement(c, `profit-and-loss-${c.req.query('from')}-${c.req.query('to')}`, await getProfitAndLoss(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'get', path: '/api/v1/reports/balance-sheet', tags: ['reports'], summary: 'Balance sheet at a date, compared with the prior month end (CSV with Accept: text/csv)',
    request: { query: AtQuery }, responses: { 200: csvOrJson('The statement') },
  }, async (c) => statement(c, `balance-sheet-${c.req.query('at')}`, await getBalanceSheet(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'get', path: '/api/v1/reports/cash-flow', tags: ['reports'], summary: 'Cash-flow summary for a period, with the previous period (CSV with Accept: text/csv)',
    request: { query: PeriodQuery }, responses: { 200: csvOrJson('The statement') },
  }, async (c) => statement(c, `cash-flow-${c.req.query('from')}-${c.req.query('to')}`, await getCashFlow(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'get', path: '/api/v1/reports/stock-valuation', tags: ['reports'], summary: 'Stock on hand at unit cost, per warehouse and currency',
    responses: { 200: json(Any) },
  }, async (c) => c.json(await stockValuation(c.get('ctx'))));

  route(app, {
    method: 'post', path: '/api/v1/journals/manual', tags: ['finance'], summary: 'Post a manual journal (opening balances, expenses); once per reference',
    request: body(ManualJournalInput), responses: { 201: json(Any, 'Posted'), 200: json(Any, 'Already posted') },
  }, async (c) => {
    const r = await postManualJournal(c.get('ctx'), await c.req.json());
    return c.json(r, r.created ? 201 : 200);
  });

  route(app, {
    method: 'post', path: '/api/v1/finance/fx-revaluations', tags: ['fx'],
    summary: 'Revalue open foreign-currency receivables and payables at the closing rate of a date (reversed the next day; once per date)',
    request: body(FxRevaluationInput), responses: { 201: json(Any, 'Posted'), 200: json(Any, 'This date was already revalued (nothing posted)') },
  }, async (c) => {
    const r = await runFxRevaluation(c.get('ctx'), await c.req.json());
    return c.json(r.revaluation, r.created ? 201 : 200);
  });
  route(app, {
    method: 'get', path: '/api/v1/finance/fx-revaluations', tags: ['fx'], summary: 'Revaluation runs with their per-document lines',
    request: { query: ListFxRevaluationsQuery }, responses: { 200: json(z.object({ items: z.array(Any) })) },
  }, async (c) => c.json(await listFxRevaluations(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'get', path: '/api/v1/invoices', tags: ['receivables'], summary: 'Invoices (filters: status incl. overdue, customer)',
    request: { query: ListInvoicesQuery }, responses: { 200: json(z.object({ items: z.array(Any), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listInvoices(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'post', path: '/api/v1/invoices', tags: ['receivables'], summary: 'Issue an invoice on credit terms (for an order, or stand-alone); posts receivables',
    request: body(IssueInvoiceInput), responses: { 201: json(Any, 'Issued'), 200: json(Any, 'The order\'s invoice already existed') },
  }, async (c) => {
    const r = await issueInvoice(c.get('ctx'), await c.req.json());
    return c.json(r.invoice, r.created ? 201 : 200);
  });
  route(app, {
    method: 'get', path: '/api/v1/invoices/{id}', tags: ['receivables'], summary: 'An invoice with its payments and credit notes',
    request: { params: IdParam }, responses: { 200: json(Any) },
  }, async (c) => c.json(await getInvoice(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'get', path: '/api/v1/payments', tags: ['receivables'], summary: 'Customer payments received',
    request: { query: ListPaymentsQuery },
    responses: { 200: json(z.object({ items: z.array(Any), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listPayments(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'post', path: '/api/v1/payments', tags: ['receivables'], summary: 'Record a payment received and apply it to one or many invoices',
    request: body(ReceivePaymentInput), responses: { 201: json(Any, 'Recorded'), 200: json(Any, 'Already recorded'), 409: json(z.unknown(), 'Would over-apply') },
  }, async (c) => {
    const r = await receivePayment(c.get('ctx'), await c.req.json());
    return c.json(r.payment, r.replayed ? 200 : 201);
  });
  route(app, {
    method: 'post', path: '/api/v1/payments/{id}/applications', tags: ['receivables'], summary: 'Apply more of a payment to invoices',
    request: { params: IdParam, ...body(ApplyPaymentInput) }, responses: { 200: json(Any), 409: json(z.unknown(), 'Would over-apply') },
  }, async (c) => c.json(await applyPayment(c.get('ctx'), c.req.param('id')!, await c.req.json())));
  route(app, {
    method: 'post', path: '/api/v1/credit-notes', tags: ['receivables'], summary: 'Issue a credit note against an invoice',
    request: body(CreditNoteInput), responses: { 201: json(Any, 'Issued'), 409: json(z.unknown(), 'Would exceed the invoice') },
  }, async (c) => c.json(await issueCreditNote(c.get('ctx'), await c.req.json()), 201));
  route(app, {
    method: 'get', path: '/api/v1/receivables/aging', tags: ['receivables'], summary: 'Aged receivables at a date: current, 1–30, 31–60, 61–90, 90+ days past due',
    request: { query: AgingQuery }, responses: { 200: json(Any) },
  }, async (c) => c.json(await receivablesAging(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'post', path: '/api/v1/receivables/reminders/run', tags: ['receivables'],
    summary: 'Raise overdue reminders now: a customer follow-up task and an invoice.overdue event per invoice at 1, 15 and 30 days overdue (once each)',
    request: body(RunRemindersInput), responses: { 200: json(Any) },
  }, async (c) => c.json(await runOverdueReminders(c.get('ctx'), await c.req.json().catch(() => ({})))));

  route(app, {
    method: 'get', path: '/api/v1/budgets', tags: ['budgets'], summary: 'Budgets with budget, actual, committed and used % for a month',
    request: { query: ListBudgetsQuery }, responses: { 200: json(Any) },
  }, async (c) => c.json(await listBudgets(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'post', path: '/api/v1/budgets', tags: ['budgets'], summary: 'Create a budget (account, role or kind) with monthly amounts',
    request: body(CreateBudgetInput), responses: { 201: json(Any, 'Created'), 409: json(z.unknown(), 'Name taken') },
  }, async (c) => c.json(await createBudget(c.get('ctx'), await c.req.json()), 201));
  route(app, {
    method: 'get', path: '/api/v1/budgets/alerts', tags: ['budgets'], summary: 'Budget alerts fired (once per budget, month and threshold)',
    request: { query: z.object({ limit: z.string().optional() }) }, responses: { 200: json(Any) },
  }, async (c) => c.json(await listBudgetAlerts(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'get', path: '/api/v1/budgets/{id}', tags: ['budgets'], summary: 'A budget with its months and alerts',
    request: { params: IdParam }, responses: { 200: json(Any) },
  }, async (c) => c.json(await getBudget(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'put', path: '/api/v1/budgets/{id}/periods', tags: ['budgets'], summary: 'Set the amounts of some months',
    request: { params: IdParam, ...body(SetPeriodsInput) }, responses: { 200: json(Any) },
  }, async (c) => c.json(await setBudgetPeriods(c.get('ctx'), c.req.param('id')!, await c.req.json())));
  route(app, {
    method: 'post', path: '/api/v1/budgets/check', tags: ['budgets'], summary: 'Check budgets now (alerts fire once per threshold)',
    request: body(z.object({ month: z.string().optional() })), responses: { 200: json(Any) },
  }, async (c) => {
    const b = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() }).parse(await c.req.json().catch(() => ({})));
    return c.json(await checkBudgets(c.get('ctx'), b));
  });

  route(app, {
    method: 'post', path: '/api/v1/bank-statements/import', tags: ['finance'], summary: 'Import a bank statement (CSV or CAMT.053) and match deposits to payouts',
    request: { query: ImportBankQuery, body: { content: { 'text/csv': { schema: z.string() }, 'application/xml': { schema: z.string() }, 'text/plain': { schema: z.string() } }, required: true } },
    responses: { 201: json(Any, 'Imported') },
  }, async (c) => c.json(await importBankStatement(c.get('ctx'), c.req.query(), await c.req.text()), 201));
  const BankLine = z.object({
    id: z.string(), account: z.string(), bookingDate: z.string(), amountMinor: z.number().int(), currency: z.string(),
    reference: z.string().nullable(), description: z.string().nullable(),
    matchedPayoutId: z.string().nullable(), matchedCustomerPaymentId: z.string().nullable(), matchedSupplierPaymentId: z.string().nullable(),
    matchRule: z.string().nullable().describe('amount_date, reference, manual, or left_unmatched (a person took the match off; the automatic matching leaves the line alone)'),
    matchedTo: z.object({ kind: z.enum(['payout', 'customer_payment', 'supplier_payment']), id: z.string(), label: z.string(), date: z.string().nullable(), amountMinor: z.number().int(), currency: z.string() }).nullable(),
  });
  route(app, {
    method: 'get', path: '/api/v1/bank-statements/lines', tags: ['finance'], summary: 'Imported bank lines, newest first, with what each matched (keyset-paginated)',
    request: { query: ListBankLinesQuery.extend({ limit: z.string().optional() }) }, responses: { 200: json(z.object({ items: z.array(BankLine), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listBankLines(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'get', path: '/api/v1/bank-statements/summary', tags: ['finance'], summary: 'Per bank account and currency: lines, matched, and what is left unmatched',
    responses: { 200: json(z.object({ items: z.array(Any) })) },
  }, async (c) => c.json({ items: await bankSummary(c.get('ctx')) }));
  route(app, {
    method: 'get', path: '/api/v1/bank-statements/lines/{id}', tags: ['finance'], summary: 'One bank line and what it matched',
    request: { params: IdParam }, responses: { 200: json(BankLine), 404: json(Any, 'No such line') },
  }, async (c) => c.json(await getBankLine(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'post', path: '/api/v1/bank-statements/lines/{id}/match', tags: ['finance'],
    summary: 'Match a line by hand to one payout, customer payment or supplier payment',
    description: 'Exactly one of the three ids. The line must be unmatched, in the same currency and on the same side (a deposit for a payout or customer payment, a debit for a supplier payment); a target matched to another line is a 409.',
    request: { params: IdParam, ...body(MatchLineInput) }, responses: { 200: json(BankLine), 400: json(Any, 'Invalid'), 404: json(Any, 'No such line'), 409: json(Any, 'Matched already') },
  }, async (c) => c.json(await matchBankLine(c.get('ctx'), c.req.param('id')!, await c.req.json())));
  route(app, {
    method: 'post', path: '/api/v1/bank-statements/lines/{id}/unmatch', tags: ['finance'],
    summary: 'Take the match off a line (the automatic matching then leaves it alone until matched by hand)',
    request: { params: IdParam }, responses: { 200: json(BankLine), 404: json(Any, 'No such line') },
  }, async (c) => c.json(await unmatchBankLine(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'post', path: '/api/v1/bank-statements/match', tags: ['finance'],
    summary: 'Run the automatic matching again over the unmatched lines (payouts and payments recorded since the import)',
    request: { body: { content: { 'application/json': { schema: RematchInput } }, required: false } }, responses: { 200: json(z.object({ matched: z.number().int() })) },
  }, async (c) => {
    const p = RematchInput.safeParse(await c.req.json().catch(() => ({})));
    if (!p.success) throw new ValidationError(zodFieldErrors(p.error.issues));
    return c.json({ matched: (await matchBankLines(c.get('ctx'), p.data)).length });
  });
}
