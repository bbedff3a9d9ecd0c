import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q, withTransaction } from '../db/transaction';
import { convertExact } from '../domain/fx-rates';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { emitEvents } from '../outbound/emit-event';
import { loadRateBook } from './fx-rates';

/**
 * Budgets per account (or every account of a role or kind) per month, compared with actual ledger
 * postings plus commitments (open purchase orders, once purchasing registers a source). Each
 * threshold (80 %, 100 % by default) alerts exactly once per budget and month: the unique index on
 * budget_alerts decides, so concurrent checks cannot both fire.
 */

export interface BudgetScope { kind: 'account' | 'role' | 'kind'; value: string }
/** What is committed but not yet in the ledger for a scope and month, in the budget's currency (minor units). */
export type CommitmentSource = (ctx: Ctx, q: { scope: BudgetScope; month: string; currency: string }) => Promise<number>;
const commitmentSources: CommitmentSource[] = [];
/** Purchasing registers open POs here; budgets add what every source reports. */
export function registerCommitmentSource(source: CommitmentSource): () => void {
  // Once per source: every openHub registers the same one, and counting it twice would double commitments.
  if (!commitmentSources.includes(source)) commitmentSources.push(source);
  return () => {
    const i = commitmentSources.indexOf(source);
    if (i >= 0) commitmentSources.splice(i, 1);
  };
}

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const Scope = z.object({ kind: z.enum(['account', 'role', 'kind']), value: z.string().trim().min(1).max(100) });

export const CreateBudgetInput = z.object({
  name: z.string().trim().min(1).max(200),
  scope: Scope,
  currency: z.string().regex(/^[A-Z]{3}$/),
  thresholds: z.array(z.number().int().min(1).max(1000)).min(1).max(10).default([80, 100]),
  periods: z.array(z.object({ month: Month, amountMinor: z.number().int().positive().refine(Number.isSafeInteger, 'too large') })).max(120).default([]),
});
export const SetPeriodsInput = CreateBudgetInput.shape.periods.unwrap().min(1);

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  return r.data;
}

export async function createBudget(ctx: Ctx, input: unknown) {
  const d = parse(CreateBudgetInput, input);
  if (d.scope.kind === 'account') {
    const a = await q(ctx).execute(sql`select 1 from ledger_accounts where code = ${d.scope.value}`);
    if (!a.rows[0]) throw new ValidationError([{ path: 'scope.value', message: `no account with code ${d.scope.value}` }]);
  }
  const id = await withTransaction(ctx, async (tx) => {
    const ins = await tx.execute(sql`
      insert into budgets (name, scope_kind, scope_value, currency, thresholds)
      values (${d.name}, ${d.scope.kind}, ${d.scope.value}, ${d.currency}, ${`{${[...new Set(d.thresholds)].sort((a, b) => a - b).join(',')}}`}::int[])
      on conflict (name) do nothing returning id`);
    const row = ins.rows[0] as { id: string } | undefined;
    if (!row) throw new ConflictError('budget_exists', `A budget named ${d.name} exists.`);
    await upsertPeriods(tx, String(row.id), d.periods);
    return String(row.id);
  });
  return getBudget(ctx, id);
}

async function upsertPeriods(tx: Ctx['db'], budgetId: string, periods: Array<{ month: string; amountMinor: number }>) {
  if (!periods.length) return;
  await tx.execute(sql`
    insert into budget_periods (budget_id, month, amount_minor)
    select ${budgetId}::uuid, (p.month || '-01')::date, p.amount from jsonb_to_recordset(${JSON.stringify(periods.map((p) => ({ month: p.month, amount: p.amountMinor })))}::jsonb) as p(month text, amount bigint)
    on conflict (budget_id, month) do update set amount_minor = excluded.amount_minor, updated_at = now()`);
}

/** Sets the amounts of some months (others stay). Raising an amount does not re-arm alerts already fired that month. */
export async function setBudgetPeriods(ctx: Ctx, id: string, input: unknown) {
  const periods = parse(SetPeriodsInput, input);
  await getBudget(ctx, id);
  await withTransaction(ctx, (tx) => upsertPeriods(tx, id, periods));
  return getBudget(ctx, id);
}

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Ledger postings on the budget's accounts in a month, in the budget's currency (debit-natural for costs). */
async function actualFor(ctx: Ctx, scope: BudgetScope, month: string, currency: string): Promise<{ actualMinor: number; missingRates: string[] }> {
  const filter = scope.kind === 'account' ? sql`a.code = ${scope.value}` : scope.kind === 'role' ? sql`a.role = ${scope.value}` : sql`a.kind = ${scope.value}`;
  const res = await q(ctx).execute(sql`
    select a.kind, l.currency, e.entry_date as date, sum(l.debit_minor)::bigint as dr, sum(l.credit_minor)::bigint as cr
    from journal_lines l join journal_entries e on e.id = l.entry_id join ledger_accounts a on a.id = l.account_id
    where ${filter} and e.entry_date >= ${`${month}-01`} and e.entry_date <= ${lastDay(month)}
    group by 1, 2, 3`);
  const rows = res.rows as Array<{ kind: string; currency: string; date: string; dr: number; cr: number }>;
  const rates = rows.some((r) => r.currency !== currency) ? await loadRateBook(ctx, lastDay(month)) : null;
  let actual = 0;
  const missing = new Set<string>();
  for (const r of rows) {
    const signed = ['expense', 'asset'].includes(r.kind) ? Number(r.dr) - Number(r.cr) : Number(r.cr) - Number(r.dr);
    if (r.currency === currency) actual += signed;
    else {
      const rate = rates!.rate(r.currency, currency, String(r.date));
      if (rate) actual += convertExact(signed, r.currency, currency, rate);
      else missing.add(r.currency);
    }
  }
  return { actualMinor: actual, missingRates: [...missing] };
}

async function committedFor(ctx: Ctx, scope: BudgetScope, month: string, currency: string): Promise<number> {
  let total = 0;
  for (const s of commitmentSources) total += await s(ctx, { scope, month, currency });
  return total;
}

const presentBudget = (r: Record<string, unknown>) => ({
  id: String(r.id), name: String(r.name), scope: { kind: String(r.scope_kind), value: String(r.scope_value) } as BudgetScope,
  currency: String(r.currency), thresholds: (r.thresholds as number[]).map(Number),
});

export async function getBudget(ctx: Ctx, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('budget', id);
  const res = await q(ctx).execute(sql`select * from budgets where id = ${id}`);
  if (!res.rows[0]) throw new NotFoundError('budget', id);
  const periods = await q(ctx).execute(sql`select to_char(month, 'YYYY-MM') as month, amount_minor from budget_periods where budget_id = ${id} order by month`);
  const alerts = await q(ctx).execute(sql`select to_char(month, 'YYYY-MM') as month, threshold, actual_minor, committed_minor, budget_minor, fired_at from budget_alerts where budget_id = ${id} order by month, threshold`);
  return {
    ...presentBudget(res.rows[0] as Record<string, unknown>),
    periods: (periods.rows as Array<{ month: string; amount_minor: number }>).map((p) => ({ month: p.month, amountMinor: Number(p.amount_minor) })),
    alerts: (alerts.rows as Array<Record<string, unknown>>).map(presentAlert),
  };
}

const presentAlert = (a: Record<string, unknown>) => ({
  month: String(a.month), threshold: Number(a.threshold), actualMinor: Number(a.actual_minor), committedMinor: Number(a.committed_minor),
  budgetMinor: Number(a.budget_minor), firedAt: new Date(String(a.fired_at)).toISOString(),
  ...(a.name ? { budgetId: String(a.budget_id), budgetName: String(a.name), currency: String(a.currency) } : {}),
});

export const ListBudgetsQuery = z.object({ month: Month.optional() });

/** Every budget with its figures for a month (default: this month): budget, actual, committed, used %, alerts fired. */
export async function listBudgets(ctx: Ctx, query: unknown) {
  const f = parse(ListBudgetsQuery, query);
  const month = f.month ?? ctx.now().toISOString().slice(0, 7);
  const res = await q(ctx).execute(sql`
    select b.*, bp.amount_minor from budgets b left join budget_periods bp on bp.budget_id = b.id and bp.month = ${`${month}-01`}::date order by b.name`);
  const items = [];
  for (const r of res.rows as Array<Record<string, unknown>>) {
    const b = presentBudget(r);
    const budgetMinor = r.amount_minor === null ? null : Number(r.amount_minor);
    const { actualMinor, missingRates } = await actualFor(ctx, b.scope, month, b.currency);
    const committedMinor = await committedFor(ctx, b.scope, month, b.currency);
    const fired = await q(ctx).execute(sql`select threshold from budget_alerts where budget_id = ${b.id} and month = ${`${month}-01`}::date order by threshold`);
    items.push({
      ...b, month, budgetMinor, actualMinor, committedMinor,
      usedPercent: budgetMinor ? Math.floor(((actualMinor + committedMinor) * 10_000) / budgetMinor) / 100 : null,
      alertsFired: (fired.rows as Array<{ threshold: number }>).map((x) => Number(x.threshold)), missingRates,
    });
  }
  return { month, items };
}

export async function listBudgetAlerts(ctx: Ctx, query: unknown) {
  const f = parse(z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }), query);
  const res = await q(ctx).execute(sql`
    select a.*, to_char(a.month, 'YYYY-MM') as month, b.name, b.currency from budget_alerts a join budgets b on b.id = a.budget_id
    order by a.fired_at desc, a.threshold desc limit ${f.limit}`);
  return { items: (res.rows as Array<Record<string, unknown>>).map(presentAlert) };
}

/**
 * Checks every budget of a month and fires each threshold crossed, once: the insert into
 * budget_alerts is the guard (ON CONFLICT DO NOTHING on (budget, month, threshold)); only the run
 * whose insert returned a row publishes the webhook event.
 */
export async function checkBudgets(ctx: Ctx, input: { month?: string } = {}): Promise<{ month: string; fired: Array<{ budgetId: string; threshold: number }> }> {
  const month = input.month ?? ctx.now().toISOString().slice(0, 7);
  const { items } = await listBudgets(ctx, { month });
  const fired: Array<{ budgetId: string; threshold: number }> = [];
  const events: Array<{ type: 'budget.threshold_reached'; data: Record<string, unknown> }> = [];
  for (const b of items) {
    if (!b.budgetMinor) continue;
    const used = b.actualMinor + b.committedMinor;
    for (const t of b.thresholds) {
      if (used * 100 < t * b.budgetMinor) continue;
      const ins = await q(ctx).execute(sql`
        insert into budget_alerts (budget_id, month, threshold, actual_minor, committed_minor, budget_minor)
        values (${b.id}, ${`${month}-01`}::date, ${t}, ${b.actualMinor}, ${b.committedMinor}, ${b.budgetMinor})
        on conflict (budget_id, month, threshold) do nothing returning id`);
      if (!ins.rows[0]) continue;
      fired.push({ budgetId: b.id, threshold: t });
      events.push({ type: 'budget.threshold_reached', data: { budgetId: b.id, name: b.name, month, threshold: t, budgetMinor: b.budgetMinor, actualMinor: b.actualMinor, committedMinor: b.committedMinor, currency: b.currency } });
    }
  }
  await emitEvents(ctx, events);
  return { month, fired };
}
