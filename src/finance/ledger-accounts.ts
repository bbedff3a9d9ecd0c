import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';

const present = (r: Record<string, unknown>) => ({
  id: String(r.id), role: String(r.role), connectionId: (r.connection_id as string | null) ?? null, code: String(r.code), name: String(r.name),
  kind: String(r.kind), externalRefs: (typeof r.external_refs === 'string' ? JSON.parse(r.external_refs) : r.external_refs) as Record<string, string>,
});

/** The chart of accounts: defaults plus per-connection overrides. */
export async function listLedgerAccounts(ctx: Ctx) {
  const res = await q(ctx).execute(sql`select * from ledger_accounts order by connection_id nulls first, code`);
  return { items: (res.rows as Record<string, unknown>[]).map(present) };
}

export const UpdateLedgerAccountInput = z.object({
  code: z.string().trim().min(1).max(50).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  /** Codes / ids at the accounting systems: `{ "xero": "404", "quickbooks": "65" }`. */
  externalRefs: z.record(z.enum(['xero', 'quickbooks']), z.string().min(1).max(100)).optional(),
});

/**
 * Edits the user's mapping of one account (code, name, codes at Xero / QuickBooks). Posted journals
 * keep their account ids; the next sync and export use the new codes.
 */
export async function updateLedgerAccount(ctx: Ctx, id: string, input: unknown) {
  const r = UpdateLedgerAccountInput.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('ledger account', id);
  const d = r.data;
  const res = await q(ctx).execute(sql`
    update ledger_accounts set code = coalesce(${d.code ?? null}, code), name = coalesce(${d.name ?? null}, name),
      external_refs = external_refs || ${JSON.stringify(d.externalRefs ?? {})}::jsonb, updated_at = now()
    where id = ${id} returning *`);
  const row = res.rows[0] as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('ledger account', id);
  return present(row);
}
