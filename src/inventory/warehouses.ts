import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { parsePgArray } from './allocate-orders';

export const WarehouseInput = z.object({
  code: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
  name: z.string().trim().min(1).max(200),
  priority: z.number().int().min(0).max(1_000_000).default(100),
  region: z.string().max(100).nullish(),
  address: z.record(z.string(), z.unknown()).nullish(),
  active: z.boolean().default(true),
  /** Connections this warehouse may fulfil; omitted or null = every channel. */
  allowedConnectionIds: z.array(z.string().uuid()).max(500).nullish(),
  leadTimeDays: z.number().int().min(0).max(365).default(7),
});

export interface Warehouse {
  id: string;
  code: string;
  name: string;
  priority: number;
  region: string | null;
  address: Record<string, unknown> | null;
  active: boolean;
  allowedConnectionIds: string[] | null;
  leadTimeDays: number;
  createdAt: string;
}

const toWarehouse = (r: Record<string, unknown>): Warehouse => ({
  id: String(r.id), code: String(r.code), name: String(r.name), priority: Number(r.priority),
  region: (r.region as string | null) ?? null, address: (r.address as Record<string, unknown> | null) ?? null,
  active: Boolean(r.active), allowedConnectionIds: parsePgArray(r.allowed_connection_ids),
  leadTimeDays: Number(r.lead_time_days), createdAt: new Date(r.created_at as string).toISOString(),
});

export async function createWarehouse(ctx: Ctx, input: unknown): Promise<Warehouse> {
  const parsed = WarehouseInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const w = parsed.data;
  const res = await q(ctx).execute(sql`
    insert into warehouses (code, name, priority, region, address, active, allowed_connection_ids, lead_time_days)
    values (${w.code}, ${w.name}, ${w.priority}, ${w.region ?? null}, ${w.address ? JSON.stringify(w.address) : null}::jsonb, ${w.active},
      ${w.allowedConnectionIds ? sql`array(select jsonb_array_elements_text(${JSON.stringify(w.allowedConnectionIds)}::jsonb))::uuid[]` : sql`null`},
      ${w.leadTimeDays})
    on conflict (code) do nothing
    returning *`);
  const row = res.rows[0];
  if (!row) throw new ConflictError('warehouse_exists', `A warehouse with code ${w.code} already exists.`);
  return toWarehouse(row as Record<string, unknown>);
}

export async function listWarehouses(ctx: Ctx): Promise<{ items: Warehouse[] }> {
  const res = await q(ctx).execute(sql`select * from warehouses order by priority, code`);
  return { items: (res.rows as Array<Record<string, unknown>>).map(toWarehouse) };
}

/** A warehouse by code or id; unknown → 404 naming what was asked for. */
export async function resolveWarehouse(ctx: Ctx, codeOrId: string): Promise<Warehouse> {
  const isUuid = z.string().uuid().safeParse(codeOrId).success;
  const res = await q(ctx).execute(isUuid
    ? sql`select * from warehouses where id = ${codeOrId} or code = ${codeOrId}`
    : sql`select * from warehouses where code = ${codeOrId}`);
  const row = res.rows[0];
  if (!row) throw new NotFoundError('warehouse', codeOrId);
  return toWarehouse(row as Record<string, unknown>);
}
