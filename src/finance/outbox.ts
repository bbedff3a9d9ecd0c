import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

export type AccountingTarget = 'xero' | 'quickbooks';

/**
 * The idempotency key sent with a journal to one accounting connection: the same (journal, target,
 * connection) always gives the same key, so a retried POST cannot create a second journal there.
 * A UUID shape fits both Xero's Idempotency-Key (≤ 128 chars) and QuickBooks' requestid (≤ 50).
 */
export function idempotencyKey(journalId: string, target: AccountingTarget, connectionId: string): string {
  const h = createHash('sha256').update(`${journalId}|${target}|${connectionId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Adds one outbox row per (journal, target connection); existing rows stay as they are. Returns the
 * ids of the rows still to send. Runs inside the caller's transaction: the journal and its outbox
 * rows commit together, and the caller queues `accounting.sync` after the commit.
 */
export async function enqueueJournalSync(ctx: Ctx, journalId: string, targets: ReadonlyArray<{ target: AccountingTarget; connectionId: string }>): Promise<string[]> {
  const ids: string[] = [];
  for (const t of targets) {
    const key = idempotencyKey(journalId, t.target, t.connectionId);
    await q(ctx).execute(sql`
      insert into accounting_outbox (journal_id, target, connection_id, idempotency_key)
      values (${journalId}, ${t.target}, ${t.connectionId}, ${key}) on conflict do nothing`);
    const r = await q(ctx).execute(sql`select id, status from accounting_outbox where idempotency_key = ${key}`);
    const row = r.rows[0] as { id: string; status: string } | undefined;
    if (row && row.status !== 'synced') ids.push(String(row.id));
  }
  return ids;
}
