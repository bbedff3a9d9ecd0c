import { z } from 'zod';
import { getConnectionRow } from '../connections/manage-connections';
import type { Ctx } from '../context';
import { toMinor } from '../domain/money';
import type { LineCategory } from '../domain/reconciliation';
import { ValidationError } from '../errors';
import { ingestPayout } from './ingest-payout';
import type { PayoutLineInput } from './payout-input';

/**
 * Amazon settlement report V2 (flat file, tab-separated): the first data row is the summary
 * (settlement id, period, deposit date, total, currency); the detail rows carry one amount each
 * (transaction-type, order-id, amount-type, amount-description, amount, posted-date). Detail rows
 * are grouped per (transaction type, order / adjustment id) into one payout line: fees
 * (amount-type ItemFees and friends) become the line's fee, everything else its amount.
 */

const CATEGORY: Record<string, LineCategory> = {
  Order: 'charge', Refund: 'refund', Chargeback: 'dispute', 'Chargeback Refund': 'dispute', 'A-to-z Guarantee Claim': 'dispute',
  'Previous Reserve Amount Balance': 'reserve', 'Current Reserve Amount': 'reserve',
  ServiceFee: 'fee', 'Subscription Fee': 'fee', other_transaction: 'adjustment', 'other-transaction': 'adjustment', Adjustment: 'adjustment',
};
const FEE_TYPES = new Set(['ItemFees', 'ShipmentFees', 'OrderFees']);

export interface ParsedSettlement {
  settlementId: string;
  depositDate: string | null;
  totalMinor: number;
  currency: string;
  lines: PayoutLineInput[];
}

function amazonDate(v: string | undefined): string | null {
  if (!v) return null;
  const t = v.trim();
  // `2024-01-05 10:11:12 UTC`, `2024-01-05T10:11:12+00:00`, or `05.01.2024` (some marketplaces).
  const dmy = /^(\d{2})\.(\d{2})\.(\d{4})/.exec(t);
  const iso = dmy ? `${dmy[3]}-${dmy[2]}-${dmy[1]}T00:00:00Z` : t.replace(' UTC', 'Z').replace(' ', 'T');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function parseAmazonSettlement(text: string): ParsedSettlement {
  const rows = text.replace(/\r\n?/g, '\n').split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t'));
  const header = rows.shift();
  if (!header) throw new ValidationError([{ path: 'file', message: 'the file is empty' }]);
  const col = (name: string) => header.indexOf(name);
  for (const required of ['settlement-id', 'total-amount', 'currency', 'transaction-type', 'order-id', 'amount-type', 'amount-description', 'amount', 'posted-date']) {
    if (col(required) < 0) throw new ValidationError([{ path: 'file', message: `missing column ${required}` }]);
  }
  const get = (r: string[], name: string) => (col(name) >= 0 ? (r[col(name)] ?? '').trim() : '');
  const summary = rows.shift();
  if (!summary || !get(summary, 'total-amount')) throw new ValidationError([{ path: 'file', message: 'the first row after the header must be the settlement summary' }]);
  const currency = get(summary, 'currency').toUpperCase();
  const groups = new Map<string, { type: string; orderId: string | null; amount: number; fee: number; posted: string | null; parts: unknown[] }>();
  rows.forEach((r, i) => {
    const type = get(r, 'transaction-type');
    const orderId = get(r, 'order-id') || null;
    const ref = orderId ?? (get(r, 'adjustment-id') || `row${i + 2}`);
    const k = `${type}:${ref}:${get(r, 'shipment-id')}`;
    const g = groups.get(k) ?? { type, orderId, amount: 0, fee: 0, posted: amazonDate(get(r, 'posted-date-time') || get(r, 'posted-date')), parts: [] };
    const raw = get(r, 'amount');
    let minor: number;
    try {
      minor = toMinor(raw.replace(',', '.'), currency);
    } catch {
      throw new ValidationError([{ path: `file.row${i + 3}.amount`, message: `not an amount: ${JSON.stringify(raw)}` }]);
    }
    // Amazon writes fees as negative amounts; our fee is what the processor kept (positive).
    if (FEE_TYPES.has(get(r, 'amount-type'))) g.fee -= minor;
    else g.amount += minor;
    g.parts.push({ amountType: get(r, 'amount-type'), description: get(r, 'amount-description'), amount: raw, sku: get(r, 'sku') || undefined });
    groups.set(k, g);
  });
  const lines: PayoutLineInput[] = [...groups.entries()].map(([k, g]) => ({
    externalId: k, type: g.type, category: CATEGORY[g.type] ?? 'unknown', amountMinor: g.amount, feeMinor: g.fee,
    netMinor: g.amount - g.fee, currency, sourceOrderId: g.orderId, chargeId: null, exchangeRate: null, processedAt: g.posted, raw: g.parts,
  }));
  return {
    settlementId: get(summary, 'settlement-id'), depositDate: amazonDate(get(summary, 'deposit-date'))?.slice(0, 10) ?? null,
    totalMinor: toMinor(get(summary, 'total-amount').replace(',', '.'), currency), currency, lines,
  };
}

export const ImportSettlementInput = z.object({ connectionId: z.string().uuid(), file: z.string().min(1).max(50_000_000) });

/** Stores an uploaded settlement as a payout (status `deposited`) and queues its reconciliation. */
export async function importAmazonSettlement(ctx: Ctx, input: unknown) {
  const r = ImportSettlementInput.safeParse(input);
  if (!r.success) throw new ValidationError(r.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })));
  await getConnectionRow(ctx, r.data.connectionId);
  const s = parseAmazonSettlement(r.data.file);
  const res = await ingestPayout(ctx, {
    connectionId: r.data.connectionId, source: 'amazon_settlement',
    payout: { externalId: s.settlementId, status: 'deposited', amountMinor: s.totalMinor, currency: s.currency, arrivalDate: s.depositDate, summary: {}, manual: false },
    lines: s.lines,
  });
  return { payoutId: res.payoutId, settlementId: s.settlementId, lines: s.lines.length, changed: res.changed };
}
