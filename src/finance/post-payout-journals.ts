import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { payoutPostings, reverseLines, type LedgerInput, type PostingEntry, type PostingLine } from '../domain/ledger';
import { accountsFor } from './accounts';
import { enqueueJournalSync } from './outbox';
import type { FinanceSettings } from './settings';

export interface JournalChange {
  kind: PostingEntry['kind'];
  /** '' for the payout's summary entries, `order:<id>` for an order's entry (per-order journals). */
  groupKey: string;
  action: 'post' | 'reverse';
  journalId?: string;
  lines: PostingLine[];
}

function fingerprint(e: PostingEntry): string {
  return JSON.stringify({ date: e.entryDate, lines: e.lines });
}

/**
 * Brings the payout's posted journals in line with what its lines say. Posted entries are never
 * edited: when the postings change, the old entry gets a reversing entry and the new one is posted.
 * A re-run with the same data finds identical fingerprints and does nothing.
 */
export async function postPayoutJournals(
  ctx: Ctx,
  input: { payoutId: string; connectionId: string; dryRun: boolean; settings: FinanceSettings; payout: LedgerInput['payout']; lines: LedgerInput['lines'] },
): Promise<{ changes: JournalChange[]; outboxIds: string[] }> {
  const db = q(ctx);
  const wanted = input.payout.manual && input.lines.length === 0
    ? payoutPostings({ payout: input.payout, lines: [], bookedRates: input.settings.bookedRates }).filter((e) => e.kind === 'deposit')
    : payoutPostings({ payout: input.payout, lines: input.lines, bookedRates: input.settings.bookedRates, journalMode: input.settings.journalMode });
  const posted = await db.execute(sql`
    select id, kind, group_key, fingerprint from journal_entries
    where payout_id = ${input.payoutId} and status = 'posted' and kind in ('settlement', 'deposit') order by created_at`);
  const slot = (kind: string, group: string) => `${kind}|${group}`;
  const current = new Map((posted.rows as Array<{ id: string; kind: string; group_key: string; fingerprint: string }>).map((r) => [slot(r.kind, r.group_key), r]));
  const changes: JournalChange[] = [];
  const accounts = await accountsFor(ctx, input.connectionId);
  const newIds: string[] = [];

  const insertEntry = async (kind: string, group: string, e: PostingEntry, dedupeKey: string, reversesId: string | null): Promise<string> => {
    const fp = fingerprint(e);
    const res = await db.execute<{ id: string }>(sql`
      insert into journal_entries (payout_id, kind, group_key, dedupe_key, reverses_id, entry_date, memo, fingerprint)
      values (${input.payoutId}, ${kind}, ${group}, ${dedupeKey}, ${reversesId}, ${e.entryDate}, ${e.memo}, ${fp}) returning id`);
    const id = String(res.rows[0]!.id);
    const recs = e.lines.map((l, i) => ({
      position: i, account_id: accounts.get(l.role), debit: l.debitMinor, credit: l.creditMinor, currency: l.currency,
      pm: l.presentmentMinor ?? null, pc: l.presentmentCurrency ?? null, memo: l.memo,
    }));
    await db.execute(sql`
      insert into journal_lines (entry_id, position, account_id, debit_minor, credit_minor, currency, presentment_minor, presentment_currency, memo)
      select ${id}::uuid, r.position, r.account_id, r.debit, r.credit, r.currency, r.pm, r.pc, r.memo
      from jsonb_to_recordset(${JSON.stringify(recs)}::jsonb) as r(position int, account_id uuid, debit bigint, credit bigint,
           currency text, pm bigint, pc text, memo text)`);
    newIds.push(id);
    return id;
  };

  // Every (kind, group) wanted or posted, in a fixed order: summary settlement, order settlements, deposit.
  // Switching between summary and per-order mode reverses the entries that no longer fit and posts the new ones.
  const slots = [...new Set([...wanted.map((e) => slot(e.kind, e.groupKey ?? '')), ...current.keys()])].sort((a, b) => {
    const rank = (k: string) => (k.startsWith('deposit|') ? 2 : k === 'settlement|' ? 0 : 1);
    return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
  });
  for (const key of slots) {
    const [kind, group] = key.split('|') as ['settlement' | 'deposit', string];
    const want = wanted.find((e) => slot(e.kind, e.groupKey ?? '') === key);
    const have = current.get(key);
    if (want && have && have.fingerprint === fingerprint(want)) continue;
    if (have) {
      const lr = await db.execute(sql`
        select a.role, l.debit_minor, l.credit_minor, l.currency, l.presentment_minor, l.presentment_currency, l.memo
        from journal_lines l join ledger_accounts a on a.id = l.account_id where l.entry_id = ${have.id} order by l.position`);
      const oldLines: PostingLine[] = (lr.rows as Record<string, unknown>[]).map((r) => ({
        role: r.role as PostingLine['role'], debitMinor: Number(r.debit_minor), creditMinor: Number(r.credit_minor), currency: String(r.currency),
        presentmentMinor: r.presentment_minor === null ? null : Number(r.presentment_minor), presentmentCurrency: (r.presentment_currency as string | null) ?? null,
        memo: `reversal: ${String(r.memo ?? '')}`,
      }));
      const rev: PostingEntry = { kind, entryDate: new Date(ctx.now()).toISOString().slice(0, 10), memo: `Reversal of ${kind} of payout ${input.payout.externalId}`, lines: reverseLines(oldLines) };
      changes.push({ kind, groupKey: group, action: 'reverse', journalId: have.id, lines: rev.lines });
      if (!input.dryRun) {
        await insertEntry('reversal', group, rev, `reverse:${have.id}`, have.id);
        await db.execute(sql`update journal_entries set status = 'reversed' where id = ${have.id} and status = 'posted'`);
      }
    }
    if (want) {
      changes.push({ kind, groupKey: group, action: 'post', lines: want.lines });
      if (!input.dryRun) {
        const h = createHash('sha256').update(fingerprint(want)).digest('hex').slice(0, 16);
        const nth = await db.execute(sql`select count(*)::int as n from journal_entries where payout_id = ${input.payoutId} and kind = ${kind} and group_key = ${group}`);
        const id = await insertEntry(kind, group, want, `payout:${input.payoutId}:${kind}:${group ? `${group}:` : ''}${Number((nth.rows[0] as { n: number }).n)}:${h}`, null);
        const last = changes[changes.length - 1]!;
        last.journalId = id;
      }
    }
  }
  const outboxIds: string[] = [];
  if (!input.dryRun) for (const id of newIds) outboxIds.push(...(await enqueueJournalSync(ctx, id, input.settings.accountingTargets)));
  return { changes, outboxIds };
}
