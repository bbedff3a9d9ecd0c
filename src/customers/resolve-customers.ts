import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTx, type Ctx } from '../context';
import { q, withTransaction } from '../db/transaction';
import { isMaskedEmail, normalizeEmail } from '../domain/email';
import { normalizePhone } from '../domain/phone';
import { refreshCustomerStats } from './customer-stats';

export const ResolveInput = z.object({
  /** Orders to resolve (a drain's new orders, or a backfill chunk); already linked ones are skipped. */
  orderIds: z.array(z.string().uuid()).max(10_000),
});

export interface ResolveResult {
  orders: number;
  linked: number;
  created: number;
  skipped: number;
}

type Kind = 'email' | 'phone' | 'external' | 'masked_email';
interface Key { kind: Kind; connectionId: string | null; value: string }
const keyOf = (k: Key) => `${k.kind}|${k.connectionId ?? ''}|${k.value}`;

interface OrderRow {
  id: string;
  connection_id: string;
  customer: Record<string, unknown> | null;
  customer_email: string | null;
  customer_name: string | null;
  shipping_address: Record<string, unknown> | null;
  billing_address: Record<string, unknown> | null;
  ship_country: string | null;
  placed_at: string | Date;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The identity keys an order carries, strongest rule first: email, then phone, then the channel's customer id. */
export function orderKeys(o: Omit<OrderRow, 'id' | 'placed_at'>): { keys: Key[]; email: string | null; phone: string | null; name: string | null; company: string | null; country: string | null } {
  const c = o.customer ?? {};
  const ship = o.shipping_address ?? {};
  const bill = o.billing_address ?? {};
  const country = str(ship.country) ?? str(bill.country) ?? o.ship_country;
  const keys: Key[] = [];
  let email = normalizeEmail(str(c.email) ?? o.customer_email);
  if (email && isMaskedEmail(email)) {
    // A relay address is one buyer on one marketplace connection only: never a global email key.
    keys.push({ kind: 'masked_email', connectionId: o.connection_id, value: email });
    email = null;
  } else if (email) keys.push({ kind: 'email', connectionId: null, value: email });
  const phone = normalizePhone(str(c.phone) ?? str(ship.phone) ?? str(bill.phone), country);
  if (phone) keys.push({ kind: 'phone', connectionId: null, value: phone });
  const ext = str(c.externalId);
  if (ext) keys.push({ kind: 'external', connectionId: o.connection_id, value: ext });
  // Masked email is the weakest key: an explicit customer id of the channel outranks it.
  keys.sort((a, b) => rank(a.kind) - rank(b.kind));
  return {
    keys, email, phone, country,
    name: str(c.name) ?? o.customer_name ?? str(ship.name) ?? str(bill.name),
    company: str(ship.company) ?? str(bill.company),
  };
}
const rank = (k: Kind) => ({ email: 0, phone: 1, external: 2, masked_email: 3 })[k];

/**
 * Links orders to customers in one set-based pass per batch: reads the orders and every identity their
 * keys name (one query each), assigns in memory (email, then phone, then explicit/channel ids; keys
 * seen earlier in the same batch count), then writes new customers, identities and links with one
 * INSERT each. Idempotent: linked orders are skipped, and every insert ignores what exists.
 * A transaction-level advisory lock serialises resolvers, so two never create the same customer.
 */
export async function resolveCustomers(ctx: Ctx, input: z.input<typeof ResolveInput>): Promise<ResolveResult> {
  const p = ResolveInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('omnihub.customers.resolve'))`);
    // The ids as a materialized list joined by primary key: one index probe per order, whatever the planner guesses.
    const orderRes = await tx.execute(sql`
      with ids as materialized (select distinct x::uuid as id from jsonb_array_elements_text(${JSON.stringify(p.orderIds)}::jsonb) as x)
      select o.id, o.connection_id, o.customer, o.customer_email, o.customer_name, o.shipping_address, o.billing_address, o.ship_country, o.placed_at
      from ids join orders o on o.id = ids.id
      where not exists (select 1 from customer_orders co where co.order_id = o.id)`);
    const rows = orderRes.rows as unknown as OrderRow[];
    if (rows.length === 0) return { orders: 0, linked: 0, created: 0, skipped: 0 };
    // Oldest first, so a new customer's contact data is its first order's.
    const parsed = [...rows].sort((a, b) => +new Date(a.placed_at) - +new Date(b.placed_at)).map((o) => ({ o, ...orderKeys(o) }));

    const allKeys = new Map<string, Key>();
    for (const x of parsed) for (const k of x.keys) allKeys.set(keyOf(k), k);
    const owner = new Map<string, string>();
    if (allKeys.size > 0) {
      // Two lookups, one per unique index (global keys, per-connection keys): each an index probe per key.
      const keysJson = JSON.stringify([...allKeys.values()]);
      const found = await tx.execute(sql`
        with k as materialized (select * from jsonb_to_recordset(${keysJson}::jsonb) as k(kind text, "connectionId" uuid, value text))
        select i.kind, i.connection_id, i.value, i.customer_id
        from k join customer_identities i on i.kind = k.kind and i.value = k.value and i.connection_id is null
        where k."connectionId" is null
        union all
        select i.kind, i.connection_id, i.value, i.customer_id
        from k join customer_identities i on i.kind = k.kind and i.connection_id = k."connectionId" and i.value = k.value
        where k."connectionId" is not null`);
      for (const r of found.rows as Array<{ kind: Kind; connection_id: string | null; value: string; customer_id: string }>) {
        owner.set(keyOf({ kind: r.kind, connectionId: r.connection_id, value: r.value }), r.customer_id);
      }
    }

    const newCustomers: Array<Record<string, unknown>> = [];
    const newIdentities: Array<{ customerId: string; kind: Kind; connectionId: string | null; value: string }> = [];
    const links: Array<{ orderId: string; customerId: string; matchedBy: string }> = [];
    const fills: Array<Record<string, unknown>> = [];
    let skipped = 0;
    for (const x of parsed) {
      let customerId: string | undefined;
      let matchedBy = 'new';
      for (const k of x.keys) {
        const hit = owner.get(keyOf(k));
        if (hit) {
          customerId = hit;
          matchedBy = k.kind;
          break;
        }
      }
      if (!customerId) {
        // An order with no contact at all (a walk-in sale) belongs to nobody; a name alone makes a customer.
        if (x.keys.length === 0 && !x.name) {
          skipped++;
          continue;
        }
        customerId = randomUUID();
        newCustomers.push({ id: customerId, name: x.name, email: x.email, phone: x.phone, company: x.company, country: x.country });
      }
      // Keys new to the hub join this customer; a key owned by someone else stays theirs (no silent merge).
      for (const k of x.keys) {
        const kk = keyOf(k);
        if (!owner.has(kk)) {
          owner.set(kk, customerId);
          newIdentities.push({ customerId, ...k });
        }
      }
      links.push({ orderId: x.o.id, customerId, matchedBy });
      // A known customer's missing contact fields come from this order (only keys that are theirs).
      if (matchedBy !== 'new') {
        const own = (kind: Kind, v: string | null) => (v && owner.get(keyOf({ kind, connectionId: null, value: v })) === customerId ? v : null);
        fills.push({ id: customerId, name: x.name, email: own('email', x.email), phone: own('phone', x.phone), company: x.company, country: x.country });
      }
    }

    if (newCustomers.length > 0) {
      await tx.execute(sql`
        insert into customers (id, name, email, phone, company, country, b2b)
        select id, name, email, phone, company, country, company is not null
        from jsonb_to_recordset(${JSON.stringify(newCustomers)}::jsonb)
          as x(id uuid, name text, email text, phone text, company text, country text)`);
    }
    if (newIdentities.length > 0) {
      await tx.execute(sql`
        insert into customer_identities (customer_id, kind, connection_id, value)
        select "customerId", kind, "connectionId", value
        from jsonb_to_recordset(${JSON.stringify(newIdentities)}::jsonb) as x("customerId" uuid, kind text, "connectionId" uuid, value text)
        on conflict do nothing`);
    }
    if (fills.length > 0) {
      await tx.execute(sql`
        update customers c set name = coalesce(c.name, x.name), email = coalesce(c.email, x.email), phone = coalesce(c.phone, x.phone),
          company = coalesce(c.company, x.company), country = coalesce(c.country, x.country), updated_at = now()
        from (select distinct on (id) * from jsonb_to_recordset(${JSON.stringify(fills)}::jsonb)
            as r(id uuid, name text, email text, phone text, company text, country text) order by id) x
        where c.id = x.id and ((c.name is null and x.name is not null) or (c.email is null and x.email is not null)
          or (c.phone is null and x.phone is not null) or (c.company is null and x.company is not null)
          or (c.country is null and x.country is not null))`);
    }
    let linked = 0;
    if (links.length > 0) {
      const res = await tx.execute(sql`
        insert into customer_orders (order_id, customer_id, matched_by)
        select "orderId", "customerId", "matchedBy"
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as x("orderId" uuid, "customerId" uuid, "matchedBy" text)
        on conflict (order_id) do nothing
        returning customer_id`);
      linked = res.rows.length;
      const touched = [...new Set((res.rows as Array<{ customer_id: string }>).map((r) => r.customer_id))];
      await refreshCustomerStats(inTx(ctx, tx), { customerIds: touched });
    }
    return { orders: rows.length, linked, created: newCustomers.length, skipped };
  });
}

/**
 * Links every order not linked yet (the backfill, and the nightly safety net for lost enqueues): one
 * hash anti-join finds them all, then they are resolved in chunks by id, each chunk its own
 * transaction, so an interrupted backfill keeps what it did. Orders arriving meanwhile are their
 * drain's job.
 */
export async function resolveAllUnlinked(ctx: Ctx, opts: { limit?: number } = {}): Promise<ResolveResult> {
  const total = { orders: 0, linked: 0, created: 0, skipped: 0 };
  const res = await q(ctx).execute(sql`select o.id from orders o
    where not exists (select 1 from customer_orders co where co.order_id = o.id) order by o.placed_at, o.id`);
  const ids = (res.rows as Array<{ id: string }>).map((r) => r.id);
  const size = opts.limit ?? 5000;
  for (let i = 0; i < ids.length; i += size) {
    const r = await resolveCustomers(ctx, { orderIds: ids.slice(i, i + size) });
    total.orders += r.orders;
    total.linked += r.linked;
    total.created += r.created;
    total.skipped += r.skipped;
  }
  return total;
}
