import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { createManualOrder, ManualOrderInput } from '../../inbox/create-manual-order';
import { getOrder } from '../../inbox/get-order';
import { ListOrdersQuery, listOrders } from '../../inbox/list-orders';
import { applyOrderAction, OrderActionInput, type OrderAction } from '../../inbox/order-actions';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const OrderSummary = z.object({
  id: z.string().uuid(), connectionId: z.string().uuid(), channel: z.string(), externalId: z.string(), number: z.string(),
  status: z.string(), financialStatus: z.string(), fulfillmentStatus: z.string(), allocationStatus: z.string(),
  currency: z.string(), totalMinor: z.number().int(), customerEmail: z.string().nullable(), customerName: z.string().nullable(),
  shipCountry: z.string().nullable(), itemCount: z.number().int(), skus: z.array(z.string()), exceptions: z.array(z.string()),
  ingestPaths: z.array(z.string()), placedAt: z.string(), sourceUpdatedAt: z.string(), createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'OrderSummary' });
const OrderDetail = OrderSummary.extend({
  subtotalMinor: z.number().int(), taxMinor: z.number().int(), shippingMinor: z.number().int(), discountMinor: z.number().int(),
  lines: z.array(z.record(z.string(), z.unknown())), customer: z.unknown(), shippingAddress: z.unknown(), billingAddress: z.unknown(),
  sourceEvents: z.array(z.record(z.string(), z.unknown())), timeline: z.array(z.record(z.string(), z.unknown())),
}).meta({ id: 'OrderDetail' });
const IdParam = z.object({ id: z.string() });

async function optionalJson(text: string): Promise<unknown> {
  return text.trim() ? JSON.parse(text) : {};
}

export function orderRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'get', path: '/api/v1/orders', tags: ['orders'], summary: 'The unified order inbox (keyset pagination)',
    request: { query: ListOrdersQuery }, responses: { 200: json(z.object({ items: z.array(OrderSummary), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listOrders(c.get('ctx'), ListOrdersQuery.parse(c.req.query()))));

  route(app, {
    method: 'get', path: '/api/v1/orders/{id}', tags: ['orders'], summary: 'One order with lines, source events and timeline',
    request: { params: IdParam }, responses: { 200: json(OrderDetail) },
  }, async (c) => c.json(await getOrder(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'post', path: '/api/v1/orders', tags: ['orders'], summary: 'Enter a manual / offline order',
    description: 'Send an `Idempotency-Key` header to make retries safe: a retried POST returns the first result.',
    request: { ...body(ManualOrderInput), headers: z.object({ 'idempotency-key': z.string().max(255).optional() }) },
    responses: { 201: json(OrderDetail, 'Created') },
  }, async (c) => {
    const r = await createManualOrder(c.get('ctx'), await c.req.json(), c.req.header('idempotency-key'));
    if (r.replayed) c.header('idempotent-replayed', 'true');
    return c.json(r.body, r.status as 201);
  });

  for (const action of ['cancel', 'hold', 'release'] as OrderAction[]) {
    route(app, {
      method: 'post', path: `/api/v1/orders/{id}/${action}`, tags: ['orders'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} an order`,
      request: { params: IdParam, body: { content: { 'application/json': { schema: OrderActionInput } }, required: false } },
      responses: { 200: json(z.object({ id: z.string(), status: z.string() })), 409: json(z.unknown(), 'Not in a state that allows it') },
    }, async (c) => c.json(await applyOrderAction(c.get('ctx'), c.req.param('id')!, action, await optionalJson(await c.req.text()))));
  }
}
