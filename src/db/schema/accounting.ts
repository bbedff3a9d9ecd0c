import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tsz, updatedAt } from './columns';
import { customers } from './customers';
import { journalEntries, payouts } from './finance';
import { orders } from './inbox';
import { supplierPayments } from './payables';

/**
 * Finance beyond payouts: exchange rates, company-wide finance settings, receivables (invoices,
 * customer payments and their applications, credit notes), the stock → ledger postings and budgets.
 * Money is integer minor units + ISO currency; rates are exact decimal strings (never floats).
 */

/** One row: the company's functional currency, the rate provider, default credit terms, budget thresholds. */
export const financeCompany = pgTable(
  'finance_company',
  {
    id: smallint('id').primaryKey().default(1),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    updatedAt: updatedAt(),
  },
  (t) => [check('finance_company_single_ck', sql`${t.id} = 1`)],
);

/**
 * Daily rates: `rate` units of `quote` per unit of `base`, as the decimal string the source gave.
 * One row per (date, base, quote); a manual override is never replaced by an import or a fetch.
 */
export const fxRates = pgTable(
  'fx_rates',
  {
    id: id(),
    rateDate: date('rate_date', { mode: 'string' }).notNull(),
    base: text('base').notNull(),
    quote: text('quote').notNull(),
    rate: text('rate').notNull(),
    /** `csv` | `provider` | `manual` */
    source: text('source').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('fx_rates_day_pair_uq').on(t.base, t.quote, t.rateDate),
    check('fx_rates_pair_ck', sql`${t.base} ~ '^[A-Z]{3}$' and ${t.quote} ~ '^[A-Z]{3}$' and ${t.base} <> ${t.quote}`),
    // A plain positive decimal: digits, an optional fraction, not zero.
    check('fx_rates_rate_ck', sql`${t.rate} ~ '^[0-9]{1,12}(\\.[0-9]{1,12})?$' and ${t.rate} ~ '[1-9]'`),
    check('fx_rates_source_ck', sql`${t.source} in ('csv','provider','manual')`),
  ],
);

/** A receivable: an invoice for an order (B2B / distributor) or a stand-alone one, on credit terms. */
export const invoices = pgTable(
  'invoices',
  {
    id: id(),
    number: text('number').notNull(),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'restrict' }),
    /** Who owes it: the customer id of the customers module when there is one, else the buyer's reference. */
    customerRef: text('customer_ref').notNull(),
    customerName: text('customer_name'),
    /** The customers-module customer, once found (or created) for a follow-up such as an overdue reminder. */
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    channel: text('channel'),
    currency: text('currency').notNull(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    /** The credit terms the invoice was issued on (kept: a later change of the customer's terms does not move it). */
    termsDays: integer('terms_days').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    netMinor: bigint('net_minor', { mode: 'number' }).notNull(),
    shippingMinor: bigint('shipping_minor', { mode: 'number' }).notNull().default(0),
    taxMinor: bigint('tax_minor', { mode: 'number' }).notNull().default(0),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    paidMinor: bigint('paid_minor', { mode: 'number' }).notNull().default(0),
    creditedMinor: bigint('credited_minor', { mode: 'number' }).notNull().default(0),
    /**
     * The ledger currency and rate (functional per unit of `currency`, exact decimal text) the invoice
     * was booked at, and its booked total. Invoices issued before multi-currency receivables were
     * booked in their own currency (rate 1): the backfill says so.
     */
    functionalCurrency: text('functional_currency').notNull(),
    fxRate: text('fx_rate').notNull(),
    functionalTotalMinor: bigint('functional_total_minor', { mode: 'number' }).notNull(),
    /** Booked amount relieved from receivables by payments and credit notes (the rest is carried at the booked rate). */
    functionalSettledMinor: bigint('functional_settled_minor', { mode: 'number' }).notNull().default(0),
    /** `open` | `paid` | `void` (paid = settled by payments and credit notes) */
    status: text('status').notNull().default('open'),
    journalId: uuid('journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('invoices_number_uq').on(t.number),
    // One invoice per order: issuing twice (a retried request) finds the first.
    uniqueIndex('invoices_order_uq').on(t.orderId),
    index('invoices_customer_idx').on(t.customerRef, t.dueDate),
    index('invoices_due_idx').on(t.status, t.dueDate),
    check('invoices_money_ck', sql`${t.netMinor} >= 0 and ${t.shippingMinor} >= 0 and ${t.taxMinor} >= 0 and ${t.totalMinor} = ${t.netMinor} + ${t.shippingMinor} + ${t.taxMinor}`),
    // Never over-applied: payments plus credit notes never exceed the total.
    check('invoices_applied_ck', sql`${t.paidMinor} >= 0 and ${t.creditedMinor} >= 0 and ${t.paidMinor} + ${t.creditedMinor} <= ${t.totalMinor}`),
    check('invoices_terms_ck', sql`${t.termsDays} >= 0 and ${t.dueDate} = ${t.issueDate} + ${t.termsDays}`),
    check('invoices_status_ck', sql`${t.status} in ('open','paid','void')`),
    check('invoices_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('invoices_functional_ck', sql`${t.functionalSettledMinor} >= 0 and ${t.functionalSettledMinor} <= ${t.functionalTotalMinor}`),
  ],
);

/** Money received from a customer; applied to one or many invoices (partly or wholly). */
export const customerPayments = pgTable(
  'customer_payments',
  {
    id: id(),
    reference: text('reference').notNull(),
    customerRef: text('customer_ref').notNull(),
    currency: text('currency').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    appliedMinor: bigint('applied_minor', { mode: 'number' }).notNull().default(0),
    receivedDate: date('received_date', { mode: 'string' }).notNull(),
    /** The ledger currency and rate the payment was booked at (bank and customer credits), and its booked amount. */
    functionalCurrency: text('functional_currency').notNull(),
    fxRate: text('fx_rate').notNull(),
    functionalAmountMinor: bigint('functional_amount_minor', { mode: 'number' }).notNull(),
    /** Booked amount moved from customer credits to receivables by applications so far. */
    functionalAppliedMinor: bigint('functional_applied_minor', { mode: 'number' }).notNull().default(0),
    journalId: uuid('journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('customer_payments_reference_uq').on(t.customerRef, t.reference),
    check('customer_payments_amount_ck', sql`${t.amountMinor} > 0 and ${t.appliedMinor} >= 0 and ${t.appliedMinor} <= ${t.amountMinor}`),
    check('customer_payments_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

export const paymentAllocations = pgTable(
  'payment_allocations',
  {
    id: id(),
    paymentId: uuid('payment_id').notNull().references(() => customerPayments.id, { onDelete: 'restrict' }),
    invoiceId: uuid('invoice_id').notNull().references(() => invoices.id, { onDelete: 'restrict' }),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    appliedDate: date('applied_date', { mode: 'string' }).notNull(),
    /** This part of the payment at the payment's rate (relieved from customer credits). */
    functionalMinor: bigint('functional_minor', { mode: 'number' }).notNull().default(0),
    /** What it relieves from receivables at the invoice's booked rate; functional − booked is the realised FX. */
    bookedFunctionalMinor: bigint('booked_functional_minor', { mode: 'number' }).notNull().default(0),
    journalId: uuid('journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('payment_allocations_invoice_idx').on(t.invoiceId),
    index('payment_allocations_payment_idx').on(t.paymentId),
    check('payment_allocations_amount_ck', sql`${t.amountMinor} > 0`),
  ],
);

/** A credit note against an invoice (a return, a price correction): lowers what the customer owes. */
export const creditNotes = pgTable(
  'credit_notes',
  {
    id: id(),
    number: text('number').notNull(),
    invoiceId: uuid('invoice_id').notNull().references(() => invoices.id, { onDelete: 'restrict' }),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    /** What the credit note relieves from receivables at the invoice's booked rate. */
    functionalMinor: bigint('functional_minor', { mode: 'number' }).notNull().default(0),
    journalId: uuid('journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('credit_notes_number_uq').on(t.number),
    check('credit_notes_amount_ck', sql`${t.amountMinor} > 0`),
  ],
);

/**
 * Which stock movements the ledger has valued (COGS at fulfilment, shrinkage on adjustments). The
 * primary key makes a re-run of the posting job a no-op for a movement already posted.
 */
export const stockPostings = pgTable(
  'stock_postings',
  {
    movementId: bigint('movement_id', { mode: 'number' }).primaryKey(),
    journalId: uuid('journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    /** Units × unit cost at the time of the movement (null: the product had no cost, nothing posted). */
    valueMinor: bigint('value_minor', { mode: 'number' }),
    currency: text('currency'),
    createdAt: createdAt(),
  },
);

/** A budget: what it covers (one account, every account of a role, or of a kind) and in which currency. */
export const budgets = pgTable(
  'budgets',
  {
    id: id(),
    name: text('name').notNull(),
    /** `account` (scope_value = account code) | `role` (a ledger role) | `kind` (expense, income…) */
    scopeKind: text('scope_kind').notNull(),
    scopeValue: text('scope_value').notNull(),
    currency: text('currency').notNull(),
    /** Percentages that raise an alert, e.g. [80, 100]. */
    thresholds: integer('thresholds').array().notNull().default(sql`'{80,100}'::int[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('budgets_name_uq').on(t.name),
    check('budgets_scope_ck', sql`${t.scopeKind} in ('account','role','kind')`),
    check('budgets_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/** The amount of a budget for one month (`month` is its first day). */
export const budgetPeriods = pgTable(
  'budget_periods',
  {
    budgetId: uuid('budget_id').notNull().references(() => budgets.id, { onDelete: 'cascade' }),
    month: date('month', { mode: 'string' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('budget_periods_uq').on(t.budgetId, t.month),
    check('budget_periods_amount_ck', sql`${t.amountMinor} > 0`),
    check('budget_periods_month_ck', sql`extract(day from ${t.month}) = 1`),
  ],
);

/** An alert fired: exactly one per (budget, month, threshold), by the unique index. */
export const budgetAlerts = pgTable(
  'budget_alerts',
  {
    id: id(),
    budgetId: uuid('budget_id').notNull().references(() => budgets.id, { onDelete: 'cascade' }),
    month: date('month', { mode: 'string' }).notNull(),
    threshold: integer('threshold').notNull(),
    actualMinor: bigint('actual_minor', { mode: 'number' }).notNull(),
    committedMinor: bigint('committed_minor', { mode: 'number' }).notNull(),
    budgetMinor: bigint('budget_minor', { mode: 'number' }).notNull(),
    firedAt: tsz('fired_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('budget_alerts_once_uq').on(t.budgetId, t.month, t.threshold)],
);

/**
 * Lines of imported bank statements (CSV or CAMT.053). A line is stored once (dedupe key from the
 * account, date, amount, reference and position); a deposit is matched to at most one payout and a
 * payout to at most one line (the partial unique index).
 */
export const bankStatementLines = pgTable(
  'bank_statement_lines',
  {
    id: id(),
    account: text('account').notNull(),
    bookingDate: date('booking_date', { mode: 'string' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    description: text('description'),
    reference: text('reference'),
    dedupeKey: text('dedupe_key').notNull(),
    matchedPayoutId: uuid('matched_payout_id').references(() => payouts.id, { onDelete: 'set null' }),
    /** A receipt matched to a customer payment, or a debit to a supplier payment (one to one, like payouts). */
    matchedCustomerPaymentId: uuid('matched_customer_payment_id').references(() => customerPayments.id, { onDelete: 'set null' }),
    matchedSupplierPaymentId: uuid('matched_supplier_payment_id').references(() => supplierPayments.id, { onDelete: 'set null' }),
    matchRule: text('match_rule'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('bank_statement_lines_dedupe_uq').on(t.dedupeKey),
    uniqueIndex('bank_statement_lines_payout_uq').on(t.matchedPayoutId).where(sql`matched_payout_id is not null`),
    uniqueIndex('bank_statement_lines_customer_payment_uq').on(t.matchedCustomerPaymentId).where(sql`matched_customer_payment_id is not null`),
    uniqueIndex('bank_statement_lines_supplier_payment_uq').on(t.matchedSupplierPaymentId).where(sql`matched_supplier_payment_id is not null`),
    index('bank_statement_lines_unmatched_idx').on(t.bookingDate).where(sql`matched_payout_id is null`),
    // The list's keyset: newest booking date first.
    index('bank_statement_lines_date_idx').on(t.bookingDate, t.id),
    check('bank_statement_lines_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * Period-end revaluation of open foreign-currency receivables and payables: one run per date (the
 * unique index makes a rerun a no-op), its journal and the reversal dated the next day, and what
 * each document was carried at and revalued to.
 */
export const fxRevaluations = pgTable(
  'fx_revaluations',
  {
    id: id(),
    atDate: date('at_date', { mode: 'string' }).notNull(),
    functionalCurrency: text('functional_currency').notNull(),
    /** Σ revalued − carried over receivables and over payables (functional minor units, signed). */
    receivablesDiffMinor: bigint('receivables_diff_minor', { mode: 'number' }).notNull().default(0),
    payablesDiffMinor: bigint('payables_diff_minor', { mode: 'number' }).notNull().default(0),
    /** Null when nothing needed revaluing (no open foreign document, or every difference zero). */
    journalId: uuid('journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    reversalJournalId: uuid('reversal_journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('fx_revaluations_at_uq').on(t.atDate)],
);

export const fxRevaluationLines = pgTable(
  'fx_revaluation_lines',
  {
    id: id(),
    revaluationId: uuid('revaluation_id').notNull().references(() => fxRevaluations.id, { onDelete: 'cascade' }),
    /** `invoice` (receivable) | `bill` (payable) */
    documentKind: text('document_kind').notNull(),
    documentId: uuid('document_id').notNull(),
    number: text('number').notNull(),
    /** The customer reference or the supplier code. */
    party: text('party').notNull(),
    currency: text('currency').notNull(),
    /** Open in the document currency at the date. */
    openMinor: bigint('open_minor', { mode: 'number' }).notNull(),
    /** The closing rate used (functional per unit of `currency`). */
    rate: text('rate').notNull(),
    /** What the ledger carried the open part at (booked rate), and what it is worth at the closing rate. */
    carryingMinor: bigint('carrying_minor', { mode: 'number' }).notNull(),
    revaluedMinor: bigint('revalued_minor', { mode: 'number' }).notNull(),
    diffMinor: bigint('diff_minor', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('fx_revaluation_lines_run_idx').on(t.revaluationId),
    check('fx_revaluation_lines_kind_ck', sql`${t.documentKind} in ('invoice','bill')`),
    check('fx_revaluation_lines_diff_ck', sql`${t.diffMinor} = ${t.revaluedMinor} - ${t.carryingMinor}`),
  ],
);
