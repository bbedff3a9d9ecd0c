import { runSync } from '../src/connections/run-sync';
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
import type { ProcessorMap } from './base';

/** Every job name → the verb that runs it. Thin on purpose: the logic lives in src/. */
export const processors: ProcessorMap = {
  'inbox.drain': async (ctx) => {
    const s = await drainRawEvents(ctx);
    if (s.events > 0) ctx.log.debug({ events: s.events, failed: s.failed, orders: s.orders.length }, 'drained');
    await queueAfterDrain(ctx, s.orders);
  },
  'inbox.sweep': async (ctx) => {
    const { pending, oldestAgeMs } = await pendingEventStats(ctx);
    // Events left pending by a crash (or a lost kick) are older than any normal drain delay.
    if (pending > 0 && oldestAgeMs > 1000) await kickDrain(ctx, 'sweep');
  },
  'connection.sync': async (ctx, p) => {
    await runSync(ctx, p);
  },
  'sandbox.tick': async (ctx, p) => {
    await runSync(ctx, { connectionId: p.connectionId, kind: 'incremental' });
  },
  'payout.reconcile': async (ctx, p) => {
    await reconcile(ctx, { payoutId: p.payoutId });
  },
  'payouts.pull': async (ctx, p) => {
    await pullPayouts(ctx, p);
  },
  'finance.late-orders': async (ctx, p) => {
    await reconcileForLateOrders(ctx, p.externalIds);
  },
  'accounting.sync': async (ctx, p) => {
    await syncOutboxRow(ctx, p.outboxId);
  },
  'order.allocate': async (ctx, p) => {
    await runAllocationJob(ctx, p);
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
};
