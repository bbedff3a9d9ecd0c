import type { Ctx } from '../context';

const WINDOW_MS = 50;
let lastBucket = -1;
let trailing: NodeJS.Timeout | undefined;

/**
 * Asks a worker to drain pending raw events. One drain takes every pending event, so kicks are
 * coalesced to one per 50 ms per process, with a trailing kick so the last events of a burst are
 * not left for the sweep. A failed kick (Redis down) loses nothing: the sweep finds pending events.
 */
export async function kickDrain(ctx: Ctx, reason: string): Promise<void> {
  const bucket = Math.floor(Date.now() / WINDOW_MS);
  if (bucket === lastBucket) {
    if (!trailing) {
      trailing = setTimeout(() => {
        trailing = undefined;
        void kickDrain(ctx, reason);
      }, WINDOW_MS - (Date.now() % WINDOW_MS) + 1);
      trailing.unref?.();
    }
    return;
  }
  lastBucket = bucket;
  await ctx.queue.enqueue('inbox.drain', { reason }, { jobId: `drain-${bucket}` }).catch((err) => {
    ctx.log.warn({ err: (err as Error).message }, 'could not queue the drain; the sweep will pick the events up');
  });
}
