import type { MatchRules } from './reconciliation';
import { daysBetween } from './receivables';

/**
 * Bank lines to payouts, pure: a deposit matches the payout of the same currency whose amount is
 * within the reconciliation rules' amount tolerance and whose arrival date is within their date
 * window (the same `MatchRules` payout reconciliation uses). Closest date first, then smallest
 * difference, then id, so a re-run pairs the same lines; each payout and line is used once.
 */
export interface BankLine { id: string; bookingDate: string; amountMinor: number; currency: string }
export interface DepositCandidate { id: string; arrivalDate: string; amountMinor: number; currency: string }

/** A payment recorded in the hub (a customer's receipt, or one made to a supplier) that a bank line may be. */
export interface PaymentCandidate { id: string; date: string; amountMinor: number; currency: string; reference: string | null }

/**
 * Bank lines to payments, pure: first by reference (the line's reference equals the payment's, same
 * currency and amount), then like deposits by amount tolerance and date window. `sign` says which
 * lines can be payments of this kind: receipts (+1, customer payments) or debits (−1, supplier
 * payments); amounts are compared as magnitudes. Each line and payment is used once.
 */
export function matchPayments(lines: Array<BankLine & { reference: string | null }>, payments: PaymentCandidate[], sign: 1 | -1, rules: Pick<MatchRules, 'amountToleranceMinor' | 'dateWindowDays'>): Array<{ lineId: string; paymentId: string; rule: 'reference' | 'amount_date' }> {
  const own = lines.filter((l) => Math.sign(l.amountMinor) === sign).map((l) => ({ ...l, amountMinor: Math.abs(l.amountMinor) }));
  const out: Array<{ lineId: string; paymentId: string; rule: 'reference' | 'amount_date' }> = [];
  const usedLines = new Set<string>();
  const usedPayments = new Set<string>();
  const norm = (s: string | null) => (s ?? '').trim().toLowerCase();
  // Same reference, currency and amount; when several lines could be one payment, the closest date wins.
  const byRef: Array<{ l: string; p: string; days: number }> = [];
  for (const l of own) {
    if (!norm(l.reference)) continue;
    for (const x of payments) {
      if (norm(x.reference) === norm(l.reference) && x.currency === l.currency && x.amountMinor === l.amountMinor) {
        byRef.push({ l: l.id, p: x.id, days: Math.abs(daysBetween(x.date, l.bookingDate)) });
      }
    }
  }
  byRef.sort((a, b) => a.days - b.days || (a.l < b.l ? -1 : a.l > b.l ? 1 : 0) || (a.p < b.p ? -1 : 1));
  for (const c of byRef) {
    if (usedLines.has(c.l) || usedPayments.has(c.p)) continue;
    usedLines.add(c.l);
    usedPayments.add(c.p);
    out.push({ lineId: c.l, paymentId: c.p, rule: 'reference' });
  }
  const rest = matchDeposits(
    own.filter((l) => !usedLines.has(l.id)),
    payments.filter((p) => !usedPayments.has(p.id)).map((p) => ({ id: p.id, arrivalDate: p.date, amountMinor: p.amountMinor, currency: p.currency })),
    rules,
  );
  for (const r of rest) out.push({ lineId: r.lineId, paymentId: r.payoutId, rule: r.rule });
  return out;
}

export function matchDeposits(lines: BankLine[], payouts: DepositCandidate[], rules: Pick<MatchRules, 'amountToleranceMinor' | 'dateWindowDays'>): Array<{ lineId: string; payoutId: string; rule: 'amount_date' }> {
  const pairs: Array<{ lineId: string; payoutId: string; days: number; delta: number }> = [];
  for (const l of lines) {
    if (l.amountMinor <= 0) continue;
    for (const p of payouts) {
      if (p.currency !== l.currency) continue;
      const delta = Math.abs(p.amountMinor - l.amountMinor);
      const days = Math.abs(daysBetween(p.arrivalDate, l.bookingDate));
      if (delta <= rules.amountToleranceMinor && days <= rules.dateWindowDays) pairs.push({ lineId: l.id, payoutId: p.id, days, delta });
    }
  }
  pairs.sort((a, b) => a.delta - b.delta || a.days - b.days || (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0) || (a.payoutId < b.payoutId ? -1 : 1));
  const usedLines = new Set<string>();
  const usedPayouts = new Set<string>();
  const out: Array<{ lineId: string; payoutId: string; rule: 'amount_date' }> = [];
  for (const p of pairs) {
    if (usedLines.has(p.lineId) || usedPayouts.has(p.payoutId)) continue;
    usedLines.add(p.lineId);
    usedPayouts.add(p.payoutId);
    out.push({ lineId: p.lineId, payoutId: p.payoutId, rule: 'amount_date' });
  }
  return out;
}

/** Entries of a CAMT.053 statement (ISO 20022 BkToCstmrStmt): amount, sign, booking date, references. */
export function parseCamt053(xml: string): { account: string | null; entries: Array<{ bookingDate: string; amount: string; currency: string; reference: string | null; description: string | null }> } {
  const tag = (src: string, name: string) => new RegExp(`<(?:\\w+:)?${name}\\b[^>]*>([\\s\\S]*?)</(?:\\w+:)?${name}>`).exec(src);
  const stmt = tag(xml, 'Stmt')?.[1] ?? xml;
  const acct = tag(stmt, 'Acct')?.[1];
  const account = acct ? (tag(acct, 'IBAN')?.[1] ?? tag(acct, 'Id')?.[1]?.replace(/<[^>]+>/g, '').trim() ?? null) : null;
  const entries = [];
  for (const m of stmt.matchAll(/<(?:\w+:)?Ntry\b[^>]*>([\s\S]*?)<\/(?:\w+:)?Ntry>/g)) {
    const e = m[1]!;
    const amt = /<(?:\w+:)?Amt\b[^>]*Ccy="([A-Z]{3})"[^>]*>\s*([0-9.]+)\s*</.exec(e);
    if (!amt) continue;
    const sign = tag(e, 'CdtDbtInd')?.[1]?.trim() === 'DBIT' ? '-' : '';
    const booked = tag(e, 'BookgDt')?.[1] ?? '';
    const date = (tag(booked, 'Dt')?.[1] ?? tag(booked, 'DtTm')?.[1] ?? '').trim().slice(0, 10);
    const reference = (tag(e, 'AcctSvcrRef')?.[1] ?? tag(e, 'NtryRef')?.[1] ?? tag(e, 'EndToEndId')?.[1] ?? null)?.trim() ?? null;
    const description = (tag(e, 'AddtlNtryInf')?.[1] ?? tag(e, 'Ustrd')?.[1] ?? null)?.trim() ?? null;
    entries.push({ bookingDate: date, amount: `${sign}${amt[2]}`, currency: amt[1]!, reference, description });
  }
  return { account, entries };
}
