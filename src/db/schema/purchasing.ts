import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, check, date, doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tsz, updatedAt } from './columns';
import { products, warehouses } from './inventory';

export interface SupplierContact { name: string; email?: string | null; phone?: string | null; role?: string | null }
/** X12 identities of an EDI trading partner (ISA05/06 and ISA07/08 from our side; GS02/GS03). */
export interface EdiPartner { senderQualifier: string; senderId: string; receiverQualifier: string; receiverId: string; usage?: 'P' | 'T' }
export interface PriceBreak { minQuantity: number; unitCostMinor: number }

/** Who we buy from. Prices on their items and POs are in the supplier's currency. */
export const suppliers = pgTable(
  'suppliers',
  {
    id: id(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    /** Free text or a code such as `NET30`. */
    paymentTerms: text('payment_terms'),
    leadTimeDays: integer('lead_time_days').notNull().default(14),
    contacts: jsonb('contacts').$type<SupplierContact[]>().notNull().default(sql`'[]'::jsonb`),
    /** Set for EDI trading partners: sending a PO then also writes an X12 850. */
    edi: jsonb('edi').$type<EdiPartner | null>(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('suppliers_code_uq').on(t.code),
    check('suppliers_lead_time_nonneg', sql`${t.leadTimeDays} >= 0`),
    check('suppliers_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/** A SKU as one supplier sells it: their code, price breaks, MOQ, pack size, lead time. */
export const supplierItems = pgTable(
  'supplier_items',
  {
    id: id(),
    supplierId: uuid('supplier_id').notNull().references(() => suppliers.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull().references(() => products.sku, { onDelete: 'cascade', onUpdate: 'cascade' }),
    supplierSku: text('supplier_sku'),
    /** Ascending by minQuantity; the first break starts at 1. Unit cost in the supplier's currency. */
    priceBreaks: jsonb('price_breaks').$type<PriceBreak[]>().notNull(),
    moq: integer('moq').notNull().default(1),
    packSize: integer('pack_size').notNull().default(1),
    /** Item lead time (days); null = the supplier's default. */
    leadTimeDays: integer('lead_time_days'),
    /** Observed from receipts (days from sent to received): mean and population std dev; feed safety stock. */
    observedLeadTimeDays: doublePrecision('observed_lead_time_days'),
    observedLeadTimeSigma: doublePrecision('observed_lead_time_sigma'),
    /** The supplier the inventory engine takes lead time from when a SKU has several. */
    preferred: boolean('preferred').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('supplier_items_supplier_sku_uq').on(t.supplierId, t.sku),
    index('supplier_items_sku_idx').on(t.sku),
    check('supplier_items_moq_pos', sql`${t.moq} >= 1`),
    check('supplier_items_pack_pos', sql`${t.packSize} >= 1`),
    check('supplier_items_lead_nonneg', sql`${t.leadTimeDays} is null or ${t.leadTimeDays} >= 0`),
  ],
);

/** An RFQ answer: a price for a quantity, valid for a window. Counts in price comparison while valid. */
export const supplierQuotes = pgTable(
  'supplier_quotes',
  {
    id: id(),
    supplierId: uuid('supplier_id').notNull().references(() => suppliers.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull().references(() => products.sku, { onDelete: 'cascade', onUpdate: 'cascade' }),
    quantity: integer('quantity').notNull(),
    unitCostMinor: bigint('unit_cost_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validUntil: date('valid_until', { mode: 'string' }).notNull(),
    reference: text('reference'),
    createdAt: createdAt(),
  },
  (t) => [
    index('supplier_quotes_sku_idx').on(t.sku, t.validUntil),
    check('supplier_quotes_qty_pos', sql`${t.quantity} > 0`),
    check('supplier_quotes_cost_nonneg', sql`${t.unitCostMinor} >= 0`),
    check('supplier_quotes_window', sql`${t.validFrom} <= ${t.validUntil}`),
  ],
);

export const purchaseOrderStatuses = ['draft', 'approved', 'sent', 'partially_received', 'received', 'closed', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof purchaseOrderStatuses)[number];

/** A purchase order. Every state change is one guarded UPDATE (`… WHERE status = … RETURNING`). */
export const purchaseOrders = pgTable(
  'purchase_orders',
  {
    id: id(),
    /** Human number, `PO-000042`, from `seq`. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    number: text('number').notNull(),
    supplierId: uuid('supplier_id').notNull().references(() => suppliers.id, { onDelete: 'restrict' }),
    status: text('status').$type<PurchaseOrderStatus>().notNull().default('draft'),
    currency: text('currency').notNull(),
    /** Σ quantity × unit cost of the lines, minor units of `currency` (kept by the verbs that change lines). */
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull().default(0),
    /** `manual` or `replenishment`. */
    source: text('source').notNull().default('manual'),
    notes: text('notes'),
    approvedAt: tsz('approved_at'),
    approvedBy: text('approved_by'),
    sentAt: tsz('sent_at'),
    receivedAt: tsz('received_at'),
    closedAt: tsz('closed_at'),
    cancelledAt: tsz('cancelled_at'),
    /** Set once by the overdue check (expected date passed, not fully received). */
    overdueAt: tsz('overdue_at'),
    /** The X12 850 written when it was sent to an EDI partner. */
    edi850: text('edi_850'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('purchase_orders_number_uq').on(t.number),
    index('purchase_orders_supplier_idx').on(t.supplierId, t.createdAt),
    index('purchase_orders_status_idx').on(t.status),
    check('purchase_orders_status', sql`${t.status} in ('draft','approved','sent','partially_received','received','closed','cancelled')`),
    check('purchase_orders_total_nonneg', sql`${t.totalMinor} >= 0`),
  ],
);

/**
 * A PO line. `accepted + rejected` is what arrived; it never exceeds the ordered quantity (CHECK), so
 * `incoming` can be lowered by exactly what arrived and the rest on cancel/close.
 */
export const purchaseOrderLines = pgTable(
  'purchase_order_lines',
  {
    id: id(),
    purchaseOrderId: uuid('purchase_order_id').notNull().references(() => purchaseOrders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    sku: text('sku').notNull().references(() => products.sku, { onUpdate: 'cascade' }),
    supplierSku: text('supplier_sku'),
    quantity: integer('quantity').notNull(),
    unitCostMinor: bigint('unit_cost_minor', { mode: 'number' }).notNull(),
    expectedDate: date('expected_date', { mode: 'string' }).notNull(),
    warehouseId: uuid('warehouse_id').notNull().references(() => warehouses.id),
    acceptedQuantity: integer('accepted_quantity').notNull().default(0),
    rejectedQuantity: integer('rejected_quantity').notNull().default(0),
    /** Units the PO still counts as incoming at the warehouse (set on send; lowered by receipts, zeroed on cancel/close). */
    incomingQuantity: integer('incoming_quantity').notNull().default(0),
    /** From an EDI 855: `accepted` | `rejected` | `changed`, and the quantity the supplier confirmed. */
    ackStatus: text('ack_status'),
    ackQuantity: integer('ack_quantity'),
    /** From EDI 856 ship notices: units shipped so far. */
    shippedQuantity: integer('shipped_quantity').notNull().default(0),
    /** Why the line exists (replenishment explains its quantity here). */
    reason: text('reason'),
    completedAt: tsz('completed_at'),
  },
  (t) => [
    uniqueIndex('purchase_order_lines_no_uq').on(t.purchaseOrderId, t.lineNo),
    index('purchase_order_lines_sku_idx').on(t.sku, t.warehouseId),
    check('po_lines_qty_pos', sql`${t.quantity} > 0`),
    check('po_lines_cost_nonneg', sql`${t.unitCostMinor} >= 0`),
    check('po_lines_received_le_qty', sql`${t.acceptedQuantity} >= 0 and ${t.rejectedQuantity} >= 0 and ${t.acceptedQuantity} + ${t.rejectedQuantity} <= ${t.quantity}`),
    check('po_lines_incoming_range', sql`${t.incomingQuantity} >= 0 and ${t.incomingQuantity} <= ${t.quantity} - ${t.acceptedQuantity} - ${t.rejectedQuantity}`),
  ],
);

/** One received line of one receipt: what arrived when, accepted or rejected, and the cost it was booked at. */
export const purchaseReceiptLines = pgTable(
  'purchase_receipt_lines',
  {
    id: id(),
    receiptId: uuid('receipt_id').notNull(),
    purchaseOrderId: uuid('purchase_order_id').notNull().references(() => purchaseOrders.id, { onDelete: 'cascade' }),
    lineId: uuid('line_id').notNull().references(() => purchaseOrderLines.id, { onDelete: 'cascade' }),
    supplierId: uuid('supplier_id').notNull(),
    sku: text('sku').notNull(),
    warehouseId: uuid('warehouse_id').notNull(),
    accepted: integer('accepted').notNull(),
    rejected: integer('rejected').notNull(),
    /** Landed cost (freight, duty) given to this line, minor units of the PO currency. */
    landedMinor: bigint('landed_minor', { mode: 'number' }).notNull().default(0),
    /** The product's moving-average unit cost after this receipt (null when currencies differ). */
    unitCostAfterMinor: bigint('unit_cost_after_minor', { mode: 'number' }),
    receivedAt: tsz('received_at').notNull(),
    /** Days from the PO being sent to this receipt. */
    leadTimeDays: doublePrecision('lead_time_days'),
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
  },
  (t) => [
    index('purchase_receipt_lines_supplier_idx').on(t.supplierId, t.receivedAt),
    index('purchase_receipt_lines_po_idx').on(t.purchaseOrderId),
    uniqueIndex('purchase_receipt_lines_idem_uq').on(t.idempotencyKey, t.lineId),
    check('purchase_receipt_lines_qty', sql`${t.accepted} >= 0 and ${t.rejected} >= 0 and ${t.accepted} + ${t.rejected} > 0`),
  ],
);

/** The PO timeline: every event (created, approved, sent, EDI acks, ship notices, receipts, overdue, cancel, close). */
export const purchaseOrderEvents = pgTable(
  'purchase_order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    purchaseOrderId: uuid('purchase_order_id').notNull().references(() => purchaseOrders.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    actor: text('actor'),
    createdAt: createdAt(),
  },
  (t) => [index('purchase_order_events_po_idx').on(t.purchaseOrderId, t.id)],
);

/** Purchasing settings: one row (id = 1). */
export const purchasingSettings = pgTable(
  'purchasing_settings',
  {
    id: integer('id').primaryKey().default(1),
    /** POs whose total is above this (per currency, minor units) need an explicit approval before sending. */
    approvalThresholds: jsonb('approval_thresholds').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    /** Scorecard weights (renormalised over the parts that have data). */
    scoreWeights: jsonb('score_weights').$type<{ onTime: number; fill: number; quality: number; price: number }>().notNull()
      .default(sql`'{"onTime":0.3,"fill":0.25,"quality":0.25,"price":0.2}'::jsonb`),
    /** Days of forecast demand a replenishment order covers beyond the reorder point. */
    reviewPeriodDays: integer('review_period_days').notNull().default(14),
    /**
     * Replenishment drafts whose total is at or below this (per currency) are approved by rule; none is
     * ever sent automatically. Empty = every draft waits for a person.
     */
    autoApproveBelow: jsonb('auto_approve_below').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    updatedAt: updatedAt(),
  },
  (t) => [check('purchasing_settings_single', sql`${t.id} = 1`), check('purchasing_settings_review', sql`${t.reviewPeriodDays} >= 0`)],
);
