import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../src/config';
import { openHub } from '../src/hub';
import { scheduleHousekeeping, startWorkers } from '../src/main';

/**
 * The workers of `omnihub start` on real PostgreSQL + Redis, in a thread of the hub's process: the
 * same processors as `omnihub worker`, with their own event loop, so a drain or an allocation batch
 * (tens of milliseconds of CPU) never holds webhook acknowledgements behind it. The parent sends
 * 'stop' on shutdown; the thread finishes its in-flight jobs, closes, and answers 'stopped'.
 */
const config = workerData as Config;
const hub = await openHub(config);
await scheduleHousekeeping(hub);
await startWorkers(hub);
parentPort?.postMessage('started');
parentPort?.on('message', (m) => {
  if (m !== 'stop') return;
  hub.close().then(
    () => parentPort?.postMessage('stopped'),
    (err: unknown) => parentPort?.postMessage(`failed: ${(err as Error).message}`),
  );
});
