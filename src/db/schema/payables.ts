import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tsz, updatedAt } from './columns';
import { journalEntries } from './finance';
import { purchaseOrderLines, purchaseOrders, suppliers } from './purchasing';

/**
 * Payables: supplier bills matched three ways (PO, receipt, bill), payments made and how each was
 * applied. Money is integer minor units of the document currency; the functional amounts the ledger
 * booked sit beside them, so realised FX on settlement is exact.
 */

export const billStatuses = ['draft', 'open', 'partially_paid', 'paid', 'void'] as const;
export type BillStatus = (typeof billStatuses)[number];
export const billLineFlags = ['qty_over_received', 'price_variance'] as const;
export type BillLineFlag = (typeof billLineFlags)[number];

export const bills = pgTable(
  'bills',
  {
    id: id(),
    supplierId: uuid('supplier_id').notNull().references(() => suppliers.id, { onDelete: 'restrict' }),
    purchaseOrderId: uuid('purchase_order_id').notNull().references(() => purchaseOrders.id, { onDelete: 'restrict' }),
    /** The supplier's own invoice number: unique per supplier (a retried request finds the first). */
    number: text('number').notNull(),
    currency: text('currency').notNull(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** Days from the supplier's payment terms when the due date came from them; null when given explicitly. */
    termsDays: integer('terms_days'),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    paidMinor: bigint('paid_minor', { mode: 'number' }).notNull().default(0),
    /** Σ (billed − PO unit price) × billed quantity, document currency (signed). */
    priceVarianceMinor: bigint('price_variance_minor', { mode: 'number' }).notNull().default(0),
    /** The functional currency and the rate (functional per unit of `currency`, exact decimal text) the bill was booked at. */
    functionalCurrency: text('functional_currency').notNull(),
    fxRate: text('fx_rate').notNull(),
    functionalTotalMinor: bigint('functional_total_minor', { mode: 'number' }).notNull(),
    /** Booked functional amount relieved from payables by payments so far (the rest is still owed at the booked rate). */
    functionalPaidMinor: bigint('functional_paid_minor', { mode: 'number' }).notNull().default(0),
    status: text('status').$type<BillStatus>().notNull().default('draft'),
    /** `matched` | `variance` (some line is flagged). */
    matchStatus: text('match_status').notNull(),
    approvedBy: text('approved_by'),
    approvedAt: tsz('approved_at'),
    approvalNote: text('approval_note'),
    journalId: uuid('journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    voidJournalId: uuid('void_journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    voidedBy: text('voided_by'),
    voidedAt: tsz('voided_at'),
    notes: text('notes'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('bills_supplier_number_uq').on(t.supplierId, t.number),
    index('bills_status_due_idx').on(t.status, t.dueDate),
    index('bills_po_idx').on(t.purchaseOrderId),
    check('bills_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$' and ${t.functionalCurrency} ~ '^[A-Z]{3}$'`),
    check('bills_amounts_ck', sql`${t.totalMinor} > 0 and ${t.paidMinor} >= 0 and ${t.paidMinor} <= ${t.totalMinor}`),
    check('bills_functional_ck', sql`${t.functionalTotalMinor} >= 0 and ${t.functionalPaidMinor} >= 0 and ${t.functionalPaidMinor} <= ${t.functionalTotalMinor}`),
    check('bills_status_ck', sql`${t.status} in ('draft','open','partially_paid','paid','void')`),
    // The status follows the amounts: nothing is paid on a draft or void bill; paid means paid in full.
    check('bills_status_amounts_ck', sql`(${t.status} in ('draft','void','open') and ${t.paidMinor} = 0) or (${t.status} = 'partially_paid' and ${t.paidMinor} > 0 and ${t.paidMinor} < ${t.totalMinor}) or (${t.status} = 'paid' and ${t.paidMinor} = ${t.totalMinor})`),
    check('bills_match_ck', sql`${t.matchStatus} in ('matched','variance')`),
    check('bills_dates_ck', sql`${t.dueDate} >= ${t.issueDate}`),
  ],
);

/** One billed line, matched against its PO line and what was received of it. */
export const billLines = pgTable(
  'bill_lines',
  {
    id: id(),
    billId: uuid('bill_id').notNull().references(() => bills.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    poLineId: uuid('po_line_id').notNull().references(() => purchaseOrderLines.id, { onDelete: 'restrict' }),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    /** The PO's unit price, and what could be billed when the bill was recorded (accepted on receipts − billed on other bills). */
    poUnitPriceMinor: bigint('po_unit_price_minor', { mode: 'number' }).notNull(),
    receivedQuantity: integer('received_quantity').notNull(),
    /** billed − billable, when above 0 (else 0). */
    quantityVariance: integer('quantity_variance').notNull().default(0),
    /** (billed − PO unit price) × billed quantity, signed; 0 within tolerance. */
    priceVarianceMinor: bigint('price_variance_minor', { mode: 'number' }).notNull().default(0),
    flags: jsonb('flags').$type<BillLineFlag[]>().notNull().default(sql`'[]'::jsonb`),
  },
  (t) => [
    uniqueIndex('bill_lines_no_uq').on(t.billId, t.lineNo),
    index('bill_lines_po_line_idx').on(t.poLineId),
    check('bill_lines_qty_ck', sql`${t.quantity} > 0 and ${t.receivedQuantity} >= 0 and ${t.quantityVariance} >= 0`),
    check('bill_lines_amount_ck', sql`${t.unitPriceMinor} >= 0 and ${t.amountMinor} = ${t.quantity} * ${t.unitPriceMinor}`),
  ],
);

/** Money paid to a supplier, applied in full to one or more of its bills. */
export const supplierPayments = pgTable(
  'supplier_payments',
  {
    id: id(),
    supplierId: uuid('supplier_id').notNull().references(() => suppliers.id, { onDelete: 'restrict' }),
    /** The bank reference; a retried request with the same (supplier, reference) finds the first. */
    reference: text('reference').notNull(),
    currency: text('currency').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    paidDate: date('paid_date', { mode: 'string' }).notNull(),
    functionalCurrency: text('functional_currency').notNull(),
    fxRate: text('fx_rate').notNull(),
    functionalAmountMinor: bigint('functional_amount_minor', { mode: 'number' }).notNull(),
    /** Realised FX of the whole payment in functional minor units: positive = loss (paid more than booked). */
    fxMinor: bigint('fx_minor', { mode: 'number' }).notNull().default(0),
    journalId: uuid('journal_id').references(() => journalEntries.id, { onDelete: 'restrict' }),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('supplier_payments_reference_uq').on(t.supplierId, t.reference),
    index('supplier_payments_date_idx').on(t.paidDate),
    check('supplier_payments_amount_ck', sql`${t.amountMinor} > 0 and ${t.functionalAmountMinor} >= 0`),
    check('supplier_payments_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$' and ${t.functionalCurrency} ~ '^[A-Z]{3}$'`),
  ],
);

export const supplierPaymentApplications = pgTable(
  'supplier_payment_applications',
  {
    id: id(),
    paymentId: uuid('payment_id').notNull().references(() => supplierPayments.id, { onDelete: 'cascade' }),
    billId: uuid('bill_id').notNull().references(() => bills.id, { onDelete: 'restrict' }),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    /** This part of the payment in the functional currency at the payment's rate. */
    functionalMinor: bigint('functional_minor', { mode: 'number' }).notNull(),
    /** What it relieves from payables at the bill's booked rate; functional − booked is the realised FX. */
    bookedFunctionalMinor: bigint('booked_functional_minor', { mode: 'number' }).notNull(),
    appliedDate: date('applied_date', { mode: 'string' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('supplier_payment_applications_bill_idx').on(t.billId),
    index('supplier_payment_applications_payment_idx').on(t.paymentId),
    check('supplier_payment_applications_amount_ck', sql`${t.amountMinor} > 0`),
  ],
);
