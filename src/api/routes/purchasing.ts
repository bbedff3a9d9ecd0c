import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { isLocale, type Locale } from '../../i18n/index';
import { applySupplierEdi, getEdi850 } from '../../purchasing/edi';
import { flagOverduePurchaseOrders } from '../../purchasing/overdue';
import { purchaseOrderCsv, purchaseOrderPdf } from '../../purchasing/po-documents';
import { approvePurchaseOrder, cancelPurchaseOrder, closePurchaseOrder, ReasonInput, sendPurchaseOrder } from '../../purchasing/po-transitions';
import { createPurchaseOrder, getPurchaseOrder, ListPurchaseOrdersQuery, listPurchaseOrders, PurchaseOrderInput } from '../../purchasing/purchase-orders';
import { CompareQuery, comparePrices, createQuote, ListQuotesQuery, listQuotes, QuoteInput } from '../../purchasing/quotes';
import { ReceiveInput, receivePurchaseOrder } from '../../purchasing/receive-po';
import { draftReplenishmentOrders, replenishmentSuggestions, SuggestionsQuery } from '../../purchasing/replenishment';
import { ScorecardQuery, supplierScorecard } from '../../purchasing/scorecards';
import { getPurchasingSettings, PurchasingSettingsInput, setPurchasingSettings } from '../../purchasing/settings';
import { ListSupplierItemsQuery, listSupplierItems, SupplierItemInput, upsertSupplierItem } from '../../purchasing/supplier-items';
import { createSupplier, listSuppliers, resolveSupplier, SupplierInput, SupplierUpdate, updateSupplier } from '../../purchasing/suppliers';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const Obj = z.record(z.string(), z.unknown());
const List = z.object({ items: z.array(Obj) });
const IdParam = z.object({ id: z.string() });
const conflict = json(z.unknown(), 'Wrong status for this step (problem+json with the current status)');
const optionalBody = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } }, required: false } });
const readOptional = async (text: string): Promise<unknown> => (text.trim() ? JSON.parse(text) : {});
const LangQuery = z.object({ lang: z.string().optional() });
const langOf = (v: string | undefined): Locale => (v && isLocale(v) ? v : 'en');

/** Suppliers, supplier items, quotes, purchase orders (lifecycle, receiving, documents, EDI), replenishment. */
export function purchasingRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'post', path: '/api/v1/suppliers', tags: ['purchasing'], summary: 'Create a supplier',
    request: body(SupplierInput), responses: { 201: json(Obj, 'Created'), 409: json(z.unknown(), 'Code exists') },
  }, async (c) => c.json(await createSupplier(c.get('ctx'), await c.req.json()), 201));
  route(app, {
    method: 'get', path: '/api/v1/suppliers', tags: ['purchasing'], summary: 'List suppliers',
    request: { query: z.object({ active: z.enum(['true', 'false']).optional() }) }, responses: { 200: json(List) },
  }, async (c) => c.json(await listSuppliers(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'get', path: '/api/v1/suppliers/{id}', tags: ['purchasing'], summary: 'A supplier with its items and scorecard (id or code)',
    description: 'The scorecard covers POs sent between `from` and `to` (default the last 90 days).',
    request: { params: IdParam, query: ScorecardQuery }, responses: { 200: json(Obj), 404: json(z.unknown(), 'Unknown supplier') },
  }, async (c) => {
    const ctx = c.get('ctx');
    const s = await resolveSupplier(ctx, c.req.param('id')!);
    const [items, scorecard] = await Promise.all([listSupplierItems(ctx, { supplier: s.id }), supplierScorecard(ctx, s.id, c.req.query())]);
    return c.json({ ...s, items: items.items, scorecard });
  });
  route(app, {
    method: 'patch', path: '/api/v1/suppliers/{id}', tags: ['purchasing'], summary: 'Update a supplier',
    request: { params: IdParam, ...body(SupplierUpdate) }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await updateSupplier(c.get('ctx'), c.req.param('id')!, await c.req.json())));

  route(app, {
    method: 'post', path: '/api/v1/supplier-items', tags: ['purchasing'], summary: 'Create or replace a supplier item (price breaks, MOQ, pack size, lead time)',
    request: body(SupplierItemInput), responses: { 200: json(Obj, 'Saved') },
  }, async (c) => c.json(await upsertSupplierItem(c.get('ctx'), await c.req.json())));
  route(app, {
    method: 'get', path: '/api/v1/supplier-items', tags: ['purchasing'], summary: 'List supplier items (by supplier or SKU)',
    request: { query: ListSupplierItemsQuery }, responses: { 200: json(List) },
  }, async (c) => c.json(await listSupplierItems(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'get', path: '/api/v1/supplier-items/compare', tags: ['purchasing'], summary: 'Price comparison: every supplier\'s price for a SKU at a quantity, with scores',
    request: { query: CompareQuery }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await comparePrices(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'post', path: '/api/v1/supplier-quotes', tags: ['purchasing'], summary: 'Record a quote (RFQ answer) with its validity',
    request: body(QuoteInput), responses: { 201: json(Obj, 'Created') },
  }, async (c) => c.json(await createQuote(c.get('ctx'), await c.req.json()), 201));
  route(app, {
    method: 'get', path: '/api/v1/supplier-quotes', tags: ['purchasing'], summary: 'List quotes',
    request: { query: ListQuotesQuery }, responses: { 200: json(List) },
  }, async (c) => c.json(await listQuotes(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'post', path: '/api/v1/purchase-orders', tags: ['purchasing'], summary: 'Create a draft purchase order (in the supplier\'s currency)',
    request: body(PurchaseOrderInput), responses: { 201: json(Obj, 'Draft created') },
  }, async (c) => c.json(await createPurchaseOrder(c.get('ctx'), await c.req.json()), 201));
  route(app, {
    method: 'get', path: '/api/v1/purchase-orders', tags: ['purchasing'], summary: 'List purchase orders (`overdue=true` for the late ones)',
    request: { query: ListPurchaseOrdersQuery }, responses: { 200: json(List.extend({ nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listPurchaseOrders(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'post', path: '/api/v1/purchase-orders/overdue-check', tags: ['purchasing'], summary: 'Flag overdue POs now (the daily job does it too)',
    responses: { 200: json(Obj) },
  }, async (c) => c.json(await flagOverduePurchaseOrders(c.get('ctx'))));
  route(app, {
    method: 'post', path: '/api/v1/purchase-orders/edi', tags: ['purchasing'], summary: 'Read a supplier\'s X12 855 acknowledgement or 856 ship notice',
    request: { body: { content: { 'text/plain': { schema: z.string() }, 'application/edi-x12': { schema: z.string() } }, required: true } },
    responses: { 200: json(Obj) },
  }, async (c) => c.json(await applySupplierEdi(c.get('ctx'), await c.req.text())));
  route(app, {
    method: 'get', path: '/api/v1/purchase-orders/{id}', tags: ['purchasing'], summary: 'A purchase order with lines and timeline (id or number)',
    request: { params: IdParam }, responses: { 200: json(Obj), 404: json(z.unknown(), 'Unknown PO') },
  }, async (c) => c.json(await getPurchaseOrder(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'post', path: '/api/v1/purchase-orders/{id}/approve', tags: ['purchasing'], summary: 'Approve a draft',
    request: { params: IdParam }, responses: { 200: json(Obj), 409: conflict },
  }, async (c) => c.json(await approvePurchaseOrder(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'post', path: '/api/v1/purchase-orders/{id}/send', tags: ['purchasing'], summary: 'Send: raises incoming, webhook purchase_order.sent, X12 850 for EDI partners',
    description: 'A draft is approved by rule first when no approval rule requires a person (else 409 `approval_required`).',
    request: { params: IdParam }, responses: { 200: json(Obj), 409: conflict },
  }, async (c) => c.json(await sendPurchaseOrder(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'post', path: '/api/v1/purchase-orders/{id}/receive', tags: ['purchasing'], summary: 'Receive goods: accepted and rejected quantities per line, landed costs',
    description: 'Send an `Idempotency-Key` header: a retried receipt counts once.',
    request: { params: IdParam, ...body(ReceiveInput), headers: z.object({ 'idempotency-key': z.string().max(255).optional() }) },
    responses: { 200: json(Obj), 409: conflict },
  }, async (c) => {
    const r = await receivePurchaseOrder(c.get('ctx'), c.req.param('id')!, await c.req.json(), c.req.header('idempotency-key'));
    if (r.replayed) c.header('idempotent-replayed', 'true');
    return c.json(r);
  });
  route(app, {
    method: 'post', path: '/api/v1/purchase-orders/{id}/cancel', tags: ['purchasing'], summary: 'Cancel (draft, approved or sent with nothing received)',
    request: { params: IdParam, ...optionalBody(ReasonInput) }, responses: { 200: json(Obj), 409: conflict },
  }, async (c) => c.json(await cancelPurchaseOrder(c.get('ctx'), c.req.param('id')!, await readOptional(await c.req.text()))));
  route(app, {
    method: 'post', path: '/api/v1/purchase-orders/{id}/close', tags: ['purchasing'], summary: 'Close: what has not arrived will not (incoming lowered)',
    request: { params: IdParam, ...optionalBody(ReasonInput) }, responses: { 200: json(Obj), 409: conflict },
  }, async (c) => c.json(await closePurchaseOrder(c.get('ctx'), c.req.param('id')!, await readOptional(await c.req.text()))));
  route(app, {
    method: 'get', path: '/api/v1/purchase-orders/{id}/pdf', tags: ['purchasing'], summary: 'The PO as PDF (`lang` = en, zh-CN, zh-TW)',
    request: { params: IdParam, query: LangQuery }, responses: { 200: { description: 'PDF', content: { 'application/pdf': { schema: z.string() } } } },
  }, async (c) => {
    const d = await purchaseOrderPdf(c.get('ctx'), c.req.param('id')!, langOf(c.req.query('lang')));
    return c.body(new Uint8Array(d.bytes), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${d.filename}"` });
  });
  route(app, {
    method: 'get', path: '/api/v1/purchase-orders/{id}/csv', tags: ['purchasing'], summary: 'The PO lines as CSV (UTF-8 with BOM, headers in `lang`)',
    request: { params: IdParam, query: LangQuery }, responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } },
  }, async (c) => {
    const d = await purchaseOrderCsv(c.get('ctx'), c.req.param('id')!, langOf(c.req.query('lang')));
    return c.body(d.text, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${d.filename}"` });
  });
  route(app, {
    method: 'get', path: '/api/v1/purchase-orders/{id}/x12', tags: ['purchasing'], summary: 'The X12 850 written when the PO was sent (EDI partners)',
    request: { params: IdParam }, responses: { 200: { description: 'X12', content: { 'application/edi-x12': { schema: z.string() } } }, 404: json(z.unknown(), 'No 850') },
  }, async (c) => {
    const text = await getEdi850(c.get('ctx'), c.req.param('id')!);
    return c.body(text, 200, { 'content-type': 'application/edi-x12' });
  });

  route(app, {
    method: 'get', path: '/api/v1/replenishment/suggestions', tags: ['purchasing'], summary: 'What to order: low-stock alerts grouped by the best supplier, with reasons',
    request: { query: SuggestionsQuery }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await replenishmentSuggestions(c.get('ctx'), c.req.query())));
  route(app, {
    method: 'post', path: '/api/v1/replenishment/suggestions/draft', tags: ['purchasing'], summary: 'Turn the suggestions into draft POs (never sent automatically)',
    request: optionalBody(SuggestionsQuery), responses: { 200: json(Obj) },
  }, async (c) => c.json(await draftReplenishmentOrders(c.get('ctx'), await readOptional(await c.req.text()))));

  route(app, {
    method: 'get', path: '/api/v1/purchasing/settings', tags: ['purchasing'], summary: 'Approval thresholds, scorecard weights, review period, auto-approve',
    responses: { 200: json(Obj) },
  }, async (c) => c.json(await getPurchasingSettings(c.get('ctx'))));
  route(app, {
    method: 'put', path: '/api/v1/purchasing/settings', tags: ['purchasing'], summary: 'Change purchasing settings',
    request: body(PurchasingSettingsInput), responses: { 200: json(Obj) },
  }, async (c) => c.json(await setPurchasingSettings(c.get('ctx'), await c.req.json())));
}
