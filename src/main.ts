import { Worker } from 'node:worker_threads';
import { serve, type ServerType } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { createDispatch } from '../workers/base';
import { processors } from '../workers/processors';
import { createApp, type AppOptions } from './api/app';
import { ensureAdminKey } from './auth/api-keys';
import type { Config } from './config';
import { createConnection } from './connections/manage-connections';
import { connections, financeSettings } from './db/schema/index';
import { setFinanceSettings } from './finance/settings';
import { openHub, type Hub } from './hub';
import { adjustStock } from './inventory/adjust-stock';
import { createListing } from './inventory/listings';
import { createProduct } from './inventory/products';
import { createWarehouse, listWarehouses } from './inventory/warehouses';
import { upsertSupplierItem } from './purchasing/supplier-items';
import { createSupplier } from './purchasing/suppliers';
import { SANDBOX_CATALOG } from '../connectors/sandbox/generate';
import { SANDBOX_FEE } from '../connectors/sandbox/payouts';

export interface StartOptions {
  demo?: boolean;
  /** Run the workers in this process (always true for the embedded queue). */
  workers?: boolean;
  /**
   * With BullMQ, run this process's workers in a worker thread (their own event loop) instead of on the
   * HTTP thread. The embedded queue always runs on the main thread (PGlite is one in-process database).
   */
  workerThread?: boolean;
  ui?: AppOptions['extend'];
}

export interface RunningHub {
  hub: Hub;
  server: ServerType;
  url: string;
  adminKey: string | null;
  stop(): Promise<void>;
}

/** Starts `workers/thread.ts` and waits until its workers take jobs. */
async function startWorkerThread(config: Config): Promise<Worker> {
  // The thread registers tsx's loader itself (loader hooks of `--import tsx` do not reach worker threads
  // on Node 20), then loads the TypeScript entry.
  const entry = new URL('../workers/thread.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: config });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m) => (m === 'started' ? resolve() : reject(new Error(String(m)))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker thread exited with code ${code}`)));
  });
  // A thread that dies later (a bug, an unhandled rejection) takes the process down with it, so a
  // supervisor restarts both rather than leaving an HTTP front with nobody processing behind it.
  worker.on('error', (err) => {
    process.stderr.write(`worker thread failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
  return worker;
}

async function stopWorkerThread(worker: Worker): Promise<void> {
  worker.removeAllListeners('error');
  const done = new Promise<void>((resolve) => {
    worker.on('message', (m) => { if (m === 'stopped' || String(m).startsWith('failed')) resolve(); });
    worker.once('exit', () => resolve());
  });
  worker.postMessage('stop');
  await done;
  await worker.terminate();
}

/** Schedules the housekeeping jobs every deployment needs. */
export async function scheduleHousekeeping(hub: Hub): Promise<void> {
  await hub.queue.schedule('inbox-sweep', 'inbox.sweep', {}, 2000);
  await hub.queue.schedule('inbox-fold-counts', 'inbox.fold-counts', {}, 10_000);
  // Inventory: orders left waiting for allocation, ledger drift (report only), full stock push.
  await hub.queue.schedule('inventory-sweep', 'inventory.sweep', {}, 5000);
  await hub.queue.schedule('stock-reconcile', 'stock.reconcile', { repair: false }, 3_600_000);
  await hub.queue.schedule('stock-push-all', 'stock.push-all', {}, 900_000);
  // Sales: demand forecasts once a day (the replenishment signals read the latest).
  await hub.queue.schedule('forecast-compute', 'forecast.compute', {}, 86_400_000);
  // Purchasing, daily: overdue POs flagged, low stock drafted into POs for review.
  await hub.queue.schedule('purchasing-overdue', 'purchasing.overdue-check', {}, 86_400_000);
  await hub.queue.schedule('purchasing-replenish', 'purchasing.replenish', {}, 86_400_000);
  // Finance: stock movements a lost enqueue left unvalued; budgets against postings of the month.
  await hub.queue.schedule('finance-stock-postings', 'finance.stock-postings', {}, 600_000);
  await hub.queue.schedule('finance-budgets-check', 'finance.budgets-check', {}, 3_600_000);
  // Daily, revaluing at the previous month's end: the first run of a month posts, the others find the run.
  await hub.queue.schedule('finance-fx-revaluation', 'finance.fx-revaluation', {}, 86_400_000);
  await hub.queue.schedule('finance-overdue-reminders', 'finance.overdue-reminders', {}, 86_400_000);
  // Customers: RFM scores and follow-up tasks once a day.
  await hub.queue.schedule('customers-rfm', 'customers.rfm', {}, 86_400_000);
  await hub.queue.schedule('customers-follow-ups', 'customers.follow-ups', { inactiveDays: 60 }, 86_400_000);
}

/** Starts workers on this process's queue. */
export async function startWorkers(hub: Hub): Promise<void> {
  await hub.queue.work(createDispatch(hub.ctx, processors), { concurrency: hub.ctx.config.workerConcurrency });
}

/** What a demo product costs the shop: 40 % of its price (the products' unit cost and the mills' prices). */
const demoUnitCost = (priceMinor: number) => Math.round(priceMinor * 0.4);

/**
 * The demo's suppliers: two mills selling the catalogue at the products' cost (the second a little
 * dearer, with a shorter lead time and price breaks), so low stock shows replenishment suggestions that
 * can be drafted into purchase orders. SOCK-3PK, never stocked, has none.
 */
async function seedDemoSuppliers(hub: Hub): Promise<void> {
  const suppliers = [
    { code: 'MILL-A', name: 'Northwind Textiles', currency: 'USD', leadTimeDays: 14, paymentTerms: 'Net 30' },
    { code: 'MILL-B', name: 'Harbor Goods Co.', currency: 'USD', leadTimeDays: 5, paymentTerms: 'Net 15' },
  ];
  for (const s of suppliers) await createSupplier(hub.ctx, s);
  for (const p of SANDBOX_CATALOG) {
    if (p.sku === 'SOCK-3PK') continue;
    const cost = demoUnitCost(p.price);
    await upsertSupplierItem(hub.ctx, { supplier: 'MILL-A', sku: p.sku, priceBreaks: [{ minQuantity: 1, unitCostMinor: cost }], moq: 12, packSize: 6, leadTimeDays: 14, preferred: true });
    await upsertSupplierItem(hub.ctx, {
      supplier: 'MILL-B', sku: p.sku, moq: 1, leadTimeDays: 5,
      priceBreaks: [{ minQuantity: 1, unitCostMinor: Math.round(cost * 1.15) }, { minQuantity: 24, unitCostMinor: Math.round(cost * 1.05) }],
    });
  }
}

/**
 * The demo's catalogue: the sandbox products in two warehouses, with little enough stock that some
 * orders backorder after a while (and one SKU never stocked), so every allocation state shows.
 */
async function seedDemoStock(hub: Hub): Promise<void> {
  const { items } = await listWarehouses(hub.ctx);
  if (items.length > 0) return;
  await createWarehouse(hub.ctx, { code: 'WH-A', name: 'Berlin warehouse', priority: 1, region: 'EU' });
  await createWarehouse(hub.ctx, { code: 'WH-B', name: 'Austin warehouse', priority: 2, region: 'US' });
  for (const [i, p] of SANDBOX_CATALOG.entries()) {
    await createProduct(hub.ctx, { sku: p.sku, title: p.title, unitCostMinor: demoUnitCost(p.price), currency: 'USD' }).catch(() => {});
    if (p.sku === 'SOCK-3PK') continue;
    await adjustStock(hub.ctx, { sku: p.sku, warehouse: 'WH-A', delta: 4 + i * 3, reason: 'demo opening stock', kind: 'opening' }, `demo-seed-${p.sku}-A`);
    await adjustStock(hub.ctx, { sku: p.sku, warehouse: 'WH-B', delta: 10, reason: 'demo opening stock', kind: 'opening' }, `demo-seed-${p.sku}-B`);
  }
  await seedDemoSuppliers(hub);
}

/**
 * The demo channel's payouts: pulled every 20 s, reconciled under the sandbox's fee schedule, so the
 * finance screens fill as orders flow (a payout per ten orders, some with breaks to resolve).
 */
async function ensureDemoPayouts(hub: Hub, connectionId: string): Promise<void> {
  const [has] = await hub.ctx.db.select({ id: financeSettings.connectionId }).from(financeSettings).where(eq(financeSettings.connectionId, connectionId));
  if (has) return;
  await setFinanceSettings(hub.ctx, connectionId, { rules: { feeSchedule: SANDBOX_FEE }, payoutPollSeconds: 20 });
}

/** Creates the demo's sandbox channel, stock, listings and payouts once, and schedules the mills' deliveries (idempotent across restarts). */
export async function ensureDemoConnection(hub: Hub): Promise<string> {
  await seedDemoStock(hub);
  // The mills deliver in minutes: low stock is ordered from them and arrives two minutes after it is sent.
  await hub.queue.schedule('demo-supplier', 'demo.supplier', {}, 60_000);
  // The bank books the sandbox's payouts every two minutes (Finance → Bank).
  await hub.queue.schedule('demo-bank', 'demo.bank', {}, 120_000);
  const [found] = await hub.ctx.db.select().from(connections).where(eq(connections.name, 'Demo shop (sandbox)'));
  if (found) {
    // Demos started before the sandbox paid out get their payouts too.
    await ensureDemoPayouts(hub, found.id);
    return found.id;
  }
  const { id } = await createConnection(hub.ctx, {
    type: 'sandbox',
    name: 'Demo shop (sandbox)',
    config: { seed: 'demo', ordersPerPull: 2, pollIntervalSeconds: 5, webhookSecret: 'demo-webhook-secret' },
  });
  // The shop lists the whole catalogue, keeping one unit of each back: as orders take stock, the
  // available-to-sell pushed to it falls (Stock → Channel listings shows the last quantity pushed).
  for (const p of SANDBOX_CATALOG) await createListing(hub.ctx, { sku: p.sku, connectionId: id, buffer: 1 });
  await ensureDemoPayouts(hub, id);
  return id;
}

/** Starts the hub: HTTP API (+ UI), workers, housekeeping; with `demo` a sandbox channel fills the inbox. */
export async function startHub(config: Config, opts: StartOptions = {}): Promise<RunningHub> {
  const hub = await openHub(config);
  const { generated } = await ensureAdminKey(hub.ctx);
  await scheduleHousekeeping(hub);
  let thread: Worker | undefined;
  if (hub.queue.kind === 'embedded' || (opts.workers !== false && !opts.workerThread)) await startWorkers(hub);
  else if (opts.workers !== false) thread = await startWorkerThread(config);
  if (opts.demo) await ensureDemoConnection(hub);
  const app = createApp(hub.ctx, { extend: opts.ui });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  return {
    hub,
    server,
    url,
    adminKey: generated,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (thread) await stopWorkerThread(thread);
      await hub.close();
    },
  };
}
