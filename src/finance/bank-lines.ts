import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { isUniqueViolation } from '../db/errors';
import { decodeKeyset, encodeKeyset, keysetDate, keysetUuid } from '../db/keyset';
import { q, withTransaction } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { ymd } from '../purchasing/parse-input';

/**
 * The bank lines a person looks at and corrects: the list (keyset-paginated, with what each line
 * matched), a summary per account, manual matching of a line the rules could not place, and
 * unmatching a wrong match. A line a person unmatched (rule `left_unmatched`) is left alone by the
 * automatic matching until a person matches it.
 */

/** No payout or payment on the line. */
export const UNMATCHED = sql`matched_payout_id is null and matched_customer_payment_id is null and matched_supplier_payment_id is null`;
/** Unmatched and open to the automatic matching (not unmatched by a person). */
export const AUTO_OPEN = sql`${UNMATCHED} and match_rule is distinct from 'left_unmatched'`;

export const MATCH_RULES = ['amount_date', 'reference', 'manual', 'left_unmatched'] as const;

export const ListBankLinesQuery = z.object({
  matched: z.enum(['true', 'false']).optional(),
  account: z.string().trim().min(1).max(100).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type MatchKind = 'payout' | 'customer_payment' | 'supplier_payment';

export interface BankLine {
  id: string;
  account: string;
  bookingDate: string;
  amountMinor: number;
  currency: string;
  reference: string | null;
  description: string | null;
  matchedPayoutId: string | null;
  matchedCustomerPaymentId: string | null;
  matchedSupplierPaymentId: string | null;
  matchRule: string | null;
  /** What the line matched, described: the payout's channel id, the payment's reference and who. */
  matchedTo: { kind: MatchKind; id: string; label: string; date: string | null; amountMinor: number; currency: string } | null;
}

const LINE_SELECT = sql`
  select b.*, b.booking_date::text as d,
    p.source as p_source, p.external_id as p_external_id, p.arrival_date as p_date, p.amount_minor as p_amount, p.currency as p_currency,
    cp.reference as cp_reference, cp.customer_ref as cp_customer, cp.received_date::text as cp_date, cp.amount_minor as cp_amount, cp.currency as cp_currency,
    sp.reference as sp_reference, s.name as sp_supplier, sp.paid_date::text as sp_date, sp.amount_minor as sp_amount, sp.currency as sp_currency
  from bank_statement_lines b
  left join payouts p on p.id = b.matched_payout_id
  left join customer_payments cp on cp.id = b.matched_customer_payment_id
  left join supplier_payments sp on sp.id = b.matched_supplier_payment_id
  left join suppliers s on s.id = sp.supplier_id`;

function present(r: Record<string, unknown>): BankLine {
  const str = (x: unknown) => (x === null || x === undefined ? null : String(x));
  let matchedTo: BankLine['matchedTo'] = null;
  if (r.matched_payout_id) {
    matchedTo = { kind: 'payout', id: String(r.matched_payout_id), label: `${r.p_source} ${r.p_external_id}`, date: str(r.p_date)?.slice(0, 10) ?? null, amountMinor: Number(r.p_amount), currency: String(r.p_currency) };
  } else if (r.matched_customer_payment_id) {
    matchedTo = { kind: 'customer_payment', id: String(r.matched_customer_payment_id), label: `${r.cp_reference} · ${r.cp_customer}`, date: str(r.cp_date), amountMinor: Number(r.cp_amount), currency: String(r.cp_currency) };
  } else if (r.matched_supplier_payment_id) {
    matchedTo = { kind: 'supplier_payment', id: String(r.matched_supplier_payment_id), label: `${r.sp_reference} · ${r.sp_supplier}`, date: str(r.sp_date), amountMinor: -Number(r.sp_amount), currency: String(r.sp_currency) };
  }
  return {
    id: String(r.id), account: String(r.account), bookingDate: String(r.d), amountMinor: Number(r.amount_minor), currency: String(r.currency),
    reference: str(r.reference), description: str(r.description),
    matchedPayoutId: str(r.matched_payout_id), matchedCustomerPaymentId: str(r.matched_customer_payment_id),
    matchedSupplierPaymentId: str(r.matched_supplier_payment_id), matchRule: str(r.match_rule), matchedTo,
  };
}

/** Bank lines, newest booking date first, keyset-paginated (`cursor` → `nextCursor`). */
export async function listBankLines(ctx: Ctx, query: unknown): Promise<{ items: BankLine[]; nextCursor: string | null }> {
  const p = ListBankLinesQuery.safeParse(query);
  if (!p.success) throw new ValidationError(zodFieldErrors(p.error.issues));
  const f = p.data;
  const where: SQL[] = [f.matched === 'true' ? sql`not (${UNMATCHED})` : f.matched === 'false' ? UNMATCHED : sql`true`];
  if (f.account) where.push(sql`b.account = ${f.account}`);
  if (f.cursor) {
    const [day, id] = decodeKeyset(f.cursor, 2) as [string, string];
    where.push(sql`(b.booking_date, b.id) < (${keysetDate(day)}::date, ${keysetUuid(id)}::uuid)`);
  }
  const res = await q(ctx).execute(sql`${LINE_SELECT} where ${sql.join(where, sql` and `)}
    order by b.booking_date desc, b.id desc limit ${f.limit + 1}`);
  const rows = res.rows as Array<Record<string, unknown>>;
  const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
  return { items: rows.slice(0, f.limit).map(present), nextCursor: last ? encodeKeyset([ymd(last.d), String(last.id)]) : null };
}

export async function getBankLine(ctx: Ctx, id: string): Promise<BankLine> {
  const res = await q(ctx).execute(sql`${LINE_SELECT} where b.id = ${lineIdOr404(id)}`);
  const row = res.rows[0] as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('bank line', id);
  return present(row);
}

function lineIdOr404(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new NotFoundError('bank line', id);
  return id;
}

export interface BankAccountSummary {
  account: string;
  currency: string;
  lines: number;
  matched: number;
  unmatched: number;
  /** Unmatched deposits and debits (debits negative), in minor units of `currency`. */
  unmatchedInMinor: number;
  unmatchedOutMinor: number;
  firstDate: string;
  lastDate: string;
}

/** Per bank account and currency: how many lines, how many matched, and what is left open. */
export async function bankSummary(ctx: Ctx): Promise<BankAccountSummary[]> {
  const res = await q(ctx).execute(sql`
    select account, currency, count(*)::int as lines,
      count(*) filter (where not (${UNMATCHED}))::int as matched,
      count(*) filter (where ${UNMATCHED})::int as unmatched,
      coalesce(sum(amount_minor) filter (where ${UNMATCHED} and amount_minor > 0), 0)::bigint as open_in,
      coalesce(sum(amount_minor) filter (where ${UNMATCHED} and amount_minor < 0), 0)::bigint as open_out,
      min(booking_date)::text as first_date, max(booking_date)::text as last_date
    from bank_statement_lines group by account, currency order by account, currency`);
  return (res.rows as Array<Record<string, unknown>>).map((r) => ({
    account: String(r.account), currency: String(r.currency), lines: Number(r.lines), matched: Number(r.matched), unmatched: Number(r.unmatched),
    unmatchedInMinor: Number(r.open_in), unmatchedOutMinor: Number(r.open_out), firstDate: String(r.first_date), lastDate: String(r.last_date),
  }));
}

export const MatchLineInput = z.object({
  payoutId: z.string().uuid().optional(),
  customerPaymentId: z.string().uuid().optional(),
  supplierPaymentId: z.string().uuid().optional(),
}).strict();

const TARGETS = {
  payoutId: { kind: 'payout', table: sql`payouts`, column: sql`matched_payout_id`, sign: 1, what: 'payout' },
  customerPaymentId: { kind: 'customer_payment', table: sql`customer_payments`, column: sql`matched_customer_payment_id`, sign: 1, what: 'customer payment' },
  supplierPaymentId: { kind: 'supplier_payment', table: sql`supplier_payments`, column: sql`matched_supplier_payment_id`, sign: -1, what: 'supplier payment' },
} as const;

/**
 * Matches a line by hand to one payout, customer payment or supplier payment (rule `manual`). The
 * line must be unmatched, in the target's currency, and on the target's side (a deposit for a payout
 * or a customer payment, a debit for a supplier payment); the target must not be matched to another
 * line. The amounts may differ (a bank fee taken on the way): the list shows both.
 */
export async function matchBankLine(ctx: Ctx, lineId: string, input: unknown): Promise<BankLine> {
  const p = MatchLineInput.safeParse(input ?? {});
  if (!p.success) throw new ValidationError(zodFieldErrors(p.error.issues));
  const given = (Object.keys(TARGETS) as Array<keyof typeof TARGETS>).filter((k) => p.data[k]);
  if (given.length !== 1) {
    throw new ValidationError([{ path: given[1] ?? 'payoutId', message: 'give exactly one of payoutId, customerPaymentId, supplierPaymentId' }]);
  }
  const field = given[0]!;
  const target = TARGETS[field];
  const targetId = p.data[field]!;
  await withTransaction(ctx, async (tx) => {
    const lineRes = await tx.execute(sql`select id, amount_minor, currency, ${UNMATCHED} as open from bank_statement_lines where id = ${lineIdOr404(lineId)} for update`);
    const line = lineRes.rows[0] as { amount_minor: number; currency: string; open: boolean } | undefined;
    if (!line) throw new NotFoundError('bank line', lineId);
    if (!line.open) throw new ConflictError('already_matched', 'This bank line is matched already; unmatch it first.', { lineId });
    const tRes = await tx.execute(sql`select currency, amount_minor from ${target.table} where id = ${targetId}`);
    const t = tRes.rows[0] as { currency: string; amount_minor: number } | undefined;
    if (!t) throw new ValidationError([{ path: field, message: `no such ${target.what}` }]);
    if (t.currency !== line.currency) throw new ValidationError([{ path: field, message: `the ${target.what} is in ${t.currency}, the bank line in ${line.currency}` }]);
    if (Math.sign(Number(line.amount_minor)) !== target.sign) {
      throw new ValidationError([{ path: field, message: target.sign > 0 ? `a ${target.what} matches a deposit, and this line is a debit` : `a ${target.what} matches a debit, and this line is a deposit` }]);
    }
    const taken = await tx.execute(sql`select id from bank_statement_lines where ${target.column} = ${targetId}`);
    const other = taken.rows[0] as { id: string } | undefined;
    if (other) throw new ConflictError('target_matched', `This ${target.what} is matched to another bank line already.`, { lineId: other.id }, [{ path: field, message: `matched to bank line ${other.id}` }]);
    try {
      await tx.execute(sql`update bank_statement_lines set ${target.column} = ${targetId}, match_rule = 'manual' where id = ${lineId}`);
    } catch (err) {
      // A concurrent match took the target between the check and the update (the partial unique index).
      if (isUniqueViolation(err)) {
        throw new ConflictError('target_matched', `This ${target.what} is matched to another bank line already.`, {}, [{ path: field, message: 'matched to another bank line' }]);
      }
      throw err;
    }
  });
  return getBankLine(ctx, lineId);
}

/** Takes a match off a line; the automatic matching then leaves the line alone until a person matches it. */
export async function unmatchBankLine(ctx: Ctx, lineId: string): Promise<BankLine> {
  const res = await q(ctx).execute(sql`
    update bank_statement_lines set matched_payout_id = null, matched_customer_payment_id = null, matched_supplier_payment_id = null,
      match_rule = 'left_unmatched'
    where id = ${lineIdOr404(lineId)} returning id`);
  if (!res.rows[0]) throw new NotFoundError('bank line', lineId);
  return getBankLine(ctx, lineId);
}

export interface MatchCandidate {
  kind: MatchKind;
  /** The field a match request names it by. */
  field: keyof typeof TARGETS;
  id: string;
  label: string;
  date: string | null;
  amountMinor: number;
  currency: string;
}

/**
 * What each given unmatched line could be matched to by hand: unmatched payouts and payments on the
 * line's side and in its currency, nearest amount first, then nearest date (`perLine` of them).
 */
export async function matchCandidates(ctx: Ctx, lines: Array<Pick<BankLine, 'id' | 'amountMinor' | 'currency' | 'bookingDate'>>, perLine = 8): Promise<Map<string, MatchCandidate[]>> {
  const out = new Map<string, MatchCandidate[]>();
  if (lines.length === 0) return out;
  const currencies = [...new Set(lines.map((l) => l.currency))];
  const inList = sql.join(currencies.map((c) => sql`${c}`), sql`, `);
  const res = await q(ctx).execute(sql`
    (select 'payout' as kind, p.id, p.source || ' ' || p.external_id as label, substr(p.arrival_date, 1, 10) as d, p.amount_minor as amount, p.currency
     from payouts p where p.currency in (${inList}) and p.amount_minor > 0
       and not exists (select 1 from bank_statement_lines b where b.matched_payout_id = p.id)
     order by p.arrival_date desc nulls last limit 1000)
    union all
    (select 'customer_payment', c.id, c.reference || ' · ' || c.customer_ref, c.received_date::text, c.amount_minor, c.currency
     from customer_payments c where c.currency in (${inList})
       and not exists (select 1 from bank_statement_lines b where b.matched_customer_payment_id = c.id)
     order by c.received_date desc limit 1000)
    union all
    (select 'supplier_payment', s.id, s.reference || ' · ' || coalesce(su.name, ''), s.paid_date::text, -s.amount_minor, s.currency
     from supplier_payments s left join suppliers su on su.id = s.supplier_id where s.currency in (${inList})
       and not exists (select 1 from bank_statement_lines b where b.matched_supplier_payment_id = s.id)
     order by s.paid_date desc limit 1000)`);
  const field: Record<MatchKind, keyof typeof TARGETS> = { payout: 'payoutId', customer_payment: 'customerPaymentId', supplier_payment: 'supplierPaymentId' };
  const all: MatchCandidate[] = (res.rows as Array<Record<string, unknown>>).map((r) => ({
    kind: r.kind as MatchKind, field: field[r.kind as MatchKind], id: String(r.id), label: String(r.label),
    date: r.d === null ? null : String(r.d), amountMinor: Number(r.amount), currency: String(r.currency),
  }));
  const days = (a: string | null, b: string) => (a ? Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000 : 1e9);
  for (const l of lines) {
    const mine = all.filter((c) => c.currency === l.currency && Math.sign(c.amountMinor) === Math.sign(l.amountMinor) && l.amountMinor !== 0);
    mine.sort((a, b) => Math.abs(a.amountMinor - l.amountMinor) - Math.abs(b.amountMinor - l.amountMinor) || days(a.date, l.bookingDate) - days(b.date, l.bookingDate));
    out.set(l.id, mine.slice(0, perLine));
  }
  return out;
}
