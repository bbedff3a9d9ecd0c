import { Redis } from 'ioredis';

/** Per job name: runs, seconds spent, failures. */
export type JobTotals = Record<string, { count: number; seconds: number; failed: number }>;

/**
 * Job durations per queue for /metrics. Workers may run in another thread or process than the HTTP
 * server that is scraped, so with Redis the totals live in one hash per deployment (HINCRBY from
 * every worker, read by whoever serves /metrics); embedded, everything runs in one process and the
 * totals stay in memory.
 */
export interface JobMetrics {
  record(job: string, seconds: number, ok: boolean): void;
  totals(): Promise<JobTotals>;
  close(): Promise<void>;
}

class MemoryJobMetrics implements JobMetrics {
  private readonly t: JobTotals = {};
  record(job: string, seconds: number, ok: boolean): void {
    const x = (this.t[job] ??= { count: 0, seconds: 0, failed: 0 });
    x.count++;
    x.seconds += seconds;
    if (!ok) x.failed++;
  }
  async totals(): Promise<JobTotals> {
    return structuredClone(this.t);
  }
  async close(): Promise<void> {}
}

class RedisJobMetrics implements JobMetrics {
  private readonly redis: Redis;
  constructor(url: string, private readonly key: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
    this.redis.on('error', () => {}); // metrics never take a job down; a lost increment is a lost sample
  }
  record(job: string, seconds: number, ok: boolean): void {
    const p = this.redis.pipeline().hincrby(this.key, `${job}|count`, 1).hincrbyfloat(this.key, `${job}|seconds`, seconds);
    if (!ok) p.hincrby(this.key, `${job}|failed`, 1);
    p.exec().catch(() => {});
  }
  async totals(): Promise<JobTotals> {
    const h = await this.redis.hgetall(this.key);
    const out: JobTotals = {};
    for (const [field, v] of Object.entries(h)) {
      const [job, what] = field.split('|') as [string, 'count' | 'seconds' | 'failed'];
      (out[job] ??= { count: 0, seconds: 0, failed: 0 })[what] = Number(v);
    }
    return out;
  }
  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** One store per process and deployment (Redis URL + queue prefix), or in memory without Redis. */
export function createJobMetrics(redisUrl: string | undefined, prefix: string): JobMetrics {
  return redisUrl ? new RedisJobMetrics(redisUrl, `${prefix}:job-metrics`) : new MemoryJobMetrics();
}
