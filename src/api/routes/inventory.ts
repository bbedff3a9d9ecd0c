import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { AdjustmentInput, adjustStock } from '../../inventory/adjust-stock';
import { allocateOrders } from '../../inventory/allocate-orders';
import { afterStockChange } from '../../inventory/after-stock-change';
import { AllocationSettingsInput, listAllocationSettings, setAllocationSettings } from '../../inventory/allocation-settings';
import { FulfilmentInput, fulfilOrder } from '../../inventory/fulfil-order';
import { createListing, deleteListing, getListing, ListingInput, ListingUpdate, ListListingsQuery, listListings, updateListing } from '../../inventory/listings';
import { createProduct, ListProductsQuery, listProducts, ProductInput } from '../../inventory/products';
import { getOrderAllocation, listMovements, listStock, MovementsQuery, StockQuery } from '../../inventory/query-stock';
import { reconcileStock } from '../../inventory/reconcile-stock';
import { AlertsQuery, stockAlerts } from '../../inventory/stock-alerts';
import { createTransfer, receiveTransfer, TransferInput } from '../../inventory/transfer-stock';
import { createWarehouse, listWarehouses, WarehouseInput } from '../../inventory/warehouses';
import { getProduct, ProductUpdate, updateProduct } from '../../inventory/update-product';
import { updateWarehouse, WarehouseUpdate } from '../../inventory/update-warehouse';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const Obj = z.record(z.string(), z.unknown());
const IdParam = z.object({ id: z.string() });
const StockLevel = z.object({
  sku: z.string(), warehouse: z.string(), warehouseId: z.string(), onHand: z.number().int(), reserved: z.number().int(),
  available: z.number().int(), incoming: z.number().int(),
}).meta({ id: 'StockLevel' });
const idemHeader = z.object({ 'idempotency-key': z.string().max(255).optional() });
const optionalBody = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } }, required: false } });
const readOptional = async (text: string): Promise<unknown> => (text.trim() ? JSON.parse(text) : {});

/** Products, warehouses, stock, movements, transfers, allocation and fulfilment, listings, alerts. */
export function inventoryRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'post', path: '/api/v1/products', tags: ['inventory'], summary: 'Create a product (SKU)',
    request: body(ProductInput), responses: { 201: json(Obj, 'Created'), 409: json(z.unknown(), 'SKU exists') },
  }, async (c) => c.json(await createProduct(c.get('ctx'), await c.req.json()), 201));
  route(app, {
    method: 'get', path: '/api/v1/products', tags: ['inventory'], summary: 'List products (keyset by SKU)',
    request: { query: ListProductsQuery }, responses: { 200: json(z.object({ items: z.array(Obj), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listProducts(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'get', path: '/api/v1/products/{sku}', tags: ['inventory'], summary: 'One product by SKU',
    request: { params: z.object({ sku: z.string() }) }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await getProduct(c.get('ctx'), c.req.param('sku')!)));
  route(app, {
    method: 'patch', path: '/api/v1/products/{sku}', tags: ['inventory'], summary: 'Change a product\'s title, barcode, unit cost, weight, lead time or active flag',
    request: { params: z.object({ sku: z.string() }), ...body(ProductUpdate) }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await updateProduct(c.get('ctx'), c.req.param('sku')!, await c.req.json())));

  route(app, {
    method: 'post', path: '/api/v1/warehouses', tags: ['inventory'], summary: 'Create a warehouse',
    request: body(WarehouseInput), responses: { 201: json(Obj, 'Created'), 409: json(z.unknown(), 'Code exists') },
  }, async (c) => c.json(await createWarehouse(c.get('ctx'), await c.req.json()), 201));
  route(app, {
    method: 'get', path: '/api/v1/warehouses', tags: ['inventory'], summary: 'List warehouses (priority order)',
    responses: { 200: json(z.object({ items: z.array(Obj) })) },
  }, async (c) => c.json(await listWarehouses(c.get('ctx'))));
  route(app, {
    method: 'patch', path: '/api/v1/warehouses/{code}', tags: ['inventory'], summary: 'Change a warehouse\'s name, priority, region, active flag or the channels it may fulfil',
    request: { params: z.object({ code: z.string() }), ...body(WarehouseUpdate) }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await updateWarehouse(c.get('ctx'), c.req.param('code')!, await c.req.json())));

  route(app, {
    method: 'get', path: '/api/v1/stock', tags: ['inventory'], summary: 'Stock levels per (sku, warehouse)',
    request: { query: StockQuery }, responses: { 200: json(z.object({ items: z.array(StockLevel), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listStock(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'post', path: '/api/v1/stock/adjustments', tags: ['inventory'], summary: 'Adjust on-hand stock (stocktake, receipt, return)',
    description: 'Send an `Idempotency-Key` header: a retried adjustment counts once. A decrease may not go below reserved units (409).',
    request: { ...body(AdjustmentInput), headers: idemHeader }, responses: { 201: json(StockLevel, 'Adjusted'), 409: json(z.unknown(), 'Would go below reserved') },
  }, async (c) => {
    const r = await adjustStock(c.get('ctx'), await c.req.json(), c.req.header('idempotency-key'));
    if (r.replayed) c.header('idempotent-replayed', 'true');
    return c.json(r.body, r.status as 201);
  });

  route(app, {
    method: 'post', path: '/api/v1/stock/transfers', tags: ['inventory'], summary: 'Send stock to another warehouse (in transit until received)',
    request: { ...body(TransferInput), headers: idemHeader }, responses: { 201: json(Obj, 'In transit'), 409: json(z.unknown(), 'Not enough unreserved stock') },
  }, async (c) => {
    const r = await createTransfer(c.get('ctx'), await c.req.json(), c.req.header('idempotency-key'));
    if (r.replayed) c.header('idempotent-replayed', 'true');
    return c.json(r.body, r.status as 201);
  });
  route(app, {
    method: 'post', path: '/api/v1/stock/transfers/{id}/receive', tags: ['inventory'], summary: 'Book a transfer in at its destination',
    request: { params: IdParam }, responses: { 200: json(Obj), 409: json(z.unknown(), 'Already received') },
  }, async (c) => c.json(await receiveTransfer(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'get', path: '/api/v1/stock/movements', tags: ['inventory'], summary: 'The movement ledger (newest first)',
    request: { query: MovementsQuery }, responses: { 200: json(z.object({ items: z.array(Obj), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listMovements(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'get', path: '/api/v1/stock/alerts', tags: ['inventory'], summary: 'SKUs whose available + incoming fell below the reorder point',
    request: { query: AlertsQuery }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await stockAlerts(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'post', path: '/api/v1/stock/reconcile', tags: ['inventory'], summary: 'Compare stored totals with the ledger (optionally repair)',
    request: optionalBody(z.object({ repair: z.boolean().optional() })), responses: { 200: json(Obj) },
  }, async (c) => {
    const p = z.object({ repair: z.boolean().default(false) }).parse(await readOptional(await c.req.text()));
    return c.json(await reconcileStock(c.get('ctx'), p));
  });

  route(app, {
    method: 'post', path: '/api/v1/orders/{id}/allocate', tags: ['orders'], summary: 'Re-run allocation for an order',
    request: { params: IdParam }, responses: { 200: json(Obj) },
  }, async (c) => {
    const ctx = c.get('ctx');
    const id = c.req.param('id')!;
    const r = await allocateOrders(ctx, { orderIds: [z.string().uuid().safeParse(id).success ? id : '00000000-0000-0000-0000-000000000000'] });
    await afterStockChange(ctx, { freedSkus: r.releasedSkus, changedSkus: r.changedSkus });
    return c.json(await getOrderAllocation(ctx, id));
  });
  route(app, {
    method: 'get', path: '/api/v1/orders/{id}/allocation', tags: ['orders'], summary: 'Per-line allocations of an order',
    request: { params: IdParam }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await getOrderAllocation(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'post', path: '/api/v1/orders/{id}/fulfillments', tags: ['orders'], summary: 'Ship reserved units (on-hand decreases)',
    request: { params: IdParam, ...optionalBody(FulfilmentInput) }, responses: { 201: json(Obj, 'Fulfilled'), 409: json(z.unknown(), 'Nothing reserved') },
  }, async (c) => c.json(await fulfilOrder(c.get('ctx'), c.req.param('id')!, await readOptional(await c.req.text())), 201));

  route(app, {
    method: 'get', path: '/api/v1/allocation-settings', tags: ['inventory'], summary: 'Allocation rules (global and per channel)',
    responses: { 200: json(z.object({ items: z.array(Obj) })) },
  }, async (c) => c.json(await listAllocationSettings(c.get('ctx'))));
  route(app, {
    method: 'put', path: '/api/v1/allocation-settings', tags: ['inventory'], summary: 'Set the global or a channel\'s allocation rules',
    request: body(AllocationSettingsInput), responses: { 200: json(Obj) },
  }, async (c) => c.json(await setAllocationSettings(c.get('ctx'), await c.req.json())));

  route(app, {
    method: 'post', path: '/api/v1/listings', tags: ['inventory'], summary: 'List a SKU on a channel connection',
    request: body(ListingInput), responses: { 201: json(Obj, 'Created'), 409: json(z.unknown(), 'Already listed') },
  }, async (c) => c.json(await createListing(c.get('ctx'), await c.req.json()), 201));
  route(app, {
    method: 'get', path: '/api/v1/listings', tags: ['inventory'], summary: 'Channel listings with their last push',
    request: { query: ListListingsQuery }, responses: { 200: json(z.object({ items: z.array(Obj) })) },
  }, async (c) => c.json(await listListings(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'get', path: '/api/v1/listings/{id}', tags: ['inventory'], summary: 'One listing',
    request: { params: IdParam }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await getListing(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'patch', path: '/api/v1/listings/{id}', tags: ['inventory'], summary: 'Change a listing\'s ids, buffer, cap, share',
    request: { params: IdParam, ...body(ListingUpdate) }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await updateListing(c.get('ctx'), c.req.param('id')!, await c.req.json())));
  route(app, {
    method: 'delete', path: '/api/v1/listings/{id}', tags: ['inventory'], summary: 'Remove a listing',
    request: { params: IdParam }, responses: { 204: { description: 'Removed' } },
  }, async (c) => {
    await deleteListing(c.get('ctx'), c.req.param('id')!);
    return c.body(null, 204);
  });
}
