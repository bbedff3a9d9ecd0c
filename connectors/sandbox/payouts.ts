import type { PayoutInput, PayoutLineInput } from '../../src/finance/payout-input';
import { scheduledFee } from '../../src/domain/reconciliation';
import { sandboxOrder } from './generate';
import { normalizeSandboxOrder } from './transform';
import type { SandboxConfig } from './index';

/** Orders one sandbox payout settles (every complete block of this many orders is paid out). */
export const SANDBOX_PAYOUT_ORDERS = 10;
/** The sandbox's processing fee: 2.9 % + 30 ¢ per charge (the schedule the demo's finance settings carry). */
export const SANDBOX_FEE = { percentBps: 290, fixedMinor: 30 } as const;

export interface SandboxPayout {
  payout: PayoutInput;
  lines: PayoutLineInput[];
}

/** The break a block's payout carries on purpose, by block number modulo 8. */
const FLAWS: Record<number, 'short_capture' | 'chargeback' | 'unknown_order'> = { 1: 'short_capture', 3: 'chargeback', 6: 'unknown_order' };

const fee = (amountMinor: number) => scheduledFee(amountMinor, { ...SANDBOX_FEE, toleranceMinor: 0 });

/**
 * The payouts of a sandbox channel so far: one per complete block of `SANDBOX_PAYOUT_ORDERS` orders the
 * channel has produced (its pull cursor says how many), settling the block's orders that were paid when
 * placed. Deterministic, so a re-pull gives the same payouts. A payout's amount is the net of its lines,
 * and by design three payouts in every eight carry a break, so the demo shows each kind of outcome:
 * - block 8k+1: one charge captured 1.00 less than the order total (`amount_mismatch`);
 * - block 8k+3: a chargeback on one order (a dispute line with a 15.00 fee: `chargeback`);
 * - block 8k+6: a charge for an order the channel took offline, not in the inbox (`order_not_found`);
 * - the others: clean, every charge matches its order.
 */
export function sandboxPayouts(config: SandboxConfig, cursor: Record<string, unknown> | null): SandboxPayout[] {
  const next = typeof cursor?.next === 'number' ? cursor.next : 0;
  const base = typeof cursor?.base === 'number' ? cursor.base : null;
  if (base === null) return [];
  // The same placed times as the pull gave the orders (see pullOrders).
  const spacing = Math.max(1, Math.floor((Math.max(1, config.pollIntervalSeconds) * 1000) / config.ordersPerPull));
  const out: SandboxPayout[] = [];
  for (let block = 0; (block + 1) * SANDBOX_PAYOUT_ORDERS <= next; block++) {
    const flaw = FLAWS[block % 8];
    const lines: PayoutLineInput[] = [];
    const first = block * SANDBOX_PAYOUT_ORDERS;
    let lastAt = base;
    for (let n = first; n < first + SANDBOX_PAYOUT_ORDERS; n++) {
      const o = sandboxOrder(config.seed, n, 0, base, spacing);
      if (!o.paid) continue;
      // The total the inbox holds for this order (the channel charges what it sold).
      const total = normalizeSandboxOrder(o).totalMinor;
      const at = Date.parse(o.created_at) + 30_000;
      lastAt = Math.max(lastAt, at);
      const charged = flaw === 'short_capture' && lines.length === 0 ? total - 100 : total;
      lines.push({
        externalId: `sbx_txn_${config.seed}_${n}`, type: 'charge', category: 'charge',
        amountMinor: charged, feeMinor: fee(charged), netMinor: charged - fee(charged), currency: o.currency,
        sourceOrderId: o.id, chargeId: `sbx_ch_${config.seed}_${n}`, processedAt: new Date(at).toISOString(),
      });
    }
    if (flaw === 'chargeback' && lines.length > 0) {
      const disputed = lines[lines.length - 1]!;
      lines.push({
        externalId: `sbx_dp_${config.seed}_${block}`, type: 'chargeback', category: 'dispute',
        amountMinor: -disputed.amountMinor, feeMinor: 1500, netMinor: -disputed.amountMinor - 1500, currency: 'USD',
        sourceOrderId: disputed.sourceOrderId ?? null, chargeId: disputed.chargeId ?? null, processedAt: new Date(lastAt).toISOString(),
      });
    }
    if (flaw === 'unknown_order') {
      const amount = 4217;
      lines.push({
        externalId: `sbx_txn_${config.seed}_offline_${block}`, type: 'charge', category: 'charge',
        amountMinor: amount, feeMinor: fee(amount), netMinor: amount - fee(amount), currency: 'USD',
        sourceOrderId: `SBX-${config.seed}-offline-${block}`, chargeId: `sbx_ch_${config.seed}_offline_${block}`,
        processedAt: new Date(lastAt).toISOString(),
      });
    }
    const net = lines.reduce((s, l) => s + l.netMinor, 0);
    out.push({
      payout: {
        externalId: `sbx_po_${config.seed}_${block}`, status: 'paid', amountMinor: net, currency: 'USD',
        arrivalDate: new Date(lastAt).toISOString().slice(0, 10),
        summary: { charges: lines.filter((l) => l.category === 'charge').length },
      },
      lines,
    });
  }
  return out;
}
