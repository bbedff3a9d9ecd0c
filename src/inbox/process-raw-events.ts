import { sql } from 'drizzle-orm';
import type { ChannelRefund, RefundsToFetch } from '../../connectors/kit/connector';
import { pgArray } from '../db/sql-array';
import { z } from 'zod';
import { inTx, type Ctx } from '../context';
import { withTransaction, type Tx } from '../db/transaction';
import { loadConnectionTypes } from '../connections/connection-cache';
import { queueRequestedSyncs } from './queue-requested-syncs';
import { holdForReview } from '../sales/hold-for-review';
import { upsertOrders, type IncomingOrder, type UpsertResult } from './upsert-orders';

interface EventRow {
  id: number;
  connection_id: string;
  path: IncomingOrder['path'];
  topic: string | null;
  body: string;
  body_encoding: string;
}

export interface ProcessSummary {
  events: number;
  processed: number;
  ignored: number;
  failed: number;
  orders: UpsertResult[];
  /** Connections whose events asked for a sync (connection id → delay), queued after commit. */
  syncRequests?: Map<string, number>;
  /** Channel refunds read in this batch, turned into returns after commit (sales.channel-refunds). */
  refunds?: Array<ChannelRefund & { connectionId: string }>;
  /** Orders listing refunds by id only (WooCommerce): their units are fetched after commit (sales.fetch-channel-refunds). */
  refundFetches?: Array<RefundsToFetch & { connectionId: string }>;
  /** drainRawEvents stopped at its batch or time limit, not because nothing was left. */
  more?: boolean;
}

const YIELD_AFTER_MS = 4;
/** Refunds are mirrored as returns when this recent: pulled refunds, and refunds listed on orders updated within it. */
export const REFUND_MIRROR_DAYS = 30;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const empty = (): ProcessSummary => ({ events: 0, processed: 0, ignored: 0, failed: 0, orders: [] });

function describe(err: unknown): string {
  if (err instanceof z.ZodError) {
    return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Normalises a set of stored raw events into orders, all in one transaction: events that cannot be
 * read become dead letters (status `failed` with the error), the rest are upserted. A crash rolls
 * the whole batch back to `pending`, so the queue recovers it.
 */
async function processRows(ctx: Ctx, tx: Tx, rows: EventRow[]): Promise<ProcessSummary> {
  const summary = empty();
  summary.events = rows.length;
  // Inside the transaction everything goes through tx (PGlite has one connection: a query beside it would wait forever).
  const types = await loadConnectionTypes(inTx(ctx, tx), [...new Set(rows.map((r) => r.connection_id))]);
  const incoming: IncomingOrder[] = [];
  const outcome: Array<{ id: number; status: string; error: string | null }> = [];
  // Refunds before this instant stay history (a backfill's), see REFUND_MIRROR_DAYS.
  const refundCutoff = ctx.now().getTime() - REFUND_MIRROR_DAYS * 86_400_000;
  // A delivered refund is news; a pulled one (a backfill reaches years back) only when recent.
  const mirrored = (row: EventRow, r: ChannelRefund) => row.path === 'webhook' || Date.parse(r.createdAt) >= refundCutoff;
  let sliceStart = performance.now();
  for (const row of rows) {
    // Parsing and normalising 500 payloads is 50–100 ms of CPU: hand the event loop back every few
    // milliseconds so webhook acknowledgements on the same process are not held behind a drain.
    if (performance.now() - sliceStart > YIELD_AFTER_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    const type = types.get(row.connection_id);
    const connector = type ? ctx.connectors(type) : undefined;
    if (!connector) {
      outcome.push({ id: row.id, status: 'failed', error: `no connector for connection type ${type ?? '(deleted connection)'}` });
      continue;
    }
    try {
      const body = row.body_encoding === 'base64' ? Buffer.from(row.body, 'base64').toString('utf8') : row.body;
      const extracted = connector.extractOrders({ topic: row.topic, body, path: row.path });
      if (extracted.kind === 'refund') {
        // Pulled refunds (a Square return order) of a backfill reach years back: those stay history.
        if (!mirrored(row, extracted.refund)) {
          outcome.push({ id: row.id, status: 'ignored', error: `refund older than ${REFUND_MIRROR_DAYS} days: not mirrored as a return` });
          continue;
        }
        (summary.refunds ??= []).push({ ...extracted.refund, connectionId: row.connection_id });
        outcome.push({ id: row.id, status: 'processed', error: null });
        continue;
      }
      if (extracted.kind === 'ignored') {
        outcome.push({ id: row.id, status: 'ignored', error: extracted.reason });
        if (extracted.requestSync) (summary.syncRequests ??= new Map()).set(row.connection_id, extracted.requestSync.afterMs);
        continue;
      }
      const orders = extracted.records.map((rec) => connector.normalize(rec));
      for (const order of orders) {
        incoming.push({ connectionId: row.connection_id, channel: connector.channel, path: row.path, rawEventId: row.id, order });
      }
      // Goods the orders return besides (an exchange): mirrored like a refund, when recent.
      for (const refund of (extracted.refunds ?? []).filter((r) => mirrored(row, r))) {
        (summary.refunds ??= []).push({ ...refund, connectionId: row.connection_id });
      }
      if (connector.refundsToFetch) {
        extracted.records.forEach((rec, i) => {
          // A refund changes the order, so a fresh refund comes with a recent update time; old orders
          // (a backfill of years) do not turn their long-settled refunds into new returns.
          if (Date.parse(orders[i]!.sourceUpdatedAt) < refundCutoff) return;
          const f = connector.refundsToFetch!(rec);
          if (f) (summary.refundFetches ??= []).push({ ...f, connectionId: row.connection_id });
        });
      }
      outcome.push({ id: row.id, status: 'processed', error: null });
    } catch (err) {
      outcome.push({ id: row.id, status: 'failed', error: describe(err).slice(0, 4000) });
    }
  }
  // The raw events' outcome is written with the orders' lines and timeline (one statement).
  summary.orders = await upsertOrders(tx, incoming, { rawEventOutcomes: outcome });
  // Review rules (審核) hold new orders in this transaction, so no allocator ever sees them pending.
  const held = await holdForReview(ctx, tx, summary.orders.filter((o) => o.outcome === 'created').map((o) => o.id));
  for (const o of summary.orders) if (held.has(o.id)) o.heldForReview = true;
  for (const o of outcome) {
    if (o.status === 'processed') summary.processed++;
    else if (o.status === 'ignored') summary.ignored++;
    else summary.failed++;
  }
  return summary;
}

const SELECT_COLUMNS = sql`id, connection_id, path, topic, body, body_encoding`;

/**
 * Takes up to `batchSize` pending events (skipping ones another worker holds) and processes them.
 * When the batch as a whole fails (a database error), each event is retried alone so one poisonous
 * event cannot hold back the others; database outages still fail the job, which the queue retries.
 */
export async function processPendingBatch(ctx: Ctx, batchSize = 500): Promise<ProcessSummary> {
  try {
    const summary = await ctx.db.transaction(async (t) => {
      const tx = t as unknown as Tx;
      // Nobody waits on this commit, and losing it in a server crash loses nothing: the events it
      // marked processed roll back to pending with it. So it need not wait for the WAL flush.
      // (set_config(…, true) = SET LOCAL, folded into the select: one round trip less.)
      const res = await tx.execute(sql`
        select ${SELECT_COLUMNS} from raw_events, (select set_config('synchronous_commit', 'off', true)) as s
        where status = 'pending'
        order by id limit ${batchSize} for update of raw_events skip locked`);
      const rows = res.rows as unknown as EventRow[];
      if (rows.length === 0) return empty();
      return processRows(ctx, tx, rows);
    });
    await queueRequestedSyncs(ctx, summary.syncRequests);
    return summary;
  } catch (err) {
    const ids = await ctx.db.execute(sql`select id from raw_events where status = 'pending' order by id limit ${batchSize}`);
    if (ids.rows.length <= 1) throw err;
    const total = empty();
    for (const r of ids.rows as Array<{ id: number }>) {
      const one = await processEventsById(ctx, [Number(r.id)], { isolateFailures: true });
      merge(total, one);
    }
    return total;
  }
}

function merge(into: ProcessSummary, s: ProcessSummary): void {
  into.events += s.events;
  into.processed += s.processed;
  into.ignored += s.ignored;
  into.failed += s.failed;
  into.orders.push(...s.orders);
  if (s.refunds?.length) (into.refunds ??= []).push(...s.refunds);
  if (s.refundFetches?.length) (into.refundFetches ??= []).push(...s.refundFetches);
  for (const [k, v] of s.syncRequests ?? []) (into.syncRequests ??= new Map()).set(k, v);
}

/** Processes the given pending events now (replay, manual entry); with `isolateFailures` a database error marks the event failed. */
export async function processEventsById(ctx: Ctx, ids: number[], opts: { isolateFailures?: boolean } = {}): Promise<ProcessSummary> {
  try {
    const summary = await withTransaction(ctx, async (tx) => {
      const res = await tx.execute(sql`
        select ${SELECT_COLUMNS} from raw_events where id = any(${pgArray(ids, 'bigint')}) and status = 'pending'
        order by id for update skip locked`);
      return processRows(ctx, tx, res.rows as unknown as EventRow[]);
    });
    // Inside a caller's transaction the queue must wait (PGlite has one connection); the scheduled pull covers it.
    if (!ctx.tx) await queueRequestedSyncs(ctx, summary.syncRequests);
    return summary;
  } catch (err) {
    // Only a fault of this event makes it a dead letter; a passing database condition (deadlock,
    // serialization failure, lost connection) fails the job instead, and the queue retries it.
    if (!opts.isolateFailures || isTransientDatabaseError(err)) throw err;
    await ctx.db.execute(sql`
      update raw_events set status = 'failed', error = ${describe(err).slice(0, 4000)}, attempts = attempts + 1,
        processed_at = now() where id = any(${pgArray(ids, 'bigint')}) and status = 'pending'`);
    return { ...empty(), events: ids.length, failed: ids.length };
  }
}

const TRANSIENT_SQLSTATE = /^(40001|40P01|55P03|57P0[1-3]|08\d\d\d|53\d\d\d)$/;

/** Errors that say nothing about the event itself: retrying later can succeed. */
export function isTransientDatabaseError(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string' && (TRANSIENT_SQLSTATE.test(e.code) || /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT)$/.test(e.code))) return true;
  }
  return false;
}

export interface DrainOptions {
  batchSize?: number;
  maxBatches?: number;
  /**
   * After a batch smaller than `belowEvents`, wait `waitMs` before taking the next one, so that under a
   * stream of webhooks the batches grow instead of chasing each event: every batch pays fixed costs
   * (six statements, a commit, the statement triggers), and at ~60 events a batch they were a large
   * part of the drain's database time. The wait comes after a commit: the orders taken are visible, and
   * events arriving meanwhile wait at most `waitMs` longer. Off by default (tests and the CLI drain at once).
   */
  gather?: { belowEvents: number; waitMs: number };
  /** Return after this long even with events left (`more` is then true), so the caller can queue follow-up work. */
  maxMs?: number;
}

/** Drains pending events until none is left (or `maxBatches` is reached); returns what it did. */
export async function drainRawEvents(ctx: Ctx, opts: DrainOptions = {}): Promise<ProcessSummary> {
  const total = empty();
  const batchSize = opts.batchSize ?? 500;
  const started = performance.now();
  for (let i = 0; i < (opts.maxBatches ?? 1000); i++) {
    const s = await processPendingBatch(ctx, batchSize);
    merge(total, s);
    // Stop only when nothing was left to take: a short batch can mean rows skipped because another
    // drain holds them, with more pending behind them (stopping there left them for the sweep).
    if (s.events === 0) return total;
    if (opts.maxMs !== undefined && performance.now() - started >= opts.maxMs) break;
    if (opts.gather && s.events < opts.gather.belowEvents) await new Promise((r) => setTimeout(r, opts.gather!.waitMs));
  }
  total.more = true;
  return total;
}

/** Number of events waiting, and the age of the oldest (for the sweep and /metrics). */
export async function pendingEventStats(ctx: Ctx): Promise<{ pending: number; oldestAgeMs: number }> {
  const res = await ctx.db.execute(sql`
    select count(*)::int as n, coalesce(extract(epoch from now() - min(received_at)) * 1000, 0)::float8 as age
    from raw_events where status = 'pending'`);
  const row = res.rows[0] as { n: number; age: number } | undefined;
  return { pending: row?.n ?? 0, oldestAgeMs: row?.age ?? 0 };
}
