import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { decodeKeyset, encodeKeyset, everyPage, keysetTime, keysetUuid } from '../db/keyset';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { fromMinor } from '../domain/money';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { enqueueJournalSync } from './outbox';
import { getFinanceSettings } from './settings';
import { csvCell } from '../exports/csv';
import { CalendarDay } from '../domain/calendar-day';

/** Every kind of journal entry the hub posts (payout journals, receivables, payables, stock, manual). */
export const JOURNAL_KINDS = [
  'settlement', 'deposit', 'reversal', 'invoice', 'payment', 'payment_application', 'credit_note', 'cogs', 'stock_adjustment',
  'opening_stock', 'stock_receipt', 'manual', 'fx_revaluation', 'bill', 'bill_void', 'supplier_payment',
] as const;

const Day = CalendarDay;

export const ListJournalsQuery = z.object({
  payoutId: z.string().uuid().optional(),
  /** Entry status (`posted`, `reversed`) or sync status (`pending`, `synced`, `failed`). */
  status: z.string().max(32).optional(),
  target: z.enum(['xero', 'quickbooks']).optional(),
  /** One kind or several, comma-separated (`cogs,stock_adjustment`). */
  kind: z.string().max(400).optional().refine(
    (v) => v === undefined || v.split(',').every((k) => (JOURNAL_KINDS as readonly string[]).includes(k.trim())),
    `one or more of ${JOURNAL_KINDS.join(', ')}, comma-separated`,
  ),
  /** Entry dates from and to (inclusive). */
  from: Day.optional(),
  to: Day.optional(),
  /** `asc` (default): in posting order; `desc`: newest first. */
  order: z.enum(['asc', 'desc']).default('asc'),
  /** `nextCursor` of the previous page (in the same order). */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});


async function journalRows(ctx: Ctx, where: SQL[], limit: number, order: 'asc' | 'desc' = 'asc') {
  const res = await q(ctx).execute(sql`
    select e.*, coalesce((select jsonb_agg(jsonb_build_object('id', o.id, 'target', o.target, 'connectionId', o.connection_id, 'status', o.status,
                  'attempts', o.attempts, 'lastError', o.last_error, 'remoteId', o.remote_id, 'idempotencyKey', o.idempotency_key) order by o.target)
              from accounting_outbox o where o.journal_id = e.id), '[]'::jsonb) as sync
    , to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key
    from journal_entries e where ${sql.join(where, sql` and `)}
    order by ${order === 'desc' ? sql`e.created_at desc, e.id desc` : sql`e.created_at, e.id`} limit ${limit}`);
  return res.rows as Record<string, unknown>[];
}

async function linesOf(ctx: Ctx, ids: string[]) {
  if (ids.length === 0) return new Map<string, unknown[]>();
  const res = await q(ctx).execute(sql`
    select l.entry_id, l.position, a.code, a.name, a.role, l.debit_minor, l.credit_minor, l.currency, l.presentment_minor, l.presentment_currency, l.memo
    from journal_lines l join ledger_accounts a on a.id = l.account_id
    where l.entry_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid) order by l.entry_id, l.position`);
  const out = new Map<string, unknown[]>();
  for (const r of res.rows as Record<string, unknown>[]) {
    const k = String(r.entry_id);
    out.set(k, [...(out.get(k) ?? []), {
      accountCode: String(r.code), accountName: String(r.name), role: String(r.role), debitMinor: Number(r.debit_minor), creditMinor: Number(r.credit_minor),
      currency: String(r.currency), presentmentMinor: r.presentment_minor === null ? null : Number(r.presentment_minor),
      presentmentCurrency: (r.presentment_currency as string | null) ?? null, memo: (r.memo as string | null) ?? null,
    }]);
  }
  return out;
}

function present(r: Record<string, unknown>, lines: unknown[]) {
  return {
    id: String(r.id), payoutId: (r.payout_id as string | null) ?? null, kind: String(r.kind), status: String(r.status),
    reversesId: (r.reverses_id as string | null) ?? null, entryDate: String(r.entry_date), memo: String(r.memo),
    lines, sync: (typeof r.sync === 'string' ? JSON.parse(r.sync) : r.sync) as unknown[],
  };
}

/** Journals in the order they were posted (or newest first), keyset-paginated (`nextCursor`), with their lines and sync state. */
export async function listJournals(ctx: Ctx, query: unknown) {
  const parsed = ListJournalsQuery.safeParse(query ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const f = parsed.data;
  if (f.from && f.to && f.from > f.to) throw new ValidationError([{ path: 'to', message: 'must not be before from' }]);
  const where: SQL[] = [sql`true`];
  if (f.kind) where.push(sql`e.kind in (${sql.join(f.kind.split(',').map((k) => sql`${k.trim()}`), sql`, `)})`);
  if (f.from) where.push(sql`e.entry_date >= ${f.from}`);
  if (f.to) where.push(sql`e.entry_date <= ${f.to}`);
  if (f.cursor) {
    const [at, id] = decodeKeyset(f.cursor, 2) as [string, string];
    const c = { createdAt: keysetTime(at), id: keysetUuid(id) };
    where.push(f.order === 'desc'
      ? sql`(e.created_at, e.id) < (${c.createdAt}::timestamptz, ${c.id}::uuid)`
      : sql`(e.created_at, e.id) > (${c.createdAt}::timestamptz, ${c.id}::uuid)`);
  }
  if (f.payoutId) where.push(sql`e.payout_id = ${f.payoutId}`);
  if (f.status === 'posted' || f.status === 'reversed') where.push(sql`e.status = ${f.status}`);
  else if (f.status) where.push(sql`exists (select 1 from accounting_outbox o where o.journal_id = e.id and o.status = ${f.status} ${f.target ? sql`and o.target = ${f.target}` : sql``})`);
  if (f.target) where.push(sql`exists (select 1 from accounting_outbox o where o.journal_id = e.id and o.target = ${f.target})`);
  const rows = await journalRows(ctx, where, f.limit + 1, f.order);
  const page = rows.slice(0, f.limit);
  const lines = await linesOf(ctx, page.map((r) => String(r.id)));
  const last = page.at(-1);
  return {
    items: page.map((r) => present(r, lines.get(String(r.id)) ?? [])),
    nextCursor: rows.length > f.limit && last ? encodeKeyset([String(last.created_key), String(last.id)]) : null,
  };
}

export async function getJournal(ctx: Ctx, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('journal', id);
  const rows = await journalRows(ctx, [sql`e.id = ${id}`], 1);
  if (!rows[0]) throw new NotFoundError('journal', id);
  const lines = await linesOf(ctx, [id]);
  return present(rows[0], lines.get(id) ?? []);
}

/** (Re)queues a journal's sync: failed rows go back to pending; targets configured since get their row. */
export async function requestJournalSync(ctx: Ctx, id: string): Promise<{ queued: string[] }> {
  const j = await getJournal(ctx, id);
  const ids: string[] = [];
  if (j.payoutId) {
    const pr = await q(ctx).execute(sql`select connection_id from payouts where id = ${j.payoutId}`);
    const cid = (pr.rows[0] as { connection_id: string } | undefined)?.connection_id;
    if (cid) ids.push(...(await enqueueJournalSync(ctx, id, (await getFinanceSettings(ctx, cid)).accountingTargets)));
  }
  await q(ctx).execute(sql`update accounting_outbox set status = 'pending', updated_at = now() where journal_id = ${id} and status = 'failed'`);
  const res = await q(ctx).execute(sql`select id from accounting_outbox where journal_id = ${id} and status <> 'synced' order by id`);
  const queued = [...new Set([...ids, ...(res.rows as Array<{ id: string }>).map((r) => String(r.id))])];
  for (const oid of queued) await ctx.queue.enqueue('accounting.sync', { outboxId: oid });
  return { queued };
}

/** Journals for systems without an API: one CSV row per journal line (decimals per currency exponent), or JSON. */
export async function exportJournals(ctx: Ctx, format: 'csv' | 'json', query: unknown): Promise<{ contentType: string; body: string }> {
  // Every matching journal, page by page: an export that stopped at the first 500 left the newest out.
  const items = await everyPage((cursor) => listJournals(ctx, { ...(query as object), cursor, limit: 500 }));
  if (format === 'json') return { contentType: 'application/json', body: JSON.stringify({ items }) };
  const rows = [['journal_id', 'date', 'kind', 'status', 'memo', 'account_code', 'account_name', 'debit', 'credit', 'currency', 'line_memo']];
  for (const j of items) {
    for (const l of j.lines as Array<{ accountCode: string; accountName: string; debitMinor: number; creditMinor: number; currency: string; memo: string | null }>) {
      rows.push([j.id, j.entryDate, j.kind, j.status, j.memo, l.accountCode, l.accountName,
        l.debitMinor ? fromMinor(l.debitMinor, l.currency) : '', l.creditMinor ? fromMinor(l.creditMinor, l.currency) : '', l.currency, l.memo ?? '']);
    }
  }
  return { contentType: 'text/csv; charset=utf-8', body: `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n` };
}
