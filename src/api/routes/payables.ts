import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { everyPage } from '../../db/keyset';
import { ApproveBillInput, approveBill, billPrefill, getBill, ListBillsQuery, listBills, RecordBillInput, recordBill, VoidBillInput, voidBill } from '../../finance/bills';
import { billsCsv, CalendarQuery, PayablesAgingQuery, payablesAging, payablesAgingCsv, payablesCalendar, payablesCalendarCsv, supplierPaymentsCsv } from '../../finance/payables-aging';
import { ListSupplierPaymentsQuery, listSupplierPayments, paySupplier, SupplierPaymentInput } from '../../finance/supplier-payments';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';
import { CalendarDay } from '../../domain/calendar-day';

const Any = z.record(z.string(), z.unknown());
const IdParam = z.object({ id: z.string() });
const csvOrJson = (description: string) => ({ description, content: { 'application/json': { schema: Any }, 'text/csv': { schema: z.string() } } });
const wantsCsv = (c: Context<AppEnv>) => /\btext\/csv\b/.test(c.req.header('accept') ?? '');
/** A body that may be left out (approve and void need nothing). */
const optionalBody = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } }, required: false } });
const csv = (c: Context<AppEnv>, name: string, text: string) =>
  c.body(text, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` });

/** Payables (issue 10): supplier bills matched three ways, payments made, aging and the due-date calendar. */
export function payablesRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'get', path: '/api/v1/bills', tags: ['payables'], summary: 'Supplier bills (filters: status incl. unpaid and overdue, supplier, match status; CSV with Accept: text/csv)',
    request: { query: ListBillsQuery }, responses: { 200: csvOrJson('The bills') },
  }, async (c) => {
    if (wantsCsv(c)) return csv(c, 'bills', billsCsv(await everyPage((cursor) => listBills(c.get('ctx'), { ...c.req.query(), cursor, limit: 500 }))));
    return c.json(await listBills(c.get('ctx'), c.req.query()));
  });
  route(app, {
    method: 'post', path: '/api/v1/bills', tags: ['payables'],
    summary: 'Record a supplier bill against a received PO; three-way matched per line (quantity over received, price variance). A matched bill opens and posts; one with variances stays a draft until approved',
    request: body(RecordBillInput), responses: { 201: json(Any, 'Recorded'), 200: json(Any, 'Already recorded (same supplier and number)'), 409: json(z.unknown(), 'PO not received, or the number is taken') },
  }, async (c) => {
    const r = await recordBill(c.get('ctx'), await c.req.json());
    return c.json(r.bill, r.created ? 201 : 200);
  });
  route(app, {
    method: 'get', path: '/api/v1/bills/prefill', tags: ['payables'], summary: 'What a bill for a PO would say: received and not yet billed quantities at the PO prices, due date from the supplier terms',
    request: { query: z.object({ purchaseOrder: z.string(), issueDate: z.string().optional() }) }, responses: { 200: json(Any) },
  }, async (c) => {
    const p = z.object({ purchaseOrder: z.string().min(1).max(200), issueDate: CalendarDay.optional() }).parse(c.req.query());
    return c.json(await billPrefill(c.get('ctx'), p.purchaseOrder, p.issueDate));
  });
  route(app, {
    method: 'get', path: '/api/v1/bills/{id}', tags: ['payables'], summary: 'A bill with its lines (match result and flags) and the payments applied to it',
    request: { params: IdParam }, responses: { 200: json(Any) },
  }, async (c) => c.json(await getBill(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'post', path: '/api/v1/bills/{id}/approve', tags: ['payables'], summary: 'Approve a draft bill (a note is required when it has variances): it opens and posts; who and when are kept',
    request: { params: IdParam, ...optionalBody(ApproveBillInput) }, responses: { 200: json(Any), 409: json(z.unknown(), 'Not a draft') },
  }, async (c) => c.json(await approveBill(c.get('ctx'), c.req.param('id')!, await c.req.json().catch(() => ({})))));
  route(app, {
    method: 'post', path: '/api/v1/bills/{id}/void', tags: ['payables'], summary: 'Void a draft or unpaid bill (a posted one is reversed)',
    request: { params: IdParam, ...optionalBody(VoidBillInput) }, responses: { 200: json(Any), 409: json(z.unknown(), 'Paid, or already void') },
  }, async (c) => c.json(await voidBill(c.get('ctx'), c.req.param('id')!, await c.req.json().catch(() => ({})))));

  route(app, {
    method: 'get', path: '/api/v1/supplier-payments', tags: ['payables'], summary: 'Payments made to suppliers, with the bills each settled (CSV with Accept: text/csv)',
    request: { query: ListSupplierPaymentsQuery }, responses: { 200: csvOrJson('The payments') },
  }, async (c) => {
    if (wantsCsv(c)) {
      return csv(c, 'supplier-payments', supplierPaymentsCsv(await everyPage((cursor) => listSupplierPayments(c.get('ctx'), { ...c.req.query(), cursor, limit: 500 }))));
    }
    return c.json(await listSupplierPayments(c.get('ctx'), c.req.query()));
  });
  route(app, {
    method: 'post', path: '/api/v1/supplier-payments', tags: ['payables'],
    summary: 'Pay a supplier and apply the payment to one or many of its bills (wholly or in part); realised FX posts to the fx account',
    request: body(SupplierPaymentInput), responses: { 201: json(Any, 'Recorded'), 200: json(Any, 'Already recorded (same reference)'), 409: json(z.unknown(), 'Would overpay a bill, or a bill is not payable') },
  }, async (c) => {
    const r = await paySupplier(c.get('ctx'), await c.req.json());
    return c.json(r.payment, r.replayed ? 200 : 201);
  });

  route(app, {
    method: 'get', path: '/api/v1/payables/aging', tags: ['payables'], summary: 'Aged payables at a date: current, 1–30, 31–60, 61–90, 90+ days past due (CSV with Accept: text/csv)',
    request: { query: PayablesAgingQuery }, responses: { 200: csvOrJson('The aging') },
  }, async (c) => {
    const r = await payablesAging(c.get('ctx'), c.req.query());
    return wantsCsv(c) ? csv(c, `payables-aging-${r.at}`, payablesAgingCsv(r)) : c.json(r);
  });
  route(app, {
    method: 'get', path: '/api/v1/payables/calendar', tags: ['payables'], summary: 'Due-date calendar: unpaid bills overdue first, then by due week (CSV with Accept: text/csv)',
    request: { query: CalendarQuery }, responses: { 200: csvOrJson('The calendar') },
  }, async (c) => {
    const r = await payablesCalendar(c.get('ctx'), c.req.query());
    return wantsCsv(c) ? csv(c, `payables-calendar-${r.at}`, payablesCalendarCsv(r)) : c.json(r);
  });
}
