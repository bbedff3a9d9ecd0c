import { currencyExponent } from '../../src/domain/money';
import type { LineCategory } from '../../src/domain/reconciliation';
import type { PayoutInput, PayoutLineInput } from '../../src/finance/payout-input';

/**
 * Stripe payouts and balance transactions → the hub's payout shape. Stripe amounts are already
 * integers in the currency's smallest unit, which is our minor unit (JPY 0 decimals, etc.).
 */

export interface StripePayout {
  id: string; amount: number; currency: string; status: string; arrival_date: number; automatic?: boolean;
  method?: string; type?: string; failure_code?: string | null;
}
export interface StripeBalanceTransaction {
  id: string; amount: number; fee: number; net: number; currency: string; type: string; reporting_category?: string | null;
  exchange_rate?: number | string | null; created: number; available_on?: number;
  source?: string | { id: string; object?: string; metadata?: Record<string, string> } | null;
  fee_details?: Array<{ amount: number; currency: string; type: string }>;
}

const BY_REPORTING: Record<string, LineCategory> = {
  charge: 'charge', refund: 'refund', refund_failure: 'refund', dispute: 'dispute', dispute_reversal: 'dispute',
  payout: 'payout', payout_reversal: 'payout', fee: 'fee', network_cost: 'fee', tax: 'fee', other_adjustment: 'adjustment',
  transfer: 'transfer', transfer_reversal: 'transfer', risk_reserved_funds: 'reserve', platform_earning: 'adjustment',
  connect_reserved_funds: 'reserve', partial_capture_reversal: 'charge',
};
const BY_TYPE: Record<string, LineCategory> = {
  charge: 'charge', payment: 'charge', refund: 'refund', payment_refund: 'refund', adjustment: 'adjustment',
  payout: 'payout', stripe_fee: 'fee', application_fee: 'fee', transfer: 'transfer', reserve_transaction: 'reserve',
  reserved_funds: 'reserve',
};

function iso(unix: number): string {
  return new Date(unix * 1000).toISOString();
}

function checkMinor(v: number, field: string): number {
  if (!Number.isSafeInteger(v)) throw new Error(`Stripe ${field} is not an integer amount: ${v}`);
  return v;
}

export function stripePayoutToInput(p: StripePayout): PayoutInput {
  const currency = p.currency.toUpperCase();
  currencyExponent(currency);
  return {
    externalId: p.id, status: p.status, amountMinor: checkMinor(p.amount, 'amount'), currency,
    arrivalDate: iso(p.arrival_date).slice(0, 10), summary: {},
    // Manual payouts are not tied to the balance transactions they pay out (Stripe: automatic=false).
    manual: p.automatic === false, raw: p,
  };
}

export function stripeTransactionToLine(t: StripeBalanceTransaction): PayoutLineInput {
  const source = t.source && typeof t.source === 'object' ? t.source : null;
  const sourceId = typeof t.source === 'string' ? t.source : source?.id ?? null;
  const orderId = source?.metadata?.order_id ?? source?.metadata?.orderId ?? null;
  return {
    externalId: t.id,
    type: t.type,
    category: (t.reporting_category && BY_REPORTING[t.reporting_category]) || BY_TYPE[t.type] || 'unknown',
    amountMinor: checkMinor(t.amount, 'amount'),
    feeMinor: checkMinor(t.fee, 'fee'),
    netMinor: checkMinor(t.net, 'net'),
    currency: t.currency.toUpperCase(),
    sourceOrderId: orderId,
    chargeId: sourceId,
    exchangeRate: t.exchange_rate === null || t.exchange_rate === undefined ? null : String(t.exchange_rate),
    processedAt: iso(t.created),
    raw: t,
  };
}
