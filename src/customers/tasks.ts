import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { emitEvents } from '../outbound/emit-event';
import { assertActive, parseInput } from './manage-customer';

export const taskKinds = ['no_order', 'birthday', 'follow_up', 'manual', 'overdue_invoice'] as const;

export const TaskInput = z.object({
  title: z.string().trim().min(1).max(500),
  dueOn: z.string().date(),
  assignee: z.string().max(200).optional(),
});

export const ListTasksQuery = z.object({
  status: z.enum(['open', 'done', 'all']).default('open'),
  kind: z.enum(taskKinds).optional(),
  customerId: z.string().uuid().optional(),
  /** Only tasks due on or before this day (e.g. today: what is due now). */
  dueBefore: z.string().date().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export interface Task {
  id: string;
  customerId: string;
  customerName: string | null;
  kind: string;
  title: string;
  dueOn: string;
  status: string;
  assignee: string | null;
  createdBy: string | null;
  completedAt: string | null;
  completedBy: string | null;
  createdAt: string;
}

const day = (v: unknown) => (typeof v === 'string' ? v.slice(0, 10) : (v as Date).toISOString().slice(0, 10));
const toTask = (r: Record<string, any>): Task => ({
  id: r.id, customerId: r.customer_id, customerName: r.customer_name ?? null, kind: r.kind, title: r.title, dueOn: day(r.due_on),
  status: r.status, assignee: r.assignee, createdBy: r.created_by,
  completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null, completedBy: r.completed_by,
  createdAt: new Date(r.created_at).toISOString(),
});

/** A manual follow-up task for one customer (published as `customer.task_created`). */
export async function createTask(ctx: Ctx, customerId: string, input: unknown): Promise<Task> {
  const p = parseInput(TaskInput, input);
  await assertActive(ctx, customerId);
  const res = await q(ctx).execute(sql`insert into customer_tasks (customer_id, kind, title, due_on, assignee, created_by)
    values (${customerId}, 'manual', ${p.title}, ${p.dueOn}::date, ${p.assignee ?? null}, ${ctx.actor ?? null}) returning *`);
  const t = toTask(res.rows[0] as Record<string, any>);
  await emitEvents(ctx, [{ type: 'customer.task_created', data: { taskId: t.id, customerId, kind: t.kind, dueOn: t.dueOn } }]);
  return t;
}

/** Tasks for the team, soonest due first (keyset on due date and id). */
export async function listTasks(ctx: Ctx, input: unknown): Promise<{ items: Task[]; nextCursor: string | null }> {
  const p = parseInput(ListTasksQuery, input);
  const where: SQL[] = [];
  if (p.status !== 'all') where.push(sql`t.status = ${p.status}`);
  if (p.kind) where.push(sql`t.kind = ${p.kind}`);
  if (p.customerId) where.push(sql`t.customer_id = ${p.customerId}`);
  if (p.dueBefore) where.push(sql`t.due_on <= ${p.dueBefore}::date`);
  if (p.cursor) {
    const [due, id] = Buffer.from(p.cursor, 'base64url').toString('utf8').split('|');
    if (!due || !id || !z.string().date().safeParse(due).success || !z.string().uuid().safeParse(id).success) {
      throw new ValidationError([{ path: 'cursor', message: 'not a cursor returned by this API' }]);
    }
    where.push(sql`(t.due_on, t.id) > (${due}::date, ${id}::uuid)`);
  }
  const res = await q(ctx).execute(sql`select t.*, c.name as customer_name from customer_tasks t join customers c on c.id = t.customer_id
    ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    order by t.due_on, t.id limit ${p.limit + 1}`);
  const rows = (res.rows as Array<Record<string, any>>).map(toTask);
  const last = rows[p.limit - 1];
  return { items: rows.slice(0, p.limit), nextCursor: rows.length > p.limit && last ? Buffer.from(`${last.dueOn}|${last.id}`).toString('base64url') : null };
}

/** Marks a task done; guarded on `open`, so completing twice is a 409, not a second completion. */
export async function completeTask(ctx: Ctx, id: string): Promise<Task> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('Task', id);
  const res = await q(ctx).execute(sql`update customer_tasks set status = 'done', completed_at = now(), completed_by = ${ctx.actor ?? null}
    where id = ${id} and status = 'open' returning *`);
  const row = res.rows[0] as Record<string, any> | undefined;
  if (row) return toTask(row);
  const exists = await q(ctx).execute(sql`select 1 from customer_tasks where id = ${id}`);
  if (exists.rows.length === 0) throw new NotFoundError('Task', id);
  throw new ConflictError('task_done', `Task ${id} is already done.`);
}

/**
 * A task another module raises for a customer (e.g. an overdue invoice), once per `dedupeKey`: the
 * unique index decides, so a rerun or a concurrent run creates nothing. Returns the new task, or
 * null when the key was already used. Publishes `customer.task_created` for a new one.
 */
export async function createSystemTask(ctx: Ctx, input: { customerId: string; kind: (typeof taskKinds)[number]; title: string; dueOn: string; dedupeKey: string }): Promise<Task | null> {
  const res = await q(ctx).execute(sql`insert into customer_tasks (customer_id, kind, title, due_on, dedupe_key, created_by)
    values (${input.customerId}, ${input.kind}, ${input.title}, ${input.dueOn}::date, ${input.dedupeKey}, 'system')
    on conflict (dedupe_key) do nothing returning *`);
  const row = res.rows[0] as Record<string, any> | undefined;
  if (!row) return null;
  const t = toTask(row);
  await emitEvents(ctx, [{ type: 'customer.task_created', data: { taskId: t.id, customerId: t.customerId, kind: t.kind, dueOn: t.dueOn } }]);
  return t;
}
