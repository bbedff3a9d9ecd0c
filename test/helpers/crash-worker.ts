/**
 * A hub worker process for the crash-recovery test: opens the hub on DATABASE_URL + REDIS_URL (with
 * OMNIHUB_QUEUE_PREFIX), runs the workers like `omnihub worker`, and drains in small batches with a
 * pause between them, so a SIGKILL from the test lands mid-drain. No housekeeping here: the sweep
 * would drain all 500 events in one batch before the test could catch the process half-way.
 */
import { loadConfig } from '../../src/config';
import { openHub } from '../../src/hub';
import { processPendingBatch } from '../../src/inbox/process-raw-events';
import { createLogger } from '../../src/logger';
import { startWorkers } from '../../src/main';

const config = loadConfig();
if (!config.databaseUrl || !config.redisUrl) throw new Error('crash-worker needs DATABASE_URL and REDIS_URL');
const hub = await openHub(config, { skipMigrate: true, log: createLogger('silent') });
// A slow normaliser (10 ms a record, like a CPU-heavy transform) keeps each batch's transaction open
// most of the time, so the kill almost always lands inside one.
const connectors = hub.ctx.connectors;
hub.ctx.connectors = (type) => {
  const c = connectors(type);
  if (!c) return c;
  return {
    ...c,
    normalize(record: unknown) {
      const until = Date.now() + 10;
      while (Date.now() < until) {
        /* busy: the transaction stays open */
      }
      return c.normalize(record);
    },
  };
};
await startWorkers(hub);
process.stdout.write('ready\n');
for (;;) {
  const s = await processPendingBatch(hub.ctx, Number(process.env.CRASH_BATCH ?? 10));
  process.stdout.write(`batch ${s.events}\n`);
  await new Promise((r) => setTimeout(r, 5));
}
