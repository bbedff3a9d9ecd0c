import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { normalizeEmail } from '../domain/email';

/**
 * The customer a finance document's party is, for follow-ups: the order's linked customer, else a
 * customer whose id or email identity the reference is, else a new B2B customer (with the email
 * identity when the reference is an address). Merged customers lead to their survivor.
 */
export async function customerForParty(ctx: Ctx, party: { ref: string; name: string | null; orderId: string | null }): Promise<string> {
  const db = q(ctx);
  const email = normalizeEmail(party.ref);
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(party.ref);
  const found = await db.execute(sql`
    select coalesce(
      ${party.orderId ? sql`(select customer_id from customer_orders where order_id = ${party.orderId}::uuid)` : sql`null::uuid`},
      ${isUuid ? sql`(select id from customers where id = ${party.ref}::uuid)` : sql`null::uuid`},
      ${email ? sql`(select customer_id from customer_identities where kind = 'email' and connection_id is null and value = ${email})` : sql`null::uuid`}
    ) as id`);
  let id = (found.rows[0] as { id: string | null } | undefined)?.id ?? null;
  if (!id) {
    const ins = await db.execute(sql`
      insert into customers (name, email, b2b) values (${party.name ?? party.ref}, ${email}, true) returning id`);
    id = String((ins.rows[0] as { id: string }).id);
    if (email) {
      // Another request may have created the identity meanwhile: theirs wins, this customer stays without it.
      await db.execute(sql`insert into customer_identities (customer_id, kind, value) values (${id}, 'email', ${email}) on conflict do nothing`);
    }
  }
  return survivor(ctx, id);
}

/** Follows `merged_into` to the customer that is still active. */
async function survivor(ctx: Ctx, id: string): Promise<string> {
  let cur = id;
  for (let i = 0; i < 10; i++) {
    const r = (await q(ctx).execute(sql`select status, merged_into from customers where id = ${cur}`)).rows[0] as { status: string; merged_into: string | null } | undefined;
    if (!r || r.status !== 'merged' || !r.merged_into) return cur;
    cur = String(r.merged_into);
  }
  return cur;
}
