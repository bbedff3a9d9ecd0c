import { convertExact, type RateBook } from './fx-rates';

/**
 * Financial statements from ledger balances, pure: profit and loss, balance sheet and cash-flow
 * summary, per currency (exact, as booked) and in the functional currency (each amount converted at
 * its day's rate; balance sheet at the closing rate, the difference shown as translation adjustment).
 */

export interface LedgerAgg {
  role: string;
  /** asset | liability | income | expense | equity */
  kind: string;
  code: string;
  name: string;
  currency: string;
  /** Entry date (YYYY-MM-DD); for balance-sheet aggregates the closing date. */
  date: string;
  channel: string | null;
  debitMinor: number;
  creditMinor: number;
}

/** Amounts per currency plus the functional figure (null when a rate was missing for some part). */
export interface Amounts {
  byCurrency: Record<string, number>;
  functionalMinor: number;
}

export interface StatementRow {
  section: string;
  /** The channel (revenue), the account code (expenses, balances) or the line's own key. */
  key: string;
  label: string;
  amounts: Amounts;
}

export interface MissingRate {
  currency: string;
  date: string;
}

const empty = (): Amounts => ({ byCurrency: {}, functionalMinor: 0 });

/** Adds signed minor units in a currency on a day, converting to the functional currency. */
class Acc {
  readonly missing = new Map<string, MissingRate>();
  constructor(private readonly rates: RateBook, readonly functional: string) {}
  add(a: Amounts, currency: string, minor: number, date: string): void {
    if (minor === 0) return;
    a.byCurrency[currency] = (a.byCurrency[currency] ?? 0) + minor;
    const rate = this.rates.rate(currency, this.functional, date);
    if (!rate) {
      this.missing.set(`${currency}|${date}`, { currency, date });
      return;
    }
    a.functionalMinor += convertExact(minor, currency, this.functional, rate);
  }
}

function sum(parts: Amounts[], signs?: number[]): Amounts {
  const out = empty();
  parts.forEach((p, i) => {
    const s = signs?.[i] ?? 1;
    for (const [c, v] of Object.entries(p.byCurrency)) out.byCurrency[c] = (out.byCurrency[c] ?? 0) + s * v;
    out.functionalMinor += s * p.functionalMinor;
  });
  for (const c of Object.keys(out.byCurrency)) if (out.byCurrency[c] === 0) delete out.byCurrency[c];
  return out;
}

/** Where an income or expense account goes on the P&L. */
export function plSection(role: string, kind: string): string | null {
  switch (role) {
    case 'sales': return 'sales';
    case 'shipping_income': return 'shipping_income';
    case 'refunds': return 'refunds';
    case 'cogs': return 'cogs';
    // Part of the cost of what was sold, in its own account (see the payables seed migration).
    case 'purchase_price_variance': return 'cogs';
    case 'fees': return 'fees';
    case 'chargebacks': return 'chargebacks';
    case 'adjustments': return 'processor_adjustments';
    case 'shipping_expense': return 'shipping_costs';
    case 'shrinkage': return 'shrinkage';
    case 'fx': return 'fx';
    default: return kind === 'income' ? 'other_income' : kind === 'expense' ? 'operating_expenses' : null;
  }
}

export const costSections = ['fees', 'chargebacks', 'processor_adjustments', 'shipping_costs', 'shrinkage', 'operating_expenses'] as const;
const REVENUE_SECTIONS = ['sales', 'shipping_income'];
const ASSET_SECTIONS = ['cash', 'clearing', 'receivables', 'inventory', 'other_assets'];
const LIABILITY_SECTIONS = ['payables', 'tax_payable', 'customer_credits', 'other_liabilities'];

export interface ProfitAndLoss {
  rows: StatementRow[];
  totals: Record<'revenue' | 'netRevenue' | 'cogs' | 'grossMargin' | 'operatingCosts' | 'fx' | 'otherIncome' | 'netIncome', Amounts>;
  missingRates: MissingRate[];
}

/** Income and expense accounts over a period; revenue by channel, expenses by account. */
export function profitAndLoss(aggs: LedgerAgg[], rates: RateBook, functional: string): ProfitAndLoss {
  const acc = new Acc(rates, functional);
  const rows = new Map<string, StatementRow>();
  for (const a of aggs) {
    const section = plSection(a.role, a.kind);
    if (!section) continue;
    // Income is credit-natural, costs debit-natural: both show as positive in their usual direction.
    const signed = a.kind === 'income' ? a.creditMinor - a.debitMinor : a.debitMinor - a.creditMinor;
    const key = section === 'sales' ? (a.channel ?? 'other') : section === 'operating_expenses' || section === 'other_income' ? a.code : section;
    const id = `${section}|${key}`;
    const row = rows.get(id) ?? { section, key, label: section === 'sales' ? key : a.name, amounts: empty() };
    acc.add(row.amounts, a.currency, signed, a.date);
    rows.set(id, row);
  }
  const list = [...rows.values()].sort((x, y) => SECTION_ORDER.indexOf(x.section) - SECTION_ORDER.indexOf(y.section) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const of = (...sections: string[]) => sum(list.filter((r) => sections.includes(r.section)).map((r) => r.amounts));
  const revenue = of(...REVENUE_SECTIONS);
  const netRevenue = of(...REVENUE_SECTIONS, 'refunds');
  const cogs = of('cogs');
  const grossMargin = sum([netRevenue, cogs], [1, -1]);
  const operatingCosts = of(...costSections);
  const fx = of('fx');
  const otherIncome = of('other_income');
  const netIncome = sum([grossMargin, operatingCosts, fx, otherIncome], [1, -1, -1, 1]);
  return { rows: list, totals: { revenue, netRevenue, cogs, grossMargin, operatingCosts, fx, otherIncome, netIncome }, missingRates: [...acc.missing.values()] };
}

const SECTION_ORDER = [
  'sales', 'shipping_income', 'refunds', 'cogs', ...costSections, 'fx', 'other_income',
  'cash', 'clearing', 'receivables', 'inventory', 'other_assets', 'payables', 'tax_payable', 'customer_credits', 'other_liabilities',
  'equity', 'retained_earnings', 'current_earnings', 'translation_adjustment',
];

/** Where a balance goes on the balance sheet. */
export function bsSection(role: string, kind: string): string {
  switch (role) {
    case 'bank': return 'cash';
    case 'clearing': case 'reserves': return 'clearing';
    case 'receivables': return 'receivables';
    case 'inventory': return 'inventory';
    case 'payables': return 'payables';
    case 'tax_payable': return 'tax_payable';
    case 'customer_credits': return 'customer_credits';
    case 'retained_earnings': return 'retained_earnings';
    default: return kind === 'asset' ? 'other_assets' : kind === 'liability' ? 'other_liabilities' : kind === 'equity' ? 'equity' : 'current_earnings';
  }
}

export interface BalanceSheet {
  at: string;
  rows: StatementRow[];
  totals: Record<'assets' | 'liabilities' | 'equity' | 'liabilitiesAndEquity', Amounts>;
  missingRates: MissingRate[];
}

/**
 * Balances of every account at a date (aggregates over all time up to `at`), converted at the
 * closing rate. Income and expense balances are this business's earnings to date (equity). Per
 * currency, assets = liabilities + equity exactly because every entry balances per currency; in the
 * functional currency the rounding of separately converted balances is the translation adjustment.
 */
export function balanceSheet(aggs: LedgerAgg[], rates: RateBook, functional: string, at: string): BalanceSheet {
  const acc = new Acc(rates, functional);
  const rows = new Map<string, StatementRow>();
  for (const a of aggs) {
    const section = bsSection(a.role, a.kind);
    const signed = a.kind === 'asset' ? a.debitMinor - a.creditMinor : a.creditMinor - a.debitMinor;
    const key = section === 'current_earnings' ? 'current_earnings' : a.code;
    const id = `${section}|${key}`;
    const row = rows.get(id) ?? { section, key, label: section === 'current_earnings' ? 'current_earnings' : a.name, amounts: empty() };
    // Expenses reduce earnings: credit-natural for the sign above, so an expense's debit is negative.
    acc.add(row.amounts, a.currency, signed, at);
    rows.set(id, row);
  }
  const list = [...rows.values()].filter((r) => Object.keys(r.amounts.byCurrency).length > 0 || r.amounts.functionalMinor !== 0);
  const assets = sum(list.filter((r) => ASSET_SECTIONS.includes(r.section)).map((r) => r.amounts));
  const liabilities = sum(list.filter((r) => LIABILITY_SECTIONS.includes(r.section)).map((r) => r.amounts));
  let equity = sum(list.filter((r) => !ASSET_SECTIONS.includes(r.section) && !LIABILITY_SECTIONS.includes(r.section)).map((r) => r.amounts));
  const translation = assets.functionalMinor - liabilities.functionalMinor - equity.functionalMinor;
  if (translation !== 0 && acc.missing.size === 0) {
    list.push({ section: 'translation_adjustment', key: 'translation_adjustment', label: 'translation_adjustment', amounts: { byCurrency: {}, functionalMinor: translation } });
    equity = sum([equity, { byCurrency: {}, functionalMinor: translation }]);
  }
  list.sort((x, y) => SECTION_ORDER.indexOf(x.section) - SECTION_ORDER.indexOf(y.section) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return { at, rows: list, totals: { assets, liabilities, equity, liabilitiesAndEquity: sum([liabilities, equity]) }, missingRates: [...acc.missing.values()] };
}

/** The cash-flow category of the account on the other side of a cash movement. */
export function cashSection(role: string, kind: string): string {
  switch (role) {
    case 'clearing': case 'reserves': return 'payouts_deposited';
    case 'receivables': case 'customer_credits': return 'customer_receipts';
    case 'payables': case 'received_not_billed': return 'supplier_payments';
    case 'inventory': return 'inventory_purchases';
    case 'tax_payable': return 'tax';
    case 'opening_equity': case 'retained_earnings': return 'financing';
    default: return kind === 'income' ? 'other_receipts' : kind === 'expense' ? 'operating_payments' : kind === 'equity' ? 'financing' : 'other';
  }
}

export interface CashFlow {
  rows: StatementRow[];
  totals: Record<'opening' | 'netChange' | 'closing' | 'fxEffect', Amounts>;
  missingRates: MissingRate[];
}

/**
 * Cash (bank accounts) over a period: opening balance, movements by what was on the other side of
 * each cash entry, closing balance. Per currency, opening + movements = closing exactly; in the
 * functional currency, movements are converted at their day's rate and balances at their date's,
 * the difference being the effect of exchange rates on cash.
 */
export function cashFlow(input: { from: string; to: string; opening: LedgerAgg[]; counter: LedgerAgg[] }, rates: RateBook, functional: string): CashFlow {
  const acc = new Acc(rates, functional);
  const bal = (aggs: LedgerAgg[], date: string) => {
    const a = empty();
    for (const x of aggs) acc.add(a, x.currency, x.debitMinor - x.creditMinor, date);
    return a;
  };
  const dayBefore = new Date(Date.parse(`${input.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const opening = bal(input.opening, dayBefore);
  const rows = new Map<string, StatementRow>();
  for (const c of input.counter) {
    const section = cashSection(c.role, c.kind);
    const row = rows.get(section) ?? { section, key: section, label: section, amounts: empty() };
    // Counter lines are credit-natural for cash: a credit to receivables is cash coming in.
    acc.add(row.amounts, c.currency, c.creditMinor - c.debitMinor, c.date);
    rows.set(section, row);
  }
  const list = [...rows.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const netChange = sum(list.map((r) => r.amounts));
  const closingByCurrency = sum([opening, netChange]).byCurrency;
  const closing = empty();
  for (const [c, v] of Object.entries(closingByCurrency)) acc.add(closing, c, v, input.to);
  const fxEffect: Amounts = { byCurrency: {}, functionalMinor: closing.functionalMinor - opening.functionalMinor - netChange.functionalMinor };
  return { rows: list, totals: { opening, netChange, closing, fxEffect }, missingRates: [...acc.missing.values()] };
}

/**
 * A statement's reading order: each total comes after the lines of its sections ('rest': every line no
 * other total takes). The section lists are the ones the totals above are summed from.
 */
export type StatementLayout = Array<{ total: string; sections: readonly string[] | 'rest' }>;

export const PL_LAYOUT: StatementLayout = [
  { total: 'revenue', sections: REVENUE_SECTIONS },
  { total: 'netRevenue', sections: ['refunds'] },
  { total: 'cogs', sections: ['cogs'] },
  { total: 'grossMargin', sections: [] },
  { total: 'operatingCosts', sections: costSections },
  { total: 'fx', sections: ['fx'] },
  { total: 'otherIncome', sections: 'rest' },
  { total: 'netIncome', sections: [] },
];
export const BS_LAYOUT: StatementLayout = [
  { total: 'assets', sections: ASSET_SECTIONS },
  { total: 'liabilities', sections: LIABILITY_SECTIONS },
  { total: 'equity', sections: 'rest' },
  { total: 'liabilitiesAndEquity', sections: [] },
];
export const CF_LAYOUT: StatementLayout = [
  { total: 'opening', sections: [] },
  { total: 'netChange', sections: 'rest' },
  { total: 'fxEffect', sections: [] },
  { total: 'closing', sections: [] },
];

export type StatementItem = { kind: 'line'; r: StatementRow } | { kind: 'total'; k: string; a: Amounts };

/** A statement's lines and totals in reading order; lines no total takes, and totals the layout does not name, come last. */
export function statementOrder(rows: StatementRow[], totals: Record<string, Amounts>, layout: StatementLayout): StatementItem[] {
  const named = new Set(layout.flatMap((g) => (g.sections === 'rest' ? [] : g.sections)));
  const placed = new Set<StatementRow>();
  const out: StatementItem[] = [];
  for (const g of layout) {
    for (const r of rows) {
      if (g.sections === 'rest' ? named.has(r.section) : !g.sections.includes(r.section)) continue;
      out.push({ kind: 'line', r });
      placed.add(r);
    }
    if (totals[g.total]) out.push({ kind: 'total', k: g.total, a: totals[g.total]! });
  }
  for (const r of rows) if (!placed.has(r)) out.push({ kind: 'line', r });
  for (const [k, a] of Object.entries(totals)) if (!layout.some((g) => g.total === k)) out.push({ kind: 'total', k, a });
  return out;
}
