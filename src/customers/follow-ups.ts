import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { emitEvents } from '../outbound/emit-event';

export const FollowUpInput = z.object({
  /** A "no order in N days" task is made once per lapse (keyed by the last order's date). */
  inactiveDays: z.number().int().min(1).max(3650).default(60),
});

/**
 * The daily job: tasks for customers with no order in N days, birthdays today, and manual follow-up
 * dates that arrived. Set-based INSERTs keyed by occasion (`dedupe_key`), so a rerun adds nothing,
 * and each new task is published as `customer.task_created`.
 */
export async function produceFollowUps(ctx: Ctx, input: z.input<typeof FollowUpInput> = {}): Promise<{ created: number }> {
  const p = FollowUpInput.parse(input);
  const today = ctx.now().toISOString().slice(0, 10);
  const res = await q(ctx).execute(sql`
    with cand as (
      select id as customer_id, 'no_order' as kind, 'No order in ' || ${p.inactiveDays}::int || ' days' as title,
        'no_order:' || id || ':' || to_char(last_order_at at time zone 'UTC', 'YYYY-MM-DD') as dedupe_key
      from customers
      where status = 'active' and last_order_at < ${today}::date - ${p.inactiveDays}::int
      union all
      select id, 'birthday', 'Birthday', 'birthday:' || id || ':' || extract(year from ${today}::date)::int
      from customers
      where status = 'active' and birthday is not null
        and to_char(birthday, 'MM-DD') = to_char(${today}::date, 'MM-DD')
      union all
      select id, 'follow_up', 'Follow up', 'follow_up:' || id || ':' || follow_up_on
      from customers where status = 'active' and follow_up_on is not null and follow_up_on <= ${today}::date
    )
    insert into customer_tasks (customer_id, kind, title, due_on, dedupe_key, created_by)
    select customer_id, kind, title, ${today}::date, dedupe_key, 'system' from cand
    on conflict (dedupe_key) do nothing
    returning id, customer_id, kind, due_on`);
  const created = res.rows as Array<{ id: string; customer_id: string; kind: string; due_on: string }>;
  for (let i = 0; i < created.length; i += 1000) {
    await emitEvents(ctx, created.slice(i, i + 1000).map((t) => ({
      type: 'customer.task_created' as const,
      data: { taskId: t.id, customerId: t.customer_id, kind: t.kind, dueOn: String(t.due_on).slice(0, 10) },
    })));
  }
  return { created: created.length };
}
