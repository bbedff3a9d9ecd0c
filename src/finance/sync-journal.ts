import { sql } from 'drizzle-orm';
import { QuickBooksClient } from '../../connectors/quickbooks/client';
import { QuickBooksConfig } from '../../connectors/quickbooks/index';
import { depositOf, type AccountingJournal } from '../../connectors/kit/accounting-journal';
import { XeroClient } from '../../connectors/xero/client';
import { XeroConfig } from '../../connectors/xero/index';
import { connectorKit, openConfig } from '../connections/connection-config';
import { getConnectionRow, updateConnection } from '../connections/manage-connections';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { fromMinor } from '../domain/money';
import { AppError, NotFoundError, RemoteError } from '../errors';

const COUNTERPARTY: Record<string, string> = { shopify_payments: 'Shopify Payments', stripe: 'Stripe', amazon_settlement: 'Amazon', sandbox: 'Sandbox payments' };

/** The journal as accounting systems want it: decimals, account codes from the user's mapping. */
export async function accountingJournal(ctx: Ctx, journalId: string, target: 'xero' | 'quickbooks'): Promise<AccountingJournal> {
  const er = await q(ctx).execute(sql`
    select e.id, e.kind, e.entry_date, e.memo, p.source from journal_entries e left join payouts p on p.id = e.payout_id where e.id = ${journalId}`);
  const e = er.rows[0] as { id: string; kind: string; entry_date: string; memo: string; source: string | null } | undefined;
  if (!e) throw new NotFoundError('journal', journalId);
  const lr = await q(ctx).execute(sql`
    select l.debit_minor, l.credit_minor, l.currency, l.memo, a.code, a.role, a.external_refs
    from journal_lines l join ledger_accounts a on a.id = l.account_id where l.entry_id = ${journalId} order by l.position`);
  const rows = lr.rows as Array<{ debit_minor: number; credit_minor: number; currency: string; memo: string | null; code: string; role: string; external_refs: Record<string, string> | string }>;
  return {
    id: e.id, kind: e.kind, date: String(e.entry_date), narration: e.memo, currency: rows[0]?.currency ?? 'USD',
    counterparty: COUNTERPARTY[e.source ?? ''] ?? 'Payment processor',
    lines: rows.map((r) => {
      const refs = typeof r.external_refs === 'string' ? (JSON.parse(r.external_refs) as Record<string, string>) : r.external_refs;
      const d = Number(r.debit_minor);
      const c = Number(r.credit_minor);
      return {
        accountCode: refs?.[target] ?? r.code, role: r.role, description: r.memo ?? '',
        debit: d > 0 ? fromMinor(d, r.currency) : null, credit: d > 0 ? null : fromMinor(c, r.currency),
      };
    }),
  };
}

/**
 * Sends one outbox row. Claimed with a guarded UPDATE (a synced row is never sent again; a row left
 * `sending` by a crashed worker may be re-sent, which the idempotency key makes harmless).
 */
export async function syncOutboxRow(ctx: Ctx, outboxId: string): Promise<{ status: string; remoteId: string | null }> {
  const claimed = await q(ctx).execute(sql`
    update accounting_outbox set status = 'sending', attempts = attempts + 1, updated_at = now()
    where id = ${outboxId} and status in ('pending', 'failed', 'sending')
    returning id, journal_id, target, connection_id, idempotency_key`);
  const row = claimed.rows[0] as { journal_id: string; target: 'xero' | 'quickbooks'; connection_id: string; idempotency_key: string } | undefined;
  if (!row) {
    const cur = await q(ctx).execute(sql`select status, remote_id from accounting_outbox where id = ${outboxId}`);
    const c = cur.rows[0] as { status: string; remote_id: string | null } | undefined;
    if (!c) throw new NotFoundError('outbox row', outboxId);
    return { status: c.status, remoteId: c.remote_id };
  }
  try {
    const conn = await getConnectionRow(ctx, row.connection_id);
    const connector = ctx.connectors(conn.type);
    if (!connector) throw new AppError('unknown_connector', `no connector for ${conn.type}`);
    const config = openConfig(connector, conn.config, ctx.secrets);
    const journal = await accountingJournal(ctx, row.journal_id, row.target);
    const common = {
      connectionId: conn.id, ...connectorKit(ctx),
      onRefreshToken: async (t: string) => {
        await updateConnection(ctx, conn.id, { config: { refreshToken: t } });
      },
    };
    let remoteId: string;
    // A deposit (bank ↔ clearing) goes as the bank-side document each system matches against its bank
    // feed: a Xero bank transaction, a QuickBooks Deposit. Everything else is a journal.
    const deposit = depositOf(journal) !== null;
    if (row.target === 'xero') {
      const xero = new XeroClient(XeroConfig.parse(config), common);
      remoteId = deposit ? await xero.createBankTransaction(journal, row.idempotency_key) : await xero.createManualJournal(journal, row.idempotency_key);
    } else {
      const qbo = new QuickBooksClient(QuickBooksConfig.parse(config), common);
      remoteId = deposit ? await qbo.createDeposit(journal, row.idempotency_key) : await qbo.createJournalEntry(journal, row.idempotency_key);
    }
    await q(ctx).execute(sql`
      update accounting_outbox set status = 'synced', remote_id = ${remoteId}, last_error = null, synced_at = now(), updated_at = now()
      where id = ${outboxId}`);
    return { status: 'synced', remoteId };
  } catch (err) {
    const retryable = err instanceof RemoteError ? err.retryable : !(err instanceof AppError) || err.retryable;
    await q(ctx).execute(sql`
      update accounting_outbox set status = ${retryable ? 'pending' : 'failed'}, last_error = ${(err as Error).message.slice(0, 1000)}, updated_at = now()
      where id = ${outboxId}`);
    throw err;
  }
}
