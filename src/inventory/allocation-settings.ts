import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ValidationError, zodFieldErrors } from '../errors';
import { parsePgArray } from './allocate-orders';

export const AllocationSettingsInput = z.object({
  /** Omitted = the global rules; else the rules for this channel connection. */
  connectionId: z.string().uuid().nullish(),
  /** Warehouse ids in the order to try; null = by warehouse priority. */
  warehouseOrder: z.array(z.string().uuid()).max(500).nullish(),
  allowSplit: z.boolean().default(true),
  shipComplete: z.boolean().default(true),
});

const toView = (r: Record<string, unknown>) => ({
  connectionId: (r.connection_id as string | null) ?? null, warehouseOrder: parsePgArray(r.warehouse_order),
  allowSplit: Boolean(r.allow_split), shipComplete: Boolean(r.ship_complete),
});

/** Sets the global or a channel's allocation rules (upsert). */
export async function setAllocationSettings(ctx: Ctx, input: unknown) {
  const parsed = AllocationSettingsInput.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const s = parsed.data;
  const order = s.warehouseOrder ? sql`array(select jsonb_array_elements_text(${JSON.stringify(s.warehouseOrder)}::jsonb))::uuid[]` : sql`null`;
  const db = q(ctx);
  const conn = s.connectionId ?? null;
  const upd = await db.execute(sql`
    update allocation_settings set warehouse_order = ${order}, allow_split = ${s.allowSplit}, ship_complete = ${s.shipComplete}, updated_at = now()
    where connection_id is not distinct from ${conn}::uuid returning *`);
  if (upd.rows[0]) return toView(upd.rows[0] as Record<string, unknown>);
  const ins = await db.execute(sql`
    insert into allocation_settings (connection_id, warehouse_order, allow_split, ship_complete)
    values (${conn}::uuid, ${order}, ${s.allowSplit}, ${s.shipComplete})
    on conflict (coalesce(connection_id, '00000000-0000-0000-0000-000000000000'::uuid)) do update set
      warehouse_order = excluded.warehouse_order, allow_split = excluded.allow_split, ship_complete = excluded.ship_complete, updated_at = now()
    returning *`);
  return toView(ins.rows[0] as Record<string, unknown>);
}

export async function listAllocationSettings(ctx: Ctx) {
  const res = await q(ctx).execute(sql`select * from allocation_settings order by connection_id nulls first`);
  return { items: (res.rows as Array<Record<string, unknown>>).map(toView) };
}
