import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, check, date, index, integer, jsonb, numeric, pgTable, smallint, text, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { connections } from './connections';
import { createdAt, id, tsz, updatedAt } from './columns';
import { orders } from './inbox';

/**
 * One person or business across every channel. Contact fields are the best known values (first seen,
 * editable by hand); the stats columns are derived from the linked orders by the resolve job and the
 * nightly RFM job, never written by people.
 */
export const customers = pgTable(
  'customers',
  {
    id: id(),
    name: text('name'),
    /** Normalised (trimmed, lowercase); a masked relay address is never stored here. */
    email: text('email'),
    /** E.164. */
    phone: text('phone'),
    company: text('company'),
    /** ISO 3166-1 alpha-2 of the last known address. */
    country: text('country'),
    b2b: boolean('b2b').notNull().default(false),
    creditTermsDays: integer('credit_terms_days'),
    creditLimitMinor: bigint('credit_limit_minor', { mode: 'number' }),
    creditCurrency: text('credit_currency'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    birthday: date('birthday', { mode: 'string' }),
    /** A manual follow-up date: the daily job turns it into a task. */
    followUpOn: date('follow_up_on', { mode: 'string' }),
    /** `active` | `merged` (then `mergedInto` points at the survivor). */
    status: text('status').notNull().default('active'),
    mergedInto: uuid('merged_into'),
    // Stats (derived).
    orderCount: integer('order_count').notNull().default(0),
    /** Lifetime value per currency in minor units, e.g. `{"USD": 12345, "TWD": 990}` (no FX applied). */
    ltvByCurrency: jsonb('ltv_by_currency').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    /** Sum of order totals in major units over all currencies: the RFM monetary measure (no FX; see README). */
    monetary: numeric('monetary', { precision: 20, scale: 4, mode: 'number' }).notNull().default(0),
    channels: text('channels').array().notNull().default(sql`'{}'::text[]`),
    firstOrderAt: tsz('first_order_at'),
    lastOrderAt: tsz('last_order_at'),
    rScore: smallint('r_score'),
    fScore: smallint('f_score'),
    mScore: smallint('m_score'),
    /** champions | loyal | new | at_risk | lost | other (null before the first RFM run or without orders). */
    segment: text('segment'),
    rfmAt: tsz('rfm_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('customers_email_idx').on(t.email),
    index('customers_phone_idx').on(t.phone),
    index('customers_created_idx').on(t.createdAt, t.id),
    // No index on segment or the scores: the nightly RFM rewrite then stays a heap-only (HOT) update.
    index('customers_tags_idx').using('gin', t.tags),
    index('customers_channels_idx').using('gin', t.channels),
    check('customers_status_chk', sql`${t.status} in ('active', 'merged')`),
    check('customers_merged_chk', sql`(${t.status} = 'merged') = (${t.mergedInto} is not null)`),
    check('customers_credit_chk', sql`${t.creditLimitMinor} is null or (${t.creditLimitMinor} >= 0 and ${t.creditCurrency} is not null)`),
    check('customers_terms_chk', sql`${t.creditTermsDays} is null or ${t.creditTermsDays} between 0 and 3650`),
  ],
);

/**
 * The keys that identify a customer: `email` and `phone` (global), `external` (a channel's customer id,
 * per connection) and `masked_email` (a relay address, per connection). One key belongs to one customer.
 */
export const customerIdentities = pgTable(
  'customer_identities',
  {
    id: id(),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** Set for `external` and `masked_email`; the empty-uuid sentinel is avoided by the partial indexes below. */
    connectionId: uuid('connection_id').references(() => connections.id, { onDelete: 'cascade' }),
    value: text('value').notNull(),
    /** `auto` (resolver) | `manual` (an explicit link made by a person). */
    source: text('source').notNull().default('auto'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('customer_identities_global_uq').on(t.kind, t.value).where(sql`connection_id is null`),
    uniqueIndex('customer_identities_scoped_uq').on(t.kind, t.connectionId, t.value).where(sql`connection_id is not null`),
    index('customer_identities_customer_idx').on(t.customerId),
    check('customer_identities_kind_chk', sql`${t.kind} in ('email', 'phone', 'external', 'masked_email')`),
    check('customer_identities_scope_chk', sql`(${t.kind} in ('external', 'masked_email')) = (${t.connectionId} is not null)`),
  ],
);

/** Which customer placed an order: one row per order, written by the resolver or by hand (merge, split). */
export const customerOrders = pgTable(
  'customer_orders',
  {
    orderId: uuid('order_id').primaryKey().references(() => orders.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    /** `email` | `phone` | `external` | `masked_email` | `new` | `manual` */
    matchedBy: text('matched_by').notNull(),
    linkedAt: createdAt(),
  },
  (t) => [index('customer_orders_customer_idx').on(t.customerId, t.orderId)],
);

/** Merge and split history: what moved where, so a merge can be reversed by a split with the same orders. */
export const customerMerges = pgTable(
  'customer_merges',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** `merge` | `split` */
    kind: text('kind').notNull(),
    /** Merge: the survivor; split: the customer the orders left. */
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    /** Merge: the customer merged away; split: the new customer. */
    otherCustomerId: uuid('other_customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    orderIds: uuid('order_ids').array().notNull(),
    identityIds: uuid('identity_ids').array().notNull(),
    actor: text('actor'),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('customer_merges_customer_idx').on(t.customerId, t.id),
    index('customer_merges_other_idx').on(t.otherCustomerId, t.id),
    check('customer_merges_kind_chk', sql`${t.kind} in ('merge', 'split')`),
  ],
);

export const customerNotes = pgTable(
  'customer_notes',
  {
    id: id(),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    author: text('author'),
    createdAt: createdAt(),
  },
  (t) => [index('customer_notes_customer_idx').on(t.customerId, t.createdAt)],
);

/**
 * Follow-ups for the team. The daily job writes `no_order`, `birthday` and `follow_up` tasks, the
 * receivables reminders `overdue_invoice` ones (at 1, 15 and 30 days overdue); people add
 * `manual` ones. `dedupeKey` makes the job idempotent: one task per customer per occasion.
 */
export const customerTasks = pgTable(
  'customer_tasks',
  {
    id: id(),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    status: text('status').notNull().default('open'),
    dedupeKey: text('dedupe_key'),
    assignee: text('assignee'),
    createdBy: text('created_by'),
    completedAt: tsz('completed_at'),
    completedBy: text('completed_by'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('customer_tasks_dedupe_uq').on(t.dedupeKey),
    index('customer_tasks_open_idx').on(t.dueOn, t.id).where(sql`status = 'open'`),
    index('customer_tasks_customer_idx').on(t.customerId, t.createdAt),
    check('customer_tasks_kind_chk', sql`${t.kind} in ('no_order', 'birthday', 'follow_up', 'manual', 'overdue_invoice')`),
    check('customer_tasks_status_chk', sql`${t.status} in ('open', 'done')`),
    check('customer_tasks_done_chk', sql`(${t.status} = 'done') = (${t.completedAt} is not null)`),
  ],
);

/** Saved rule-based segments: a zod-validated rule document, compiled to bound SQL (never raw SQL). */
export const customerSegments = pgTable(
  'customer_segments',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description'),
    rules: jsonb('rules').$type<unknown>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('customer_segments_name_uq').on(t.name)],
);
