import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { replenishmentNeed, roundOrderQuantity, unitCostAt } from '../domain/purchasing';
import { stockAlerts } from '../inventory/stock-alerts';
import { approvePurchaseOrder } from './po-transitions';
import { parseInput } from './parse-input';
import { createPurchaseOrder } from './purchase-orders';
import { scorecards } from './scorecards';
import { getPurchasingSettings } from './settings';
import { listSupplierItems, type SupplierItem } from './supplier-items';

export const SuggestionsQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(28),
  serviceLevel: z.coerce.number().gt(0).lt(1).default(0.95),
  sku: z.string().max(200).optional(),
});

export interface SuggestionLine {
  sku: string;
  warehouse: string;
  /** Units to order after MOQ and pack rounding. */
  quantity: number;
  /** Units needed before rounding. */
  need: number;
  unitCostMinor: number;
  amountMinor: number;
  reorderPoint: number;
  averageDailyDemand: number;
  available: number;
  incoming: number;
  onOpenDrafts: number;
  moq: number;
  packSize: number;
  reason: string;
}

export interface Suggestion {
  supplierId: string;
  supplierCode: string;
  supplierName: string;
  currency: string;
  score: number | null;
  grade: string | null;
  totalMinor: number;
  lines: SuggestionLine[];
}

/**
 * What to order, from the inventory engine's low-stock alerts: per (sku, warehouse) below its
 * reorder point, need = reorder point + average daily demand × review period − available − incoming
 * − units already on unsent (draft/approved) POs; rounded up to the MOQ and then to whole packs of
 * the chosen supplier. The supplier is the best-scoring eligible one (active, with an active item
 * for the SKU); ties go to the preferred item, then the lowest unit cost, then the code. Lines are
 * grouped per supplier. Pure read: nothing is written.
 */
export async function replenishmentSuggestions(ctx: Ctx, input: unknown = {}): Promise<{ reviewPeriodDays: number; suggestions: Suggestion[]; unsupplied: Array<{ sku: string; warehouse: string; need: number }> }> {
  const p = parseInput(SuggestionsQuery, input);
  const { reviewPeriodDays } = await getPurchasingSettings(ctx);
  const alerts = (await stockAlerts(ctx, { days: p.days, serviceLevel: p.serviceLevel, sku: p.sku, show: 'below' })).items;
  if (alerts.length === 0) return { reviewPeriodDays, suggestions: [], unsupplied: [] };
  const open = await q(ctx).execute(sql`
    select l.sku, w.code, sum(l.quantity)::int as n from purchase_order_lines l join purchase_orders o on o.id = l.purchase_order_id
    join warehouses w on w.id = l.warehouse_id where o.status in ('draft', 'approved') group by 1, 2`);
  const onDrafts = new Map((open.rows as Array<{ sku: string; code: string; n: number }>).map((r) => [`${r.sku}\u0000${r.code}`, Number(r.n)]));
  const items = (await listSupplierItems(ctx)).items.filter((i) => i.active);
  const activeSup = await q(ctx).execute(sql`select id, name from suppliers where active`);
  const supName = new Map((activeSup.rows as Array<{ id: string; name: string }>).map((r) => [r.id, r.name]));
  const cards = await scorecards(ctx, [...supName.keys()]);

  const groups = new Map<string, Suggestion>();
  const unsupplied: Array<{ sku: string; warehouse: string; need: number }> = [];
  for (const a of alerts) {
    const drafts = onDrafts.get(`${a.sku}\u0000${a.warehouse}`) ?? 0;
    const need = replenishmentNeed({ reorderPoint: a.reorderPoint, averageDailyDemand: a.averageDailyDemand, reviewPeriodDays, available: a.available, incoming: a.incoming, onOpenDrafts: drafts });
    if (need <= 0) continue;
    const eligible = items.filter((i) => i.sku === a.sku && supName.has(i.supplierId));
    const pick = chooseSupplier(eligible, need, (id) => cards.get(id)?.score ?? null);
    if (!pick) {
      unsupplied.push({ sku: a.sku, warehouse: a.warehouse, need });
      continue;
    }
    const qty = roundOrderQuantity(need, pick.moq, pick.packSize);
    const cost = unitCostAt(pick.priceBreaks, qty) ?? 0;
    const target = a.reorderPoint + Math.ceil(a.averageDailyDemand * reviewPeriodDays - 1e-9);
    const reason = `available ${a.available} + incoming ${a.incoming}${drafts ? ` + on unsent POs ${drafts}` : ''} is below the reorder point ${a.reorderPoint}; `
      + `order-up-to ${target} = reorder point ${a.reorderPoint} + ${reviewPeriodDays} d × ${a.averageDailyDemand}/d; need ${need}`
      + `${qty !== need ? ` → ${qty} (MOQ ${pick.moq}, pack ${pick.packSize})` : ''}; ${pick.supplierCode}: ${cards.get(pick.supplierId)?.grade ? `grade ${cards.get(pick.supplierId)!.grade}` : 'no score yet'}.`;
    const g = groups.get(pick.supplierId) ?? {
      supplierId: pick.supplierId, supplierCode: pick.supplierCode, supplierName: supName.get(pick.supplierId) ?? pick.supplierCode,
      currency: pick.currency, score: cards.get(pick.supplierId)?.score ?? null, grade: cards.get(pick.supplierId)?.grade ?? null, totalMinor: 0, lines: [],
    };
    g.lines.push({ sku: a.sku, warehouse: a.warehouse, quantity: qty, need, unitCostMinor: cost, amountMinor: qty * cost, reorderPoint: a.reorderPoint,
      averageDailyDemand: a.averageDailyDemand, available: a.available, incoming: a.incoming, onOpenDrafts: drafts, moq: pick.moq, packSize: pick.packSize, reason });
    g.totalMinor += qty * cost;
    groups.set(pick.supplierId, g);
  }
  return { reviewPeriodDays, suggestions: [...groups.values()].sort((a, b) => a.supplierCode.localeCompare(b.supplierCode)), unsupplied };
}

/** The best-scoring eligible supplier item; ties → preferred, lower unit cost at the rounded quantity, code. */
export function chooseSupplier(eligible: SupplierItem[], need: number, score: (supplierId: string) => number | null): SupplierItem | null {
  if (eligible.length === 0) return null;
  const ranked = [...eligible].sort((a, b) => {
    const sa = score(a.supplierId) ?? -1;
    const sb = score(b.supplierId) ?? -1;
    if (sa !== sb) return sb - sa;
    if (a.preferred !== b.preferred) return a.preferred ? -1 : 1;
    if (a.currency === b.currency) {
      const ca = unitCostAt(a.priceBreaks, roundOrderQuantity(need, a.moq, a.packSize)) ?? Infinity;
      const cb = unitCostAt(b.priceBreaks, roundOrderQuantity(need, b.moq, b.packSize)) ?? Infinity;
      if (ca !== cb) return ca - cb;
    }
    return a.supplierCode.localeCompare(b.supplierCode);
  });
  return ranked[0]!;
}

/**
 * Turns the suggestions into draft POs (one per supplier), each line carrying its reason. A draft at
 * or below the settings' `autoApproveBelow` for its currency is approved by that rule; none is sent:
 * sending stays with a person. Running it again creates nothing new (units on drafts count).
 */
export async function draftReplenishmentOrders(ctx: Ctx, input: unknown = {}): Promise<{ created: Array<{ id: string; number: string; supplier: string; lines: number; totalMinor: number; status: string }> }> {
  const { suggestions } = await replenishmentSuggestions(ctx, input);
  const { autoApproveBelow } = await getPurchasingSettings(ctx);
  const created = [];
  for (const s of suggestions) {
    const po = await createPurchaseOrder(ctx, {
      supplier: s.supplierId, notes: 'Drafted by replenishment from low-stock alerts.',
      lines: s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitCostMinor: l.unitCostMinor, warehouse: l.warehouse, reason: l.reason })),
    }, { source: 'replenishment' });
    let status: string = po.status;
    const limit = autoApproveBelow[po.currency];
    if (limit !== undefined && po.totalMinor <= limit) {
      status = (await approvePurchaseOrder(ctx, po.id, { by: 'rule:auto_approve', reason: `replenishment total ${po.totalMinor} ${po.currency} ≤ ${limit}` })).status;
    }
    created.push({ id: po.id, number: po.number, supplier: s.supplierCode, lines: po.lines.length, totalMinor: po.totalMinor, status });
  }
  return { created };
}
