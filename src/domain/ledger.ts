import { convertMinor, invertMinor } from './fx';
import type { LineCategory } from './reconciliation';

/**
 * The double-entry postings for a payout, pure. One summary journal per payout (sales, refunds,
 * fees, chargebacks, adjustments, reserves → clearing) and a deposit journal (clearing → bank), so
 * the payout's clearing balance is Σ net − deposit: zero when the deposit matches.
 */

export const accountRoles = [
  'sales', 'refunds', 'fees', 'chargebacks', 'adjustments', 'reserves', 'clearing', 'bank', 'fx', 'suspense', 'shipping_income', 'tax_payable',
  // Receivables, stock valuation, payables, equity and operating costs (statements, budgets).
  'receivables', 'inventory', 'payables', 'customer_credits', 'opening_equity', 'retained_earnings', 'cogs', 'shrinkage',
  'shipping_expense', 'operating_expenses', 'marketing',
  // Payables: billed price minus PO price (expensed; the inventory stays at the PO cost receipts used).
  'purchase_price_variance',
  // Goods received without a purchase order (a manual receipt): an accrued liability until the supplier's
  // invoice is booked against it with a manual journal (Dr this, Cr payables).
  'received_not_billed',
] as const;
export type AccountRole = (typeof accountRoles)[number];

export interface PostingLine {
  role: AccountRole;
  debitMinor: number;
  creditMinor: number;
  currency: string;
  presentmentMinor?: number | null;
  presentmentCurrency?: string | null;
  memo: string;
}

export interface PostingEntry {
  kind: 'settlement' | 'deposit';
  /** '' for the payout's summary entries; `order:<id>` for an order's own settlement entry (per-order mode). */
  groupKey?: string;
  entryDate: string;
  memo: string;
  lines: PostingLine[];
}

export interface LedgerLine {
  category: LineCategory;
  type: string;
  amountMinor: number;
  feeMinor: number;
  netMinor: number;
  currency: string;
  exchangeRate: string | null;
  /** The matched order's currency and total, when the line settles one. */
  orderCurrency: string | null;
  /** The matched order (id and number), for per-order journals. */
  order?: { id: string; number: string } | null;
}

export interface LedgerInput {
  payout: { externalId: string; amountMinor: number; currency: string; status: string; arrivalDate: string | null; manual: boolean };
  lines: LedgerLine[];
  /**
   * Rates at which sales were booked when the orders were placed (units of the settlement currency
   * per unit of the order currency). The difference to the payout-time rate is FX gain/loss.
   */
  bookedRates: Readonly<Record<string, string>>;
  /**
   * `summary` (default): one settlement entry per payout. `per_order`: each matched order's lines get
   * their own settlement entry (sales, refunds, fees of that order → clearing); lines that settle no
   * order (payout-level fees, adjustments, reserves) stay in the payout's summary entry.
   */
  journalMode?: 'summary' | 'per_order';
}

/** Statuses at which the money has left the processor for the bank. */
export const DEPOSITED = new Set(['paid', 'deposited', 'in_transit', 'succeeded']);

const ROLE_OF: Record<LineCategory, AccountRole> = {
  charge: 'sales', refund: 'refunds', dispute: 'chargebacks', adjustment: 'adjustments', reserve: 'reserves',
  fee: 'fees', transfer: 'adjustments', payout: 'clearing', unknown: 'suspense',
};

/** A posting bucket: one account role, optionally per presentment currency (foreign sales stay apart). */
type Bucket = { role: AccountRole; signed: number; presentment: { minor: number; currency: string } | null };

/** Signed (debit positive) amounts per bucket, folded into one debit or credit line each, in a fixed order. */
function fold(buckets: Map<string, Bucket>, currency: string, memo: (r: AccountRole) => string): PostingLine[] {
  const out: PostingLine[] = [];
  const keys = [...buckets.keys()].sort((a, b) => {
    const ra = accountRoles.indexOf(buckets.get(a)!.role);
    const rb = accountRoles.indexOf(buckets.get(b)!.role);
    return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
  });
  for (const k of keys) {
    const b = buckets.get(k)!;
    if (b.signed === 0) continue;
    out.push({
      role: b.role, debitMinor: b.signed > 0 ? b.signed : 0, creditMinor: b.signed < 0 ? -b.signed : 0, currency,
      presentmentMinor: b.presentment?.minor ?? null, presentmentCurrency: b.presentment?.currency ?? null, memo: memo(b.role),
    });
  }
  return out;
}

/** The postings for one payout: a settlement entry and, once the money is deposited, a deposit entry. */
export function payoutPostings(input: LedgerInput): PostingEntry[] {
  const { payout } = input;
  const cur = payout.currency;
  const date = payout.arrivalDate ?? '1970-01-01';
  const perOrder = input.journalMode === 'per_order';
  /** Buckets per group: '' = the payout summary, else `order:<id>`. */
  const groups = new Map<string, { label: string; buckets: Map<string, Bucket> }>();
  const bucketsOf = (l: LedgerLine) => {
    const key = perOrder && l.order ? `order:${l.order.id}` : '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { label: key ? `order ${l.order!.number}` : '', buckets: new Map() }));
    return g.buckets;
  };

  for (const l of input.lines) {
    if (l.category === 'payout') continue; // the payout's own transfer line is the deposit, posted below
    // A line in another currency than the payout has no place in this payout's books; it stays a
    // currency_variance break until someone explains it (then a manual journal books it).
    if (l.currency !== cur) continue;
    const buckets = bucketsOf(l);
    const add = (role: AccountRole, v: number, p?: { minor: number; currency: string }) => {
      const k = p ? `${role}|${p.currency}` : role;
      const b = buckets.get(k) ?? { role, signed: 0, presentment: p ? { minor: 0, currency: p.currency } : null };
      b.signed += v;
      if (p && b.presentment) b.presentment.minor += p.minor;
      buckets.set(k, b);
    };
    add('clearing', l.netMinor);
    add('fees', l.feeMinor);
    const residual = l.netMinor - (l.amountMinor - l.feeMinor);
    // A line whose amount − fee ≠ net (it happens in real data): the residual waits in suspense.
    if (residual !== 0) add('suspense', -residual);
    const role = ROLE_OF[l.category];
    if (l.category === 'charge' && l.orderCurrency && l.orderCurrency !== cur && l.exchangeRate && input.bookedRates[l.orderCurrency]) {
      // Sales at the rate booked at order time; the difference to what settled is FX gain/loss.
      const presentmentMinor = invertMinor(l.amountMinor, l.orderCurrency, cur, l.exchangeRate);
      const booked = convertMinor(presentmentMinor, l.orderCurrency, cur, input.bookedRates[l.orderCurrency]!);
      add('sales', -booked, { minor: presentmentMinor, currency: l.orderCurrency });
      add('fx', booked - l.amountMinor);
    } else {
      add(role, -l.amountMinor);
    }
  }
  const entries: PostingEntry[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const lines = fold(g.buckets, cur, (r) => `${r} · ${g.label ? `${g.label} · ` : ''}payout ${payout.externalId}`);
    if (lines.length === 0) continue;
    entries.push({
      kind: 'settlement', groupKey: key, entryDate: date, lines,
      memo: key ? `Settlement of ${g.label} in payout ${payout.externalId}` : `Settlement of payout ${payout.externalId}`,
    });
  }
  if (DEPOSITED.has(payout.status) && payout.amountMinor !== 0) {
    const dep = new Map<string, Bucket>([
      ['bank', { role: 'bank', signed: payout.amountMinor, presentment: null }],
      ['clearing', { role: 'clearing', signed: -payout.amountMinor, presentment: null }],
    ]);
    entries.push({ kind: 'deposit', groupKey: '', entryDate: date, memo: `Deposit of payout ${payout.externalId}`, lines: fold(dep, cur, (r) => `${r} · deposit ${payout.externalId}`) });
  }
  return entries;
}

/** Σ debits = Σ credits per currency. */
export function isBalanced(lines: ReadonlyArray<Pick<PostingLine, 'debitMinor' | 'creditMinor' | 'currency'>>): boolean {
  const by = new Map<string, number>();
  for (const l of lines) by.set(l.currency, (by.get(l.currency) ?? 0) + l.debitMinor - l.creditMinor);
  return [...by.values()].every((v) => v === 0);
}

/** The reversing entry of posted lines: same amounts, sides swapped. */
export function reverseLines<T extends { debitMinor: number; creditMinor: number }>(lines: T[]): T[] {
  return lines.map((l) => ({ ...l, debitMinor: l.creditMinor, creditMinor: l.debitMinor }));
}
