import type { Ctx } from '../context';

/** Requests that arrive within one bucket share one delayed sync. */
const BUCKET_MS = 5_000;

/**
 * Queues the incremental syncs that drained events asked for (webhooks that name a change without
 * carrying it). Requests in the same 5 s bucket share one job (the job id dedupes), and the job
 * starts after the end of its bucket plus the connector's lag, so its window (ending at now − lag)
 * covers every change announced in the bucket. Runs after the drain's transaction has committed.
 * A lost enqueue loses nothing for good: the scheduled reconciliation pull finds the change later.
 */
export async function queueRequestedSyncs(ctx: Ctx, requests: Map<string, number> | undefined): Promise<void> {
  if (!requests || requests.size === 0) return;
  const now = ctx.now().getTime();
  const bucket = Math.floor(now / BUCKET_MS);
  for (const [connectionId, afterMs] of requests) {
    const delayMs = Math.max(0, (bucket + 1) * BUCKET_MS + afterMs + 1000 - now);
    await ctx.queue
      .enqueue('connection.sync', { connectionId, kind: 'incremental' }, { jobId: `fetch-${connectionId}-${bucket}`, delayMs })
      .catch((err) => ctx.log.warn({ err: (err as Error).message, connectionId }, 'could not queue the requested sync; the scheduled pull will catch up'));
  }
}
