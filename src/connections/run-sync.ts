import { eq, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { connections, syncRuns } from '../db/schema/index';
import { AppError, RemoteError } from '../errors';
import { insertRawEvents } from '../inbox/insert-raw-events';
import { kickDrain } from '../inbox/kick-drain';
import { PermanentJobError } from '../queue/port';
import { connectorKit, openConfig } from './connection-config';
import { markConnectionError } from './manage-connections';

export interface SyncInput {
  connectionId: string;
  syncRunId?: string;
  kind: 'incremental' | 'backfill';
  since?: string;
}

export interface SyncResult {
  syncRunId: string;
  pages: number;
  ordersSeen: number;
  newEvents: number;
  skipped?: string;
}

/** Whether an error is worth retrying: our own typed errors say so; unknown errors (network, database) are. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AppError) return err.retryable;
  return true;
}

/**
 * Pulls a connection page by page. Each page's records are stored as raw events (path `poll`) and
 * the checkpoint is saved in the same transaction, so a crash resumes after the last stored page
 * and a repeated page only meets the unique index. Normalisation happens in the drain, as for webhooks.
 */
export async function runSync(ctx: Ctx, input: SyncInput, onPage?: (p: { pages: number; ordersSeen: number; cursor: unknown }) => void): Promise<SyncResult> {
  const [conn] = await ctx.db.select().from(connections).where(eq(connections.id, input.connectionId));
  if (!conn) throw new PermanentJobError(`connection ${input.connectionId} does not exist`);
  const connector = ctx.connectors(conn.type);
  if (!connector?.pullOrders) throw new PermanentJobError(`${conn.type} connections cannot be pulled`);

  let runId = input.syncRunId;
  if (!runId) {
    const [run] = await ctx.db
      .insert(syncRuns)
      .values({ connectionId: conn.id, kind: input.kind, status: 'queued', params: input.since ? { since: input.since } : {} })
      .returning();
    runId = run!.id;
  }
  const [run] = await ctx.db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  if (!run) throw new PermanentJobError(`sync run ${runId} does not exist`);
  if (conn.status !== 'active') {
    await ctx.db.update(syncRuns).set({ status: 'skipped', error: `connection is ${conn.status}`, finishedAt: new Date() }).where(eq(syncRuns.id, runId));
    return { syncRunId: runId, pages: 0, ordersSeen: 0, newEvents: 0, skipped: conn.status };
  }
  await ctx.db.update(syncRuns).set({ status: 'running', startedAt: run.startedAt ?? new Date(), error: null }).where(eq(syncRuns.id, runId));

  // Incremental pulls resume from the connection's cursor; a backfill keeps its own in the run.
  const backfill = input.kind === 'backfill';
  let cursor: Record<string, unknown> | null = backfill
    ? ((run.params as Record<string, unknown>).cursor as Record<string, unknown> | undefined) ?? (input.since ? { since: input.since } : null)
    : conn.cursor;
  let pages = run.pages;
  let ordersSeen = run.ordersSeen;
  let newEvents = 0;
  try {
    const config = openConfig(connector, conn.config, ctx.secrets);
    const rt = {
      connectionId: conn.id, config, now: ctx.now, ...connectorKit(ctx),
    };
    for await (const page of connector.pullOrders(rt, cursor, { kind: input.kind, since: input.since })) {
      cursor = page.cursor;
      pages++;
      ordersSeen += page.records.length;
      await ctx.db.transaction(async (tx) => {
        if (page.records.length > 0) {
          const ids = await insertRawEvents(tx as never, page.records.map((r) => ({
            connectionId: conn.id,
            // The same version of a record polled twice is one delivery; a newer version is a new one.
            deliveryId: r.deliveryId ?? `poll:${r.externalId}:${r.updatedAt}`,
            path: r.path ?? ('poll' as const),
            topic: 'order',
            headers: null,
            body: r.body,
          })));
          newEvents += ids.size;
        }
        if (backfill) {
          await tx.execute(sql`update sync_runs set pages = ${pages}, orders_seen = ${ordersSeen},
            params = params || jsonb_build_object('cursor', ${JSON.stringify(cursor)}::jsonb) where id = ${runId}`);
        } else {
          await tx.execute(sql`update connections set cursor = ${JSON.stringify(cursor)}::jsonb where id = ${conn.id}`);
          await tx.execute(sql`update sync_runs set pages = ${pages}, orders_seen = ${ordersSeen} where id = ${runId}`);
        }
      });
      if (page.records.length > 0) await kickDrain(ctx, 'poll');
      onPage?.({ pages, ordersSeen, cursor });
    }
    await ctx.db.update(syncRuns).set({ status: 'succeeded', finishedAt: new Date(), pages, ordersSeen }).where(eq(syncRuns.id, runId));
    await ctx.db.update(connections).set({ lastSyncAt: new Date() }).where(eq(connections.id, conn.id));
    return { syncRunId: runId, pages, ordersSeen, newEvents };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (isRetryable(err)) {
      await ctx.db.update(syncRuns).set({ status: 'retrying', error: message.slice(0, 2000) }).where(eq(syncRuns.id, runId)).catch(() => {});
      throw err;
    }
    await ctx.db.update(syncRuns).set({ status: 'failed', error: message.slice(0, 2000), finishedAt: new Date() }).where(eq(syncRuns.id, runId));
    if (err instanceof RemoteError && (err.remoteStatus === 401 || err.remoteStatus === 403)) {
      await markConnectionError(ctx, conn.id, message);
    }
    throw new PermanentJobError(message, { cause: err });
  }
}


/**
 * The unfinished backfill of a connection for the same start date, if there is one, so that running
 * `omnihub backfill` again resumes from its stored cursor instead of starting over.
 */
export async function findResumableBackfill(ctx: Ctx, connectionId: string, since: string): Promise<string | null> {
  const res = await ctx.db.execute(sql`
    select id from sync_runs
    where connection_id = ${connectionId} and kind = 'backfill' and status in ('queued', 'running', 'retrying', 'failed')
      and params->>'since' = ${since}
    order by created_at desc limit 1`);
  return (res.rows[0] as { id: string } | undefined)?.id ?? null;
}
