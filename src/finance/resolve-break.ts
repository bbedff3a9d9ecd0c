import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { presentBreak } from './list-breaks';

export const ResolveBreakInput = z.object({
  status: z.enum(['resolved', 'accepted']),
  note: z.string().trim().min(1).max(2000),
});

/** Closes a break with a note (who and why are kept); the payout turns clean when its last open break closes. */
export async function resolveBreak(ctx: Ctx, id: string, input: unknown) {
  const r = ResolveBreakInput.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  const db = q(ctx);
  // Guarded: only an open break changes, so two people resolving at once cannot overwrite each other's note.
  const res = await db.execute(sql`
    update finance_breaks set status = ${r.data.status}, note = ${r.data.note}, resolved_by = ${ctx.actor ?? 'system'},
           resolved_at = now(), updated_at = now()
    where id = ${id} and status = 'open' returning *`);
  const row = res.rows[0] as Record<string, unknown> | undefined;
  if (!row) {
    const cur = await db.execute(sql`select status from finance_breaks where id = ${id}`);
    if (!cur.rows[0]) throw new NotFoundError('discrepancy', id);
    throw new ConflictError('not_open', `discrepancy ${id} is already ${(cur.rows[0] as { status: string }).status}`);
  }
  if (row.payout_id) {
    await db.execute(sql`
      update payouts set reconciliation = 'clean', updated_at = now()
      where id = ${String(row.payout_id)} and reconciliation = 'open'
        and not exists (select 1 from finance_breaks where payout_id = ${String(row.payout_id)} and status = 'open')`);
  }
  return presentBreak(row);
}
