import type { JobTotals } from './job-metrics';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';

/** Request latency buckets in seconds (Prometheus histogram). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** In-process HTTP latency per (method, route, status class); scraped through /metrics. */
export class HttpMetrics {
  private readonly series = new Map<string, Histogram>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method}\u0000${route}\u0000${Math.floor(status / 100)}xx`;
    let h = this.series.get(key);
    if (!h) {
      h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, h);
    }
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h!.counts[i]!++;
    });
    h.sum += seconds;
    h.count++;
  }

  render(): string[] {
    const out = ['# HELP omnihub_http_request_duration_seconds HTTP request latency.', '# TYPE omnihub_http_request_duration_seconds histogram'];
    for (const [key, h] of this.series) {
      const [method, route, status] = key.split('\u0000');
      const labels = `method="${method}",route="${esc(route!)}",status="${status}"`;
      BUCKETS.forEach((b, i) => out.push(`omnihub_http_request_duration_seconds_bucket{${labels},le="${b}"} ${h.counts[i]}`));
      out.push(`omnihub_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      out.push(`omnihub_http_request_duration_seconds_sum{${labels}} ${h.sum.toFixed(6)}`);
      out.push(`omnihub_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    return out;
  }
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function gauge(name: string, help: string, rows: Array<[Record<string, string>, number]>): string[] {
  const out = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const [labels, v] of rows) {
    const l = Object.entries(labels).map(([k, val]) => `${k}="${esc(val)}"`).join(',');
    out.push(`${name}${l ? `{${l}}` : ''} ${v}`);
  }
  return out;
}

/**
 * Prometheus exposition: HTTP latency, queue depth per queue and state, job durations and failures
 * per queue, pending raw events, sync lag
 * per connection, allocation backlog and open reconciliation breaks per class.
 */
export async function collectMetrics(ctx: Ctx, http: HttpMetrics): Promise<string> {
  const lines: string[] = [...http.render()];
  const counts = await ctx.queue.counts().catch(() => ({}) as Record<string, Record<string, number>>);
  const queueRows: Array<[Record<string, string>, number]> = [];
  for (const [queue, c] of Object.entries(counts)) {
    for (const [state, n] of Object.entries(c)) queueRows.push([{ queue, state }, Number(n)]);
  }
  lines.push(...gauge('omnihub_queue_jobs', 'Jobs per queue and state.', queueRows));
  // Job durations per queue (one queue per job name), from every worker of the deployment.
  const jobs: JobTotals = (await ctx.jobMetrics?.totals().catch((): JobTotals => ({}))) ?? {};
  const names = Object.keys(jobs).sort();
  lines.push('# HELP omnihub_job_duration_seconds Time spent running jobs, per queue.', '# TYPE omnihub_job_duration_seconds summary');
  for (const n of names) {
    lines.push(`omnihub_job_duration_seconds_sum{queue="${n}"} ${jobs[n]!.seconds}`, `omnihub_job_duration_seconds_count{queue="${n}"} ${jobs[n]!.count}`);
  }
  lines.push('# HELP omnihub_job_failures_total Job runs that failed (each attempt), per queue.', '# TYPE omnihub_job_failures_total counter');
  for (const n of names) lines.push(`omnihub_job_failures_total{queue="${n}"} ${jobs[n]!.failed}`);
  const [pending, lag, backlog, breaks] = await Promise.all([
    ctx.db.execute(sql`select count(*)::int as n from raw_events where status = 'pending'`),
    ctx.db.execute(sql`select id, name, type, coalesce(extract(epoch from now() - last_sync_at), -1)::float8 as lag
                       from connections where status <> 'archived' and type <> 'manual'`),
    ctx.db.execute(sql`select allocation_status as s, count(*)::int as n from orders
                       where allocation_status in ('pending', 'backordered', 'partial') group by 1`),
    ctx.db.execute(sql`select class, count(*)::int as n from finance_breaks where status = 'open' group by 1`).catch(() => ({ rows: [] })),
  ]);
  lines.push(...gauge('omnihub_raw_events_pending', 'Inbound events waiting to be normalised.', [[{}, Number((pending.rows[0] as { n: number }).n)]]));
  lines.push(...gauge('omnihub_connection_sync_lag_seconds', 'Seconds since the last successful pull (-1: never).',
    (lag.rows as Array<{ id: string; name: string; type: string; lag: number }>).map((r) => [{ connection: r.id, name: r.name, type: r.type }, Number(r.lag)])));
  lines.push(...gauge('omnihub_allocation_backlog', 'Orders waiting for stock, by allocation status.',
    (backlog.rows as Array<{ s: string; n: number }>).map((r) => [{ status: r.s }, Number(r.n)])));
  lines.push(...gauge('omnihub_open_breaks', 'Open reconciliation breaks by class.',
    (breaks.rows as Array<{ class: string; n: number }>).map((r) => [{ class: r.class }, Number(r.n)])));
  return `${lines.join('\n')}\n`;
}
