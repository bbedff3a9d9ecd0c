import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { convertExact } from '../domain/fx-rates';
import { fromMinor } from '../domain/money';
import type { ApprovalVerdict, PoApprovalRule } from '../purchasing/approval-rules';
import type { PurchaseOrder } from '../purchasing/purchase-orders';
import { listBudgets, type BudgetScope, type CommitmentSource } from './budgets';
import { loadRateBook } from './fx-rates';

/**
 * Budgets and purchase orders. A PO buys stock, which the ledger books to inventory when the bill
 * comes; so a budget on the inventory account (by code, the `inventory` role, or every `asset`)
 * covers POs. Until billed, an approved PO is committed spend in the month it was raised (UTC), at
 * its PO prices: what is not billed yet (a closed PO: what was received and not billed). The
 * approval rule asks a person to approve a PO that would take such a budget past 100 %.
 */

async function inventoryCode(ctx: Ctx): Promise<string | null> {
  const r = await q(ctx).execute(sql`select code from ledger_accounts where role = 'inventory' and connection_id is null limit 1`);
  return (r.rows[0] as { code: string } | undefined)?.code ?? null;
}

async function coversPurchases(ctx: Ctx, scope: BudgetScope): Promise<boolean> {
  if (scope.kind === 'role') return scope.value === 'inventory';
  if (scope.kind === 'kind') return scope.value === 'asset';
  return scope.value === (await inventoryCode(ctx));
}

const lastDay = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
};

/** The rate day for a month's conversions: its last day, or today while the month is running. */
function rateDay(ctx: Ctx, month: string): string {
  const today = ctx.now().toISOString().slice(0, 10);
  const end = lastDay(month);
  return today < end ? today : end;
}

/** Unbilled open PO amounts raised in `month`, per PO (document currency). */
async function openPoAmounts(ctx: Ctx, month: string, exceptId?: string): Promise<Array<{ id: string; currency: string; open: number }>> {
  const res = await q(ctx).execute(sql`
    select p.id, p.currency,
      sum(greatest((case when p.status = 'closed' then l.accepted_quantity else l.quantity end) - coalesce(x.billed, 0), 0) * l.unit_cost_minor)::bigint as open
    from purchase_orders p join purchase_order_lines l on l.purchase_order_id = p.id
    left join lateral (select sum(bl.quantity) as billed from bill_lines bl join bills b on b.id = bl.bill_id
                       where bl.po_line_id = l.id and b.status not in ('draft', 'void')) x on true
    where p.status in ('approved', 'sent', 'partially_received', 'received', 'closed')
      and p.created_at >= ${`${month}-01`}::timestamptz and p.created_at < ${nextMonth(month)}::timestamptz
      ${exceptId ? sql`and p.id <> ${exceptId}` : sql``}
    group by p.id, p.currency`);
  return (res.rows as Array<Record<string, unknown>>).map((r) => ({ id: String(r.id), currency: String(r.currency), open: Number(r.open) })).filter((r) => r.open > 0);
}

/** Budgets' commitment source: open POs of the month in the budget's currency (a PO whose rate is missing is left out). */
export const openPurchaseOrderCommitments: CommitmentSource = async (ctx, { scope, month, currency }) => {
  if (!(await coversPurchases(ctx, scope))) return 0;
  const pos = await openPoAmounts(ctx, month);
  if (pos.length === 0) return 0;
  const day = rateDay(ctx, month);
  const rates = pos.some((p) => p.currency !== currency) ? await loadRateBook(ctx, day) : null;
  let total = 0;
  for (const p of pos) {
    if (p.currency === currency) total += p.open;
    else {
      const rate = rates!.rate(p.currency, currency, day);
      if (rate) total += convertExact(p.open, p.currency, currency, rate);
      else ctx.log.warn({ purchaseOrderId: p.id, from: p.currency, to: currency, day }, 'budget commitments: no rate, PO left out');
    }
  }
  return total;
};

/**
 * Approval rule: a draft PO that would take a purchases budget of its month past 100 % (actual +
 * committed open POs + this PO) needs a person's approval; the reason names the budget and figures.
 * No budget covering purchases that month: no opinion.
 */
export const budgetApprovalRule: PoApprovalRule = {
  name: 'budget',
  async evaluate(ctx: Ctx, po: PurchaseOrder): Promise<ApprovalVerdict | null> {
    const month = po.createdAt.slice(0, 7);
    const { items } = await listBudgets(ctx, { month });
    const relevant = [];
    for (const b of items) if (b.budgetMinor && (await coversPurchases(ctx, b.scope))) relevant.push(b);
    if (relevant.length === 0) return null;
    const day = rateDay(ctx, month);
    const rates = await loadRateBook(ctx, day);
    const over: string[] = [];
    const within: string[] = [];
    for (const b of relevant) {
      const cur = b.currency;
      const rate = rates.rate(po.currency, cur, day);
      if (!rate) {
        over.push(`budget "${b.name}" for ${month}: no ${po.currency}/${cur} rate on ${day} to weigh this PO against it`);
        continue;
      }
      const thisPo = convertExact(po.totalMinor, po.currency, cur, rate);
      const used = b.actualMinor + b.committedMinor + thisPo;
      const budget = b.budgetMinor!;
      const pct = Math.floor((used * 10_000) / budget) / 100;
      const figures = `actual ${fromMinor(b.actualMinor, cur)} + committed ${fromMinor(b.committedMinor, cur)} + this PO ${fromMinor(thisPo, cur)} = ${fromMinor(used, cur)} ${cur}`;
      if (used > budget) over.push(`budget "${b.name}" for ${month}: ${figures} exceeds ${fromMinor(budget, cur)} ${cur} (${pct} %)`);
      else within.push(`budget "${b.name}" for ${month}: ${figures} is within ${fromMinor(budget, cur)} ${cur} (${pct} %)`);
    }
    return over.length
      ? { rule: 'budget', required: true, reason: over.join('; ') }
      : { rule: 'budget', required: false, reason: within.join('; ') };
  },
};
