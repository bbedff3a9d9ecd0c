import { EventEmitter } from 'node:events';
import { pgArray } from '../db/sql-array';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { backoffDelay, jobNames, jobPolicy, type JobName, type JobPayload, type PolicyOverrides } from './catalogue';
import { PermanentJobError, type Dispatch, type EnqueueOptions, type JobQueue, type QueueCounts } from './port';

interface ClaimedRow {
  id: number;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
}

/**
 * In-process queue for the embedded hub, persisted in the `queue_jobs` table so jobs survive a
 * restart. It honours what the hub uses of BullMQ: retries with back-off, delayed jobs, repeatable
 * jobs, deduplication ids, priorities and concurrency. One process only (PGlite is single-process).
 */
export class EmbeddedQueue implements JobQueue {
  readonly kind = 'embedded' as const;
  private readonly wake = new EventEmitter();
  private running = false;
  private inflight = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private scheduler?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly opts: {
      pollMs?: number;
      policies?: PolicyOverrides;
      /**
       * True when no other process can use this database (PGlite): jobs still marked active at start
       * were held by this process's previous life and go back to waiting at once. On a shared
       * PostgreSQL another hub may be running them, so only jobs whose lock expired are taken back.
       */
      exclusive?: boolean;
      /** How long a claimed job stays locked without a heartbeat (default 60 s; renewed every third of it). */
      lockMs?: number;
    } = {},
  ) {
    this.wake.setMaxListeners(0);
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<void> {
    const def = jobPolicy(name, this.opts.policies);
    const runAt = new Date(Date.now() + (opts.delayMs ?? 0));
    await this.db.execute(sql`
      insert into queue_jobs (name, payload, job_key, priority, max_attempts, backoff_ms, run_at)
      values (${name}, ${JSON.stringify(payload)}::jsonb, ${opts.jobId ?? null}, ${opts.priority ?? 0},
              ${def.attempts}, ${def.backoffMs}, ${runAt.toISOString()}::timestamptz)
      on conflict (job_key) do nothing`);
    this.wake.emit('job');
  }

  async schedule<N extends JobName>(key: string, name: N, payload: JobPayload<N>, everyMs: number): Promise<void> {
    const next = new Date(Date.now() + everyMs).toISOString();
    await this.db.execute(sql`
      insert into queue_schedules (key, name, payload, every_ms, next_run_at)
      values (${key}, ${name}, ${JSON.stringify(payload)}::jsonb, ${everyMs}, ${next}::timestamptz)
      on conflict (key) do update set name = excluded.name, payload = excluded.payload,
        every_ms = excluded.every_ms,
        next_run_at = least(queue_schedules.next_run_at, excluded.next_run_at)`);
  }

  async unschedule(key: string): Promise<void> {
    await this.db.execute(sql`delete from queue_schedules where key = ${key}`);
  }

  async work(dispatch: Dispatch, opts: { concurrency?: number; only?: JobName[] } = {}): Promise<void> {
    if (this.running) return;
    this.running = true;
    // A previous life of this process died with jobs in hand: they go back to waiting. On a shared
    // database, a job another live process holds keeps its lock (its heartbeat renews it).
    if (this.opts.exclusive) {
      await this.db.execute(sql`update queue_jobs set status = 'waiting', locked_until = null where status = 'active'`);
    }
    const concurrency = opts.concurrency ?? 8;
    const names = opts.only ?? jobNames;
    this.scheduler = setInterval(() => void this.fireSchedules().catch(() => {}), 500);
    this.loop = this.run(dispatch, concurrency, names);
  }

  private async run(dispatch: Dispatch, concurrency: number, names: JobName[]): Promise<void> {
    const pollMs = this.opts.pollMs ?? 200;
    while (this.running) {
      const free = concurrency - this.inflight.size;
      let claimed: ClaimedRow[] = [];
      if (free > 0) {
        try {
          claimed = await this.claim(free, names);
        } catch {
          claimed = [];
        }
      }
      for (const row of claimed) {
        const p = this.execute(dispatch, row).finally(() => {
          this.inflight.delete(p);
          this.wake.emit('job');
        });
        this.inflight.add(p);
      }
      if (claimed.length === 0 || this.inflight.size >= concurrency) {
        await new Promise<void>((resolve) => {
          // Both ways out remove the other, so an idle queue does not pile up listeners on every poll.
          const done = () => {
            clearTimeout(t);
            this.wake.off('job', done);
            resolve();
          };
          const t = setTimeout(done, pollMs);
          this.wake.once('job', done);
        });
      }
    }
  }

  private async claim(limit: number, names: JobName[]): Promise<ClaimedRow[]> {
    const res = await this.db.execute(sql`
      update queue_jobs set status = 'active', attempts = attempts + 1,
        locked_until = now() + (${this.lockMs} || ' milliseconds')::interval
      where id in (
        select id from queue_jobs
        -- An active job whose lock lapsed belongs to a process that died: run it again.
        where ((status = 'waiting' and run_at <= now()) or (status = 'active' and locked_until < now()))
          and name = any(${pgArray(names, 'text')})
        order by priority, run_at, id
        limit ${limit}
        for update skip locked)
      returning id, name, payload, attempts, max_attempts, backoff_ms`);
    return res.rows as unknown as ClaimedRow[];
  }

  private get lockMs(): number {
    return this.opts.lockMs ?? 60_000;
  }

  private async execute(dispatch: Dispatch, row: ClaimedRow): Promise<void> {
    // Heartbeat: a long job keeps its lock, so no other process takes it for a dead one's.
    const heartbeat = setInterval(() => {
      void this.db
        .execute(sql`update queue_jobs set locked_until = now() + (${this.lockMs} || ' milliseconds')::interval
                     where id = ${row.id} and status = 'active'`)
        .catch(() => {});
    }, Math.max(50, Math.floor(this.lockMs / 3)));
    try {
      await this.runJob(dispatch, row);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async runJob(dispatch: Dispatch, row: ClaimedRow): Promise<void> {
    try {
      await dispatch(row.name as JobName, row.payload, {
        id: String(row.id),
        attempt: row.attempts,
        maxAttempts: row.max_attempts,
      });
      await this.db.execute(sql`delete from queue_jobs where id = ${row.id}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentJobError || (err as Error)?.name === 'UnrecoverableError';
      if (permanent || row.attempts >= row.max_attempts) {
        await this.db
          .execute(sql`update queue_jobs set status = 'failed', last_error = ${message}, locked_until = null,
                       job_key = null where id = ${row.id}`)
          .catch(() => {});
      } else {
        const delay = backoffDelay(row.backoff_ms, row.attempts);
        await this.db
          .execute(sql`update queue_jobs set status = 'waiting', last_error = ${message}, locked_until = null,
                       run_at = now() + (${delay} || ' milliseconds')::interval where id = ${row.id}`)
          .catch(() => {});
      }
    }
  }

  private async fireSchedules(): Promise<void> {
    if (!this.running) return;
    const due = await this.db.execute(sql`
      update queue_schedules set next_run_at = now() + (every_ms || ' milliseconds')::interval
      where next_run_at <= now()
      returning key, name, payload`);
    for (const row of due.rows as Array<{ key: string; name: JobName; payload: unknown }>) {
      // Keyed by schedule so a slow run is not stacked with another copy of itself.
      await this.enqueue(row.name, row.payload as never, { jobId: `schedule:${row.key}` });
    }
  }

  async counts(): Promise<Record<string, QueueCounts>> {
    const res = await this.db.execute(sql`
      select name,
        count(*) filter (where status = 'waiting' and run_at <= now())::int as waiting,
        count(*) filter (where status = 'waiting' and run_at > now())::int as delayed,
        count(*) filter (where status = 'active')::int as active,
        count(*) filter (where status = 'failed')::int as failed
      from queue_jobs group by name`);
    const out: Record<string, QueueCounts> = {};
    for (const n of jobNames) out[n] = { waiting: 0, active: 0, delayed: 0, failed: 0 };
    for (const r of res.rows as unknown as Array<QueueCounts & { name: string }>) {
      out[r.name] = { waiting: r.waiting, active: r.active, delayed: r.delayed, failed: r.failed };
    }
    return out;
  }

  /** The embedded queue lives in the database, so it answers when the database does. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.db.execute(sql`select 1 from queue_jobs limit 1`).then(() => true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.scheduler) clearInterval(this.scheduler);
    this.wake.emit('job');
    await this.loop;
    await Promise.allSettled([...this.inflight]);
  }
}
