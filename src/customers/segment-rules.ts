import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { CurrencyCode } from '../domain/order';
import { rfmSegments } from './compute-rfm';

const Cmp = z.enum(['gt', 'gte', 'lt', 'lte', 'eq']);
const Day = z.union([z.string().datetime({ offset: true }), z.string().date()]);

/**
 * One condition of a saved segment. Rules are data, compiled to SQL with bound values only: there is
 * no way to pass SQL text through them.
 */
export const SegmentRule = z.discriminatedUnion('field', [
  /** Has ordered on this channel (shopify, amazon, square, pos, manual …). */
  z.object({ field: z.literal('channel'), op: z.literal('eq').default('eq'), value: z.string().min(1).max(64) }),
  /** Lifetime value in one currency, minor units (e.g. `{ currency: "USD", op: "gt", amountMinor: 50000 }`). */
  z.object({ field: z.literal('ltv'), op: Cmp, currency: CurrencyCode, amountMinor: z.number().int().nonnegative().safe() }),
  z.object({ field: z.literal('orderCount'), op: Cmp, value: z.number().int().nonnegative() }),
  z.object({ field: z.literal('lastOrderAt'), op: z.enum(['before', 'after']), value: Day }),
  z.object({ field: z.literal('tag'), op: z.literal('has').default('has'), value: z.string().min(1).max(64) }),
  z.object({ field: z.literal('segment'), op: z.literal('eq').default('eq'), value: z.enum(rfmSegments) }),
  z.object({ field: z.literal('b2b'), op: z.literal('eq').default('eq'), value: z.boolean() }),
]);
export type SegmentRule = z.infer<typeof SegmentRule>;

export const SegmentRules = z.object({
  match: z.enum(['all', 'any']).default('all'),
  rules: z.array(SegmentRule).min(1).max(20),
});
export type SegmentRules = z.infer<typeof SegmentRules>;

const OPS: Record<z.infer<typeof Cmp>, SQL> = { gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=`, eq: sql`=` };

function ruleSql(r: SegmentRule): SQL {
  switch (r.field) {
    case 'channel': return sql`c.channels @> array[${r.value}]::text[]`;
    case 'ltv': return sql`coalesce((c.ltv_by_currency ->> ${r.currency})::bigint, 0) ${OPS[r.op]} ${r.amountMinor}`;
    case 'orderCount': return sql`c.order_count ${OPS[r.op]} ${r.value}`;
    case 'lastOrderAt': return r.op === 'before' ? sql`c.last_order_at < ${r.value}::timestamptz` : sql`c.last_order_at > ${r.value}::timestamptz`;
    case 'tag': return sql`c.tags @> array[${r.value}]::text[]`;
    case 'segment': return sql`c.segment = ${r.value}`;
    case 'b2b': return sql`c.b2b = ${r.value}`;
  }
}

/** The WHERE condition (on alias `c`) of a rule document. */
export function compileRules(doc: SegmentRules): SQL {
  const parts = doc.rules.map(ruleSql);
  return sql`(${sql.join(parts, doc.match === 'all' ? sql` and ` : sql` or `)})`;
}
