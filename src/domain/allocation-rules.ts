/**
 * The allocation rules, pure: given orders (what they need and already hold), a snapshot of
 * available stock and the warehouse rules, decide what to reserve, release or ship per order and
 * why. The database applies the plan with guarded UPDATEs, so a wrong plan can fail but never oversell.
 */

export interface RuleWarehouse {
  id: string;
  code: string;
  priority: number;
  /** Connections the warehouse may fulfil; null = all. */
  allowedConnectionIds: string[] | null;
}

export interface RuleSettings {
  /** Warehouse ids to try in this order; null = by priority (lower first), then code. */
  warehouseOrder: string[] | null;
  allowSplit: boolean;
  shipComplete: boolean;
}

export interface Holding {
  sku: string;
  warehouseId: string;
  /** Units still reserved. */
  quantity: number;
  /** Units already shipped from this reservation. */
  fulfilled: number;
}

export interface RuleOrder {
  id: string;
  connectionId: string;
  status: string;
  fulfillmentStatus: string;
  /** Quantity per line; a null sku is unknown. */
  lines: Array<{ sku: string | null; quantity: number }>;
  holdings: Holding[];
}

export interface Move {
  sku: string;
  warehouseId: string;
  quantity: number;
}

export type AllocationStatus = 'allocated' | 'partial' | 'backordered' | 'not_required';

export interface OrderPlan {
  orderId: string;
  reserve: Move[];
  release: Move[];
  /** Reserved units the channel already shipped (fulfilled upstream): reserved and on_hand both drop. */
  fulfil: Move[];
  status: AllocationStatus;
  unknownSkus: string[];
  /** The decision in words, for the order's timeline ("WH-A had 0; WH-B reserved 2"). */
  reasons: string[];
}

export const stockKey = (sku: string, warehouseId: string) => `${sku}\u0000${warehouseId}`;

/** Warehouses this order's channel may use, in the order to try them. */
export function eligibleWarehouses(all: RuleWarehouse[], settings: RuleSettings, connectionId: string): RuleWarehouse[] {
  const allowed = all.filter((w) => !w.allowedConnectionIds || w.allowedConnectionIds.length === 0 || w.allowedConnectionIds.includes(connectionId));
  const rank = new Map((settings.warehouseOrder ?? []).map((id, i) => [id, i]));
  return allowed.sort((a, b) => {
    const ra = rank.get(a.id) ?? Number.MAX_SAFE_INTEGER;
    const rb = rank.get(b.id) ?? Number.MAX_SAFE_INTEGER;
    if (ra !== rb) return ra - rb;
    if (a.priority !== b.priority) return a.priority - b.priority;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}

/** Units per SKU the order still needs in total (lines summed: a bundle naming one SKU twice is checked as one). */
export function requiredBySku(lines: RuleOrder['lines'], known: (sku: string) => boolean): { need: Map<string, number>; unknown: string[] } {
  const need = new Map<string, number>();
  const unknown = new Set<string>();
  for (const l of lines) {
    if (!l.sku || !known(l.sku)) {
      unknown.add(l.sku ?? '(no sku)');
      continue;
    }
    need.set(l.sku, (need.get(l.sku) ?? 0) + l.quantity);
  }
  return { need, unknown: [...unknown].sort() };
}

/**
 * Plans one order against `available` (mutated: what this order takes is gone for the next one, what
 * it gives back is there for the next one). Deterministic: same inputs, same plan.
 */
export function planOrder(
  order: RuleOrder,
  ctx: { warehouses: RuleWarehouse[]; settings: RuleSettings; available: Map<string, number>; known: (sku: string) => boolean },
): OrderPlan {
  const plan: OrderPlan = { orderId: order.id, reserve: [], release: [], fulfil: [], status: 'backordered', unknownSkus: [], reasons: [] };
  const codes = new Map(ctx.warehouses.map((w) => [w.id, w.code]));
  const code = (id: string) => codes.get(id) ?? id.slice(0, 8);
  const give = (m: Move) => ctx.available.set(stockKey(m.sku, m.warehouseId), (ctx.available.get(stockKey(m.sku, m.warehouseId)) ?? 0) + m.quantity);

  const held = order.holdings.filter((h) => h.quantity > 0);
  if (order.status === 'cancelled') {
    for (const h of held) {
      plan.release.push({ sku: h.sku, warehouseId: h.warehouseId, quantity: h.quantity });
      give({ sku: h.sku, warehouseId: h.warehouseId, quantity: h.quantity });
    }
    plan.status = 'not_required';
    plan.reasons.push(held.length ? `Cancelled: released ${held.map((h) => `${h.quantity} × ${h.sku} at ${code(h.warehouseId)}`).join(', ')}` : 'Cancelled: nothing to release');
    return plan;
  }
  if (order.fulfillmentStatus === 'fulfilled') {
    // Shipped by the channel: what we still hold for it left the building.
    for (const h of held) plan.fulfil.push({ sku: h.sku, warehouseId: h.warehouseId, quantity: h.quantity });
    plan.status = order.holdings.length ? 'allocated' : 'not_required';
    plan.reasons.push(held.length ? `Fulfilled by the channel: shipped ${held.map((h) => `${h.quantity} × ${h.sku} from ${code(h.warehouseId)}`).join(', ')}` : 'Fulfilled by the channel');
    return plan;
  }

  const { need: required, unknown } = requiredBySku(order.lines, ctx.known);
  plan.unknownSkus = unknown;
  if (unknown.length) plan.reasons.push(`Unknown SKU${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);

  // What is still missing per SKU, after what is held and what has shipped.
  const missing = new Map<string, number>();
  const heldBySku = new Map<string, Holding[]>();
  for (const h of order.holdings) heldBySku.set(h.sku, [...(heldBySku.get(h.sku) ?? []), h]);
  const skus = [...new Set([...required.keys(), ...heldBySku.keys()])].sort();
  const eligible = eligibleWarehouses([...ctx.warehouses], ctx.settings, order.connectionId);
  for (const sku of skus) {
    const hs = heldBySku.get(sku) ?? [];
    const have = hs.reduce((s, h) => s + h.quantity + h.fulfilled, 0);
    const want = required.get(sku) ?? 0;
    if (have > want) {
      // A line edit lowered the quantity (or removed the SKU): give back the excess, last-choice warehouse first.
      let excess = have - want;
      const order_ = [...hs].filter((h) => h.quantity > 0).sort((a, b) => eligible.findIndex((w) => w.id === b.warehouseId) - eligible.findIndex((w) => w.id === a.warehouseId));
      for (const h of order_) {
        if (excess <= 0) break;
        const q = Math.min(excess, h.quantity);
        plan.release.push({ sku, warehouseId: h.warehouseId, quantity: q });
        give({ sku, warehouseId: h.warehouseId, quantity: q });
        plan.reasons.push(`${code(h.warehouseId)} released ${q} × ${sku} (quantity lowered)`);
        excess -= q;
      }
    } else if (want > have) {
      missing.set(sku, want - have);
    }
  }

  const avail = (sku: string, w: string) => Math.max(0, ctx.available.get(stockKey(sku, w)) ?? 0);
  const take = (sku: string, w: string, q: number) => {
    plan.reserve.push({ sku, warehouseId: w, quantity: q });
    ctx.available.set(stockKey(sku, w), avail(sku, w) - q);
  };
  const multi = missing.size > 1;
  const label = (sku: string) => (multi ? ` × ${sku}` : '');

  if (missing.size > 0) {
    if (eligible.length === 0) {
      plan.reasons.push('No warehouse may fulfil this channel');
    } else {
      let done = false;
      if (ctx.settings.shipComplete || !ctx.settings.allowSplit) {
        const skipped: string[] = [];
        for (const w of eligible) {
          const short = [...missing].filter(([sku, q]) => avail(sku, w.id) < q);
          if (short.length === 0) {
            const parts = [...missing].map(([sku, q]) => {
              take(sku, w.id, q);
              return `${w.code} reserved ${q}${label(sku)}`;
            });
            plan.reasons.push([...skipped, ...parts].join('; '));
            missing.clear();
            done = true;
            break;
          }
          skipped.push(short.map(([sku]) => `${w.code} had ${avail(sku, w.id)}${label(sku)}`).join(', '));
        }
        if (!done && !ctx.settings.allowSplit) {
          plan.reasons.push(`${skipped.join('; ')}; no single warehouse can ship it complete and splitting is off`);
          done = true;
        }
      }
      if (!done) {
        for (const [sku, q0] of [...missing]) {
          let q = q0;
          const parts: string[] = [];
          for (const w of eligible) {
            const a = avail(sku, w.id);
            if (a <= 0) {
              parts.push(`${w.code} had 0${label(sku)}`);
              continue;
            }
            const n = Math.min(a, q);
            take(sku, w.id, n);
            parts.push(`${w.code} reserved ${n}${label(sku)}`);
            q -= n;
            if (q === 0) break;
          }
          if (q > 0) parts.push(`${q}${label(sku)} backordered`);
          if (q === 0) missing.delete(sku);
          else missing.set(sku, q);
          plan.reasons.push(parts.join('; '));
        }
      }
    }
  }

  // Status over known SKUs: everything held → allocated; something → partial; nothing → backordered.
  let wanted = 0;
  let covered = 0;
  for (const [sku, want] of required) {
    wanted += want;
    covered += want - (missing.get(sku) ?? 0);
  }
  plan.status = wanted > 0 && covered === wanted && unknown.length === 0 ? 'allocated' : covered > 0 ? 'partial' : wanted === 0 && unknown.length === 0 ? 'allocated' : 'backordered';
  return plan;
}
