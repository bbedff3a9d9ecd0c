import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { addDays, daysBetween } from '../domain/receivables';
import { balanceSheet, cashFlow, profitAndLoss, type Amounts, type LedgerAgg, type StatementRow } from '../domain/statements';
import { fromMinor } from '../domain/money';
import { ValidationError, zodFieldErrors } from '../errors';
import { getCompanySettings } from './company-settings';
import { loadRateBook } from './fx-rates';
import { csvCell } from '../exports/csv';
import { CalendarDay } from '../domain/calendar-day';

const Day = CalendarDay;
const Currency = z.string().regex(/^[A-Z]{3}$/);

export const PeriodQuery = z.object({ from: Day, to: Day, currency: Currency.optional() })
  .refine((p) => p.from <= p.to, { message: 'must not be before from', path: ['to'] })
  .refine((p) => daysBetween(p.from, p.to) <= 3660, { message: 'at most ten years', path: ['to'] });
export const AtQuery = z.object({ at: Day, compareAt: Day.optional(), currency: Currency.optional() });

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  return r.data;
}

const toAgg = (r: Record<string, unknown>): LedgerAgg => ({
  role: String(r.role), kind: String(r.kind), code: String(r.code), name: String(r.name), currency: String(r.currency),
  date: String(r.date), channel: (r.channel as string | null) ?? null, debitMinor: Number(r.dr), creditMinor: Number(r.cr),
});

/** Income and expense lines of a period, per account, currency, day and channel. */
async function periodAggs(ctx: Ctx, from: string, to: string): Promise<LedgerAgg[]> {
  const res = await q(ctx).execute(sql`
    select a.role, a.kind, a.code, a.name, l.currency, e.entry_date as date, coalesce(e.channel, c.type) as channel,
           sum(l.debit_minor)::bigint as dr, sum(l.credit_minor)::bigint as cr
    from journal_lines l join journal_entries e on e.id = l.entry_id join ledger_accounts a on a.id = l.account_id
    left join payouts p on p.id = e.payout_id left join connections c on c.id = p.connection_id
    where e.entry_date >= ${from} and e.entry_date <= ${to} and a.kind in ('income', 'expense')
    group by 1, 2, 3, 4, 5, 6, 7`);
  return (res.rows as Record<string, unknown>[]).map(toAgg);
}

/** Every account's balance per currency at the end of `at`. */
async function balancesAt(ctx: Ctx, at: string, roles?: string[]): Promise<LedgerAgg[]> {
  const res = await q(ctx).execute(sql`
    select a.role, a.kind, a.code, a.name, l.currency, ${at}::text as date, null::text as channel,
           sum(l.debit_minor)::bigint as dr, sum(l.credit_minor)::bigint as cr
    from journal_lines l join journal_entries e on e.id = l.entry_id join ledger_accounts a on a.id = l.account_id
    where e.entry_date <= ${at} ${roles ? sql`and a.role in (select jsonb_array_elements_text(${JSON.stringify(roles)}::jsonb))` : sql``}
    group by 1, 2, 3, 4, 5`);
  return (res.rows as Record<string, unknown>[]).map(toAgg);
}

/**
 * The period just before this one: as many whole months when the period is whole months (a year
 * compares with the previous year, a quarter with the previous quarter), else as many days.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  const lastOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  if (from.endsWith('-01') && to === lastOfMonth(ty, tm)) {
    const months = (ty - fy) * 12 + (tm - fm) + 1;
    const start = new Date(Date.UTC(fy, fm - 1 - months, 1)).toISOString().slice(0, 10);
    return { from: start, to: addDays(from, -1) };
  }
  const days = daysBetween(from, to);
  const prevTo = addDays(from, -1);
  return { from: addDays(prevTo, -days), to: prevTo };
}

async function functional(ctx: Ctx, wanted?: string): Promise<string> {
  return wanted ?? (await getCompanySettings(ctx)).functionalCurrency;
}

/** Profit and loss for a period, with the previous period of the same length beside it. */
export async function getProfitAndLoss(ctx: Ctx, query: unknown) {
  const p = parse(PeriodQuery, query);
  const cur = await functional(ctx, p.currency);
  const prev = previousPeriod(p.from, p.to);
  const rates = await loadRateBook(ctx, p.to);
  const [now, before] = await Promise.all([periodAggs(ctx, p.from, p.to), periodAggs(ctx, prev.from, prev.to)]);
  return { from: p.from, to: p.to, functionalCurrency: cur, current: profitAndLoss(now, rates, cur), previous: { ...prev, ...profitAndLoss(before, rates, cur) } };
}

/** Last day of the month before `at`'s month: the default comparison date. */
export function priorMonthEnd(at: string): string {
  return addDays(`${at.slice(0, 7)}-01`, -1);
}

export async function getBalanceSheet(ctx: Ctx, query: unknown) {
  const p = parse(AtQuery, query);
  const cur = await functional(ctx, p.currency);
  const compareAt = p.compareAt ?? priorMonthEnd(p.at);
  const rates = await loadRateBook(ctx, p.at > compareAt ? p.at : compareAt);
  const [now, before] = await Promise.all([balancesAt(ctx, p.at), balancesAt(ctx, compareAt)]);
  return { at: p.at, functionalCurrency: cur, current: balanceSheet(now, rates, cur, p.at), previous: balanceSheet(before, rates, cur, compareAt) };
}

async function cashInputs(ctx: Ctx, from: string, to: string) {
  const opening = await balancesAt(ctx, addDays(from, -1), ['bank']);
  const res = await q(ctx).execute(sql`
    with cash as (
      select distinct l.entry_id from journal_lines l join ledger_accounts a on a.id = l.account_id join journal_entries e on e.id = l.entry_id
      where a.role = 'bank' and e.entry_date >= ${from} and e.entry_date <= ${to})
    select a.role, a.kind, a.code, a.name, l.currency, e.entry_date as date, null::text as channel,
           sum(l.debit_minor)::bigint as dr, sum(l.credit_minor)::bigint as cr
    from cash join journal_lines l on l.entry_id = cash.entry_id join journal_entries e on e.id = l.entry_id join ledger_accounts a on a.id = l.account_id
    where a.role <> 'bank'
    group by 1, 2, 3, 4, 5, 6`);
  return { from, to, opening, counter: (res.rows as Record<string, unknown>[]).map(toAgg) };
}

export async function getCashFlow(ctx: Ctx, query: unknown) {
  const p = parse(PeriodQuery, query);
  const cur = await functional(ctx, p.currency);
  const prev = previousPeriod(p.from, p.to);
  const rates = await loadRateBook(ctx, p.to);
  const [now, before] = await Promise.all([cashInputs(ctx, p.from, p.to), cashInputs(ctx, prev.from, prev.to)]);
  return { from: p.from, to: p.to, functionalCurrency: cur, current: cashFlow(now, rates, cur), previous: { ...prev, ...cashFlow(before, rates, cur) } };
}

/**
 * A statement as CSV (UTF-8 with a BOM, so spreadsheet programs read accents and CJK right): one row
 * per line and total, a column per currency as booked, the functional amount and the comparison.
 */
export function statementCsv(
  current: { rows: StatementRow[]; totals: Record<string, Amounts> },
  previous: { rows: StatementRow[]; totals: Record<string, Amounts> },
  functionalCurrency: string,
): string {
  const currencies = [...new Set([...current.rows, ...Object.values(current.totals).map((a) => ({ amounts: a }))].flatMap((r) => Object.keys(r.amounts.byCurrency)))].sort();
  const prevOf = new Map(previous.rows.map((r) => [`${r.section}|${r.key}`, r.amounts.functionalMinor]));
  const header = ['section', 'key', 'label', ...currencies, `total_${functionalCurrency}`, `previous_${functionalCurrency}`];
  const line = (section: string, key: string, label: string, a: Amounts, prev: number | undefined) => [
    section, key, label, ...currencies.map((c) => (a.byCurrency[c] === undefined ? '' : fromMinor(a.byCurrency[c]!, c))),
    fromMinor(a.functionalMinor, functionalCurrency), fromMinor(prev ?? 0, functionalCurrency),
  ];
  const rows = [header,
    ...current.rows.map((r) => line(r.section, r.key, r.label, r.amounts, prevOf.get(`${r.section}|${r.key}`))),
    ...Object.entries(current.totals).map(([k, a]) => line('total', k, k, a, previous.totals[k]?.functionalMinor)),
  ];
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
