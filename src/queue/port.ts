import type { JobName, JobPayload } from './catalogue';

export interface EnqueueOptions {
  /** Deduplication id: a second job with the same id is ignored while the first is waiting or running. */
  jobId?: string;
  delayMs?: number;
  /** Lower runs first (BullMQ semantics). 0 = no priority. */
  priority?: number;
}

export interface JobMeta {
  id: string;
  attempt: number;
  maxAttempts: number;
}

/** Runs one job; throw to retry, throw a permanent error (see workers/base.ts) to fail without retry. */
export type Dispatch = (name: JobName, payload: unknown, meta: JobMeta) => Promise<void>;

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** The queue port: BullMQ on Redis, or the embedded queue persisted in the hub's own database. */
export interface JobQueue {
  readonly kind: 'embedded' | 'bullmq';
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: EnqueueOptions): Promise<void>;
  /** A repeatable job under a stable key; scheduling the same key again replaces its interval. */
  schedule<N extends JobName>(key: string, name: N, payload: JobPayload<N>, everyMs: number): Promise<void>;
  unschedule(key: string): Promise<void>;
  /** Starts consuming every queue in this process. */
  work(dispatch: Dispatch, opts?: { concurrency?: number; only?: JobName[] }): Promise<void>;
  counts(): Promise<Record<string, QueueCounts>>;
  ping(timeoutMs?: number): Promise<boolean>;
  /** Stops taking work, waits for running jobs, closes connections. */
  close(): Promise<void>;
}

/** Thrown by a processor when retrying cannot help; both adapters fail the job at once. */
export class PermanentJobError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'PermanentJobError';
  }
}
