import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { q } from '../db/transaction';
import { normalizeEmail } from '../domain/email';
import { normalizePhone } from '../domain/phone';
import { ValidationError } from '../errors';
import { rfmSegments } from './compute-rfm';
import { compileRules } from './segment-rules';
import { getSegment } from './segments';

export const ListCustomersQuery = z.object({
  /** Name, company (any script: 王小明, 陳大文 …), email, or phone in any local or international form. */
  q: z.string().trim().min(1).max(200).optional(),
  /** An RFM segment name, or the id of a saved segment. */
  segment: z.union([z.enum(rfmSegments), z.string().uuid()]).optional(),
  tag: z.string().min(1).max(64).optional(),
  channel: z.string().min(1).max(64).optional(),
  b2b: z.enum(['true', 'false']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListCustomersQuery = z.infer<typeof ListCustomersQuery>;

export interface CustomerSummary {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  country: string | null;
  b2b: boolean;
  tags: string[];
  channels: string[];
  orderCount: number;
  ltvByCurrency: Record<string, number>;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  segment: string | null;
  rfm: { r: number; f: number; m: number } | null;
  createdAt: string;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

export const SUMMARY_COLUMNS = sql`c.id, c.name, c.email, c.phone, c.company, c.country, c.b2b, c.tags, c.channels, c.order_count,
  c.ltv_by_currency, c.first_order_at, c.last_order_at, c.segment, c.r_score, c.f_score, c.m_score, c.created_at,
  to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key`;

export function toSummary(r: Record<string, any>): CustomerSummary {
  return {
    id: r.id, name: r.name, email: r.email, phone: r.phone, company: r.company, country: r.country, b2b: r.b2b,
    tags: r.tags ?? [], channels: r.channels ?? [], orderCount: Number(r.order_count),
    ltvByCurrency: Object.fromEntries(Object.entries((typeof r.ltv_by_currency === 'string' ? JSON.parse(r.ltv_by_currency) : r.ltv_by_currency) ?? {}).map(([k, v]) => [k, Number(v)])),
    firstOrderAt: iso(r.first_order_at), lastOrderAt: iso(r.last_order_at), segment: r.segment,
    rfm: r.r_score == null ? null : { r: r.r_score, f: r.f_score, m: r.m_score }, createdAt: iso(r.created_at)!,
  };
}

/** The phone forms a search text could be: as typed, and read as a Chinese, Taiwanese or Hong Kong local number. */
function phoneCandidates(text: string): string[] {
  if (!/^[\d\s+()\-.０-９＋]{6,}$/.test(text)) return [];
  return [...new Set([null, 'CN', 'TW', 'HK'].map((r) => normalizePhone(text, r)).filter((x): x is string => !!x))];
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** The search condition: an email or phone key (indexed identity lookups), else a name/company substring. */
export function searchCondition(text: string): SQL {
  const email = normalizeEmail(text);
  if (email) {
    return sql`c.id in (select customer_id from customer_identities where kind in ('email', 'masked_email') and value = ${email})`;
  }
  const phones = phoneCandidates(text);
  if (phones.length > 0) {
    return sql`c.id in (select customer_id from customer_identities where kind = 'phone' and value = any(${pgArray(phones, 'text')}))`;
  }
  // Unicode as typed: Chinese names match by substring; no ASCII folding.
  const like = `%${escapeLike(text)}%`;
  return sql`(c.name ilike ${like} or c.company ilike ${like} or c.email ilike ${like})`;
}

/** Filter conditions on alias `c` (only active customers: merged ones live on in their survivor). */
export async function customerFilters(ctx: Ctx, f: Omit<ListCustomersQuery, 'cursor' | 'limit'>): Promise<SQL[]> {
  const where: SQL[] = [sql`c.status = 'active'`];
  if (f.q) where.push(searchCondition(f.q));
  if (f.tag) where.push(sql`c.tags @> array[${f.tag}]::text[]`);
  if (f.channel) where.push(sql`c.channels @> array[${f.channel}]::text[]`);
  if (f.b2b) where.push(sql`c.b2b = ${f.b2b === 'true'}`);
  if (f.segment) {
    if ((rfmSegments as readonly string[]).includes(f.segment)) where.push(sql`c.segment = ${f.segment}`);
    else where.push(compileRules((await getSegment(ctx, f.segment)).rules));
  }
  return where;
}

function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !z.string().uuid().safeParse(id).success) {
    throw new ValidationError([{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  }
  return { at, id };
}

/** Customers, newest first, keyset-paginated; each item carries its order count and stats. */
export async function listCustomers(ctx: Ctx, input: unknown): Promise<{ items: CustomerSummary[]; nextCursor: string | null }> {
  const query = ListCustomersQuery.parse(input);
  const where = await customerFilters(ctx, query);
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    where.push(sql`(c.created_at, c.id) < (${c.at}::timestamptz, ${c.id}::uuid)`);
  }
  const res = await q(ctx).execute(sql`
    select ${SUMMARY_COLUMNS} from customers c where ${sql.join(where, sql` and `)}
    order by c.created_at desc, c.id desc limit ${query.limit + 1}`);
  const rows = res.rows as Array<Record<string, any>>;
  const last = rows[query.limit - 1];
  return {
    items: rows.slice(0, query.limit).map(toSummary),
    nextCursor: rows.length > query.limit && last ? Buffer.from(`${last.created_key}|${last.id}`).toString('base64url') : null,
  };
}
