import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, tsz } from './columns';

/**
 * The embedded queue's storage (used only when REDIS_URL is unset): jobs survive a restart of the
 * embedded hub because they live in the same database as the data they act on.
 */
export const queueJobs = pgTable(
  'queue_jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    /** Deduplication key, like BullMQ's jobId: a second add with the same key is ignored while the first exists. */
    jobKey: text('job_key'),
    /** `waiting` | `active` | `failed` */
    status: text('status').notNull().default('waiting'),
    priority: integer('priority').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(1),
    backoffMs: integer('backoff_ms').notNull().default(1000),
    runAt: tsz('run_at').notNull().defaultNow(),
    lockedUntil: tsz('locked_until'),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('queue_jobs_key_uq').on(t.jobKey),
    index('queue_jobs_ready_idx').on(t.priority, t.runAt, t.id).where(sql`status = 'waiting'`),
  ],
);

/** Repeatable jobs of the embedded queue (BullMQ's job schedulers play this part on Redis). */
export const queueSchedules = pgTable('queue_schedules', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  payload: jsonb('payload').$type<unknown>().notNull(),
  everyMs: bigint('every_ms', { mode: 'number' }).notNull(),
  nextRunAt: tsz('next_run_at').notNull(),
});
