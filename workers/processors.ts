import { runDemoSupplier } from '../src/purchasing/demo-supplier';
import { runDemoBank } from '../src/finance/demo-bank';
import { foldOrderCounts } from '../src/inbox/count-orders';
import { applyChannelRefunds } from '../src/sales/channel-refunds';
import { fetchChannelRefunds } from '../src/sales/fetch-channel-refunds';
import { runSync } from '../src/connections/run-sync';
import { runNightlyRfm } from '../src/customers/compute-rfm';
import { produceFollowUps } from '../src/customers/follow-ups';
import { runMonthlyFxRevaluation } from '../src/finance/fx-revaluation';
import { runOverdueReminders } from '../src/finance/overdue-reminders';
import { resolveAllUnlinked, resolveCustomers } from '../src/customers/resolve-customers';
import { kickDrain } from '../src/inbox/kick-drain';
import { drainRawEvents, pendingEventStats } from '../src/inbox/process-raw-events';
import { queueAfterDrain } from '../src/inbox/queue-after-drain';
import { syncOutboxRow } from '../src/finance/sync-journal';
import { pullPayouts } from '../src/finance/pull-payouts';
import { reconcile } from '../src/finance/reconcile-payout';
import { reconcileForLateOrders } from '../src/finance/late-orders';
import { runAllocationJob, sweepPendingAllocations } from '../src/inventory/allocation-jobs';
import { enqueueFullPush, pushListingStock } from '../src/inventory/push-stock';
import { reconcileStock } from '../src/inventory/reconcile-stock';
import { deliverWebhook } from '../src/outbound/deliver-webhook';
import { emitEvents } from '../src/outbound/emit-event';
import { computeForecasts } from '../src/sales/compute-forecasts';
import { flagOverduePurchaseOrders } from '../src/purchasing/overdue';
import { draftReplenishmentOrders } from '../src/purchasing/replenishment';
import { checkBudgets } from '../src/finance/budgets';
import { fetchFxRates } from '../src/finance/fx-rates';
import { postStockMovements } from '../src/finance/post-stock-movements';
import type { ProcessorMap } from './base';

/**
 * Batches grow while webhooks stream in (see DrainOptions.gather): with these figures the ingest
 * benchmark's batches went from ~60 to ~300 events and PostgreSQL's time per order fell by a fifth.
 */
const DRAIN_GATHER = { belowEvents: 300, waitMs: 40 };
/** Longest a drain runs before the orders it took go on to allocation, customers and order.created. */
export const DRAIN_SLICE_MS = 500;

/** Every job name → the verb that runs it. Thin on purpose: the logic lives in src/. */
export const processors: ProcessorMap = {
  'inbox.drain': async (ctx) => {
    // Under a steady stream the drain may never find the table empty; follow-up work used to wait for
    // that (allocation held back for a whole flash sale). Now each slice's orders go on as it ends.
    for (;;) {
      const s = await drainRawEvents(ctx, { gather: DRAIN_GATHER, maxMs: DRAIN_SLICE_MS });
      if (s.events > 0) ctx.log.debug({ events: s.events, failed: s.failed, orders: s.orders.length }, 'drained');
      await emitEvents(ctx, s.orders.filter((o) => o.outcome === 'created' || o.outcome === 'updated').map((o) => ({
        type: o.outcome === 'created' ? 'order.created' : 'order.updated',
        data: { orderId: o.id, connectionId: o.connectionId, externalId: o.externalId },
      })));
      await queueAfterDrain(ctx, s.orders, s.refunds, s.refundFetches);
      if (!s.more) break;
    }
  },
  'inbox.sweep': async (ctx) => {
    const { pending, oldestAgeMs } = await pendingEventStats(ctx);
    // Events left pending by a crash (or a lost kick) are older than any normal drain delay.
    if (pending > 0 && oldestAgeMs > 1000) await kickDrain(ctx, 'sweep');
  },
  'inbox.fold-counts': async (ctx) => {
    await foldOrderCounts(ctx);
  },
  'connection.sync': async (ctx, p) => {
    await runSync(ctx, p);
  },
  'sandbox.tick': async (ctx, p) => {
    await runSync(ctx, { connectionId: p.connectionId, kind: 'incremental' });
  },
  'demo.supplier': async (ctx) => {
    const r = await runDemoSupplier(ctx);
    if (r.sent.length + r.delivered.length > 0) ctx.log.info(r, 'demo mills: POs sent and delivered');
  },
  'demo.bank': async (ctx) => {
    const r = await runDemoBank(ctx);
    if (r.stored > 0) ctx.log.info(r, 'demo bank: statement lines booked');
  },
  'payout.reconcile': async (ctx, p) => {
    const r = await reconcile(ctx, { payoutId: p.payoutId });
    await emitEvents(ctx, [
      { type: 'payout.reconciled', data: { payoutId: r.payoutId, status: r.status, openBreaks: r.breaks.length } },
      ...r.changes.breaksAdded.map((id) => ({ type: 'discrepancy.opened' as const, data: { discrepancyId: id, payoutId: r.payoutId } })),
    ]);
  },
  'payouts.pull': async (ctx, p) => {
    await pullPayouts(ctx, p);
  },
  'finance.late-orders': async (ctx, p) => {
    await reconcileForLateOrders(ctx, p.externalIds);
  },
  'accounting.sync': async (ctx, p) => {
    const r = await syncOutboxRow(ctx, p.outboxId);
    if (r.status === 'synced') await emitEvents(ctx, [{ type: 'journal.synced', data: { outboxId: p.outboxId, remoteId: r.remoteId } }]);
  },
  'order.allocate': async (ctx, p) => {
    await runAllocationJob(ctx, p);
  },
  'forecast.compute': async (ctx, p) => {
    const r = await computeForecasts(ctx, p);
    ctx.log.info(r, 'demand forecasts computed');
  },
  'inventory.sweep': async (ctx) => {
    await sweepPendingAllocations(ctx);
  },
  'stock.reconcile': async (ctx, p) => {
    await reconcileStock(ctx, p);
  },
  'stock.push': async (ctx, p) => {
    await pushListingStock(ctx, p);
  },
  'stock.push-all': async (ctx) => {
    await enqueueFullPush(ctx);
  },
  'purchasing.overdue-check': async (ctx) => {
    const r = await flagOverduePurchaseOrders(ctx);
    if (r.flagged.length) ctx.log.info({ flagged: r.flagged }, 'purchase orders overdue');
  },
  'purchasing.replenish': async (ctx, p) => {
    const r = await draftReplenishmentOrders({ ...ctx, actor: 'job:replenish' }, p);
    if (r.created.length) ctx.log.info({ drafts: r.created.map((c) => c.number) }, 'replenishment drafted purchase orders');
  },
  'fx.fetch': async (ctx) => {
    await fetchFxRates(ctx);
  },
  'finance.stock-postings': async (ctx, p) => {
    await postStockMovements(ctx, p);
  },
  'finance.budgets-check': async (ctx, p) => {
    await checkBudgets(ctx, p);
  },
  'sales.channel-refunds': async (ctx, p) => {
    const out = await applyChannelRefunds(ctx, p.refunds);
    ctx.log.debug({ refunds: out }, 'channel refunds applied');
  },
  'sales.fetch-channel-refunds': async (ctx, p) => {
    const out = await fetchChannelRefunds(ctx, p.orders);
    ctx.log.debug({ refunds: out }, 'channel refunds fetched and applied');
  },
  'finance.fx-revaluation': async (ctx, p) => {
    await runMonthlyFxRevaluation(ctx, p);
  },
  'finance.overdue-reminders': async (ctx, p) => {
    await runOverdueReminders(ctx, p);
  },
  'customers.resolve': async (ctx, p) => {
    // A backfill commits chunk by chunk: a retry after a crash starts from what is still unlinked.
    if (p.backfill || !p.orderIds) await resolveAllUnlinked(ctx);
    else await resolveCustomers(ctx, { orderIds: p.orderIds });
  },
  'customers.rfm': async (ctx) => {
    await runNightlyRfm(ctx);
  },
  'customers.follow-ups': async (ctx, p) => {
    await produceFollowUps(ctx, p);
  },
  'webhook.deliver': async (ctx, p, meta) => {
    await deliverWebhook(ctx, p.deliveryId, { number: meta.attempt, last: meta.attempt >= meta.maxAttempts });
  },
};
