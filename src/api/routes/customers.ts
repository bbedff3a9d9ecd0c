import type { OpenAPIHono } from '@hono/zod-openapi';
import { streamCsv } from '../../exports/stream-csv';
import { z } from 'zod';
import { runNightlyRfm } from '../../customers/compute-rfm';
import { exportCustomersCsv } from '../../customers/export-customers';
import { getCustomer } from '../../customers/get-customer';
import { ListCustomersQuery, listCustomers } from '../../customers/list-customers';
import { addNote, changeTags, CustomerUpdate, NoteInput, TagsInput, updateCustomer } from '../../customers/manage-customer';
import { MergeInput, mergeCustomers, SplitInput, splitCustomer } from '../../customers/merge-customers';
import { createSegment, deleteSegment, getSegment, listSegments, SegmentInput, SegmentUpdate, updateSegment } from '../../customers/segments';
import { completeTask, createTask, ListTasksQuery, listTasks, TaskInput } from '../../customers/tasks';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const Obj = z.record(z.string(), z.unknown());
const IdParam = z.object({ id: z.string() });
const CustomerSummary = z.object({
  id: z.string().uuid(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(),
  company: z.string().nullable(), country: z.string().nullable(), b2b: z.boolean(), tags: z.array(z.string()), channels: z.array(z.string()),
  orderCount: z.number().int(), ltvByCurrency: z.record(z.string(), z.number().int()), firstOrderAt: z.string().nullable(),
  lastOrderAt: z.string().nullable(), segment: z.string().nullable(),
  rfm: z.object({ r: z.number().int(), f: z.number().int(), m: z.number().int() }).nullable(), createdAt: z.string(),
}).meta({ id: 'CustomerSummary' });
const CustomerProfile = CustomerSummary.extend({
  status: z.string(), mergedInto: z.string().nullable(), creditTermsDays: z.number().int().nullable(),
  creditLimit: z.object({ amountMinor: z.number().int(), currency: z.string() }).nullable(),
  birthday: z.string().nullable(), followUpOn: z.string().nullable(), aovByCurrency: z.record(z.string(), z.number().int()),
  identities: z.array(Obj), addresses: z.array(Obj), orders: z.array(Obj), ordersTotal: z.number().int(),
  favouriteSkus: z.array(Obj), returns: Obj, notes: z.array(Obj), tasks: z.array(Obj), history: z.array(Obj),
}).meta({ id: 'CustomerProfile' });
const Page = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Customers (one across channels), merge/split, notes, tags, follow-up tasks, saved segments and CSV export. */
export function customerRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'get', path: '/api/v1/customers', tags: ['customers'], summary: 'Customers (search, segment, tag, channel; keyset pagination)',
    description: '`q` matches a name or company (any script), an email, or a phone number in any local or international form. '
      + '`segment` is an RFM segment (champions, new, loyal, at_risk, lost, other) or a saved segment id.',
    request: { query: ListCustomersQuery }, responses: { 200: json(Page(CustomerSummary)) },
  }, async (c) => c.json(await listCustomers(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'get', path: '/api/v1/customers/export.csv', tags: ['customers'], summary: 'Customers matching the list filters as CSV (UTF-8 with BOM)',
    request: { query: ListCustomersQuery.omit({ cursor: true, limit: true }) },
    responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } },
  }, async (c) => {
    return streamCsv(c, exportCustomersCsv(c.get('ctx'), c.req.query()), 'customers.csv');
  });

  route(app, {
    method: 'get', path: '/api/v1/customers/{id}', tags: ['customers'], summary: 'Customer profile: contact, identities, addresses, orders, LTV, AOV, favourites, returns, notes, tasks',
    request: { params: IdParam }, responses: { 200: json(CustomerProfile) },
  }, async (c) => c.json(await getCustomer(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'patch', path: '/api/v1/customers/{id}', tags: ['customers'], summary: 'Edit contact, B2B, credit terms and limit, birthday, follow-up date',
    request: { params: IdParam, ...body(CustomerUpdate) }, responses: { 200: json(CustomerProfile) },
  }, async (c) => c.json(await updateCustomer(c.get('ctx'), c.req.param('id')!, await c.req.json())));

  route(app, {
    method: 'post', path: '/api/v1/customers/{id}/merge', tags: ['customers'], summary: 'Merge another customer into this one (recorded)',
    request: { params: IdParam, ...body(MergeInput) }, responses: { 200: json(CustomerProfile), 409: json(z.unknown(), 'A customer is already merged') },
  }, async (c) => c.json(await mergeCustomers(c.get('ctx'), c.req.param('id')!, await c.req.json())));

  route(app, {
    method: 'post', path: '/api/v1/customers/{id}/split', tags: ['customers'], summary: 'Split orders (and identities) off into a new customer (recorded)',
    request: { params: IdParam, ...body(SplitInput) },
    responses: { 201: json(z.object({ from: CustomerProfile, to: CustomerProfile }), 'Split'), 409: json(z.unknown(), 'Orders not this customer\'s') },
  }, async (c) => c.json(await splitCustomer(c.get('ctx'), c.req.param('id')!, await c.req.json()), 201));

  route(app, {
    method: 'post', path: '/api/v1/customers/{id}/notes', tags: ['customers'], summary: 'Add a note',
    request: { params: IdParam, ...body(NoteInput) }, responses: { 201: json(Obj, 'Added') },
  }, async (c) => c.json(await addNote(c.get('ctx'), c.req.param('id')!, await c.req.json()), 201));

  route(app, {
    method: 'post', path: '/api/v1/customers/{id}/tags', tags: ['customers'], summary: 'Add and remove tags',
    request: { params: IdParam, ...body(TagsInput) }, responses: { 200: json(z.object({ id: z.string(), tags: z.array(z.string()) })) },
  }, async (c) => c.json(await changeTags(c.get('ctx'), c.req.param('id')!, await c.req.json())));

  route(app, {
    method: 'post', path: '/api/v1/customers/{id}/tasks', tags: ['customers'], summary: 'Add a follow-up task',
    request: { params: IdParam, ...body(TaskInput) }, responses: { 201: json(Obj, 'Added') },
  }, async (c) => c.json(await createTask(c.get('ctx'), c.req.param('id')!, await c.req.json()), 201));

  route(app, {
    method: 'get', path: '/api/v1/customer-tasks', tags: ['customers'], summary: 'Follow-up tasks for the team (soonest due first)',
    request: { query: ListTasksQuery }, responses: { 200: json(Page(Obj)) },
  }, async (c) => c.json(await listTasks(c.get('ctx'), c.req.query())));

  route(app, {
    method: 'post', path: '/api/v1/customer-tasks/{id}/complete', tags: ['customers'], summary: 'Mark a task done',
    request: { params: IdParam }, responses: { 200: json(Obj), 409: json(z.unknown(), 'Already done') },
  }, async (c) => c.json(await completeTask(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'get', path: '/api/v1/customer-segments', tags: ['customers'], summary: 'Saved rule-based segments',
    responses: { 200: json(z.object({ items: z.array(Obj) })) },
  }, async (c) => c.json(await listSegments(c.get('ctx'))));
  route(app, {
    method: 'post', path: '/api/v1/customer-segments', tags: ['customers'], summary: 'Save a rule-based segment',
    description: 'Rules are data (`{ match: "all"|"any", rules: [{ field: "channel"|"ltv"|"orderCount"|"lastOrderAt"|"tag"|"segment"|"b2b", op, value }] }`), never SQL.',
    request: body(SegmentInput), responses: { 201: json(Obj, 'Created'), 409: json(z.unknown(), 'Name taken') },
  }, async (c) => c.json(await createSegment(c.get('ctx'), await c.req.json()), 201));
  route(app, {
    method: 'post', path: '/api/v1/customer-segments/rfm/compute', tags: ['customers'],
    summary: 'Rescore the RFM segments now (the daily job does the same)',
    description: 'Links orders not yet linked to a customer, rescores every active customer and publishes `customer.segment_entered` for each customer whose segment changed.',
    responses: { 200: json(z.object({ scored: z.number().int(), changed: z.number().int() })) },
  }, async (c) => {
    const r = await runNightlyRfm(c.get('ctx'));
    return c.json({ scored: r.scored, changed: r.changed.length });
  });
  route(app, {
    method: 'get', path: '/api/v1/customer-segments/{id}', tags: ['customers'], summary: 'One saved segment',
    request: { params: IdParam }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await getSegment(c.get('ctx'), c.req.param('id')!)));
  route(app, {
    method: 'patch', path: '/api/v1/customer-segments/{id}', tags: ['customers'], summary: 'Change a saved segment',
    request: { params: IdParam, ...body(SegmentUpdate) }, responses: { 200: json(Obj) },
  }, async (c) => c.json(await updateSegment(c.get('ctx'), c.req.param('id')!, await c.req.json())));
  route(app, {
    method: 'delete', path: '/api/v1/customer-segments/{id}', tags: ['customers'], summary: 'Delete a saved segment',
    request: { params: IdParam }, responses: { 204: { description: 'Deleted' } },
  }, async (c) => {
    await deleteSegment(c.get('ctx'), c.req.param('id')!);
    return c.body(null, 204);
  });
}
