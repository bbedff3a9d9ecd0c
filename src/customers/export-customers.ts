import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { customerFilters, ListCustomersQuery, toSummary } from './list-customers';

const HEADER = ['id', 'name', 'email', 'phone', 'company', 'country', 'b2b', 'tags', 'channels', 'order_count', 'ltv_minor', 'first_order_at', 'last_order_at', 'segment', 'r', 'f', 'm'];

function cell(v: unknown): string {
  const s = v == null ? '' : String(v);
  // Quote what needs it; defuse spreadsheet formulas (=, +, -, @ at the start of a text cell).
  const safe = /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Customers matching the list filters (an RFM segment, a saved segment, tag, channel, search) as CSV:
 * UTF-8 with a BOM so spreadsheet programs read Chinese names right; LTV as `USD 123.45; TWD 990`.
 */
export async function* exportCustomersCsv(ctx: Ctx, input: unknown): AsyncGenerator<string> {
  const query = ListCustomersQuery.parse(input);
  const where = await customerFilters(ctx, query);
  yield `\uFEFF${HEADER.join(',')}\r\n`;
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const page = await q(ctx).execute(sql`
      select c.id, c.name, c.email, c.phone, c.company, c.country, c.b2b, c.tags, c.channels, c.order_count, c.ltv_by_currency,
        c.first_order_at, c.last_order_at, c.segment, c.r_score, c.f_score, c.m_score, c.created_at,
        to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key
      from customers c where ${sql.join(where, sql` and `)}
        ${after ? sql`and (c.created_at, c.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
      order by c.created_at desc, c.id desc limit 2000`);
    const rows = page.rows as Array<Record<string, any>>;
    if (rows.length === 0) return;
    let out = '';
    for (const r of rows) {
      const s = toSummary(r);
      const ltv = Object.entries(s.ltvByCurrency).map(([c, v]) => `${c} ${v}`).join('; ');
      out += [s.id, s.name, s.email, s.phone, s.company, s.country, s.b2b, s.tags.join(' '), s.channels.join(' '), s.orderCount, ltv,
        s.firstOrderAt, s.lastOrderAt, s.segment, s.rfm?.r, s.rfm?.f, s.rfm?.m].map(cell).join(',') + '\r\n';
    }
    yield out;
    const last = rows[rows.length - 1]!;
    after = { at: last.created_key, id: last.id };
    if (rows.length < 2000) return;
  }
}
