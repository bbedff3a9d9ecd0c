import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import type { AccountRole } from '../domain/ledger';

/** Role → account id for a connection: its own override where it has one, else the default chart. */
export async function accountsFor(ctx: Ctx, connectionId: string): Promise<Map<AccountRole, string>> {
  const res = await q(ctx).execute(sql`
    select distinct on (role) role, id from ledger_accounts
    where connection_id is null or connection_id = ${connectionId}
    order by role, (connection_id is null)`);
  return new Map((res.rows as Array<{ role: AccountRole; id: string }>).map((r) => [r.role, String(r.id)]));
}
