import { and, desc, eq, gte, ilike, lt, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { auditLog } from '../db/schema/index';
import { q } from '../db/transaction';

/** Field names whose values never reach the audit log (secrets, keys, passwords, tokens). */
const SECRET_NAME = /secret|token|password|passwd|apikey|api_key|^key$|signature|authorization|consumerKey|refresh/i;

/** A copy of a JSON value with secret-looking fields replaced by "[redacted]" (depth-limited). */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_NAME.test(k) ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string' && value.length > 500) return `${value.slice(0, 500)}…`;
  return value;
}

export interface AuditEntry {
  actor: string;
  method: string;
  path: string;
  status: number;
  requestId?: string;
  details?: Record<string, unknown>;
}

/** Writes one audit row; a failure to audit is logged, never turned into a failed request after the fact. */
export async function recordAudit(ctx: Ctx, e: AuditEntry): Promise<void> {
  try {
    await q(ctx).insert(auditLog).values({
      actor: e.actor, method: e.method, path: e.path.slice(0, 500), status: e.status, requestId: e.requestId ?? null,
      details: e.details ? (redact(e.details) as Record<string, unknown>) : null,
    });
  } catch (err) {
    ctx.log.error({ err: (err as Error).message, path: e.path }, 'could not write the audit log');
  }
}

export const ListAuditQuery = z.object({
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Exact actor: `key:<id>`, `user:<id>` or `anonymous`. */
  actor: z.string().trim().max(100).optional(),
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']).optional(),
  /** Part of the path, case-insensitive. */
  path: z.string().trim().max(200).optional(),
  /** A status class: `2xx`, `4xx`, `5xx`. */
  status: z.enum(['2xx', '3xx', '4xx', '5xx']).optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
});

/** The audit log, newest first (admins only, see src/api/auth.ts). */
export async function listAudit(ctx: Ctx, query: z.infer<typeof ListAuditQuery>) {
  const where: SQL[] = [];
  if (query.cursor) where.push(lt(auditLog.id, query.cursor));
  if (query.actor) where.push(eq(auditLog.actor, query.actor));
  if (query.method) where.push(eq(auditLog.method, query.method));
  if (query.path) where.push(ilike(auditLog.path, `%${query.path.replace(/[\\%_]/g, (m) => `\\${m}`)}%`));
  if (query.status) {
    const base = Number(query.status[0]) * 100;
    where.push(gte(auditLog.status, base), lt(auditLog.status, base + 100));
  }
  if (query.from) where.push(gte(auditLog.createdAt, new Date(query.from)));
  if (query.to) where.push(lte(auditLog.createdAt, new Date(query.to)));
  const rows = await q(ctx)
    .select()
    .from(auditLog)
    .where(where.length > 0 ? and(...where) : sql`true`)
    .orderBy(desc(auditLog.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map((r) => ({
    id: r.id, actor: r.actor, method: r.method, path: r.path, status: r.status, requestId: r.requestId,
    details: r.details, at: r.createdAt.toISOString(),
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
}
