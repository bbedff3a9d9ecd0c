import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { customerForParty } from '../customers/party-customer';
import { createSystemTask } from '../customers/tasks';
import { fromMinor } from '../domain/money';
import { daysBetween } from '../domain/receivables';
import { emitEvents } from '../outbound/emit-event';
import { Day, parse } from './bills';

/** Days overdue at which a reminder task is raised, once each. */
export const reminderSteps = [1, 15, 30] as const;

/** The reminder step an invoice `days` overdue has reached (the highest at or below), or null when not overdue. */
export function reminderStep(days: number): (typeof reminderSteps)[number] | null {
  let step: (typeof reminderSteps)[number] | null = null;
  for (const s of reminderSteps) if (days >= s) step = s;
  return step;
}

export const RunRemindersInput = z.object({ at: Day.optional() });

/**
 * Overdue reminders: for each open invoice past due at `at` (default today), one follow-up task in
 * the customers module at the step it has reached (1, 15, 30 days overdue) and an `invoice.overdue`
 * event. Each (invoice, step) makes one task, ever: the task's dedupe key is the guard, so daily
 * reruns, retries and concurrent runs add nothing. A run that missed days raises only the step
 * reached (an invoice first seen 20 days overdue gets the 15-day reminder, not the 1-day one too).
 */
export async function runOverdueReminders(ctx: Ctx, input: unknown = {}): Promise<{ at: string; created: Array<{ invoiceId: string; number: string; step: number; daysOverdue: number; taskId: string }> }> {
  const d = parse(RunRemindersInput, input);
  const at = d.at ?? ctx.now().toISOString().slice(0, 10);
  const res = await q(ctx).execute(sql`
    select i.id, i.number, i.order_id, i.customer_id, i.customer_ref, i.customer_name, i.currency, i.due_date::text as due_date,
      i.total_minor - i.paid_minor - i.credited_minor as outstanding
    from invoices i where i.status = 'open' and i.due_date < ${at}::date and i.issue_date <= ${at}::date
    order by i.due_date, i.number`);
  const created: Array<{ invoiceId: string; number: string; step: number; daysOverdue: number; taskId: string }> = [];
  const customerOf = new Map<string, string>();
  for (const r of res.rows as Array<Record<string, unknown>>) {
    const days = daysBetween(String(r.due_date), at);
    const step = reminderStep(days);
    if (!step) continue;
    const id = String(r.id);
    const key = `invoice_overdue:${id}:${step}`;
    const seen = await q(ctx).execute(sql`select 1 from customer_tasks where dedupe_key = ${key}`);
    if (seen.rows[0]) continue;
    const ref = String(r.customer_ref);
    let customerId = (r.customer_id as string | null) ?? customerOf.get(ref) ?? null;
    if (!customerId) {
      // Another invoice of the same party may already be linked; else find or create the customer.
      const sibling = await q(ctx).execute(sql`select customer_id from invoices where customer_ref = ${ref} and customer_id is not null limit 1`);
      customerId = (sibling.rows[0] as { customer_id: string } | undefined)?.customer_id ?? await customerForParty(ctx, { ref, name: (r.customer_name as string | null) ?? null, orderId: (r.order_id as string | null) ?? null });
    }
    customerOf.set(ref, customerId);
    if (!r.customer_id) await q(ctx).execute(sql`update invoices set customer_id = ${customerId} where id = ${id} and customer_id is null`);
    const cur = String(r.currency), outstanding = Number(r.outstanding);
    const task = await createSystemTask(ctx, {
      customerId, kind: 'overdue_invoice', dueOn: at, dedupeKey: key,
      title: `Invoice ${String(r.number)} is ${days} days overdue (${fromMinor(outstanding, cur)} ${cur} outstanding)`,
    });
    if (!task) continue;
    created.push({ invoiceId: id, number: String(r.number), step, daysOverdue: days, taskId: task.id });
    await emitEvents(ctx, [{ type: 'invoice.overdue', data: {
      invoiceId: id, number: String(r.number), customerRef: ref, customerId, dueDate: String(r.due_date), daysOverdue: days, step,
      outstandingMinor: outstanding, currency: cur, taskId: task.id,
    } }]);
  }
  return { at, created };
}
