import { z } from 'zod';
import { ChannelRefundPayload, RefundFetchPayload } from '../sales/channel-refunds';
import { CalendarDay } from '../domain/calendar-day';

/**
 * The one job catalogue: every job name, its payload schema and its retry policy. The in-process
 * queue and BullMQ both read it, and workers/ run the same processor for each name.
 */
export const jobCatalogue = {
  /** Normalises pending raw events into orders in batches. Retries: a batch fails only on database trouble, which passes. */
  'inbox.drain': {
    payload: z.object({ reason: z.string().optional() }),
    attempts: 8,
    backoffMs: 250,
    concurrency: 2,
  },
  /** Safety net run every few seconds: drains events left pending by a crash between storing and processing. */
  'inbox.sweep': {
    payload: z.object({}),
    attempts: 1,
    backoffMs: 1000,
    concurrency: 1,
  },
  /** Folds the inbox count deltas appended by the orders triggers into the base counts; exact whenever it runs, so no retry. */
  'inbox.fold-counts': {
    payload: z.object({}),
    attempts: 1,
    backoffMs: 1000,
    concurrency: 1,
  },
  /** Incremental pull (or backfill) of one connection; resumable from the stored cursor, so retrying is safe. */
  'connection.sync': {
    payload: z.object({
      connectionId: z.string().uuid(),
      syncRunId: z.string().uuid().optional(),
      kind: z.enum(['incremental', 'backfill']).default('incremental'),
      since: z.string().datetime({ offset: true }).optional(),
    }),
    attempts: 5,
    backoffMs: 2000,
    concurrency: 2,
  },
  /** Demo: the sandbox channel produces a few new orders and updates (poll and webhook paths). */
  'sandbox.tick': {
    payload: z.object({ connectionId: z.string().uuid() }),
    attempts: 1,
    backoffMs: 1000,
    concurrency: 1,
  },
  /** Demo: the mills deliver — low stock is ordered from them and POs sent a while ago are received (src/purchasing/demo-supplier.ts). */
  'demo.supplier': {
    payload: z.object({}),
    attempts: 1,
    backoffMs: 1000,
    concurrency: 1,
  },
  /** Demo: the bank books the sandbox's payouts on a statement and imports it (src/finance/demo-bank.ts). */
  'demo.bank': {
    payload: z.object({}),
    attempts: 1,
    backoffMs: 1000,
    concurrency: 1,
  },
  /** Reconciles one payout (idempotent: a re-run changes nothing), when it arrives/changes or late orders arrive. */
  'payout.reconcile': {
    payload: z.object({ payoutId: z.string().uuid(), reason: z.string().optional() }),
    attempts: 5,
    backoffMs: 1000,
    concurrency: 2,
  },
  /** Pulls payouts and their balance transactions of one payments connection (Shopify Payments, Stripe). */
  'payouts.pull': {
    payload: z.object({ connectionId: z.string().uuid(), since: z.string().optional() }),
    attempts: 5,
    backoffMs: 2000,
    concurrency: 1,
  },
  /** Orders just arrived: re-reconcile payouts that had lines waiting for them. */
  'finance.late-orders': {
    payload: z.object({ externalIds: z.array(z.string()).max(10_000) }),
    attempts: 3,
    backoffMs: 1000,
    concurrency: 1,
  },
  /** Sends one journal to one accounting system. Safe to retry: the outbox key is the remote idempotency key. Many attempts: Xero/QBO limits and outages pass. */
  'accounting.sync': {
    payload: z.object({ outboxId: z.string().uuid() }),
    attempts: 10,
    backoffMs: 5000,
    concurrency: 5,
  },
  /**
   * Allocation of orders: by SKU (the hot-SKU batch: every order waiting for that SKU, oldest first) or by id.
   * Retried: a batch fails only on lock timeouts or database trouble, and a rerun recomputes from committed state.
   */
  'order.allocate': {
    payload: z.object({
      sku: z.string().min(1).max(200).optional(),
      orderIds: z.array(z.string().uuid()).max(1000).optional(),
      includeBackordered: z.boolean().default(false),
    }),
    attempts: 10,
    backoffMs: 200,
    concurrency: 4,
  },
  /** Safety net: orders left waiting for allocation (a lost enqueue, a crash) are queued again. */
  'inventory.sweep': {
    payload: z.object({}),
    attempts: 1,
    backoffMs: 1000,
    concurrency: 1,
  },
  /**
   * Recomputes the demand forecasts (nightly). One attempt plus a retry: a rerun rewrites the same
   * table from the same history, and the next night repairs a day that failed anyway.
   */
  'forecast.compute': {
    payload: z.object({ historyDays: z.number().int().optional(), horizonDays: z.number().int().optional(), sku: z.string().optional() }),
    attempts: 2,
    backoffMs: 60_000,
    concurrency: 1,
  },
  /**
   * Channel refunds read by a drain become returns (RMA) for the refunded units, once per refund id.
   * A refund that arrives before its order fails and is retried (the order usually follows within minutes).
   */
  'sales.channel-refunds': {
    payload: z.object({ refunds: z.array(ChannelRefundPayload).min(1).max(1000) }),
    attempts: 8,
    backoffMs: 30_000,
    concurrency: 1,
  },
  /** Reads refunds an order lists by id only (WooCommerce) from the channel, then mirrors them as returns. Retries: the channel's API may be down. */
  'sales.fetch-channel-refunds': {
    payload: z.object({ orders: z.array(RefundFetchPayload).min(1).max(200) }),
    attempts: 8,
    backoffMs: 30_000,
    concurrency: 1,
  },
  /** Compares stored stock totals with the ledger; `repair` fixes drift. Safe to rerun. */
  'stock.reconcile': {
    payload: z.object({ repair: z.boolean().default(false) }),
    attempts: 3,
    backoffMs: 5000,
    concurrency: 1,
  },
  /** Pushes available-to-sell of one listing to its channel; debounced by job id. Remote 429/5xx retry with back-off. */
  'stock.push': {
    payload: z.object({ listingId: z.string().uuid(), full: z.boolean().default(false) }),
    attempts: 6,
    backoffMs: 2000,
    concurrency: 4,
  },
  /** Periodic full push: queues every listing (drift on the channel side gets corrected). */
  'stock.push-all': {
    payload: z.object({}),
    attempts: 2,
    backoffMs: 5000,
    concurrency: 1,
  },
  /**
   * One outbound webhook delivery. 13 attempts with exponential back-off from 15 s (jittered) spread
   * the retries over about a day; after the last, the delivery is failed and counted against the subscriber.
   */
  'webhook.deliver': {
    payload: z.object({ deliveryId: z.string().uuid() }),
    attempts: 13,
    backoffMs: 15_000,
    concurrency: 4,
  },
  /** Daily: flags POs past their expected date and not fully received (once each; reruns find nothing new). */
  'purchasing.overdue-check': {
    payload: z.object({}),
    attempts: 3,
    backoffMs: 60_000,
    concurrency: 1,
  },
  /**
   * Daily: low-stock alerts become draft POs for review (never sent by the job). Safe to rerun: units
   * already on unsent POs are subtracted, so a second run drafts nothing new. Few attempts: the next day retries anyway.
   */
  'purchasing.replenish': {
    payload: z.object({ days: z.number().int().min(1).max(365).optional(), serviceLevel: z.number().gt(0).lt(1).optional() }),
    attempts: 2,
    backoffMs: 60_000,
    concurrency: 1,
  },
  /** Fetches the day's exchange rates from the configured provider. Retried: providers have outages; an upsert twice stores the same rows. */
  'fx.fetch': {
    payload: z.object({}),
    attempts: 5,
    backoffMs: 60_000,
    concurrency: 1,
  },
  /**
   * Values stock movements in the ledger (COGS at fulfilment, shrinkage on adjustments), after the stock
   * transaction committed. Safe to retry: each movement is posted once (stock_postings primary key).
   */
  'finance.stock-postings': {
    payload: z.object({ orderId: z.string().uuid().optional(), skus: z.array(z.string().min(1).max(200)).max(1000).optional() }),
    attempts: 8,
    backoffMs: 1000,
    concurrency: 1,
  },
  /** Compares actual (+ committed) with budgets and fires each threshold's alert once. Safe to retry: alerts are unique per (budget, month, threshold). */
  'finance.budgets-check': {
    payload: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).optional() }),
    attempts: 3,
    backoffMs: 5000,
    concurrency: 1,
  },
  /**
   * Daily: revalues open foreign-currency receivables and payables at the end of the previous month
   * (or `at`). Once per date (unique run), so the daily rerun and retries post nothing; a missing
   * closing rate fails permanently (a ValidationError) until someone adds it.
   */
  'finance.fx-revaluation': {
    payload: z.object({ at: CalendarDay.optional() }),
    attempts: 3,
    backoffMs: 60_000,
    concurrency: 1,
  },
  /** Daily: overdue-invoice reminders (follow-up tasks at 1, 15, 30 days overdue); keyed per invoice and step, so reruns add nothing. */
  'finance.overdue-reminders': {
    payload: z.object({ at: CalendarDay.optional() }),
    attempts: 3,
    backoffMs: 60_000,
    concurrency: 1,
  },
  /**
   * Links orders to customers (email, then phone, then channel ids), set-based per batch; queued after each
   * drain with the created orders, or as a backfill of every unlinked order (`backfill: true`). Idempotent
   * (linked orders are skipped), so retries are safe; one at a time (the resolver also takes an advisory lock).
   */
  'customers.resolve': {
    payload: z.object({
      orderIds: z.array(z.string().uuid()).max(10_000).optional(),
      backfill: z.boolean().default(false),
    }),
    attempts: 5,
    backoffMs: 1000,
    concurrency: 1,
  },
  /** Nightly: links stragglers, refreshes stats, rescores RFM, publishes segment changes. A rerun recomputes the same. */
  'customers.rfm': {
    payload: z.object({}),
    attempts: 3,
    backoffMs: 60_000,
    concurrency: 1,
  },
  /** Daily: follow-up tasks (no order in N days, birthdays, follow-up dates); keyed by occasion, so reruns add nothing. */
  'customers.follow-ups': {
    payload: z.object({ inactiveDays: z.number().int().min(1).max(3650).default(60) }),
    attempts: 3,
    backoffMs: 60_000,
    concurrency: 1,
  },
} as const;

export type JobName = keyof typeof jobCatalogue;
export type JobPayload<N extends JobName> = z.input<(typeof jobCatalogue)[N]['payload']>;
export type ParsedJobPayload<N extends JobName> = z.output<(typeof jobCatalogue)[N]['payload']>;
export const jobNames = Object.keys(jobCatalogue) as JobName[];

/** Retry and concurrency policy of one job name (the catalogue's, or a test's override). */
export interface JobPolicy {
  attempts: number;
  backoffMs: number;
  concurrency: number;
}
export type PolicyOverrides = Partial<Record<JobName, Partial<JobPolicy>>>;

/** The catalogue's policy for a job, with overrides (tests use short back-offs; production passes none). */
export function jobPolicy(name: JobName, overrides?: PolicyOverrides): JobPolicy {
  const def = jobCatalogue[name];
  return { attempts: def.attempts, backoffMs: def.backoffMs, concurrency: def.concurrency, ...overrides?.[name] };
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobCatalogue, name);
}

/** Exponential back-off with full jitter between 50% and 100% of the step, like BullMQ's `exponential` with jitter. */
export function backoffDelay(baseMs: number, attempt: number, random = Math.random): number {
  const step = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(step * (0.5 + random() * 0.5));
}
