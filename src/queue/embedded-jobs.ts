import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { NotFoundError } from '../errors';

/** The embedded queue's jobs per name and state (what Bull Board shows when Redis is used). */
export async function embeddedJobCounts(ctx: Ctx): Promise<Array<{ name: string; waiting: number; delayed: number; active: number; failed: number }>> {
  const res = await q(ctx).execute(sql`
    select name,
      count(*) filter (where status = 'waiting' and run_at <= now())::int as waiting,
      count(*) filter (where status = 'waiting' and run_at > now())::int as delayed,
      count(*) filter (where status = 'active')::int as active,
      count(*) filter (where status = 'failed')::int as failed
    from queue_jobs group by name order by name`);
  return (res.rows as Array<Record<string, unknown>>).map((r) => ({
    name: String(r.name), waiting: Number(r.waiting), delayed: Number(r.delayed), active: Number(r.active), failed: Number(r.failed),
  }));
}

/** Failed jobs of the embedded queue, newest first, with their last error. */
export async function listFailedJobs(ctx: Ctx, limit = 100) {
  const res = await q(ctx).execute(sql`
    select id, name, attempts, max_attempts, last_error, created_at from queue_jobs
    where status = 'failed' order by id desc limit ${Math.min(Math.max(1, limit), 500)}`);
  return (res.rows as Array<Record<string, unknown>>).map((r) => ({
    id: Number(r.id), name: String(r.name), attempts: Number(r.attempts), maxAttempts: Number(r.max_attempts),
    error: (r.last_error as string | null) ?? '', createdAt: new Date(r.created_at as string).toISOString(),
  }));
}

/**
 * Puts a failed job back in line with fresh attempts. Guarded on `status = 'failed'`, so a double
 * click (or two admins) cannot run it twice while it is already waiting or running.
 */
export async function retryFailedJob(ctx: Ctx, id: number): Promise<void> {
  const res = await q(ctx).execute(sql`
    update queue_jobs set status = 'waiting', attempts = 0, run_at = now(), locked_until = null, last_error = null
    where id = ${id} and status = 'failed' returning id`);
  if (res.rows.length === 0) throw new NotFoundError('failed job', String(id));
}
