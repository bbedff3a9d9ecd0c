import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { resolveWarehouse, WarehouseInput, type Warehouse } from './warehouses';

/** What may change on a warehouse; its code is how stock, imports and the API name it, and does not. */
export const WarehouseUpdate = WarehouseInput.omit({ code: true }).partial().extend({
  priority: z.number().int().min(0).max(1_000_000).optional(),
  active: z.boolean().optional(),
  leadTimeDays: z.number().int().min(0).max(365).optional(),
});

/**
 * Changes a warehouse's name, priority, region, active flag, lead time or the channels it may fulfil
 * (`allowedConnectionIds`: null = every channel). A field left out keeps its value. New allocations
 * follow the change; existing reservations stay where they are.
 */
export async function updateWarehouse(ctx: Ctx, code: string, input: unknown): Promise<Warehouse> {
  const parsed = WarehouseUpdate.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const u = parsed.data;
  const keep = (v: unknown) => v === undefined;
  const ids = u.allowedConnectionIds;
  const res = await q(ctx).execute(sql`
    update warehouses set
      name = coalesce(${u.name ?? null}, name),
      priority = coalesce(${u.priority ?? null}::integer, priority),
      region = case when ${keep(u.region)} then region else ${u.region ?? null} end,
      address = case when ${keep(u.address)} then address else ${u.address ? JSON.stringify(u.address) : null}::jsonb end,
      active = coalesce(${u.active ?? null}::boolean, active),
      lead_time_days = coalesce(${u.leadTimeDays ?? null}::integer, lead_time_days),
      allowed_connection_ids = ${ids === undefined ? sql`allowed_connection_ids` : ids === null ? sql`null` : sql`array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid[]`},
      updated_at = now()
    where code = ${code} returning id`);
  if (res.rows.length === 0) throw new NotFoundError('warehouse', code);
  return resolveWarehouse(ctx, code);
}
