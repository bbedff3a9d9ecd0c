import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ConflictError, NotFoundError } from '../errors';
import { iso, parseInput } from './parse-input';

const Contact = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().email().max(320).nullish(),
  phone: z.string().max(50).nullish(),
  role: z.string().max(100).nullish(),
});
const Edi = z.object({
  senderQualifier: z.string().min(1).max(2), senderId: z.string().min(1).max(15),
  receiverQualifier: z.string().min(1).max(2), receiverId: z.string().min(1).max(15),
  usage: z.enum(['P', 'T']).default('P'),
});

export const SupplierInput = z.object({
  code: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
  name: z.string().trim().min(1).max(200),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
  paymentTerms: z.string().trim().max(200).nullish(),
  leadTimeDays: z.number().int().min(0).max(365).default(14),
  contacts: z.array(Contact).max(50).default([]),
  edi: Edi.nullish(),
  active: z.boolean().default(true),
});
export const SupplierUpdate = SupplierInput.omit({ code: true }).partial();

export interface Supplier {
  id: string;
  code: string;
  name: string;
  currency: string;
  paymentTerms: string | null;
  leadTimeDays: number;
  contacts: Array<z.output<typeof Contact>>;
  edi: z.output<typeof Edi> | null;
  active: boolean;
  createdAt: string;
}

export const toSupplier = (r: Record<string, unknown>): Supplier => ({
  id: String(r.id), code: String(r.code), name: String(r.name), currency: String(r.currency),
  paymentTerms: (r.payment_terms as string | null) ?? null, leadTimeDays: Number(r.lead_time_days),
  contacts: (r.contacts as Supplier['contacts']) ?? [], edi: (r.edi as Supplier['edi']) ?? null,
  active: Boolean(r.active), createdAt: iso(r.created_at)!,
});

export async function createSupplier(ctx: Ctx, input: unknown): Promise<Supplier> {
  const s = parseInput(SupplierInput, input);
  const res = await q(ctx).execute(sql`
    insert into suppliers (code, name, currency, payment_terms, lead_time_days, contacts, edi, active)
    values (${s.code}, ${s.name}, ${s.currency}, ${s.paymentTerms ?? null}, ${s.leadTimeDays}, ${JSON.stringify(s.contacts)}::jsonb,
      ${s.edi ? JSON.stringify(s.edi) : null}::jsonb, ${s.active})
    on conflict (code) do nothing returning *`);
  const row = res.rows[0];
  if (!row) throw new ConflictError('supplier_exists', `A supplier with code ${s.code} already exists.`);
  return toSupplier(row as Record<string, unknown>);
}

export async function updateSupplier(ctx: Ctx, idOrCode: string, input: unknown): Promise<Supplier> {
  const s = parseInput(SupplierUpdate, input);
  const cur = await resolveSupplier(ctx, idOrCode);
  const res = await q(ctx).execute(sql`
    update suppliers set
      name = coalesce(${s.name ?? null}, name),
      payment_terms = ${s.paymentTerms === undefined ? sql`payment_terms` : sql`${s.paymentTerms}`},
      lead_time_days = coalesce(${s.leadTimeDays ?? null}::int, lead_time_days),
      contacts = coalesce(${s.contacts ? JSON.stringify(s.contacts) : null}::jsonb, contacts),
      edi = ${s.edi === undefined ? sql`edi` : sql`${s.edi ? JSON.stringify(s.edi) : null}::jsonb`},
      active = coalesce(${s.active ?? null}::boolean, active),
      currency = coalesce(${s.currency ?? null}, currency),
      updated_at = now()
    where id = ${cur.id} returning *`);
  return toSupplier(res.rows[0] as Record<string, unknown>);
}

/** A supplier by id or code. */
export async function resolveSupplier(ctx: Ctx, idOrCode: string): Promise<Supplier> {
  const isId = z.string().uuid().safeParse(idOrCode).success;
  // PostgreSQL text cannot hold NUL: such a code names no supplier (and must not be a 500).
  if (idOrCode.includes('\u0000') || idOrCode.length > 200) throw new NotFoundError('supplier', idOrCode.slice(0, 200));
  const res = await q(ctx).execute(isId
    ? sql`select * from suppliers where id = ${idOrCode}`
    : sql`select * from suppliers where code = ${idOrCode}`);
  const row = res.rows[0];
  if (!row) throw new NotFoundError('supplier', idOrCode);
  return toSupplier(row as Record<string, unknown>);
}

export async function listSuppliers(ctx: Ctx, input: unknown = {}): Promise<{ items: Supplier[] }> {
  const p = parseInput(z.object({ active: z.enum(['true', 'false']).optional() }), input);
  const res = await q(ctx).execute(sql`
    select * from suppliers ${p.active ? sql`where active = ${p.active === 'true'}` : sql``} order by code`);
  return { items: (res.rows as Array<Record<string, unknown>>).map(toSupplier) };
}
