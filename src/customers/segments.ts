import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { SegmentRules } from './segment-rules';
import { isUniqueViolation } from '../db/errors';

export const SegmentInput = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(1000).nullish(),
  rules: SegmentRules,
});
export const SegmentUpdate = SegmentInput.partial();

export interface Segment {
  id: string;
  name: string;
  description: string | null;
  rules: SegmentRules;
  createdAt: string;
  updatedAt: string;
}

const toSegment = (r: Record<string, any>): Segment => ({
  id: r.id, name: r.name, description: r.description,
  rules: SegmentRules.parse(typeof r.rules === 'string' ? JSON.parse(r.rules) : r.rules),
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  return r.data;
}

export async function createSegment(ctx: Ctx, input: unknown): Promise<Segment> {
  const p = parse(SegmentInput, input);
  try {
    const res = await q(ctx).execute(sql`
      insert into customer_segments (name, description, rules) values (${p.name}, ${p.description ?? null}, ${JSON.stringify(p.rules)}::jsonb)
      returning *`);
    return toSegment(res.rows[0] as Record<string, any>);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('segment_exists', `A segment named "${p.name}" exists.`);
    throw err;
  }
}

export async function listSegments(ctx: Ctx): Promise<{ items: Segment[] }> {
  const res = await q(ctx).execute(sql`select * from customer_segments order by name`);
  return { items: (res.rows as Array<Record<string, any>>).map(toSegment) };
}

export async function getSegment(ctx: Ctx, id: string): Promise<Segment> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('Segment', id);
  const res = await q(ctx).execute(sql`select * from customer_segments where id = ${id}`);
  const row = res.rows[0] as Record<string, any> | undefined;
  if (!row) throw new NotFoundError('Segment', id);
  return toSegment(row);
}

export async function updateSegment(ctx: Ctx, id: string, input: unknown): Promise<Segment> {
  const p = parse(SegmentUpdate, input);
  const cur = await getSegment(ctx, id);
  try {
    const res = await q(ctx).execute(sql`
      update customer_segments set name = ${p.name ?? cur.name},
        description = ${p.description === undefined ? cur.description : p.description},
        rules = ${JSON.stringify(p.rules ?? cur.rules)}::jsonb, updated_at = now()
      where id = ${id} returning *`);
    return toSegment(res.rows[0] as Record<string, any>);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('segment_exists', `A segment named "${p.name}" exists.`);
    throw err;
  }
}

export async function deleteSegment(ctx: Ctx, id: string): Promise<void> {
  await getSegment(ctx, id);
  await q(ctx).execute(sql`delete from customer_segments where id = ${id}`);
}
