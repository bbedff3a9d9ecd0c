import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTx, type Ctx } from '../context';
import { q, withTransaction } from '../db/transaction';
import { convertExact, rateText } from '../domain/fx-rates';
import { reverseLines } from '../domain/ledger';
import { addDays } from '../domain/receivables';
import { ValidationError } from '../errors';
import { Day, parse } from './bills';
import { getCompanySettings } from './company-settings';
import { loadRateBook } from './fx-rates';
import { postJournal, type JournalLineInput } from './post-journal';

/**
 * Unrealised FX at a period end. Open foreign-currency receivables (invoices) and payables (bills)
 * are carried in the ledger at their booked rates; at `at` each open balance is revalued at the
 * closing rate (the latest rate on or before `at`) and the difference posted as one balanced
 * `fx_revaluation` journal (receivables / payables against fx), reversed by an entry dated the next
 * day, so a payment later realises FX against the booked rate without counting this twice.
 * One run per date: the unique index on fx_revaluations.at_date makes a rerun (or a concurrent
 * one) find the first and post nothing.
 */

export const FxRevaluationInput = z.object({ at: Day });
export const ListFxRevaluationsQuery = z.object({ limit: z.coerce.number().int().min(1).max(120).default(24) });

const ymd = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

interface OpenDoc { kind: 'invoice' | 'bill'; id: string; number: string; party: string; currency: string; open: number; carrying: number }

/** Open foreign-currency documents as of the end of `at`, with what the ledger carries them at. */
async function openDocuments(db: Ctx['db'], at: string, functional: string): Promise<OpenDoc[]> {
  const inv = await db.execute(sql`
    select i.id, i.number, i.customer_ref as party, i.currency,
      i.total_minor - coalesce(a.amount, 0) - coalesce(c.amount, 0) as open,
      i.functional_total_minor - coalesce(a.booked, 0) - coalesce(c.booked, 0) as carrying
    from invoices i
    left join lateral (select sum(amount_minor) as amount, sum(booked_functional_minor) as booked from payment_allocations
                       where invoice_id = i.id and applied_date <= ${at}::date) a on true
    left join lateral (select sum(amount_minor) as amount, sum(functional_minor) as booked from credit_notes
                       where invoice_id = i.id and issue_date <= ${at}::date) c on true
    where i.issue_date <= ${at}::date and i.status <> 'void' and i.functional_currency = ${functional} and i.currency <> i.functional_currency
    order by i.currency, i.number`);
  const bills = await db.execute(sql`
    select b.id, b.number, s.code as party, b.currency,
      b.total_minor - coalesce(a.amount, 0) as open, b.functional_total_minor - coalesce(a.booked, 0) as carrying
    from bills b join suppliers s on s.id = b.supplier_id
    left join lateral (select sum(amount_minor) as amount, sum(booked_functional_minor) as booked from supplier_payment_applications
                       where bill_id = b.id and applied_date <= ${at}::date) a on true
    where b.issue_date <= ${at}::date and b.status in ('open', 'partially_paid', 'paid') and b.journal_id is not null
      and b.functional_currency = ${functional} and b.currency <> b.functional_currency
    order by b.currency, s.code, b.number`);
  const rows = (kind: OpenDoc['kind'], r: Array<Record<string, unknown>>): OpenDoc[] => r.map((x) => ({
    kind, id: String(x.id), number: String(x.number), party: String(x.party), currency: String(x.currency), open: Number(x.open), carrying: Number(x.carrying),
  }));
  return [...rows('invoice', inv.rows as never), ...rows('bill', bills.rows as never)].filter((d) => d.open > 0);
}

export type FxRevaluation = Awaited<ReturnType<typeof loadRuns>>[number];

async function loadRuns(db: Ctx['db'], where: ReturnType<typeof sql>, limit: number) {
  const runs = await db.execute(sql`select * from fx_revaluations where ${where} order by at_date desc limit ${limit}`);
  const list = runs.rows as Array<Record<string, unknown>>;
  if (list.length === 0) return [];
  const lines = await db.execute(sql`
    select * from fx_revaluation_lines where revaluation_id in (select jsonb_array_elements_text(${JSON.stringify(list.map((r) => String(r.id)))}::jsonb)::uuid)
    order by document_kind desc, currency, number`);
  const by = new Map<string, Array<Record<string, unknown>>>();
  for (const l of lines.rows as Array<Record<string, unknown>>) by.set(String(l.revaluation_id), [...(by.get(String(l.revaluation_id)) ?? []), l]);
  return list.map((r) => ({
    id: String(r.id), at: ymd(r.at_date), reversalDate: addDays(ymd(r.at_date), 1), functionalCurrency: String(r.functional_currency),
    receivablesDiffMinor: Number(r.receivables_diff_minor), payablesDiffMinor: Number(r.payables_diff_minor),
    journalId: (r.journal_id as string | null) ?? null, reversalJournalId: (r.reversal_journal_id as string | null) ?? null,
    createdBy: (r.created_by as string | null) ?? null, createdAt: new Date(String(r.created_at)).toISOString(),
    lines: (by.get(String(r.id)) ?? []).map((l) => ({
      documentKind: String(l.document_kind), documentId: String(l.document_id), number: String(l.number), party: String(l.party), currency: String(l.currency),
      openMinor: Number(l.open_minor), rate: String(l.rate), carryingMinor: Number(l.carrying_minor), revaluedMinor: Number(l.revalued_minor), diffMinor: Number(l.diff_minor),
    })),
  }));
}

/**
 * Revalues open foreign-currency receivables and payables at the closing rate of `at`. A rerun for
 * the same date returns the first run (`created: false`) and posts nothing.
 * @example await runFxRevaluation(ctx, { at: '2026-01-31' }) // journal dated 01-31, reversal dated 02-01
 */
export async function runFxRevaluation(ctx: Ctx, input: unknown): Promise<{ revaluation: FxRevaluation; created: boolean }> {
  const { at } = parse(FxRevaluationInput, input);
  const today = ctx.now().toISOString().slice(0, 10);
  if (at > today) throw new ValidationError([{ path: 'at', message: 'a revaluation date must not be in the future' }]);
  const functional = (await getCompanySettings(ctx)).functionalCurrency;
  const existing = await loadRuns(q(ctx), sql`at_date = ${at}::date`, 1);
  if (existing[0]) return { revaluation: existing[0], created: false };
  const rates = await loadRateBook(ctx, at);

  const out = await withTransaction(ctx, async (tx) => {
    const c = inTx(ctx, tx);
    // The run row first: a concurrent run of the same date waits on this insert and then finds it taken.
    const ins = await tx.execute(sql`
      insert into fx_revaluations (at_date, functional_currency, created_by) values (${at}::date, ${functional}, ${ctx.actor ?? 'system'})
      on conflict (at_date) do nothing returning id`);
    const run = ins.rows[0] as { id: string } | undefined;
    if (!run) return { id: null, created: false };
    const docs = await openDocuments(tx, at, functional);
    const missing = [...new Set(docs.map((d) => d.currency))].filter((cur) => !rates.rate(cur, functional, at));
    if (missing.length) {
      throw new ValidationError(missing.map((cur) => ({ path: 'at', message: `no closing ${cur}/${functional} rate is known on or before ${at}; import or set one (PUT /api/v1/fx-rates)` })));
    }
    const lines = docs.map((d) => {
      const rate = rates.rate(d.currency, functional, at)!;
      const revalued = convertExact(d.open, d.currency, functional, rate);
      return { ...d, rate: rateText(rate, 12), revalued, diff: revalued - d.carrying };
    });
    if (lines.length) {
      await tx.execute(sql`
        insert into fx_revaluation_lines (revaluation_id, document_kind, document_id, number, party, currency, open_minor, rate, carrying_minor, revalued_minor, diff_minor)
        select ${run.id}::uuid, x.kind, x.id, x.number, x.party, x.currency, x.open, x.rate, x.carrying, x.revalued, x.diff
        from jsonb_to_recordset(${JSON.stringify(lines)}::jsonb)
          as x(kind text, id uuid, number text, party text, currency text, open bigint, rate text, carrying bigint, revalued bigint, diff bigint)`);
    }
    // One ledger line per side and currency; a receivable worth more is a gain, a payable worth more a loss.
    const sums = new Map<string, { role: 'receivables' | 'payables'; currency: string; diff: number }>();
    for (const l of lines) {
      const role = l.kind === 'invoice' ? 'receivables' : 'payables';
      const k = `${role}|${l.currency}`;
      const s = sums.get(k) ?? { role, currency: l.currency, diff: 0 };
      s.diff += l.diff;
      sums.set(k, s);
    }
    const arDiff = lines.filter((l) => l.kind === 'invoice').reduce((s, l) => s + l.diff, 0);
    const apDiff = lines.filter((l) => l.kind === 'bill').reduce((s, l) => s + l.diff, 0);
    const gain = arDiff - apDiff;
    const memo = (cur: string) => `Revaluation of open ${cur} at ${at}`;
    const posting: JournalLineInput[] = [
      ...[...sums.values()].map((s) => s.role === 'receivables'
        ? { role: s.role, debitMinor: Math.max(s.diff, 0), creditMinor: Math.max(-s.diff, 0), currency: functional, memo: memo(s.currency) }
        : { role: s.role, debitMinor: Math.max(-s.diff, 0), creditMinor: Math.max(s.diff, 0), currency: functional, memo: memo(s.currency) }),
      { role: 'fx', debitMinor: Math.max(-gain, 0), creditMinor: Math.max(gain, 0), currency: functional, memo: `Unrealised FX at ${at}` },
    ];
    let journalId: string | null = null, reversalId: string | null = null;
    if (posting.some((l) => l.debitMinor !== 0 || l.creditMinor !== 0)) {
      journalId = (await postJournal(c, { kind: 'fx_revaluation', entryDate: at, memo: `FX revaluation at ${at}`, dedupeKey: `fx-revaluation:${at}`, lines: posting })).id;
      const next = addDays(at, 1);
      reversalId = (await postJournal(c, { kind: 'fx_revaluation', entryDate: next, memo: `Reversal of the FX revaluation at ${at}`, dedupeKey: `fx-revaluation-reversal:${at}`, lines: reverseLines(posting) })).id;
      await tx.execute(sql`update journal_entries set reverses_id = ${journalId} where id = ${reversalId}`);
    }
    await tx.execute(sql`
      update fx_revaluations set journal_id = ${journalId}, reversal_journal_id = ${reversalId}, receivables_diff_minor = ${arDiff}, payables_diff_minor = ${apDiff}
      where id = ${run.id}`);
    return { id: run.id, created: true };
  });
  const [revaluation] = await loadRuns(q(ctx), sql`at_date = ${at}::date`, 1);
  return { revaluation: revaluation!, created: out.created };
}

/** Runs, newest date first, each with its per-document lines. */
export async function listFxRevaluations(ctx: Ctx, query: unknown) {
  const f = parse(ListFxRevaluationsQuery, query);
  return { items: await loadRuns(q(ctx), sql`true`, f.limit) };
}

/** The last day of the month before `today`'s: what the monthly job revalues at. */
export function previousMonthEnd(today: string): string {
  return addDays(`${today.slice(0, 7)}-01`, -1);
}

/** The scheduled job: revalue at the end of the previous month, once (a daily rerun finds the run and does nothing). */
export async function runMonthlyFxRevaluation(ctx: Ctx, input: { at?: string } = {}) {
  const at = input.at ?? previousMonthEnd(ctx.now().toISOString().slice(0, 10));
  return runFxRevaluation(ctx, { at });
}
