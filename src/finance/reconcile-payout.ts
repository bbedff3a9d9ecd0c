import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { inTx } from '../context';
import { withTransaction, type Tx } from '../db/transaction';
import {
  reconcilePayout, type BreakDraft, type LineCategory, type RecLine, type RecOrder, type RecResult,
} from '../domain/reconciliation';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { postPayoutJournals, type JournalChange } from './post-payout-journals';
import { reconcileBulk } from './reconcile-bulk';
import { upsertBreaks } from './write-breaks';
import { getFinanceSettings } from './settings';
import { checkUnsettledOrders } from './unsettled-orders';

export const ReconcileInput = z.object({
  payoutId: z.string().uuid(),
  dryRun: z.boolean().default(false),
  /** `auto`: set-based SQL for payouts above BULK_THRESHOLD lines without foreign-currency lines, else in memory. */
  strategy: z.enum(['auto', 'memory', 'bulk']).default('auto'),
});

/** Above this many lines a payout is reconciled set-based in SQL (see reconcile-bulk.ts). */
export const BULK_THRESHOLD = 20_000;

/** A break's id is a hash of where it is, what it is and what it is about: re-running finds the same one. */
export function breakId(scope: string, cls: string, key: string): string {
  return `brk_${createHash('sha256').update(`${scope}|${cls}|${key}`).digest('hex').slice(0, 24)}`;
}

export interface ReconcileReport {
  payoutId: string;
  dryRun: boolean;
  status: RecResult['status'];
  linesNetMinor: number;
  unknownTypes: Record<string, number>;
  breaks: Array<BreakDraft & { id: string; deltaMinor: number }>;
  changes: {
    matches: Array<{ lineId: string; from: { orderId: string | null; rule: string | null }; to: { orderId: string | null; rule: string | null } }>;
    /** Set by the bulk path, which counts changed matches instead of listing them. */
    matchesChanged?: number;
    breaksAdded: string[];
    breaksChanged: string[];
    breaksCleared: string[];
    journals: JournalChange[];
  };
  /** Outbox rows waiting to be sent (queued as `accounting.sync` after the commit). */
  outboxIds: string[];
}

const iso = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

function toOrder(r: Record<string, unknown>): RecOrder {
  return {
    id: String(r.id), externalId: String(r.external_id), number: String(r.number), totalMinor: Number(r.total_minor),
    currency: String(r.currency), financialStatus: String(r.financial_status), placedAt: iso(r.placed_at)!,
  };
}

/** Loads everything the pure rules need for one payout, in a handful of set-based queries. */
async function loadInput(tx: Tx, payoutId: string, orderConnectionIds: string[], dateWindowDays: number) {
  const pr = await tx.execute(sql`select * from payouts where id = ${payoutId} for update`);
  const p = pr.rows[0] as Record<string, unknown> | undefined;
  if (!p) throw new NotFoundError('payout', payoutId);
  const lr = await tx.execute(sql`select * from payout_lines where payout_id = ${payoutId} order by external_id`);
  const lines: Array<RecLine & { matchedOrderId: string | null; matchRule: string | null }> = (lr.rows as Record<string, unknown>[]).map((r) => ({
    id: String(r.id), externalId: String(r.external_id), type: String(r.type), category: String(r.category) as LineCategory,
    amountMinor: Number(r.amount_minor), feeMinor: Number(r.fee_minor), netMinor: Number(r.net_minor), currency: String(r.currency),
    sourceOrderId: r.source_order_id === null ? null : String(r.source_order_id), chargeId: r.charge_id === null ? null : String(r.charge_id),
    exchangeRate: r.exchange_rate === null ? null : String(r.exchange_rate), processedAt: iso(r.processed_at),
    matchedOrderId: r.matched_order_id === null ? null : String(r.matched_order_id), matchRule: r.match_rule === null ? null : String(r.match_rule),
  }));
  const scope = orderConnectionIds.length ? sql`and o.connection_id = any(${pgArray(orderConnectionIds, 'uuid')})` : sql``;
  const ids = [...new Set(lines.flatMap((l) => [l.sourceOrderId, l.chargeId]).filter((v): v is string => !!v))];
  const numbers = [...new Set(lines.flatMap((l) => (l.sourceOrderId ? [l.sourceOrderId, `#${l.sourceOrderId}`] : [])))];
  const ordersByKey = new Map<string, RecOrder[]>();
  if (ids.length > 0) {
    const or = await tx.execute(sql`
      select o.id, o.external_id, o.number, o.total_minor, o.currency, o.financial_status, o.placed_at from orders o
      where (o.external_id = any(${pgArray(ids, 'text')}) or o.number = any(${pgArray(numbers, 'text')})) ${scope}`);
    for (const r of or.rows as Record<string, unknown>[]) {
      const o = toOrder(r);
      for (const k of [o.externalId, `number:${o.number}`]) ordersByKey.set(k, [...(ordersByKey.get(k) ?? []), o]);
    }
  }
  // Candidates for the amount+date rules: orders with no settlement yet, placed near an unkeyed charge.
  const unkeyed = lines.filter((l) => l.category === 'charge' && l.processedAt && !(l.sourceOrderId && ordersByKey.has(l.sourceOrderId)) && !(l.chargeId && ordersByKey.has(l.chargeId)));
  let candidates: RecOrder[] = [];
  if (unkeyed.length > 0) {
    const times = unkeyed.map((l) => Date.parse(l.processedAt!));
    const from = new Date(Math.min(...times) - dateWindowDays * 86_400_000).toISOString();
    const to = new Date(Math.max(...times) + dateWindowDays * 86_400_000).toISOString();
    const cr = await tx.execute(sql`
      select o.id, o.external_id, o.number, o.total_minor, o.currency, o.financial_status, o.placed_at from orders o
      where o.placed_at between ${from} and ${to} and o.status <> 'cancelled' ${scope}
        and not exists (select 1 from payout_lines l where l.matched_order_id = o.id and l.payout_id <> ${payoutId})
      order by o.placed_at, o.id limit 500`);
    candidates = (cr.rows as Record<string, unknown>[]).map(toOrder);
  }
  const matchedIds = [...new Set([...ordersByKey.values()].flat().map((o) => o.id))];
  const settledElsewhere = new Map<string, { chargesMinor: number; refundsMinor: number }>();
  if (matchedIds.length > 0) {
    const sr = await tx.execute(sql`
      select matched_order_id, coalesce(sum(amount_minor) filter (where category = 'charge'), 0) as c,
             coalesce(sum(amount_minor) filter (where category = 'refund'), 0) as r
      from payout_lines where matched_order_id = any(${pgArray(matchedIds, 'uuid')}) and payout_id <> ${payoutId}
      group by matched_order_id`);
    for (const r of sr.rows as Record<string, unknown>[]) settledElsewhere.set(String(r.matched_order_id), { chargesMinor: Number(r.c), refundsMinor: Number(r.r) });
  }
  const chargeKeys = lines.filter((l) => l.category === 'charge').map((l) => l.chargeId ?? `txn:${l.externalId}`);
  const chargeKeysElsewhere = new Map<string, string[]>();
  if (chargeKeys.length > 0) {
    const dr = await tx.execute(sql`
      select coalesce(l.charge_id, 'txn:' || l.external_id) as k, array_agg(distinct p.external_id order by p.external_id) as payouts
      from payout_lines l join payouts p on p.id = l.payout_id
      where l.category = 'charge' and l.payout_id <> ${payoutId} and p.connection_id = ${String(p.connection_id)}
        and coalesce(l.charge_id, 'txn:' || l.external_id) = any(${pgArray(chargeKeys, 'text')})
      group by 1`);
    for (const r of dr.rows as Record<string, unknown>[]) chargeKeysElsewhere.set(String(r.k), (r.payouts as string[]).map(String));
  }
  return { p, lines, ordersByKey, candidates, settledElsewhere, chargeKeysElsewhere };
}

/**
 * Reconciles one payout: matches its lines to orders, records the breaks, posts its journals.
 * Deterministic and idempotent: a second run on the same data changes nothing. With `dryRun` it
 * only reports what would change. The payout row is locked for the run, so two runs of the same
 * payout (a late order and a payout update at once) serialise instead of racing.
 */
export async function reconcile(ctx: Ctx, input: unknown): Promise<ReconcileReport> {
  const parsed = ReconcileInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const { payoutId, dryRun, strategy } = parsed.data;
  const run = async (tx: Tx): Promise<ReconcileReport> => {
    const head = await tx.execute(sql`select connection_id from payouts where id = ${payoutId}`);
    const connectionId = (head.rows[0] as { connection_id?: string } | undefined)?.connection_id;
    if (!connectionId) throw new NotFoundError('payout', payoutId);
    const c = inTx(ctx, tx);
    const settings = await getFinanceSettings(c, connectionId);
    if (strategy !== 'memory') {
      const shape = await tx.execute(sql`
        select p.*, (select count(*) from payout_lines l where l.payout_id = p.id)::int as n,
               exists (select 1 from payout_lines l where l.payout_id = p.id and l.exchange_rate is not null) as fx
        from payouts p where p.id = ${payoutId} for update`);
      const h = shape.rows[0] as Record<string, unknown>;
      if (!h.manual && !h.fx && (strategy === 'bulk' || Number(h.n) > BULK_THRESHOLD)) {
        return reconcileBulk(c, tx, {
          id: payoutId, connectionId, externalId: String(h.external_id), amountMinor: Number(h.amount_minor), currency: String(h.currency),
          status: String(h.status), arrivalDate: h.arrival_date === null ? null : String(h.arrival_date), manual: !!h.manual,
        }, settings, dryRun);
      }
    }
    const data = await loadInput(tx, payoutId, settings.orderConnectionIds, settings.rules.dateWindowDays);
    const { p, lines } = data;
    const result = reconcilePayout({
      payout: { id: payoutId, amountMinor: Number(p.amount_minor), currency: String(p.currency), status: String(p.status), manual: !!p.manual },
      lines, ordersByKey: data.ordersByKey, candidates: data.candidates, settledElsewhere: data.settledElsewhere,
      chargeKeysElsewhere: data.chargeKeysElsewhere, rules: settings.rules,
    });

    const breaks = result.breaks.map((b) => ({ ...b, id: breakId(payoutId, b.class, b.key), deltaMinor: b.actualMinor - b.expectedMinor }));
    const current = new Map(lines.map((l) => [l.id, l]));
    const matchChanges = result.matches
      .filter((m) => current.get(m.lineId)!.matchedOrderId !== m.orderId || current.get(m.lineId)!.matchRule !== m.rule)
      .map((m) => ({ lineId: m.lineId, from: { orderId: current.get(m.lineId)!.matchedOrderId, rule: current.get(m.lineId)!.matchRule }, to: { orderId: m.orderId, rule: m.rule } }));
    const existing = await tx.execute(sql`select id, expected_minor, actual_minor, status from finance_breaks where payout_id = ${payoutId}`);
    const old = new Map((existing.rows as Record<string, unknown>[]).map((r) => [String(r.id), r]));
    const breaksAdded = breaks.filter((b) => !old.has(b.id)).map((b) => b.id);
    const breaksChanged = breaks.filter((b) => {
      const o = old.get(b.id);
      return o && (Number(o.expected_minor) !== b.expectedMinor || Number(o.actual_minor) !== b.actualMinor);
    }).map((b) => b.id);
    const wanted = new Set(breaks.map((b) => b.id));
    const breaksCleared = [...old.entries()].filter(([id, r]) => !wanted.has(id) && r.status === 'open').map(([id]) => id).sort();

    const orderCurrency = new Map<string, string>();
    const orderNumber = new Map<string, string>();
    for (const list of data.ordersByKey.values()) for (const o of list) { orderCurrency.set(o.id, o.currency); orderNumber.set(o.id, o.number); }
    for (const o of data.candidates) { orderCurrency.set(o.id, o.currency); orderNumber.set(o.id, o.number); }
    const matchOf = new Map(result.matches.map((m) => [m.lineId, m.orderId]));
    const { changes: journals, outboxIds } = await postPayoutJournals(c, {
      payoutId, connectionId, dryRun, settings,
      payout: { externalId: String(p.external_id), amountMinor: Number(p.amount_minor), currency: String(p.currency), status: String(p.status), arrivalDate: p.arrival_date === null ? null : String(p.arrival_date), manual: !!p.manual },
      lines: lines.map((l) => {
        const oid = matchOf.get(l.id);
        return {
          category: l.category, type: l.type, amountMinor: l.amountMinor, feeMinor: l.feeMinor, netMinor: l.netMinor, currency: l.currency,
          exchangeRate: l.exchangeRate, orderCurrency: oid ? orderCurrency.get(oid) ?? null : null,
          order: oid ? { id: oid, number: orderNumber.get(oid) ?? oid } : null,
        };
      }),
    });

    const report: ReconcileReport = {
      payoutId, dryRun, status: result.status, linesNetMinor: result.linesNetMinor, unknownTypes: result.unknownTypes, breaks,
      changes: { matches: matchChanges, breaksAdded, breaksChanged, breaksCleared, journals },
      outboxIds,
    };
    if (dryRun) return report;

    if (matchChanges.length > 0) {
      const recs = matchChanges.map((m) => ({ id: m.lineId, order_id: m.to.orderId, rule: m.to.rule }));
      await tx.execute(sql`
        update payout_lines l set matched_order_id = r.order_id, match_rule = r.rule
        from jsonb_to_recordset(${JSON.stringify(recs)}::jsonb) as r(id uuid, order_id uuid, rule text) where l.id = r.id`);
    }
    if (breaks.length > 0) {
      const recs = breaks.map((b) => ({
        id: b.id, class: b.class, key: b.key, line_id: b.lineId, order_id: b.orderId, expected: b.expectedMinor, actual: b.actualMinor,
        currency: b.currency, detail: b.detail,
      }));
      await upsertBreaks(tx, payoutId, connectionId, sql`
        select * from jsonb_to_recordset(${JSON.stringify(recs)}::jsonb) as r(id text, class text, key text, line_id uuid, order_id uuid,
          expected bigint, actual bigint, currency text, detail jsonb)`);
    }
    if (breaksCleared.length > 0) {
      await tx.execute(sql`
        update finance_breaks set status = 'resolved', note = 'no longer detected by reconciliation', resolved_by = 'system',
               resolved_at = now(), updated_at = now()
        where id = any(${pgArray(breaksCleared, 'text')}) and status = 'open'`);
    }
    const openCount = await tx.execute(sql`select count(*)::int as n from finance_breaks where payout_id = ${payoutId} and status = 'open'`);
    const state = result.status === 'not_reconcilable' ? 'not_reconcilable' : Number((openCount.rows[0] as { n: number }).n) > 0 ? 'open' : 'clean';
    await tx.execute(sql`
      update payouts set reconciliation = ${state}, unknown_types = ${JSON.stringify(result.unknownTypes)}::jsonb, reconciled_at = now()
      where id = ${payoutId}`);
    return report;
  };
  // A dry run computes the same report inside a transaction that writes nothing.
  if (dryRun) return withTransaction(ctx, run);
  const report = await withTransaction(ctx, async (tx) => {
    const r = await run(tx);
    const head = await tx.execute(sql`select connection_id from payouts where id = ${payoutId}`);
    const connectionId = String((head.rows[0] as { connection_id: string }).connection_id);
    const c = inTx(ctx, tx);
    await checkUnsettledOrders(c, connectionId, await getFinanceSettings(c, connectionId));
    return r;
  });
  for (const id of report.outboxIds) await ctx.queue.enqueue('accounting.sync', { outboxId: id }, { jobId: `accounting.sync:${id}` });
  return report;
}

