import type { JobMetrics } from './observability/job-metrics';
import type { Connector } from '../connectors/kit/connector';
import type { RateLimiter } from './auth/rate-limit';
import type { Config } from './config';
import type { SecretBox } from './connections/secret-box';
import type { DbCtx } from './db/transaction';
import type { RawEventWriter } from './inbox/raw-event-writer';
import type { Logger } from './logger';
import type { JobQueue } from './queue/port';

/**
 * What every service verb receives: the database (or the open transaction), the queue, config,
 * logger and the connector registry. Verbs take `(ctx, input)`.
 */
export interface Ctx extends DbCtx {
  config: Config;
  queue: JobQueue;
  log: Logger;
  secrets: SecretBox;
  connectors: (type: string) => Connector<any> | undefined;
  connectorList: () => Connector<any>[];
  rawEvents: RawEventWriter;
  now: () => Date;
  /** Token buckets for login and API rate limits (Redis-backed when REDIS_URL is set); memory when absent. */
  limiter?: RateLimiter;
  /** Job runs, durations and failures per job name (shared through Redis when used), for /metrics. */
  jobMetrics?: JobMetrics;
  /** Who acts (API key id / `system`), for timelines and the audit log. */
  actor?: string;
}

/** The same context inside a transaction, so nested verbs join it. */
export function inTx(ctx: Ctx, tx: DbCtx['db']): Ctx {
  return { ...ctx, tx };
}
