import { describe, expect, it } from 'vitest';
import type { Ctx } from '../context';
import { queueRequestedSyncs } from './queue-requested-syncs';

function fakeCtx(nowMs: number, fail = false) {
  const calls: Array<{ name: string; payload: unknown; opts: { jobId?: string; delayMs?: number } }> = [];
  const warnings: unknown[] = [];
  const ctx = {
    now: () => new Date(nowMs),
    queue: {
      enqueue: async (name: string, payload: unknown, opts: { jobId?: string; delayMs?: number }) => {
        if (fail) throw new Error('redis down');
        calls.push({ name, payload, opts });
      },
    },
    log: { warn: (o: unknown) => warnings.push(o) },
  } as unknown as Ctx;
  return { ctx, calls, warnings };
}

describe('syncs requested by drained events', () => {
  it('starts late enough that the pull window (now − lag) covers every change announced in the same bucket', async () => {
    const lag = 30_000;
    for (const offset of [0, 1, 2_500, 4_999]) {
      const now = 1_800_000_000_000 + offset;
      const { ctx, calls } = fakeCtx(now);
      await queueRequestedSyncs(ctx, new Map([['c1', lag]]));
      const { opts, name, payload } = calls[0]!;
      expect(name).toBe('connection.sync');
      expect(payload).toEqual({ connectionId: 'c1', kind: 'incremental' });
      // Every request in this 5 s bucket shares one job…
      expect(opts.jobId).toBe('fetch-c1-360000000');
      // …whose window ends after the last moment of the bucket.
      const windowEnd = now + opts.delayMs! - lag;
      expect(windowEnd).toBeGreaterThan(1_800_000_000_000 + 4_999);
    }
  });

  it('queues nothing without requests and never throws when the queue is down', async () => {
    const { ctx, calls } = fakeCtx(0);
    await queueRequestedSyncs(ctx, undefined);
    await queueRequestedSyncs(ctx, new Map());
    expect(calls).toEqual([]);
    const down = fakeCtx(0, true);
    await expect(queueRequestedSyncs(down.ctx, new Map([['c1', 1000]]))).resolves.toBeUndefined();
    expect(down.warnings).toHaveLength(1);
  });
});
