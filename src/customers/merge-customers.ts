import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTx, type Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { withTransaction } from '../db/transaction';
import { normalizeEmail } from '../domain/email';
import { normalizePhone } from '../domain/phone';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { refreshCustomerStats } from './customer-stats';
import { getCustomer, type CustomerProfile } from './get-customer';
import { parseInput } from './manage-customer';

export const MergeInput = z.object({
  /** The customer merged away into the one in the path; its orders, identities, notes and tasks move. */
  sourceId: z.string().uuid(),
  reason: z.string().max(1000).optional(),
});

/**
 * Merges `sourceId` into `id`: orders, identities, notes and tasks move to the survivor, the source is
 * marked merged (guarded: only an active source, so two merges racing cannot both win), and the moved
 * order and identity ids are recorded: a split with the same ids reverses it.
 */
export async function mergeCustomers(ctx: Ctx, id: string, input: unknown): Promise<CustomerProfile> {
  const p = parseInput(MergeInput, input);
  if (p.sourceId === id) throw new ValidationError([{ path: 'sourceId', message: 'a customer cannot be merged into itself' }]);
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('Customer', id);
  await withTransaction(ctx, async (tx) => {
    // Lock both rows in one order (by id) so two opposite merges cannot deadlock.
    const locked = await tx.execute(sql`select id, status from customers where id in (${id}, ${p.sourceId}) order by id for update`);
    const rows = locked.rows as Array<{ id: string; status: string }>;
    const target = rows.find((r) => r.id === id);
    const source = rows.find((r) => r.id === p.sourceId);
    if (!target) throw new NotFoundError('Customer', id);
    if (!source) throw new NotFoundError('Customer', p.sourceId);
    if (target.status !== 'active' || source.status !== 'active') throw new ConflictError('customer_merged', 'Both customers must be active (not merged already).');
    const moved = await tx.execute(sql`update customer_orders set customer_id = ${id}, matched_by = 'manual'
      where customer_id = ${p.sourceId} returning order_id`);
    const idents = await tx.execute(sql`update customer_identities set customer_id = ${id}
      where customer_id = ${p.sourceId} returning id`);
    await tx.execute(sql`update customer_notes set customer_id = ${id} where customer_id = ${p.sourceId}`);
    await tx.execute(sql`update customer_tasks set customer_id = ${id} where customer_id = ${p.sourceId}`);
    // The survivor keeps its own contact data and takes the source's where it has none; tags unite.
    await tx.execute(sql`update customers t set
        name = coalesce(t.name, s.name), email = coalesce(t.email, s.email), phone = coalesce(t.phone, s.phone),
        company = coalesce(t.company, s.company), country = coalesce(t.country, s.country),
        birthday = coalesce(t.birthday, s.birthday), b2b = t.b2b or s.b2b,
        tags = array(select distinct x from unnest(t.tags || s.tags) x order by x), updated_at = now()
      from customers s where t.id = ${id} and s.id = ${p.sourceId}`);
    await tx.execute(sql`update customers set status = 'merged', merged_into = ${id}, order_count = 0, ltv_by_currency = '{}'::jsonb,
        monetary = 0, channels = '{}', first_order_at = null, last_order_at = null, r_score = null, f_score = null, m_score = null,
        segment = null, updated_at = now()
      where id = ${p.sourceId} and status = 'active'`);
    // Anything merged into the source before now points at the survivor.
    await tx.execute(sql`update customers set merged_into = ${id} where merged_into = ${p.sourceId}`);
    await tx.execute(sql`insert into customer_merges (kind, customer_id, other_customer_id, order_ids, identity_ids, actor, reason)
      values ('merge', ${id}, ${p.sourceId}, ${pgArray((moved.rows as Array<{ order_id: string }>).map((r) => r.order_id), 'uuid')},
        ${pgArray((idents.rows as Array<{ id: string }>).map((r) => r.id), 'uuid')}, ${ctx.actor ?? null}, ${p.reason ?? null})`);
    await refreshCustomerStats(inTx(ctx, tx), { customerIds: [id] });
  });
  return getCustomer(ctx, id);
}

export const SplitInput = z.object({
  /** Orders of this customer that belong to someone else (e.g. two people sharing one email). */
  orderIds: z.array(z.string().uuid()).min(1).max(10_000),
  /** Identities (email, phone, channel ids) that go with them; a shared email usually stays. */
  identityIds: z.array(z.string().uuid()).max(100).default([]),
  name: z.string().trim().min(1).max(300).optional(),
  email: z.string().max(320).optional(),
  phone: z.string().max(60).optional(),
  reason: z.string().max(1000).optional(),
});

/**
 * Splits orders (and optionally identities) off a customer into a new customer, recorded in the
 * history. The moves are guarded by the current owner: an order that is not this customer's fails
 * the whole split (409). Reverses a merge when given the merge's ids; the resolver never re-links
 * split orders (they stay linked where a person put them).
 */
export async function splitCustomer(ctx: Ctx, id: string, input: unknown): Promise<{ from: CustomerProfile; to: CustomerProfile }> {
  const p = parseInput(SplitInput, input);
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('Customer', id);
  const email = p.email === undefined ? null : normalizeEmail(p.email);
  if (p.email !== undefined && !email) throw new ValidationError([{ path: 'email', message: 'not an email address' }]);
  const newId = await withTransaction(ctx, async (tx) => {
    const cur = await tx.execute(sql`select status, country from customers where id = ${id} for update`);
    const row = cur.rows[0] as { status: string; country: string | null } | undefined;
    if (!row) throw new NotFoundError('Customer', id);
    if (row.status !== 'active') throw new ConflictError('customer_merged', `Customer ${id} was merged into another customer.`);
    const phone = p.phone === undefined ? null : normalizePhone(p.phone, row.country);
    if (p.phone !== undefined && !phone) throw new ValidationError([{ path: 'phone', message: 'not a valid phone number' }]);
    const orderIds = [...new Set(p.orderIds)];
    const identityIds = [...new Set(p.identityIds)];
    const ins = await tx.execute(sql`insert into customers (name, email, phone, country)
      values (${p.name ?? null}, ${email}, ${phone}, ${row.country}) returning id`);
    const nid = (ins.rows[0] as { id: string }).id;
    const moved = await tx.execute(sql`update customer_orders set customer_id = ${nid}, matched_by = 'manual'
      where customer_id = ${id} and order_id = any(${pgArray(orderIds, 'uuid')}) returning order_id`);
    if (moved.rows.length !== orderIds.length) {
      throw new ConflictError('orders_not_owned', `${orderIds.length - moved.rows.length} of the orders do not belong to customer ${id}.`);
    }
    if (identityIds.length > 0) {
      const mi = await tx.execute(sql`update customer_identities set customer_id = ${nid}, source = 'manual'
        where customer_id = ${id} and id = any(${pgArray(identityIds, 'uuid')}) returning id`);
      if (mi.rows.length !== identityIds.length) throw new ConflictError('identities_not_owned', `Some identities do not belong to customer ${id}.`);
    }
    // The new customer's name defaults to the name on its newest moved order.
    await tx.execute(sql`update customers n set name = coalesce(n.name, (
        select coalesce(o.customer_name, o.shipping_address ->> 'name') from orders o
        where o.id = any(${pgArray(orderIds, 'uuid')}) order by o.placed_at desc limit 1))
      where n.id = ${nid}`);
    await tx.execute(sql`insert into customer_merges (kind, customer_id, other_customer_id, order_ids, identity_ids, actor, reason)
      values ('split', ${id}, ${nid}, ${pgArray(orderIds, 'uuid')}, ${pgArray(identityIds, 'uuid')}, ${ctx.actor ?? null}, ${p.reason ?? null})`);
    await refreshCustomerStats(inTx(ctx, tx), { customerIds: [id, nid] });
    return nid;
  });
  return { from: await getCustomer(ctx, id), to: await getCustomer(ctx, newId) };
}
