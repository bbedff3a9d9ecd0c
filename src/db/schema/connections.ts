import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tsz, updatedAt } from './columns';

/** One connection = one channel account (a shop, a marketplace seller, a POS, a distributor). */
export const connections = pgTable('connections', {
  id: id(),
  type: text('type').notNull(),
  name: text('name').notNull(),
  /** `active` | `paused` | `error` (a permanent failure such as 401 stops syncing until fixed). */
  status: text('status').notNull().default('active'),
  statusReason: text('status_reason'),
  /** Config with secret fields replaced by encrypted envelopes (see src/connections/secrets.ts). */
  config: jsonb('config').$type<Record<string, unknown>>().notNull(),
  /** Pull cursor, stored after every page so a crashed sync resumes where it stopped. */
  cursor: jsonb('cursor').$type<Record<string, unknown> | null>(),
  lastSyncAt: tsz('last_sync_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const syncRuns = pgTable(
  'sync_runs',
  {
    id: id(),
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    /** `incremental` | `backfill` | `webhook_fetch` */
    kind: text('kind').notNull().default('incremental'),
    /** `queued` | `running` | `succeeded` | `failed` */
    status: text('status').notNull().default('queued'),
    ordersSeen: integer('orders_seen').notNull().default(0),
    pages: integer('pages').notNull().default(0),
    error: text('error'),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    startedAt: tsz('started_at'),
    finishedAt: tsz('finished_at'),
    createdAt: createdAt(),
  },
  (t) => [index('sync_runs_connection_idx').on(t.connectionId, t.createdAt)],
);
