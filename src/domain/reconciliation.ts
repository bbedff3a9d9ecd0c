import { z } from 'zod';
import { convertMinor, divRound } from './fx';

/**
 * Reconciliation rules, pure: given a payout, its lines and the orders they may refer to, decide
 * which order each line settles and which breaks remain. No I/O; the same input always gives the
 * same output (lines and breaks in a stable order), which is what makes re-running idempotent.
 */

export const lineCategories = ['charge', 'refund', 'dispute', 'adjustment', 'reserve', 'fee', 'transfer', 'payout', 'unknown'] as const;
export type LineCategory = (typeof lineCategories)[number];

/** Lines that belong to one order and must find it. */
const ORDER_CATEGORIES: ReadonlySet<LineCategory> = new Set(['charge', 'refund', 'dispute']);
/** Lines explained by their category alone (they post to an account, not to an order). */
const CLASSIFIED: ReadonlySet<LineCategory> = new Set(['adjustment', 'reserve', 'fee', 'transfer']);

export const breakClasses = [
  'payout_total_mismatch', 'order_not_found', 'amount_mismatch', 'refund_mismatch', 'fee_unexpected', 'chargeback',
  'unsettled_order', 'duplicate_settlement', 'currency_variance', 'unclassified_type', 'payout_failed', 'line_arithmetic',
] as const;
export type BreakClass = (typeof breakClasses)[number];

export const FeeSchedule = z.object({
  /** Percentage of the charge in basis points (2.9% = 290). */
  percentBps: z.number().int().min(0).max(10_000),
  /** Fixed fee per charge, in minor units of the settlement currency. */
  fixedMinor: z.number().int().min(0).default(0),
  /** A fee within this many minor units of the schedule is not a break. */
  toleranceMinor: z.number().int().min(0).default(0),
});
export type FeeSchedule = z.infer<typeof FeeSchedule>;

export const MatchRules = z.object({
  feeSchedule: FeeSchedule.nullish(),
  /** Amount tolerance (minor units) for amount checks and for the amount+date rule. */
  amountToleranceMinor: z.number().int().min(0).default(0),
  /** Window around the line's processed time for the amount+date rule. */
  dateWindowDays: z.number().int().min(0).max(365).default(3),
  /** Rounding allowed per converted line (minor units) before a currency variance is raised. */
  fxToleranceMinor: z.number().int().min(0).default(1),
  /** One line may pay several orders (exact sum of up to this many candidates in the window). */
  oneToManyMax: z.number().int().min(1).max(4).default(3),
});
export type MatchRules = z.infer<typeof MatchRules>;

export interface RecPayout {
  id: string;
  amountMinor: number;
  currency: string;
  status: string;
  manual: boolean;
}

export interface RecLine {
  id: string;
  externalId: string;
  type: string;
  category: LineCategory;
  amountMinor: number;
  feeMinor: number;
  netMinor: number;
  currency: string;
  sourceOrderId: string | null;
  chargeId: string | null;
  exchangeRate: string | null;
  processedAt: string | null;
}

export interface RecOrder {
  id: string;
  externalId: string;
  number: string;
  totalMinor: number;
  currency: string;
  financialStatus: string;
  placedAt: string;
}

export interface RecInput {
  payout: RecPayout;
  lines: RecLine[];
  /** Orders reachable by key: external id, number or charge id → orders (several connections may share a key). */
  ordersByKey: ReadonlyMap<string, RecOrder[]>;
  /** Orders with no settlement yet, for the amount+date rules (lines without a usable key). */
  candidates: RecOrder[];
  /** Per order id: charge and refund amounts already settled in other payouts (same currency as there). */
  settledElsewhere: ReadonlyMap<string, { chargesMinor: number; refundsMinor: number }>;
  /** Charge keys (charge id or transaction id) already settled by another payout. */
  chargeKeysElsewhere: ReadonlyMap<string, string[]>;
  rules: MatchRules;
}

export interface LineMatch {
  lineId: string;
  orderId: string | null;
  /** external_id | number | charge_id | amount_date | one_to_many | classified | null (unexplained) */
  rule: string | null;
  /** For one-to-many: every order the line pays. */
  orderIds?: string[];
}

export interface BreakDraft {
  class: BreakClass;
  /** Unique per (payout, class): with them it makes the break's stable id. */
  key: string;
  lineId: string | null;
  orderId: string | null;
  expectedMinor: number;
  actualMinor: number;
  currency: string;
  detail: Record<string, unknown>;
}

export interface RecResult {
  matches: LineMatch[];
  breaks: BreakDraft[];
  /** `clean` when there is no break; `not_reconcilable` for manual payouts. */
  status: 'clean' | 'open' | 'not_reconcilable';
  unknownTypes: Record<string, number>;
  /** Σ net of the lines (the payout's own transfer line left out). */
  linesNetMinor: number;
}

/** Expected processor fee for a charge under the schedule, half away from zero. */
export function scheduledFee(amountMinor: number, s: FeeSchedule): number {
  return Number(divRound(BigInt(amountMinor) * BigInt(s.percentBps), 10_000n)) + s.fixedMinor;
}

function byExternalThenId(a: RecOrder, b: RecOrder): number {
  return a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Exact keys first: the platform's order id, then the order number, then the charge id. */
function findByKeys(line: RecLine, ordersByKey: ReadonlyMap<string, RecOrder[]>): { order: RecOrder; rule: string } | null {
  const id = line.sourceOrderId;
  const tries: Array<[string | null, string]> = [
    [id, 'external_id'],
    [id ? `number:${id}` : null, 'number'],
    [id && !id.startsWith('#') ? `number:#${id}` : null, 'number'],
    [line.chargeId, 'charge_id'],
  ];
  for (const [k, rule] of tries) {
    if (!k) continue;
    const hits = ordersByKey.get(k);
    if (hits && hits.length > 0) return { order: [...hits].sort(byExternalThenId)[0]!, rule };
  }
  return null;
}

function withinWindow(line: RecLine, o: RecOrder, days: number): boolean {
  if (!line.processedAt) return false;
  return Math.abs(Date.parse(line.processedAt) - Date.parse(o.placedAt)) <= days * 86_400_000;
}

/** The amount the line should carry for an order, in the line's currency (converted when they differ). */
function expectedInLineCurrency(o: RecOrder, line: RecLine): number | null {
  if (o.currency === line.currency) return o.totalMinor;
  if (!line.exchangeRate) return null;
  return convertMinor(o.totalMinor, o.currency, line.currency, line.exchangeRate);
}

/** Deterministic exact-sum search over a few candidates (one line pays several orders). */
function oneToMany(amount: number, cands: RecOrder[], max: number, tol: number): RecOrder[] | null {
  const list = cands.slice(0, 24);
  const pick: RecOrder[] = [];
  const go = (start: number, left: number): boolean => {
    if (pick.length >= 2 && Math.abs(left) <= tol) return true;
    if (pick.length === max) return false;
    for (let i = start; i < list.length; i++) {
      pick.push(list[i]!);
      if (go(i + 1, left - list[i]!.totalMinor)) return true;
      pick.pop();
    }
    return false;
  };
  return go(0, amount) ? [...pick] : null;
}

/**
 * Matches every line and lists the breaks. Every cent of the payout is accounted for: each line is
 * matched to an order, classified by its category, or referenced by a break, and the difference
 * between the payout amount and Σ net is the payout_total_mismatch break.
 */
export function reconcilePayout(input: RecInput): RecResult {
  const { payout, rules } = input;
  const lines = [...input.lines].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  const breaks: BreakDraft[] = [];
  const matches: LineMatch[] = [];
  const unknownTypes: Record<string, number> = {};
  const counted = lines.filter((l) => l.category !== 'payout');
  const linesNetMinor = counted.reduce((s, l) => s + l.netMinor, 0);

  if (payout.status === 'failed') {
    breaks.push({ class: 'payout_failed', key: 'payout', lineId: null, orderId: null, expectedMinor: payout.amountMinor, actualMinor: 0, currency: payout.currency, detail: { status: payout.status } });
  }
  if (payout.manual) {
    // A manual payout is not tied to balance transactions: nothing to match line by line.
    return { matches: lines.map((l) => ({ lineId: l.id, orderId: null, rule: null })), breaks, status: 'not_reconcilable', unknownTypes, linesNetMinor };
  }

  if (counted.length > 0 && linesNetMinor !== payout.amountMinor) {
    breaks.push({
      class: 'payout_total_mismatch', key: 'payout', lineId: null, orderId: null,
      expectedMinor: linesNetMinor, actualMinor: payout.amountMinor, currency: payout.currency,
      detail: { lines: counted.length, transferLineLeftOut: lines.some((l) => l.category === 'payout') },
    });
  }

  const usedCandidates = new Set<string>();
  const perOrder = new Map<string, { order: RecOrder; charges: RecLine[]; refunds: RecLine[] }>();
  const chargeKeysHere = new Map<string, RecLine[]>();

  for (const line of lines) {
    if (line.category === 'payout') {
      matches.push({ lineId: line.id, orderId: null, rule: 'classified' });
      continue;
    }
    if (line.amountMinor - line.feeMinor !== line.netMinor) {
      breaks.push({
        class: 'line_arithmetic', key: `line:${line.externalId}`, lineId: line.id, orderId: null,
        expectedMinor: line.amountMinor - line.feeMinor, actualMinor: line.netMinor, currency: line.currency,
        detail: { amountMinor: line.amountMinor, feeMinor: line.feeMinor, type: line.type },
      });
    }
    if (line.currency !== payout.currency) {
      breaks.push({
        class: 'currency_variance', key: `line-currency:${line.externalId}`, lineId: line.id, orderId: null,
        expectedMinor: 0, actualMinor: line.netMinor, currency: line.currency,
        detail: { lineCurrency: line.currency, payoutCurrency: payout.currency },
      });
    }
    if (line.category === 'unknown') {
      unknownTypes[line.type] = (unknownTypes[line.type] ?? 0) + 1;
      breaks.push({ class: 'unclassified_type', key: `line:${line.externalId}`, lineId: line.id, orderId: null, expectedMinor: 0, actualMinor: line.netMinor, currency: line.currency, detail: { type: line.type } });
      matches.push({ lineId: line.id, orderId: null, rule: null });
      continue;
    }
    if (CLASSIFIED.has(line.category)) {
      matches.push({ lineId: line.id, orderId: null, rule: 'classified' });
      continue;
    }
    // charge | refund | dispute: find the order.
    let hit = findByKeys(line, input.ordersByKey);
    let many: RecOrder[] | null = null;
    if (!hit && line.category === 'charge') {
      const window = input.candidates
        .filter((o) => !usedCandidates.has(o.id) && withinWindow(line, o, rules.dateWindowDays))
        .sort(byExternalThenId);
      const single = window.filter((o) => {
        const exp = expectedInLineCurrency(o, line);
        return exp !== null && Math.abs(exp - line.amountMinor) <= rules.amountToleranceMinor;
      });
      if (single.length === 1) hit = { order: single[0]!, rule: 'amount_date' };
      else if (single.length === 0) {
        const same = window.filter((o) => o.currency === line.currency);
        many = oneToMany(line.amountMinor, same, rules.oneToManyMax, rules.amountToleranceMinor);
      }
    }
    if (many) {
      for (const o of many) usedCandidates.add(o.id);
      matches.push({ lineId: line.id, orderId: many[0]!.id, rule: 'one_to_many', orderIds: many.map((o) => o.id) });
    } else if (hit) {
      if (hit.rule === 'amount_date') usedCandidates.add(hit.order.id);
      matches.push({ lineId: line.id, orderId: hit.order.id, rule: hit.rule });
      const agg = perOrder.get(hit.order.id) ?? { order: hit.order, charges: [], refunds: [] };
      if (line.category === 'charge') agg.charges.push(line);
      if (line.category === 'refund') agg.refunds.push(line);
      perOrder.set(hit.order.id, agg);
    } else {
      matches.push({ lineId: line.id, orderId: null, rule: null });
      if (line.category !== 'dispute') {
        breaks.push({
          class: 'order_not_found', key: `line:${line.externalId}`, lineId: line.id, orderId: null,
          expectedMinor: 0, actualMinor: line.netMinor, currency: line.currency,
          detail: { type: line.type, sourceOrderId: line.sourceOrderId, chargeId: line.chargeId },
        });
      }
    }

    if (line.category === 'dispute') {
      breaks.push({
        class: 'chargeback', key: `line:${line.externalId}`, lineId: line.id, orderId: hit?.order.id ?? null,
        expectedMinor: 0, actualMinor: line.netMinor, currency: line.currency,
        detail: { amountMinor: line.amountMinor, feeMinor: line.feeMinor, sourceOrderId: line.sourceOrderId },
      });
    }
    if (line.category === 'charge') {
      const ck = line.chargeId ?? `txn:${line.externalId}`;
      chargeKeysHere.set(ck, [...(chargeKeysHere.get(ck) ?? []), line]);
      if (rules.feeSchedule && line.currency === payout.currency) {
        const expected = scheduledFee(line.amountMinor, rules.feeSchedule);
        if (Math.abs(line.feeMinor - expected) > rules.feeSchedule.toleranceMinor) {
          breaks.push({
            class: 'fee_unexpected', key: `line:${line.externalId}`, lineId: line.id, orderId: hit?.order.id ?? null,
            expectedMinor: expected, actualMinor: line.feeMinor, currency: line.currency,
            detail: { amountMinor: line.amountMinor, schedule: rules.feeSchedule },
          });
        }
      }
    }
  }

  for (const [ck, ls] of [...chargeKeysHere.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const elsewhere = input.chargeKeysElsewhere.get(ck) ?? [];
    if (ls.length > 1 || elsewhere.length > 0) {
      const once = ls[0]!.amountMinor;
      const dupLines = ls.length > 1 ? ls.slice(1) : ls;
      breaks.push({
        class: 'duplicate_settlement', key: `charge:${ck}`, lineId: dupLines[0]!.id, orderId: null,
        expectedMinor: ls.length > 1 ? once : 0, actualMinor: ls.length > 1 ? ls.reduce((s, l) => s + l.amountMinor, 0) : once,
        currency: ls[0]!.currency, detail: { lines: ls.map((l) => l.externalId), otherPayouts: elsewhere },
      });
    }
  }

  for (const [orderId, agg] of [...perOrder.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const o = agg.order;
    const prior = input.settledElsewhere.get(orderId) ?? { chargesMinor: 0, refundsMinor: 0 };
    if (agg.charges.length > 0) {
      const cur = agg.charges[0]!.currency;
      const actual = agg.charges.reduce((s, l) => s + l.amountMinor, 0) + prior.chargesMinor;
      if (o.currency === cur) {
        if (Math.abs(actual - o.totalMinor) > rules.amountToleranceMinor) {
          breaks.push({ class: 'amount_mismatch', key: `order:${orderId}`, lineId: agg.charges[0]!.id, orderId, expectedMinor: o.totalMinor, actualMinor: actual, currency: cur, detail: { orderNumber: o.number, lines: agg.charges.map((l) => l.externalId) } });
        }
      } else {
        // Presentment differs from settlement: compare at each line's own rate.
        const rate = agg.charges[0]!.exchangeRate;
        const expected = rate ? convertMinor(o.totalMinor, o.currency, cur, rate) : null;
        const tol = rules.fxToleranceMinor * agg.charges.length + rules.amountToleranceMinor;
        if (expected === null || Math.abs(actual - expected) > tol) {
          breaks.push({ class: 'currency_variance', key: `order:${orderId}`, lineId: agg.charges[0]!.id, orderId, expectedMinor: expected ?? 0, actualMinor: actual, currency: cur, detail: { orderCurrency: o.currency, orderTotalMinor: o.totalMinor, exchangeRate: rate } });
        }
      }
    }
    if (agg.refunds.length > 0) {
      const cur = agg.refunds[0]!.currency;
      const actual = agg.refunds.reduce((s, l) => s + l.amountMinor, 0) + prior.refundsMinor;
      const total = o.currency === cur ? o.totalMinor : agg.refunds[0]!.exchangeRate ? convertMinor(o.totalMinor, o.currency, cur, agg.refunds[0]!.exchangeRate) : o.totalMinor;
      // What the hub knows about refunds: fully refunded → the whole total; partially → any part of it; else none.
      let expected: number | null = 0;
      if (o.financialStatus === 'refunded') expected = -total;
      else if (o.financialStatus === 'partially_refunded') expected = null;
      const ok = expected === null ? actual <= 0 && -actual <= total : Math.abs(actual - expected) <= rules.amountToleranceMinor;
      if (!ok) {
        breaks.push({ class: 'refund_mismatch', key: `order:${orderId}`, lineId: agg.refunds[0]!.id, orderId, expectedMinor: expected ?? -total, actualMinor: actual, currency: cur, detail: { orderNumber: o.number, financialStatus: o.financialStatus, lines: agg.refunds.map((l) => l.externalId) } });
      }
    }
  }

  breaks.sort((a, b) => (a.class + a.key < b.class + b.key ? -1 : a.class + a.key > b.class + b.key ? 1 : 0));
  matches.sort((a, b) => (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0));
  return { matches, breaks, status: breaks.length ? 'open' : 'clean', unknownTypes, linesNetMinor };
}

/** Orders paid but in no payout once the settlement window has passed. */
export function unsettledOrders(orders: RecOrder[], settledOrderIds: ReadonlySet<string>, now: Date, windowDays: number): RecOrder[] {
  const cutoff = now.getTime() - windowDays * 86_400_000;
  return orders
    .filter((o) => o.financialStatus === 'paid' && !settledOrderIds.has(o.id) && Date.parse(o.placedAt) < cutoff)
    .sort(byExternalThenId);
}
