import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { approveOrders, decideOrderReview, rejectOrders, RejectInput, ReviewDecisionInput } from '../../sales/review-orders';
import { getReviewSettings, ReviewSettings, setReviewSettings } from '../../sales/review-settings';
import {
  cancelReturn, closeReturn, CloseReturnInput, createReturn, CreateReturnInput, getReturn, listReturnsPage, ListReturnsQuery,
  receiveReturn, ReceiveReturnInput,
} from '../../sales/returns';
import { createI18n, fromAcceptLanguage } from '../../i18n/index';
import { salesReport, SalesReportQuery } from '../../sales/sales-report';
import { salesReportCsv } from '../../sales/sales-report-csv';
import { ComputeForecastsInput, computeForecasts, ForecastsQuery, listForecasts } from '../../sales/compute-forecasts';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const IdParam = z.object({ id: z.string() });
const ReturnSchema = z.object({
  id: z.string(), orderId: z.string(), orderNumber: z.string(), status: z.string(), source: z.string(), externalId: z.string().nullable(),
  reason: z.string().nullable(), currency: z.string(), refundMinor: z.number().int(), refundReference: z.string().nullable(),
  warehouseId: z.string().nullable(), warehouse: z.string().nullable(), receivedAt: z.string().nullable(), closedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(), createdAt: z.string(),
  lines: z.array(z.object({ sku: z.string(), title: z.string(), quantity: z.number().int(), refundMinor: z.number().int(), condition: z.string().nullable(), restockedQuantity: z.number().int() })),
}).meta({ id: 'OrderReturn' });
const DecisionResult = z.object({ done: z.array(z.string()), skipped: z.array(z.object({ id: z.string(), allocationStatus: z.string().nullable(), status: z.string().nullable() })) });

async function optionalJson(text: string): Promise<unknown> {
  return text.trim() ? JSON.parse(text) : {};
}

export function salesRoutes(app: OpenAPIHono<AppEnv>): void {
  // --- Order review (審核) ---
  route(app, {
    method: 'get', path: '/api/v1/review/settings', tags: ['sales'], summary: 'The order review rules',
    responses: { 200: json(ReviewSettings) },
  }, async (c) => c.json(await getReviewSettings(c.get('ctx'))));

  route(app, {
    method: 'put', path: '/api/v1/review/settings', tags: ['sales'], summary: 'Replace the order review rules',
    description: 'Orders matching an enabled rule are held (allocation status and exception `review`) when they arrive, before allocation.',
    request: body(ReviewSettings), responses: { 200: json(ReviewSettings) },
  }, async (c) => c.json(await setReviewSettings(c.get('ctx'), await c.req.json())));

  for (const decision of ['approve', 'reject'] as const) {
    route(app, {
      method: 'post', path: `/api/v1/orders/{id}/${decision}`, tags: ['sales'],
      summary: decision === 'approve' ? 'Approve an order held for review (it goes to allocation)' : 'Reject an order held for review (it is cancelled; `reason` required)',
      request: { params: IdParam, body: { content: { 'application/json': { schema: z.object({ reason: z.string().optional() }) } }, required: decision === 'reject' } },
      responses: { 200: json(z.object({ id: z.string(), decision: z.string(), status: z.string() })), 409: json(z.unknown(), 'Not in review') },
    }, async (c) => c.json(await decideOrderReview(c.get('ctx'), c.req.param('id')!, decision, await optionalJson(await c.req.text()))));

    route(app, {
      method: 'post', path: `/api/v1/review/${decision}`, tags: ['sales'], summary: `Bulk ${decision} of orders held for review`,
      request: body(decision === 'approve' ? ReviewDecisionInput : RejectInput), responses: { 200: json(DecisionResult) },
    }, async (c) => {
      const input = await c.req.json();
      return c.json(decision === 'approve' ? await approveOrders(c.get('ctx'), input) : await rejectOrders(c.get('ctx'), input));
    });
  }

  // --- Returns (RMA) ---
  route(app, {
    method: 'get', path: '/api/v1/returns', tags: ['sales'], summary: 'Returns, newest first', request: { query: ListReturnsQuery },
    responses: { 200: json(z.object({ items: z.array(ReturnSchema), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listReturnsPage(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'get', path: '/api/v1/returns/{id}', tags: ['sales'], summary: 'One return', request: { params: IdParam },
    responses: { 200: json(ReturnSchema) },
  }, async (c) => c.json(await getReturn(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'post', path: '/api/v1/orders/{id}/returns', tags: ['sales'], summary: 'Create a return for some units of an order',
    description: 'The refund of each line defaults to its share of the line price after the line discount. With `externalId` (a channel refund) a repeat returns the existing return with 200.',
    request: { params: IdParam, ...body(CreateReturnInput) }, responses: { 201: json(ReturnSchema, 'Created'), 200: json(ReturnSchema, 'Already created') },
  }, async (c) => {
    const r = await createReturn(c.get('ctx'), c.req.param('id')!, await c.req.json());
    return c.json(r.body, r.created ? 201 : 200);
  });

  route(app, {
    method: 'post', path: '/api/v1/returns/{id}/receive', tags: ['sales'], summary: 'Receive a return into a warehouse (restock / damaged / scrap per line); idempotent',
    request: { params: IdParam, ...body(ReceiveReturnInput) }, responses: { 200: json(ReturnSchema), 409: json(z.unknown(), 'Cancelled') },
  }, async (c) => {
    const r = await receiveReturn(c.get('ctx'), c.req.param('id')!, await c.req.json());
    if (r.replayed) c.header('idempotent-replayed', 'true');
    return c.json(r.body);
  });

  route(app, {
    method: 'post', path: '/api/v1/returns/{id}/close', tags: ['sales'], summary: 'Close a received return (refund settled)',
    request: { params: IdParam, body: { content: { 'application/json': { schema: CloseReturnInput } }, required: false } },
    responses: { 200: json(ReturnSchema), 409: json(z.unknown(), 'Not received') },
  }, async (c) => c.json(await closeReturn(c.get('ctx'), c.req.param('id')!, await optionalJson(await c.req.text()))));

  route(app, {
    method: 'post', path: '/api/v1/returns/{id}/cancel', tags: ['sales'], summary: 'Cancel a return not yet received',
    request: { params: IdParam }, responses: { 200: json(ReturnSchema), 409: json(z.unknown(), 'Already received') },
  }, async (c) => c.json(await cancelReturn(c.get('ctx'), c.req.param('id')!)));

  // --- Reports ---
  route(app, {
    method: 'get', path: '/api/v1/reports/sales', tags: ['sales'],
    summary: 'Sales per channel, SKU, customer or period, one row per currency',
    description: 'Orders by `placed_at` in [from, to) (a bare `to` date includes that day), cancelled orders left out; refunds and returns count in their order\'s period. Send `Accept: text/csv` for a CSV (UTF-8 with BOM, headers in the `Accept-Language`).',
    request: { query: SalesReportQuery },
    responses: { 200: { description: 'The report', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) }, 'text/csv': { schema: z.string() } } } },
  }, async (c) => {
    const ctx = c.get('ctx');
    const report = await salesReport(ctx, c.req.query());
    if ((c.req.header('accept') ?? '').includes('text/csv')) {
      const i18n = createI18n(fromAcceptLanguage(c.req.header('accept-language')) ?? ctx.config.defaultLocale, ctx.config.timezone);
      c.header('content-disposition', `attachment; filename="sales-${report.groupBy}.csv"`);
      return c.body(salesReportCsv(report, i18n), 200, { 'content-type': 'text/csv; charset=utf-8' });
    }
    return c.json(report);
  });

  // --- Demand forecasts ---
  route(app, {
    method: 'get', path: '/api/v1/forecasts', tags: ['sales'],
    summary: 'Daily demand forecasts per SKU (scope `all`) and per warehouse, with the chosen method and its back-test error',
    request: { query: ForecastsQuery }, responses: { 200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listForecasts(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'post', path: '/api/v1/forecasts/compute', tags: ['sales'], summary: 'Recompute the demand forecasts now (the nightly job does the same)',
    request: { body: { content: { 'application/json': { schema: ComputeForecastsInput } }, required: false } },
    responses: { 200: json(z.object({ computed: z.number().int(), skipped: z.number().int(), startDate: z.string() })) },
  }, async (c) => c.json(await computeForecasts(c.get('ctx'), await optionalJson(await c.req.text()))));
}
