import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { jobNames, jobPolicy, type JobName, type JobPayload, type PolicyOverrides } from './catalogue';
import { PermanentJobError, type Dispatch, type EnqueueOptions, type JobQueue, type QueueCounts } from './port';

/** BullMQ queue names may not contain ':'; one BullMQ queue per job name. */
const queueName = (name: JobName) => name.replace(/\./g, '-');

/**
 * Jobs whose run takes everything pending until none is left, with the number of runs one general
 * worker process allows at once. More parallel drains only fight over the same rows, commits and CPU
 * (and starve the webhook acknowledgements of the same process): on the ingest bench one drain per
 * process took 9,000 orders in ~5.5-6.5 s, two took ~9-11 s, eight ~10-13 s. Several processes still
 * drain side by side (SKIP LOCKED).
 */
const SELF_DRAINING = new Map<JobName, number>([['inbox.drain', 1]]);

/**
 * The job id as BullMQ takes it: it refuses ids with a colon (its key separator) and ids that are
 * integers, which the embedded queue takes. Both are escaped one to one (`%` first), so distinct ids
 * stay distinct and the same id deduplicates in both queues.
 */
export function bullJobId(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const escaped = id.replace(/%/g, '%25').replace(/:/g, '%3A');
  return /^\d+$/.test(escaped) ? `%${escaped}` : escaped;
}

/** The queue port on Redis: one BullMQ queue per job name, shared by every hub and worker process. */
export class BullQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<JobName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly client: Redis;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly opts: { policies?: PolicyOverrides } = {},
  ) {
    // Commands fail fast while Redis is down (the webhook path answers 503) instead of queueing forever.
    this.client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    this.client.on('error', () => {});
    // A Redis that comes back empty (restarted without persistence, failed over to a fresh replica)
    // has lost the job schedulers: the housekeeping sweeps would never run again, and events whose
    // drain kick was lost while Redis was down would wait for the next webhook. Re-register them on
    // every reconnect (upsert: a Redis that kept its data is unchanged).
    let connectedBefore = false;
    this.client.on('ready', () => {
      if (connectedBefore) void this.restoreSchedules();
      connectedBefore = true;
    });
  }

  private readonly schedules = new Map<string, { name: JobName; payload: unknown; everyMs: number }>();

  private async restoreSchedules(): Promise<void> {
    for (const [key, s] of this.schedules) {
      await this.schedule(key, s.name, s.payload as never, s.everyMs).catch(() => {});
    }
  }

  private queue(name: JobName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(queueName(name), { connection: this.client as unknown as ConnectionOptions, prefix: this.prefix });
      q.on('error', () => {});
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<void> {
    const def = jobPolicy(name, this.opts.policies);
    await this.queue(name).add(name, payload, {
      jobId: bullJobId(opts.jobId),
      delay: opts.delayMs,
      priority: opts.priority || undefined,
      attempts: def.attempts,
      backoff: { type: 'exponential', delay: def.backoffMs, jitter: 0.5 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  async schedule<N extends JobName>(key: string, name: N, payload: JobPayload<N>, everyMs: number): Promise<void> {
    this.schedules.set(key, { name, payload, everyMs });
    const def = jobPolicy(name, this.opts.policies);
    await this.queue(name).upsertJobScheduler(key, { every: everyMs }, {
      name,
      data: payload,
      opts: { attempts: def.attempts, backoff: { type: 'exponential', delay: def.backoffMs }, removeOnComplete: true, removeOnFail: 100 },
    });
  }

  async unschedule(key: string): Promise<void> {
    this.schedules.delete(key);
    await Promise.all(jobNames.map((n) => this.queue(n).removeJobScheduler(key)));
  }

  async work(dispatch: Dispatch, opts: { concurrency?: number; only?: JobName[] } = {}): Promise<void> {
    for (const name of opts.only ?? jobNames) {
      const def = jobPolicy(name, this.opts.policies);
      const worker = new Worker(
        queueName(name),
        async (job) => {
          try {
            await dispatch(name, job.data, {
              id: job.id ?? '',
              attempt: job.attemptsMade + 1,
              maxAttempts: job.opts.attempts ?? 1,
            });
          } catch (err) {
            if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
            throw err;
          }
        },
        {
          connection: new Redis(this.url, { maxRetriesPerRequest: null }) as unknown as ConnectionOptions,
          prefix: this.prefix,
          // A worker started for named jobs only (`only`) gets the concurrency it asks for.
          concurrency: SELF_DRAINING.has(name) && !opts.only
            ? SELF_DRAINING.get(name)!
            : Math.max(def.concurrency, Math.min(opts.concurrency ?? def.concurrency, 64)),
        },
      );
      worker.on('error', () => {});
      this.workers.push(worker);
    }
  }

  /** Every BullMQ queue of the catalogue (for Bull Board). */
  allQueues(): Queue[] {
    return jobNames.map((n) => this.queue(n));
  }

  async counts(): Promise<Record<string, QueueCounts>> {
    const out: Record<string, QueueCounts> = {};
    for (const n of jobNames) {
      const c = await this.queue(n).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      out[n] = { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
    }
    return out;
  }

  async ping(timeoutMs = 1000): Promise<boolean> {
    try {
      const res = await Promise.race([
        this.client.ping(),
        new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref()),
      ]);
      return res === 'PONG';
    } catch {
      return false;
    }
  }

  /** Removes every key of this prefix (tests use a random prefix per file). */
  async obliterate(): Promise<void> {
    await Promise.all(jobNames.map((n) => this.queue(n).obliterate({ force: true }).catch(() => {})));
  }

  /** Stops the workers (waiting for their jobs unless `force`) and the queues. */
  async close(opts: { force?: boolean } = {}): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(opts.force)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.client.disconnect();
  }
}
