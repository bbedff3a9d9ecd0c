import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { getRateGovernor, type RateBucketState } from '../../connectors/kit/rate-governor';

export interface ConnectionHealth {
  connectionId: string;
  lastSyncAt: string | null;
  /** Seconds since the last successful sync (null before the first). */
  lagSeconds: number | null;
  /** The newest sync run, whatever its state. */
  lastRun: { id: string; kind: string; status: string; pages: number; ordersSeen: number; error: string | null; startedAt: string | null; finishedAt: string | null; since: string | null } | null;
  /** A run queued or in progress (a backfill shows its progress here). */
  activeRun: { id: string; kind: string; status: string; pages: number; ordersSeen: number; since: string | null; startedAt: string | null } | null;
  /** Sync runs that failed for good in the last 24 hours. */
  failedRuns24h: number;
  /**
   * From the rate governor's buckets of this connection and its newest run:
   * `paused` — the platform said wait (Retry-After, THROTTLED) and nobody may call yet;
   * `throttled` — the newest run waits to be retried after a transient failure (429, 5xx, timeouts);
   * `low` — a budget is below a fifth of its size (calls are being spaced out);
   * `ok` otherwise.
   */
  rateLimit: 'ok' | 'low' | 'throttled' | 'paused';
  /** The rate budgets this connection's calls use, as they stand now (those used within the last hour). */
  rateBuckets: RateBucketState[];
  deadLetters: number;
}

/**
 * Health of every connection in three grouped reads: the newest and the active run per connection
 * (sync_runs_connection_idx), failures of the last day, and dead-lettered events.
 */
export async function connectionHealth(ctx: Ctx): Promise<{ items: ConnectionHealth[] }> {
  const db = q(ctx);
  const now = ctx.now();
  const [runs, failed, dead] = await Promise.all([
    db.execute(sql`
      select c.id as connection_id, c.type as connection_type, c.config as connection_config, c.last_sync_at, last.*, active.id as a_id, active.kind as a_kind, active.status as a_status,
        active.pages as a_pages, active.orders_seen as a_orders, active.params as a_params, active.started_at as a_started
      from connections c
      left join lateral (
        select r.id, r.kind, r.status, r.pages, r.orders_seen, r.error, r.started_at, r.finished_at, r.params
        from sync_runs r where r.connection_id = c.id order by r.created_at desc limit 1) last on true
      left join lateral (
        select r.id, r.kind, r.status, r.pages, r.orders_seen, r.params, r.started_at
        from sync_runs r where r.connection_id = c.id and r.status in ('queued', 'running', 'retrying')
          and r.created_at > ${new Date(now.getTime() - 7 * 86400_000).toISOString()}::timestamptz
        order by r.created_at desc limit 1) active on true
      where c.status <> 'archived'`),
    db.execute(sql`
      select connection_id, count(*)::int as n from sync_runs
      where status = 'failed' and created_at > ${new Date(now.getTime() - 86400_000).toISOString()}::timestamptz group by connection_id`),
    db.execute(sql`select connection_id, count(*)::int as n from raw_events where status = 'failed' group by connection_id`),
  ]);
  const failedBy = new Map((failed.rows as Array<{ connection_id: string; n: number }>).map((r) => [r.connection_id, Number(r.n)]));
  const deadBy = new Map((dead.rows as Array<{ connection_id: string; n: number }>).map((r) => [r.connection_id, Number(r.n)]));
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  const since = (p: unknown) => ((p as Record<string, unknown> | null)?.since as string | undefined) ?? null;
  const governor = getRateGovernor({ redisUrl: ctx.config.redisUrl, keyPrefix: ctx.config.queuePrefix });
  const buckets = new Map<string, RateBucketState[]>();
  await Promise.all((runs.rows as Array<Record<string, unknown>>).map(async (r) => {
    const id = String(r.connection_id);
    let keys: string[] = [];
    try {
      // Only non-secret config fields name the buckets (shop domain, seller, tenant); secrets stay sealed.
      keys = ctx.connectors(String(r.connection_type))?.rateKeys?.(r.connection_config as never, id) ?? [];
    } catch {
      keys = [];
    }
    const states = await Promise.all(keys.map((k) => governor.peek(k).catch(() => null)));
    buckets.set(id, states.filter((x): x is RateBucketState => x !== null));
  }));
  const rateState = (b: RateBucketState[], retrying: boolean): ConnectionHealth['rateLimit'] =>
    b.some((x) => x.pausedForMs > 0) ? 'paused' : retrying ? 'throttled' : b.some((x) => x.available < x.capacity / 5) ? 'low' : 'ok';
  return {
    items: (runs.rows as Array<Record<string, unknown>>).map((r) => {
      const lastSyncAt = iso(r.last_sync_at);
      return {
        connectionId: String(r.connection_id),
        lastSyncAt,
        lagSeconds: lastSyncAt ? Math.max(0, Math.round((now.getTime() - Date.parse(lastSyncAt)) / 1000)) : null,
        lastRun: r.id ? {
          id: String(r.id), kind: String(r.kind), status: String(r.status), pages: Number(r.pages), ordersSeen: Number(r.orders_seen),
          error: (r.error as string | null) ?? null, startedAt: iso(r.started_at), finishedAt: iso(r.finished_at), since: since(r.params),
        } : null,
        activeRun: r.a_id ? {
          id: String(r.a_id), kind: String(r.a_kind), status: String(r.a_status), pages: Number(r.a_pages), ordersSeen: Number(r.a_orders),
          since: since(r.a_params), startedAt: iso(r.a_started),
        } : null,
        failedRuns24h: failedBy.get(String(r.connection_id)) ?? 0,
        rateLimit: rateState(buckets.get(String(r.connection_id)) ?? [], r.status === 'retrying'),
        rateBuckets: buckets.get(String(r.connection_id)) ?? [],
        deadLetters: deadBy.get(String(r.connection_id)) ?? 0,
      } satisfies ConnectionHealth;
    }),
  };
}
