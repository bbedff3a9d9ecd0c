import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppEnv } from './env';
import { actorOf, authenticate, type Principal, type Role } from '../auth/api-keys';
import { MemoryRateLimiter, type RateLimiter } from '../auth/rate-limit';
import { scopeAllows } from '../auth/scopes';
import type { Ctx } from '../context';
import { AppError, ForbiddenError, UnauthorizedError } from '../errors';

/** Requires `Authorization: Bearer <key>`; unknown, revoked or expired keys get 401. */
export function requireKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) throw new UnauthorizedError();
    const principal = await authenticate(c.get('ctx'), m[1]);
    if (!principal) throw new UnauthorizedError('The API key is unknown, revoked or expired.');
    c.set('principal', principal);
    c.set('ctx', { ...c.get('ctx'), actor: actorOf(principal) });
    await next();
  };
}

/** Paths only admins reach, whatever the method. */
const ADMIN_ONLY = /^\/api\/v1\/(keys|audit|users|webhook-subscriptions)(\/|$)/;

/**
 * What each role may do. Reading is open to every role; writing orders, stock and connections is for
 * admins and operators; keys, users, the audit log and webhook subscriptions are for admins.
 */
export function allowed(role: Role, method: string, path: string): boolean {
  if (role === 'admin') return true;
  if (ADMIN_ONLY.test(path)) return false;
  if (method === 'GET' || method === 'HEAD') return true;
  if (role === 'operator') return true;
  // Accountants work the finance side: breaks, reconciliation runs, journals, settlements.
  if (role === 'accountant') return /^\/api\/v1\/(payouts|discrepancies|journals|settlements|finance|fx-rates|invoices|payments|credit-notes|receivables|budgets|bank-statements|reports)(\/|$)/.test(path);
  return false;
}

/** The role's rule, narrowed by the key's scopes when it has any (src/auth/scopes.ts). */
export function principalAllowed(p: Principal | undefined, method: string, path: string): boolean {
  return !!p && allowed(p.role, method, path) && scopeAllows(p.scopes, method, path);
}

export function enforceRoles(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    if (!principalAllowed(p, c.req.method, c.req.path)) {
      const why = p?.scopes && allowed(p.role, c.req.method, c.req.path) ? `the key's scopes (${p.scopes.join(', ')}) do not cover` : `the ${p?.role ?? 'anonymous'} role may not`;
      throw new ForbiddenError(`Refused: ${why} ${c.req.method} ${c.req.path}.`);
    }
    await next();
  };
}

/** A 429 problem that says when to come back (the Retry-After header is set from `retryAfterMs`). */
export class RateLimitedError extends AppError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super('rate_limited', message, { status: 429, retryable: true, details: { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } });
    this.retryAfterMs = retryAfterMs;
  }
}

const fallbackLimiter = new MemoryRateLimiter();
export const limiterOf = (ctx: Ctx): RateLimiter => ctx.limiter ?? fallbackLimiter;

/** Per-key token bucket on the API (OMNIHUB_API_RATE per second, OMNIHUB_API_BURST at once). */
export function rateLimitPerKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = c.get('ctx');
    const p = c.get('principal');
    if (!p || ctx.config.apiRate <= 0) return next();
    const d = await limiterOf(ctx).take(`api:${p.keyId}`, { capacity: ctx.config.apiBurst, refillPerSec: ctx.config.apiRate });
    if (!d.ok) throw new RateLimitedError(`This key made too many requests; retry in ${Math.ceil(d.retryAfterMs / 1000)} s.`, d.retryAfterMs);
    await next();
  };
}

/** The client's address: the socket's, or X-Forwarded-For's first hop when OMNIHUB_TRUST_PROXY says a proxy sets it. */
export function clientIp(c: Context): string {
  const ctx = c.get('ctx' as never) as Ctx | undefined;
  if (ctx?.config.trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
