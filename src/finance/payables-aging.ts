import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { fromMinor } from '../domain/money';
import { dueCalendar } from '../domain/payables';
import { agingBuckets, daysBetween } from '../domain/receivables';
import { toCsv } from '../exports/csv';
import { Currency, Day, parse } from './bills';
import { getCompanySettings } from './company-settings';
import { ageDocuments } from './aging';

export const PayablesAgingQuery = z.object({ at: Day.optional(), currency: Currency.optional() });


/**
 * Aged payables at a date: what each approved bill still owed on that day (payments applied up to
 * it), bucketed by days past due exactly as receivables are: current (not yet due, or due that day),
 * 1–30, 31–60, 61–90, over 90. Per supplier and currency, totals per currency and in the functional
 * currency at that day's rate. Drafts (not approved) and void bills owe nothing.
 */
export async function payablesAging(ctx: Ctx, query: unknown) {
  const p = parse(PayablesAgingQuery, query);
  const at = p.at ?? ctx.now().toISOString().slice(0, 10);
  const functional = p.currency ?? (await getCompanySettings(ctx)).functionalCurrency;
  const res = await q(ctx).execute(sql`
    select b.id, b.number, s.code as supplier_code, s.name as supplier_name, b.currency, b.due_date::text as due_date,
      b.total_minor - coalesce((select sum(a.amount_minor) from supplier_payment_applications a where a.bill_id = b.id and a.applied_date <= ${at}::date), 0) as open_minor
    from bills b join suppliers s on s.id = b.supplier_id
    where b.issue_date <= ${at}::date and b.status not in ('draft', 'void')
    order by s.code, b.due_date, b.number`);
  const aged = await ageDocuments(ctx, (res.rows as Array<Record<string, unknown>>).map((row) => ({
    id: String(row.id), number: String(row.number), party: String(row.supplier_code), partyName: String(row.supplier_name),
    currency: String(row.currency), dueDate: String(row.due_date), openMinor: Number(row.open_minor),
  })), at, functional);
  return {
    at, functionalCurrency: functional, buckets: agingBuckets,
    suppliers: aged.parties.map((s) => ({ supplierCode: s.party, supplierName: s.partyName ?? s.party, currency: s.currency, buckets: s.buckets, totalMinor: s.totalMinor, bills: s.documents })),
    totals: aged.totals,
    functionalTotals: aged.functionalTotals, missingRates: aged.missingRates,
  };
}

/** The aging as CSV: one row per supplier and currency, decimal amounts, a total row per currency. */
export function payablesAgingCsv(r: Awaited<ReturnType<typeof payablesAging>>): string {
  const money = (m: number, c: string) => fromMinor(m, c);
  return toCsv(['supplier', 'name', 'currency', ...r.buckets, 'total'], [
    ...r.suppliers.map((s) => [s.supplierCode, s.supplierName, s.currency, ...r.buckets.map((b) => money(s.buckets[b], s.currency)), money(s.totalMinor, s.currency)]),
    ...Object.entries(r.totals).map(([cur, t]) => ['total', '', cur, ...r.buckets.map((b) => money(t[b], cur)), money(r.buckets.reduce((x, b) => x + t[b], 0), cur)]),
  ]);
}

export const CalendarQuery = z.object({
  at: Day.optional(),
  weeks: z.coerce.number().int().min(1).max(26).default(8),
});

/**
 * The due-date calendar as of a date: unpaid bills (open or partly paid) grouped overdue first, then
 * by due week (Monday to Sunday) for the next weeks, then later; what each group asks per currency.
 */
export async function payablesCalendar(ctx: Ctx, query: unknown) {
  const p = parse(CalendarQuery, query);
  const at = p.at ?? ctx.now().toISOString().slice(0, 10);
  const res = await q(ctx).execute(sql`
    select b.id, b.number, s.code as supplier_code, s.name as supplier_name, b.currency, b.due_date::text as due_date,
      b.total_minor - b.paid_minor as open_minor, b.status, b.match_status
    from bills b join suppliers s on s.id = b.supplier_id
    where b.status in ('open', 'partially_paid')`);
  const items = (res.rows as Array<Record<string, unknown>>).map((r) => ({
    id: String(r.id), number: String(r.number), supplierCode: String(r.supplier_code), supplierName: String(r.supplier_name),
    currency: String(r.currency), dueDate: String(r.due_date), openMinor: Number(r.open_minor), status: String(r.status),
    matchStatus: String(r.match_status), daysPastDue: Math.max(0, daysBetween(String(r.due_date), at)),
  }));
  const groups = dueCalendar(items, at, p.weeks).map((g) => {
    const totals: Record<string, number> = {};
    for (const b of g.items) totals[b.currency] = (totals[b.currency] ?? 0) + b.openMinor;
    return { kind: g.kind, from: g.from, to: g.to, totals, bills: g.items };
  });
  return { at, weeks: p.weeks, groups };
}

export function payablesCalendarCsv(r: Awaited<ReturnType<typeof payablesCalendar>>): string {
  return toCsv(['group', 'week_from', 'week_to', 'due_date', 'supplier', 'bill', 'currency', 'outstanding', 'days_past_due'],
    r.groups.flatMap((g) => g.bills.map((b) => [g.kind, g.from, g.to, b.dueDate, b.supplierCode, b.number, b.currency, fromMinor(b.openMinor, b.currency), b.daysPastDue])));
}

export function billsCsv(items: Array<{ number: string; supplierCode: string | null; purchaseOrderNumber: string | null; issueDate: string; dueDate: string; currency: string; totalMinor: number; paidMinor: number; outstandingMinor: number; status: string; matchStatus: string; flags: string[] }>): string {
  return toCsv(['bill', 'supplier', 'purchase_order', 'issue_date', 'due_date', 'currency', 'total', 'paid', 'outstanding', 'status', 'match', 'flags'],
    items.map((b) => [b.number, b.supplierCode, b.purchaseOrderNumber, b.issueDate, b.dueDate, b.currency, fromMinor(b.totalMinor, b.currency),
      fromMinor(b.paidMinor, b.currency), fromMinor(b.outstandingMinor, b.currency), b.status, b.matchStatus, b.flags.join(' ')]));
}

export function supplierPaymentsCsv(items: Array<{ reference: string; supplierCode: string | null; paidDate: string; currency: string; amountMinor: number; functionalCurrency: string; functionalAmountMinor: number; fxMinor: number; applications: Array<{ billNumber: string; amountMinor: number }> }>): string {
  return toCsv(['reference', 'supplier', 'paid_date', 'currency', 'amount', 'functional_currency', 'functional_amount', 'realised_fx', 'bills'],
    items.map((p) => [p.reference, p.supplierCode, p.paidDate, p.currency, fromMinor(p.amountMinor, p.currency), p.functionalCurrency,
      fromMinor(p.functionalAmountMinor, p.functionalCurrency), fromMinor(p.fxMinor, p.functionalCurrency),
      p.applications.map((a) => `${a.billNumber}:${fromMinor(a.amountMinor, p.currency)}`).join(' ')]));
}
