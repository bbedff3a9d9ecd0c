import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { connections } from './connections';
import { createdAt, id, tsz, updatedAt } from './columns';
import { orders } from './inbox';

/** Products / SKUs the hub keeps stock for. An order line naming a SKU not listed here gets `unknown_sku`. */
export const products = pgTable(
  'products',
  {
    id: id(),
    // A constraint (not just an index) so foreign keys can reference it in the same migration.
    sku: text('sku').notNull().unique('products_sku_uq'),
    title: text('title').notNull(),
    barcode: text('barcode'),
    unitCostMinor: bigint('unit_cost_minor', { mode: 'number' }),
    currency: text('currency'),
    weightGrams: integer('weight_grams'),
    /** Lead time override in days for replenishment signals (else the warehouse default). */
    leadTimeDays: integer('lead_time_days'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('products_cost_nonneg', sql`${t.unitCostMinor} is null or ${t.unitCostMinor} >= 0`),
    check('products_cost_currency', sql`(${t.unitCostMinor} is null) = (${t.currency} is null)`),
    check('products_weight_nonneg', sql`${t.weightGrams} is null or ${t.weightGrams} >= 0`),
  ],
);

/** Where stock sits. A lower priority number is tried first. */
export const warehouses = pgTable(
  'warehouses',
  {
    id: id(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    priority: integer('priority').notNull().default(100),
    region: text('region'),
    address: jsonb('address').$type<Record<string, unknown> | null>(),
    active: boolean('active').notNull().default(true),
    /** Connections this warehouse may fulfil; null = every channel. */
    allowedConnectionIds: uuid('allowed_connection_ids').array(),
    /** Default replenishment lead time (days) for stock held here. */
    leadTimeDays: integer('lead_time_days').notNull().default(7),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('warehouses_code_uq').on(t.code),
    check('warehouses_lead_time_pos', sql`${t.leadTimeDays} >= 0`),
  ],
);

/**
 * Stock per (sku, warehouse). The CHECKs are the last line against overselling: even a bug in the
 * allocator cannot make `reserved` exceed `on_hand` or either go negative.
 */
export const stockLevels = pgTable(
  'stock_levels',
  {
    sku: text('sku').notNull().references(() => products.sku, { onDelete: 'restrict', onUpdate: 'cascade' }),
    warehouseId: uuid('warehouse_id').notNull().references(() => warehouses.id, { onDelete: 'restrict' }),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    incoming: integer('incoming').notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: 'stock_levels_pk', columns: [t.sku, t.warehouseId] }),
    index('stock_levels_wh_idx').on(t.warehouseId),
    check('stock_on_hand_nonneg', sql`${t.onHand} >= 0`),
    check('stock_reserved_nonneg', sql`${t.reserved} >= 0`),
    check('stock_reserved_le_on_hand', sql`${t.reserved} <= ${t.onHand}`),
    check('stock_incoming_nonneg', sql`${t.incoming} >= 0`),
  ],
);

export const movementKinds = [
  'receipt', 'adjustment', 'transfer_out', 'transfer_in', 'incoming', 'reservation', 'release', 'fulfilment', 'return', 'opening',
] as const;

/**
 * The movement ledger: every change of a stock level is one row, so `on_hand`, `reserved` and
 * `incoming` each equal the sum of their deltas (the reconciler checks it).
 */
export const stockMovements = pgTable(
  'stock_movements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sku: text('sku').notNull(),
    // No FK here or on reservations.warehouse_id: every row accompanies a guarded update of an existing
    // stock_levels row, whose FK already guarantees the warehouse; the check per row would cost on the hot path.
    warehouseId: uuid('warehouse_id').notNull(),
    kind: text('kind').notNull(),
    quantity: integer('quantity').notNull(),
    onHandDelta: integer('on_hand_delta').notNull().default(0),
    reservedDelta: integer('reserved_delta').notNull().default(0),
    incomingDelta: integer('incoming_delta').notNull().default(0),
    orderId: uuid('order_id'),
    transferId: uuid('transfer_id'),
    reason: text('reason'),
    actor: text('actor'),
    /** Makes a retried write a no-op (API Idempotency-Key, or the reservation's version). */
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('stock_movements_idem_uq').on(t.idempotencyKey),
    index('stock_movements_sku_idx').on(t.sku, t.warehouseId, t.id),
    index('stock_movements_order_idx').on(t.orderId),
    check('stock_movements_kind', sql`${t.kind} in ('receipt','adjustment','transfer_out','transfer_in','incoming','reservation','release','fulfilment','return','opening')`),
    check('stock_movements_qty_pos', sql`${t.quantity} > 0`),
  ],
);

/**
 * Units held for an order. Keyed by (order, sku, warehouse) rather than by order-line id because the
 * inbox replaces an order's lines on every update; quantities of one SKU on several lines are summed.
 */
export const reservations = pgTable(
  'reservations',
  {
    id: id(),
    orderId: uuid('order_id').notNull().references(() => orders.id, { onDelete: 'restrict' }),
    sku: text('sku').notNull(),
    warehouseId: uuid('warehouse_id').notNull(),
    /** Units still held (reserved, not yet shipped). */
    quantity: integer('quantity').notNull().default(0),
    /** Units shipped from this reservation (already taken off on_hand). */
    fulfilledQuantity: integer('fulfilled_quantity').notNull().default(0),
    /** Bumped on every change; part of the ledger's idempotency key. */
    version: integer('version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('reservations_line_wh_uq').on(t.orderId, t.sku, t.warehouseId),
    // The inbox's warehouse filter: orders allocated to (or shipped from) one warehouse.
    index('reservations_warehouse_order_idx').on(t.warehouseId, t.orderId),
    check('reservations_qty_nonneg', sql`${t.quantity} >= 0 and ${t.fulfilledQuantity} >= 0`),
  ],
);

/** Stock moving between warehouses: taken off the source at dispatch, incoming at the destination until received. */
export const stockTransfers = pgTable(
  'stock_transfers',
  {
    id: id(),
    sku: text('sku').notNull(),
    fromWarehouseId: uuid('from_warehouse_id').notNull().references(() => warehouses.id),
    toWarehouseId: uuid('to_warehouse_id').notNull().references(() => warehouses.id),
    quantity: integer('quantity').notNull(),
    /** `in_transit` | `received` */
    status: text('status').notNull().default('in_transit'),
    receivedAt: tsz('received_at'),
    createdAt: createdAt(),
  },
  (t) => [
    check('stock_transfers_qty_pos', sql`${t.quantity} > 0`),
    check('stock_transfers_distinct', sql`${t.fromWarehouseId} <> ${t.toWarehouseId}`),
    check('stock_transfers_status', sql`${t.status} in ('in_transit','received')`),
  ],
);

/** Allocation rules: one global row (connection_id null) and optional per-channel overrides. */
export const allocationSettings = pgTable(
  'allocation_settings',
  {
    id: id(),
    connectionId: uuid('connection_id').references(() => connections.id, { onDelete: 'cascade' }),
    /** Warehouse ids in the order to try; null = by warehouse priority. */
    warehouseOrder: uuid('warehouse_order').array(),
    allowSplit: boolean('allow_split').notNull().default(true),
    shipComplete: boolean('ship_complete').notNull().default(true),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('allocation_settings_conn_uq').on(sql`coalesce(${t.connectionId}, '00000000-0000-0000-0000-000000000000'::uuid)`)],
);

/** A SKU sold on a channel connection, with the channel's ids and how much of the stock to show there. */
export const channelListings = pgTable(
  'channel_listings',
  {
    id: id(),
    sku: text('sku').notNull().references(() => products.sku, { onDelete: 'cascade', onUpdate: 'cascade' }),
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    externalIds: jsonb('external_ids').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    buffer: integer('buffer').notNull().default(0),
    cap: integer('cap'),
    sharePercent: integer('share_percent'),
    countIncoming: boolean('count_incoming').notNull().default(false),
    lastPushedQuantity: integer('last_pushed_quantity'),
    lastPushedAt: tsz('last_pushed_at'),
    pushError: text('push_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('channel_listings_sku_conn_uq').on(t.sku, t.connectionId),
    index('channel_listings_conn_idx').on(t.connectionId),
    check('channel_listings_buffer_nonneg', sql`${t.buffer} >= 0`),
    check('channel_listings_cap_nonneg', sql`${t.cap} is null or ${t.cap} >= 0`),
    check('channel_listings_share', sql`${t.sharePercent} is null or (${t.sharePercent} between 0 and 100)`),
  ],
);
