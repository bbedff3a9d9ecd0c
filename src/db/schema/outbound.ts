import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tsz, updatedAt } from './columns';

/** Outbound webhook subscribers (ERPs, WMSs, other tools that follow the hub). */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: id(),
  url: text('url').notNull(),
  /** Event types, or `*` for all. */
  events: text('events').array().notNull(),
  /** The signing secret, sealed (AES-256-GCM); shown once at creation. */
  secret: jsonb('secret').$type<{ $enc: string }>().notNull(),
  /** `active` | `disabled` (by hand, or after deliveries kept failing). */
  status: text('status').notNull().default('active'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  disabledReason: text('disabled_reason'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** One event to one subscriber, with every attempt's outcome. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    subscriptionId: uuid('subscription_id').notNull().references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** `pending` | `delivered` | `failed` (gave up after the retry window) */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastResponse: text('last_response'),
    lastError: text('last_error'),
    deliveredAt: tsz('delivered_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('webhook_deliveries_sub_idx').on(t.subscriptionId, t.createdAt),
    index('webhook_deliveries_pending_idx').on(t.createdAt).where(sql`status = 'pending'`),
  ],
);
