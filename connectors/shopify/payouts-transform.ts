import { toMinor } from '../../src/domain/money';
import type { LineCategory } from '../../src/domain/reconciliation';
import type { PayoutInput, PayoutLineInput } from '../../src/finance/payout-input';

/**
 * Shopify Payments payouts and balance transactions → the hub's payout shape. Pure; ids stay
 * strings (Shopify ids exceed 2^53: parse bodies with `parseJsonSafe` from the kit).
 */

const CATEGORY: Record<string, LineCategory> = {
  charge: 'charge', refund: 'refund', dispute: 'dispute', reserve: 'reserve', payout: 'payout',
  adjustment: 'adjustment', credit: 'adjustment', debit: 'adjustment',
  payout_failure: 'adjustment', payout_cancellation: 'adjustment', advance: 'adjustment', advance_funding: 'adjustment',
};

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export interface ShopifyPayout {
  id: string | number; status: string; date?: string | null; currency: string; amount: string; summary?: Record<string, string>;
}
export interface ShopifyBalanceTransaction {
  id: string | number; type: string; payout_id?: string | number | null; currency: string; amount: string; fee: string; net: string;
  source_id?: string | number | null; source_type?: string | null; source_order_id?: string | number | null;
  source_order_transaction_id?: string | number | null; processed_at?: string | null;
}

export function shopifyPayoutToInput(p: ShopifyPayout): PayoutInput {
  const currency = p.currency.toUpperCase();
  const summary: Record<string, number> = {};
  for (const [k, v] of Object.entries(p.summary ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) summary[k] = toMinor(v, currency);
  return {
    externalId: String(p.id), status: p.status, amountMinor: toMinor(p.amount, currency), currency,
    arrivalDate: p.date ?? null, summary, manual: false, raw: p,
  };
}

/** Unknown types become `unknown`: kept, counted and surfaced as unclassified_type breaks, never dropped. */
export function shopifyTransactionToLine(t: ShopifyBalanceTransaction): PayoutLineInput {
  const currency = t.currency.toUpperCase();
  return {
    externalId: String(t.id),
    type: t.type,
    category: CATEGORY[t.type] ?? 'unknown',
    amountMinor: toMinor(t.amount, currency),
    feeMinor: toMinor(t.fee, currency),
    netMinor: toMinor(t.net, currency),
    currency,
    sourceOrderId: str(t.source_order_id),
    chargeId: t.source_type === 'charge' || t.type === 'charge' ? str(t.source_id) : null,
    exchangeRate: null,
    processedAt: t.processed_at ? new Date(t.processed_at).toISOString() : null,
    raw: t,
  };
}
