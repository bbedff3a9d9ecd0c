import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { q } from '../db/transaction';
import { CurrencyCode } from '../domain/order';
import { normalizeEmail } from '../domain/email';
import { normalizePhone } from '../domain/phone';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { getCustomer, type CustomerProfile } from './get-customer';

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  return r.data;
}

const Tag = z.string().trim().min(1).max(64);

export const CustomerUpdate = z.object({
  name: z.string().trim().min(1).max(300).nullable().optional(),
  email: z.string().max(320).nullable().optional(),
  phone: z.string().max(60).nullable().optional(),
  company: z.string().trim().max(300).nullable().optional(),
  country: z.string().length(2).nullable().optional(),
  b2b: z.boolean().optional(),
  creditTermsDays: z.number().int().min(0).max(3650).nullable().optional(),
  creditLimit: z.object({ amountMinor: z.number().int().nonnegative().safe(), currency: CurrencyCode }).nullable().optional(),
  birthday: z.string().date().nullable().optional(),
  followUpOn: z.string().date().nullable().optional(),
}).strict();

export async function assertActive(ctx: Ctx, id: string): Promise<void> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('Customer', id);
  const r = await q(ctx).execute(sql`select status from customers where id = ${id}`);
  const row = r.rows[0] as { status: string } | undefined;
  if (!row) throw new NotFoundError('Customer', id);
  if (row.status !== 'active') throw new ConflictError('customer_merged', `Customer ${id} was merged into another customer.`);
}

/** Edits contact, B2B and credit data. Email and phone are stored normalised (E.164 with the customer's country). */
export async function updateCustomer(ctx: Ctx, id: string, input: unknown): Promise<CustomerProfile> {
  const p = parseInput(CustomerUpdate, input);
  await assertActive(ctx, id);
  const sets = [sql`updated_at = now()`];
  if (p.name !== undefined) sets.push(sql`name = ${p.name}`);
  if (p.email !== undefined) {
    const e = p.email === null ? null : normalizeEmail(p.email);
    if (p.email !== null && !e) throw new ValidationError([{ path: 'email', message: 'not an email address' }]);
    sets.push(sql`email = ${e}`);
  }
  if (p.country !== undefined) sets.push(sql`country = ${p.country?.toUpperCase() ?? null}`);
  if (p.phone !== undefined) {
    const cur = await q(ctx).execute(sql`select country from customers where id = ${id}`);
    const e = p.phone === null ? null : normalizePhone(p.phone, p.country ?? (cur.rows[0] as { country: string | null }).country);
    if (p.phone !== null && !e) throw new ValidationError([{ path: 'phone', message: 'not a valid phone number for the customer\'s country' }]);
    sets.push(sql`phone = ${e}`);
  }
  if (p.company !== undefined) sets.push(sql`company = ${p.company}`);
  if (p.b2b !== undefined) sets.push(sql`b2b = ${p.b2b}`);
  if (p.creditTermsDays !== undefined) sets.push(sql`credit_terms_days = ${p.creditTermsDays}`);
  if (p.creditLimit !== undefined) {
    sets.push(sql`credit_limit_minor = ${p.creditLimit?.amountMinor ?? null}, credit_currency = ${p.creditLimit?.currency ?? null}`);
  }
  if (p.birthday !== undefined) sets.push(sql`birthday = ${p.birthday}::date`);
  if (p.followUpOn !== undefined) sets.push(sql`follow_up_on = ${p.followUpOn}::date`);
  await q(ctx).execute(sql`update customers set ${sql.join(sets, sql`, `)} where id = ${id} and status = 'active'`);
  return getCustomer(ctx, id);
}

export const TagsInput = z.object({
  add: z.array(Tag).max(50).default([]),
  remove: z.array(Tag).max(50).default([]),
}).refine((x) => x.add.length + x.remove.length > 0, { message: 'give tags to add or remove', path: ['add'] });

/** Adds and removes tags in one statement (no read-modify-write race between two editors). */
export async function changeTags(ctx: Ctx, id: string, input: unknown): Promise<{ id: string; tags: string[] }> {
  const p = parseInput(TagsInput, input);
  await assertActive(ctx, id);
  const res = await q(ctx).execute(sql`
    update customers set tags = array(
        select distinct t from unnest(tags || ${pgArray(p.add, 'text')}) as t
        where t <> all(${pgArray(p.remove, 'text')}) order by t),
      updated_at = now()
    where id = ${id} returning tags`);
  return { id, tags: (res.rows[0] as { tags: string[] }).tags };
}

export const NoteInput = z.object({ body: z.string().trim().min(1).max(10_000) });

export async function addNote(ctx: Ctx, id: string, input: unknown): Promise<{ id: string; body: string; author: string | null; createdAt: string }> {
  const p = parseInput(NoteInput, input);
  await assertActive(ctx, id);
  const res = await q(ctx).execute(sql`insert into customer_notes (customer_id, body, author) values (${id}, ${p.body}, ${ctx.actor ?? null})
    returning id, body, author, created_at`);
  const r = res.rows[0] as Record<string, any>;
  return { id: r.id, body: r.body, author: r.author, createdAt: new Date(r.created_at).toISOString() };
}
