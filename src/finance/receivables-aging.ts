import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { convertExact } from '../domain/fx-rates';
import { agingBucket, agingBuckets, daysBetween, type AgingBucket } from '../domain/receivables';
import { ValidationError, zodFieldErrors } from '../errors';
import { getCompanySettings } from './company-settings';
import { loadRateBook } from './fx-rates';

export const AgingQuery = z.object({
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
});

type Buckets = Record<AgingBucket, number>;
const zero = (): Buckets => ({ current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0 });

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
  const rates = await loadRateBook(ctx, at);
  const customers = new Map<string, { customerRef: string; customerName: string | null; currency: string; buckets: Buckets; totalMinor: number; invoices: unknown[] }>();
  const totals = new Map<string, Buckets>();
  const functionalTotals = zero();
  const missing = new Set<string>();
  for (const row of res.rows as Array<Record<string, unknown>>) {
    const open = Number(row.open_minor);
    if (open <= 0) continue;
    const cur = String(row.currency);
    const days = daysBetween(String(row.due_date), at);
    const bucket = agingBucket(days);
    const k = `${String(row.customer_ref)}|${cur}`;
    const c = customers.get(k) ?? { customerRef: String(row.customer_ref), customerName: (row.customer_name as string | null) ?? null, currency: cur, buckets: zero(), totalMinor: 0, invoices: [] };
    c.buckets[bucket] += open;
    c.totalMinor += open;
    c.invoices.push({ id: String(row.id), number: String(row.number), dueDate: String(row.due_date), daysPastDue: Math.max(0, days), bucket, openMinor: open });
    customers.set(k, c);
    const t = totals.get(cur) ?? zero();
    t[bucket] += open;
    totals.set(cur, t);
    const rate = rates.rate(cur, functional, at);
    if (rate) functionalTotals[bucket] += convertExact(open, cur, functional, rate);
    else missing.add(cur);
  }
  return {
    at, functionalCurrency: functional, buckets: agingBuckets,
    customers: [...customers.values()],
    totals: Object.fromEntries([...totals.entries()].sort()),
    functionalTotals, missingRates: [...missing].map((currency) => ({ currency, date: at })),
  };
}
