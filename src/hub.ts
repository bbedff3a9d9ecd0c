import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { closeTokenCaches } from '../connectors/kit/oauth';
import { closeRateGovernors } from '../connectors/kit/rate-governor';
import { listConnectors, getConnector } from '../connectors/registry';
import type { Config } from './config';
import { MemoryRateLimiter, RedisRateLimiter } from './auth/rate-limit';
import { parseKey, SecretBox } from './connections/secret-box';
import type { Ctx } from './context';
import { openDatabase, type Database } from './db/client';
import { migrate } from './db/migrate';
import { RawEventWriter } from './inbox/raw-event-writer';
import { createJobMetrics } from './observability/job-metrics';
import { customerCreditLimits } from './customers/credit-limit-source';
import { registerCreditLimitSource } from './sales/review-settings';
import { registerCommitmentSource } from './finance/budgets';
import { budgetApprovalRule, openPurchaseOrderCommitments } from './finance/po-budget';
import { registerApprovalRule } from './purchasing/approval-rules';
import { createLogger, type Logger } from './logger';
import { BullQueue } from './queue/bullmq';
import { EmbeddedQueue } from './queue/embedded';
import type { JobQueue } from './queue/port';

export interface Hub {
  ctx: Ctx;
  database: Database;
  queue: JobQueue;
  close(): Promise<void>;
}

/**
 * The secret key: OMNIHUB_SECRET_KEY when set; otherwise one generated once and kept in the data
 * directory (mode 0600), so a fresh machine works without setup.
 */
export function resolveSecretBox(config: Config, log?: Logger): SecretBox {
  const previous = config.secretKeyPrevious ? config.secretKeyPrevious.split(',').map(parseKey) : [];
  if (config.secretKey) return new SecretBox(parseKey(config.secretKey), previous);
  const file = path.join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    log?.warn({ file }, 'OMNIHUB_SECRET_KEY is not set: generated a key in the data directory (back it up with the database)');
  }
  return new SecretBox(parseKey(readFileSync(file, 'utf8')), previous);
}

export interface OpenHubOptions {
  /** Skip migrations (the caller ran them). */
  skipMigrate?: boolean;
  /** Overrides, used by tests. */
  database?: Database;
  queue?: JobQueue;
  log?: Logger;
}

/** Opens the database (PGlite or PostgreSQL), migrates, and builds the context with the queue (embedded or BullMQ). */
export async function openHub(config: Config, opts: OpenHubOptions = {}): Promise<Hub> {
  // Order review's credit-limit rule reads the customers' limits (composition root: sales ← customers).
  registerCreditLimitSource(customerCreditLimits);
  // Budgets count open POs as committed, and a PO that would overrun a purchases budget needs approval (finance ↔ purchasing).
  registerCommitmentSource(openPurchaseOrderCommitments);
  registerApprovalRule(budgetApprovalRule);
  const log = opts.log ?? createLogger(config.logLevel);
  const database =
    opts.database ??
    (await openDatabase({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), poolSize: 20 }));
  if (!opts.skipMigrate) await migrate(database);
  const queue = opts.queue ?? (config.redisUrl ? new BullQueue(config.redisUrl, config.queuePrefix) : new EmbeddedQueue(database.db, { exclusive: database.kind === 'pglite' }));
  const ctx: Ctx = {
    db: database.db,
    config,
    queue,
    log,
    secrets: resolveSecretBox(config, log),
    connectors: getConnector,
    connectorList: listConnectors,
    rawEvents: new RawEventWriter(database.db),
    now: () => new Date(),
    jobMetrics: createJobMetrics(config.redisUrl, config.queuePrefix),
    limiter: config.redisUrl
      ? new RedisRateLimiter(config.redisUrl, config.queuePrefix, (err) => log.warn({ err: err.message }, 'rate limiter: Redis unreachable, letting requests through'))
      : new MemoryRateLimiter(),
  };
  return {
    ctx,
    database,
    queue,
    async close() {
      await queue.close();
      await ctx.rawEvents.drain();
      await Promise.allSettled([closeRateGovernors(), closeTokenCaches(), ctx.limiter?.close(), ctx.jobMetrics?.close()]);
      await database.close();
    },
  };
}
