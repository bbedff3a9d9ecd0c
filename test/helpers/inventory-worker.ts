/**
 * A separate worker process for the inventory concurrency tests, started with `npx tsx`. It opens a
 * hub on the test database and queue prefix given in the environment.
 *   mode `worker` (default): consumes every queue, like `npm run worker`.
 *   mode `crash`: runs one allocation batch for $CRASH_SKU, prints RESERVED after the guarded UPDATE
 *   (inside the open transaction) and then hangs, so the parent can kill it mid-batch.
 */
import { loadConfig } from '../../src/config';
import { openHub } from '../../src/hub';
import { allocateOrders } from '../../src/inventory/allocate-orders';
import { startWorkers } from '../../src/main';

const config = loadConfig(process.env);
const hub = await openHub(config, { skipMigrate: true });
const mode = process.env.MODE ?? 'worker';
if (mode === 'crash') {
  await allocateOrders(hub.ctx, { sku: process.env.CRASH_SKU!, limit: 500 }, {
    afterReserve: async () => {
      process.stdout.write('RESERVED\n');
      await new Promise(() => {});
    },
  });
} else {
  await startWorkers(hub);
  process.stdout.write('READY\n');
  const stop = async () => {
    await hub.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
}
