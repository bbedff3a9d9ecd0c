import { sql } from 'drizzle-orm';
import {
  bigint, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tsz, updatedAt } from './columns';
import { connections } from './connections';
import { orders } from './inbox';
import { warehouses } from './inventory';

/** The order review rules (審核): one row (id = 1), read by the drain in the same statement that holds orders. */
export const orderReviewSettings = pgTable(
  'order_review_settings',
  {
    id: smallint('id').primaryKey().default(1),
    /** See src/sales/review-settings.ts for the shape (validated with zod on write). */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [check('order_review_settings_single', sql`${t.id} = 1`)],
);

/** A return (RMA): some units of one order coming back. */
export const orderReturns = pgTable(
  'order_returns',
  {
    id: id(),
    orderId: uuid('order_id').notNull().references(() => orders.id, { onDelete: 'restrict' }),
    /** `requested` → `received` → `closed`; `requested` → `cancelled`. */
    status: text('status').notNull().default('requested'),
    /** `manual` | `channel` */
    source: text('source').notNull().default('manual'),
    /** The channel's refund/return id when created from one (one return per channel refund). */
    externalId: text('external_id'),
    reason: text('reason'),
    currency: text('currency').notNull(),
    /** Sum of the lines' refunds (kept in step by the verbs). */
    refundMinor: bigint('refund_minor', { mode: 'number' }).notNull().default(0),
    /** Reference of the refund at the channel / payment provider. */
    refundReference: text('refund_reference'),
    warehouseId: uuid('warehouse_id').references(() => warehouses.id, { onDelete: 'restrict' }),
    receivedAt: tsz('received_at'),
    closedAt: tsz('closed_at'),
    cancelledAt: tsz('cancelled_at'),
    actor: text('actor'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('order_returns_order_idx').on(t.orderId),
    uniqueIndex('order_returns_external_uq').on(t.orderId, t.externalId),
    check('order_returns_status', sql`${t.status} in ('requested','received','closed','cancelled')`),
    check('order_returns_refund_nonneg', sql`${t.refundMinor} >= 0`),
    check('order_returns_received_wh', sql`${t.status} not in ('received','closed') or ${t.warehouseId} is not null`),
  ],
);

/**
 * Every channel refund the hub has read, with what became of it: a return (`created`/`exists`), or
 * nothing (`money_only`, `nothing_left`). A refund on record is not fetched from the channel again
 * (WooCommerce lists refunds by id on every version of an order).
 */
export const channelRefunds = pgTable(
  'channel_refunds',
  {
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    orderExternalId: text('order_external_id').notNull(),
    refundId: text('refund_id').notNull(),
    /** `created` | `exists` | `money_only` | `nothing_left` */
    outcome: text('outcome').notNull(),
    returnId: uuid('return_id').references(() => orderReturns.id, { onDelete: 'set null' }),
    seenAt: tsz('seen_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'channel_refunds_pk', columns: [t.connectionId, t.orderExternalId, t.refundId] }),
    check('channel_refunds_outcome', sql`${t.outcome} in ('created','exists','money_only','nothing_left')`),
  ],
);

export const orderReturnLines = pgTable(
  'order_return_lines',
  {
    id: id(),
    returnId: uuid('return_id').notNull().references(() => orderReturns.id, { onDelete: 'cascade' }),
    /** Order lines are replaced when the channel updates an order, so a return line names the SKU, not the line id. */
    sku: text('sku').notNull(),
    title: text('title').notNull(),
    quantity: integer('quantity').notNull(),
    refundMinor: bigint('refund_minor', { mode: 'number' }).notNull().default(0),
    /** Set on receipt: `restock` (back to sellable stock), `damaged` or `scrap` (recorded, no sellable stock). */
    condition: text('condition'),
    restockedQuantity: integer('restocked_quantity').notNull().default(0),
  },
  (t) => [
    uniqueIndex('order_return_lines_sku_uq').on(t.returnId, t.sku),
    index('order_return_lines_sku_idx').on(t.sku),
    check('order_return_lines_qty_pos', sql`${t.quantity} > 0`),
    check('order_return_lines_refund_nonneg', sql`${t.refundMinor} >= 0`),
    check('order_return_lines_condition', sql`${t.condition} is null or ${t.condition} in ('restock','damaged','scrap')`),
    check('order_return_lines_restocked', sql`${t.restockedQuantity} between 0 and ${t.quantity}`),
  ],
);

/**
 * The latest demand forecast per SKU and scope (`all` = every warehouse, else a warehouse id):
 * the chosen method, its back-test error and the daily forecast for the horizon.
 */
export const demandForecasts = pgTable(
  'demand_forecasts',
  {
    sku: text('sku').notNull(),
    scope: text('scope').notNull(),
    /** `holt_winters` | `sba` */
    method: text('method').notNull(),
    /** Errors of the chosen method on the hold-out, units/day: RMSE (what chose it), MAE, and MASE (MAE over the naive in-sample one-step MAE). */
    rmse: doublePrecision('rmse').notNull(),
    mae: doublePrecision('mae').notNull(),
    mase: doublePrecision('mase'),
    /** The naive last-value forecast's hold-out RMSE, for comparison. */
    naiveRmse: doublePrecision('naive_rmse').notNull(),
    /** Every method tried with its hold-out RMSE. */
    candidates: jsonb('candidates').$type<Record<string, number>>().notNull(),
    historyDays: integer('history_days').notNull(),
    horizonDays: integer('horizon_days').notNull(),
    /** Mean forecast demand per day over the horizon. */
    dailyMean: doublePrecision('daily_mean').notNull(),
    /** First forecast day (UTC date) and one value per day. */
    startDate: text('start_date').notNull(),
    daily: jsonb('daily').$type<number[]>().notNull(),
    computedAt: tsz('computed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'demand_forecasts_pk', columns: [t.sku, t.scope] })],
);
