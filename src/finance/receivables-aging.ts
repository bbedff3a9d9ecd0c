import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { agingBuckets } from '../domain/receivables';
import { ValidationError, zodFieldErrors } from '../errors';
import { getCompanySettings } from './company-settings';
import { ageDocuments } from './aging';
import { CalendarDay } from '../domain/calendar-day';

export const AgingQuery = z.object({
  at: CalendarDay.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
});


/**
 * Aged receivables at a date: what each invoice still asked on that day (payments applied and credit
 * notes issued up to it), bucketed by days past due: current (not yet due, or due that day), 1–30,
 * 31–60, 61–90, over 90. Per customer and currency, with totals per currency and in the functional
 * currency at that day's rate.
 */
export async function receivablesAging(ctx: Ctx, query: unknown) {
  const r = AgingQuery.safeParse(query);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  const at = r.data.at ?? ctx.now().toISOString().slice(0, 10);
  const functional = r.data.currency ?? (await getCompanySettings(ctx)).functionalCurrency;
  const res = await q(ctx).execute(sql`
    select i.id, i.number, i.customer_ref, i.customer_name, i.currency, i.due_date::text as due_date,
      i.total_minor
        - coalesce((select sum(a.amount_minor) from payment_allocations a where a.invoice_id = i.id and a.applied_date <= ${at}::date), 0)
        - coalesce((select sum(c.amount_minor) from credit_notes c where c.invoice_id = i.id and c.issue_date <= ${at}::date), 0) as open_minor
    from invoices i where i.issue_date <= ${at}::date and i.status <> 'void'
    order by i.customer_ref, i.due_date, i.number`);
  const aged = await ageDocuments(ctx, (res.rows as Array<Record<string, unknown>>).map((row) => ({
    id: String(row.id), number: String(row.number), party: String(row.customer_ref), partyName: (row.customer_name as string | null) ?? null,
    currency: String(row.currency), dueDate: String(row.due_date), openMinor: Number(row.open_minor),
  })), at, functional);
  return {
    at, functionalCurrency: functional, buckets: agingBuckets,
    customers: aged.parties.map((c) => ({ customerRef: c.party, customerName: c.partyName, currency: c.currency, buckets: c.buckets, totalMinor: c.totalMinor, invoices: c.documents })),
    totals: aged.totals,
    functionalTotals: aged.functionalTotals, missingRates: aged.missingRates,
  };
}
