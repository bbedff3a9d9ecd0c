import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { matchDeposits, matchPayments, parseCamt053 } from '../domain/bank-matching';
import { isCalendarDay } from '../domain/calendar-day';
import { toMinor } from '../domain/money';
import { MatchRules } from '../domain/reconciliation';
import { ValidationError, zodFieldErrors, type FieldError } from '../errors';
import { AUTO_OPEN } from './bank-lines';

export const ImportBankQuery = z.object({
  format: z.enum(['csv', 'camt053']).default('csv'),
  /** The bank account (IBAN or a name); CAMT.053 names its own. */
  account: z.string().trim().min(1).max(100).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  amountToleranceMinor: z.coerce.number().int().min(0).max(1_000_000).optional(),
  dateWindowDays: z.coerce.number().int().min(0).max(60).optional(),
});

type Parsed = { bookingDate: string; amountMinor: number; currency: string; reference: string | null; description: string | null };

/** CSV with a header naming `date`, `amount` and optionally `currency`, `reference`, `description`. */
function parseCsv(text: string, currency: string | undefined): Parsed[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim());
  const header = (lines[0] ?? '').toLowerCase().split(',').map((h) => h.trim());
  const col = (n: string) => header.indexOf(n);
  if (col('date') < 0 || col('amount') < 0) throw new ValidationError([{ path: 'header', message: 'columns date and amount are required' }]);
  if (col('currency') < 0 && !currency) throw new ValidationError([{ path: 'currency', message: 'give ?currency= or a currency column' }]);
  const out: Parsed[] = [];
  const errors: FieldError[] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const cur = (col('currency') >= 0 ? cells[col('currency')] : currency) ?? '';
    const date = cells[col('date')] ?? '';
    if (!isCalendarDay(date)) errors.push({ path: `rows.${i + 2}.date`, message: 'a date YYYY-MM-DD' });
    else if (!/^[A-Z]{3}$/.test(cur)) errors.push({ path: `rows.${i + 2}.currency`, message: 'an ISO 4217 code' });
    else {
      try {
        out.push({ bookingDate: date, amountMinor: toMinor(cells[col('amount')] ?? '', cur), currency: cur, reference: col('reference') >= 0 ? cells[col('reference')] || null : null, description: col('description') >= 0 ? cells[col('description')] || null : null });
      } catch {
        errors.push({ path: `rows.${i + 2}.amount`, message: `a decimal amount in ${cur}` });
      }
    }
  });
  if (errors.length) throw new ValidationError(errors.slice(0, 50));
  return out;
}

/**
 * Imports a bank statement (a line already imported is skipped) and matches deposits to payouts
 * with the reconciliation rules (amount tolerance, date window).
 */
export async function importBankStatement(ctx: Ctx, query: unknown, text: string) {
  const r = ImportBankQuery.safeParse(query);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  const f = r.data;
  let account = f.account ?? null;
  let rows: Parsed[];
  if (f.format === 'camt053') {
    const camt = parseCamt053(text);
    account = account ?? camt.account;
    rows = camt.entries.map((e, i) => {
      if (!isCalendarDay(e.bookingDate)) throw new ValidationError([{ path: `entries.${i}.BookgDt`, message: 'no booking date' }]);
      return { bookingDate: e.bookingDate, amountMinor: toMinor(e.amount, e.currency), currency: e.currency, reference: e.reference, description: e.description };
    });
  } else rows = parseCsv(text, f.currency);
  if (!account) throw new ValidationError([{ path: 'account', message: 'name the bank account (?account=)' }]);
  const seen = new Map<string, number>();
  const recs = rows.map((x) => {
    const base = `${account}|${x.bookingDate}|${x.amountMinor}|${x.currency}|${x.reference ?? ''}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { ...x, account, dedupe: createHash('sha256').update(`${base}|${n}`).digest('hex').slice(0, 40) };
  });
  const ins = recs.length ? await q(ctx).execute(sql`
    insert into bank_statement_lines (account, booking_date, amount_minor, currency, description, reference, dedupe_key)
    select r.account, r."bookingDate"::date, r."amountMinor", r.currency, r.description, r.reference, r.dedupe
    from jsonb_to_recordset(${JSON.stringify(recs)}::jsonb) as r(account text, "bookingDate" text, "amountMinor" bigint, currency text, description text, reference text, dedupe text)
    on conflict (dedupe_key) do nothing returning id`) : { rows: [] };
  const matched = await matchBankLines(ctx, { amountToleranceMinor: f.amountToleranceMinor, dateWindowDays: f.dateWindowDays });
  return { lines: rows.length, stored: ins.rows.length, skipped: rows.length - ins.rows.length, matched: matched.length };
}

/**
 * Matches unmatched bank lines (not those a person unmatched: rule `left_unmatched`), one to one (a guarded UPDATE and a unique index per kind): deposits to
 * payouts first, then the receipts left to customer payments and debits to supplier payments (by
 * reference, then amount and date window — the same rules as payout reconciliation).
 */
export async function matchBankLines(ctx: Ctx, o: { amountToleranceMinor?: number; dateWindowDays?: number } = {}) {
  const rules = MatchRules.parse({ amountToleranceMinor: o.amountToleranceMinor, dateWindowDays: o.dateWindowDays });
  const done: Array<{ lineId: string; rule: string; payoutId?: string; customerPaymentId?: string; supplierPaymentId?: string }> = [...(await matchToPayouts(ctx, rules))];
  const open = await q(ctx).execute(sql`select id, booking_date::text as d, amount_minor, currency, reference from bank_statement_lines where ${AUTO_OPEN} and amount_minor <> 0`);
  const lines = (open.rows as Array<Record<string, unknown>>).map((l) => ({ id: String(l.id), bookingDate: String(l.d), amountMinor: Number(l.amount_minor), currency: String(l.currency), reference: (l.reference as string | null) ?? null }));
  if (lines.some((l) => l.amountMinor > 0)) {
    const cp = await q(ctx).execute(sql`
      select id, received_date::text as d, amount_minor, currency, reference from customer_payments p
      where not exists (select 1 from bank_statement_lines b where b.matched_customer_payment_id = p.id)`);
    for (const m of matchPayments(lines, toCandidates(cp.rows), 1, rules)) {
      const up = await q(ctx).execute(sql`
        update bank_statement_lines set matched_customer_payment_id = ${m.paymentId}, match_rule = ${m.rule}
        where id = ${m.lineId} and ${AUTO_OPEN} and not exists (select 1 from bank_statement_lines b where b.matched_customer_payment_id = ${m.paymentId})
        returning id`);
      if (up.rows[0]) done.push({ lineId: m.lineId, rule: m.rule, customerPaymentId: m.paymentId });
    }
  }
  if (lines.some((l) => l.amountMinor < 0)) {
    const sp = await q(ctx).execute(sql`
      select id, paid_date::text as d, amount_minor, currency, reference from supplier_payments p
      where not exists (select 1 from bank_statement_lines b where b.matched_supplier_payment_id = p.id)`);
    for (const m of matchPayments(lines, toCandidates(sp.rows), -1, rules)) {
      const up = await q(ctx).execute(sql`
        update bank_statement_lines set matched_supplier_payment_id = ${m.paymentId}, match_rule = ${m.rule}
        where id = ${m.lineId} and ${AUTO_OPEN} and not exists (select 1 from bank_statement_lines b where b.matched_supplier_payment_id = ${m.paymentId})
        returning id`);
      if (up.rows[0]) done.push({ lineId: m.lineId, rule: m.rule, supplierPaymentId: m.paymentId });
    }
  }
  return done;
}

function toCandidates(rows: unknown[]) {
  return (rows as Array<Record<string, unknown>>).map((p) => ({ id: String(p.id), date: String(p.d), amountMinor: Number(p.amount_minor), currency: String(p.currency), reference: (p.reference as string | null) ?? null }));
}

/** Deposits to payouts (amount tolerance and date window). */
async function matchToPayouts(ctx: Ctx, rules: MatchRules) {
  const lines = await q(ctx).execute(sql`select id, booking_date::text as d, amount_minor, currency from bank_statement_lines where ${AUTO_OPEN} and amount_minor > 0`);
  if (lines.rows.length === 0) return [];
  const payouts = await q(ctx).execute(sql`
    select p.id, p.arrival_date, p.amount_minor, p.currency from payouts p
    where p.arrival_date is not null and p.amount_minor > 0
      and not exists (select 1 from bank_statement_lines b where b.matched_payout_id = p.id)`);
  const pairs = matchDeposits(
    (lines.rows as Array<Record<string, unknown>>).map((l) => ({ id: String(l.id), bookingDate: String(l.d), amountMinor: Number(l.amount_minor), currency: String(l.currency) })),
    (payouts.rows as Array<Record<string, unknown>>).map((p) => ({ id: String(p.id), arrivalDate: String(p.arrival_date).slice(0, 10), amountMinor: Number(p.amount_minor), currency: String(p.currency) })),
    rules,
  );
  const done = [];
  for (const p of pairs) {
    const up = await q(ctx).execute(sql`
      update bank_statement_lines set matched_payout_id = ${p.payoutId}, match_rule = ${p.rule}
      where id = ${p.lineId} and ${AUTO_OPEN}
        and not exists (select 1 from bank_statement_lines b where b.matched_payout_id = ${p.payoutId})
      returning id`);
    if (up.rows[0]) done.push(p);
  }
  return done;
}
