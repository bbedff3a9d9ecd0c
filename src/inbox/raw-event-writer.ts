import type { Db } from '../db/client';
import { AppError } from '../errors';
import { insertRawEvents } from './insert-raw-events';

export interface RawEventInput {
  connectionId: string;
  deliveryId: string;
  path: 'webhook' | 'poll' | 'manual' | 'import';
  topic: string | null;
  headers: Record<string, string> | null;
  body: string;
}

export interface RawEventWritten {
  id: number | null;
  duplicate: boolean;
}

interface Pending {
  input: RawEventInput;
  resolve: (r: RawEventWritten) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for inbound payloads: concurrent webhook requests are written with one multi-row
 * INSERT per flush, and each request is answered only after its row is durable. A redelivery (same
 * connection + delivery id) is detected by the unique index and reported as a duplicate.
 */
export class RawEventWriter {
  private queue: Pending[] = [];
  private flushing = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly opts: { maxBatch?: number; maxWaitMs?: number; maxParallel?: number; afterFlush?: (n: number) => void } = {},
  ) {}

  write(input: RawEventInput): Promise<RawEventWritten> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    const maxBatch = this.opts.maxBatch ?? 500;
    const maxParallel = this.opts.maxParallel ?? 4;
    if (this.flushing < maxParallel && (this.queue.length >= maxBatch || this.flushing === 0)) {
      // Nothing in flight: write at once (lowest latency); otherwise requests gather while the last flush commits.
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.opts.maxWaitMs ?? 2);
    }
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.opts.maxBatch ?? 500);
    if (batch.length === 0) return;
    this.flushing++;
    try {
      const ids = await insertRawEvents(this.db, batch.map((p) => p.input));
      for (const p of batch) {
        // uuids come back lower-case; a caller's upper-case id must still find its row (else: "duplicate").
        const key = `${p.input.connectionId.toLowerCase()}\u0000${p.input.deliveryId}`;
        const id = ids.get(key);
        if (id !== undefined) {
          ids.delete(key);
          p.resolve({ id, duplicate: false });
        } else {
          p.resolve({ id: null, duplicate: true });
        }
      }
      this.opts.afterFlush?.(batch.length);
    } catch (err) {
      const e = new AppError('storage_unavailable', 'The event could not be stored; retry later.', {
        status: 503,
        retryable: true,
        cause: err,
      });
      for (const p of batch) p.reject(e);
    } finally {
      this.flushing--;
      if (this.queue.length > 0) this.schedule();
    }
  }

  /** Waits for every queued write to be answered. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing > 0) await new Promise((r) => setTimeout(r, 2));
  }
}
