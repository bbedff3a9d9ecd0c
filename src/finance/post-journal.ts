import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q, withTransaction } from '../db/transaction';
import { isBalanced } from '../domain/ledger';
import { toMinor } from '../domain/money';
import { ConflictError, ValidationError, zodFieldErrors } from '../errors';
import { CalendarDay } from '../domain/calendar-day';

export interface JournalLineInput {
  /** A ledger role (default chart) or an account code. */
  role?: string;
  accountCode?: string;
  debitMinor: number;
  creditMinor: number;
  currency: string;
  /** The document amount when it is in another currency than the line (a EUR bill booked in USD). */
  presentmentMinor?: number | null;
  presentmentCurrency?: string | null;
  memo?: string | null;
}

export interface JournalInput {
  kind: 'invoice' | 'payment' | 'payment_application' | 'credit_note' | 'cogs' | 'stock_adjustment' | 'opening_stock' | 'stock_receipt' | 'manual' | 'fx_revaluation' | 'bill' | 'bill_void' | 'supplier_payment';
  entryDate: string;
  memo: string;
  /** Deterministic: posting the same document twice finds the first entry. */
  dedupeKey: string;
  channel?: string | null;
  lines: JournalLineInput[];
}

/**
 * Posts one balanced journal entry with accounts from the default chart (by role or code), once per
 * dedupe key: a retry returns the entry already posted. The database's deferred trigger checks the
 * balance again at commit.
 */
export async function postJournal(ctx: Ctx, input: JournalInput): Promise<{ id: string; created: boolean }> {
  const lines = input.lines.filter((l) => l.debitMinor !== 0 || l.creditMinor !== 0);
  if (lines.length === 0) throw new ValidationError([{ path: 'lines', message: 'a journal needs at least one non-zero line' }]);
  if (!isBalanced(lines)) throw new ValidationError([{ path: 'lines', message: 'debits must equal credits per currency' }]);
  return withTransaction(ctx, async (tx) => {
    const acc = await tx.execute(sql`select id, role, code from ledger_accounts where connection_id is null`);
    const byRole = new Map<string, string>();
    const byCode = new Map<string, string>();
    for (const a of acc.rows as Array<{ id: string; role: string; code: string }>) {
      byRole.set(a.role, String(a.id));
      byCode.set(a.code, String(a.id));
    }
    const recs = lines.map((l, i) => {
      const accountId = l.accountCode ? byCode.get(l.accountCode) : l.role ? byRole.get(l.role) : undefined;
      if (!accountId) throw new ValidationError([{ path: `lines.${i}.${l.accountCode ? 'accountCode' : 'role'}`, message: `no account ${l.accountCode ?? l.role}` }]);
      // Presentment only when given, so the fingerprint of every other entry stays as it was.
      const presentment = l.presentmentCurrency ? { presentment_minor: l.presentmentMinor ?? null, presentment_currency: l.presentmentCurrency } : {};
      return { position: i, account_id: accountId, debit: l.debitMinor, credit: l.creditMinor, currency: l.currency, memo: l.memo ?? null, ...presentment };
    });
    const fingerprint = JSON.stringify({ date: input.entryDate, lines: recs });
    const ins = await tx.execute(sql`
      insert into journal_entries (kind, dedupe_key, entry_date, memo, fingerprint, channel)
      values (${input.kind}, ${input.dedupeKey}, ${input.entryDate}, ${input.memo}, ${fingerprint}, ${input.channel ?? null})
      on conflict (dedupe_key) do nothing returning id`);
    const created = ins.rows[0] as { id: string } | undefined;
    if (!created) {
      const ex = await tx.execute(sql`select id from journal_entries where dedupe_key = ${input.dedupeKey}`);
      return { id: String((ex.rows[0] as { id: string }).id), created: false };
    }
    const id = String(created.id);
    await tx.execute(sql`
      insert into journal_lines (entry_id, position, account_id, debit_minor, credit_minor, currency, memo, presentment_minor, presentment_currency)
      select ${id}::uuid, r.position, r.account_id, r.debit, r.credit, r.currency, r.memo, r.presentment_minor, r.presentment_currency
      from jsonb_to_recordset(${JSON.stringify(recs)}::jsonb)
        as r(position int, account_id uuid, debit bigint, credit bigint, currency text, memo text, presentment_minor bigint, presentment_currency text)`);
    return { id, created: true };
  });
}

const Day = CalendarDay;
const Amount = z.union([z.string(), z.number()]).optional();

export const ManualJournalInput = z.object({
  date: Day,
  memo: z.string().trim().min(1).max(500),
  /** Makes a retried request post once. */
  reference: z.string().trim().min(1).max(200),
  channel: z.string().trim().max(100).optional(),
  lines: z.array(z.object({
    accountCode: z.string().trim().min(1).max(50),
    /** Decimal amounts as text ("120.50"), exact per the currency's exponent. */
    debit: Amount,
    credit: Amount,
    currency: z.string().regex(/^[A-Z]{3}$/),
    memo: z.string().max(500).optional(),
  })).min(2).max(200),
});

/** A manual journal (opening balances, operating expenses, accruals): decimals in, balanced per currency, posted once per reference. */
export async function postManualJournal(ctx: Ctx, input: unknown) {
  const r = ManualJournalInput.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  const d = r.data;
  const lines: JournalLineInput[] = d.lines.map((l, i) => {
    const money = (v: string | number | undefined, field: string) => {
      if (v === undefined || v === '') return 0;
      try {
        const m = toMinor(v, l.currency);
        if (m < 0) throw new Error('negative');
        return m;
      } catch {
        throw new ValidationError([{ path: `lines.${i}.${field}`, message: `a non-negative decimal amount in ${l.currency}` }]);
      }
    };
    const debitMinor = money(l.debit, 'debit');
    const creditMinor = money(l.credit, 'credit');
    if ((debitMinor === 0) === (creditMinor === 0)) throw new ValidationError([{ path: `lines.${i}`, message: 'exactly one of debit and credit' }]);
    return { accountCode: l.accountCode, debitMinor, creditMinor, currency: l.currency, memo: l.memo ?? null };
  });
  const key = `manual:${createHash('sha256').update(d.reference).digest('hex').slice(0, 32)}`;
  const res = await postJournal(ctx, { kind: 'manual', entryDate: d.date, memo: d.memo, dedupeKey: key, channel: d.channel ?? null, lines });
  if (!res.created) {
    const same = await q(ctx).execute(sql`select entry_date, memo from journal_entries where id = ${res.id}`);
    const row = same.rows[0] as { entry_date: string; memo: string };
    if (row.memo !== d.memo || String(row.entry_date) !== d.date) throw new ConflictError('reference_reused', 'This reference was used for another journal.');
  }
  await ctx.queue.enqueue('finance.budgets-check', { month: d.date.slice(0, 7) }).catch(() => undefined);
  return { id: res.id, created: res.created };
}
