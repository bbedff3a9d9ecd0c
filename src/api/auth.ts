import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env';
import { authenticate, type Role } from '../auth/api-keys';
import { ForbiddenError, UnauthorizedError } from '../errors';

/** Requires `Authorization: Bearer <key>`; unknown, revoked or expired keys get 401. */
export function requireKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) throw new UnauthorizedError();
    const principal = await authenticate(c.get('ctx'), m[1]);
    if (!principal) throw new UnauthorizedError('The API key is unknown, revoked or expired.');
    c.set('principal', principal);
    c.set('ctx', { ...c.get('ctx'), actor: `key:${principal.keyId}` });
    await next();
  };
}

/**
 * What each role may do. Reading is open to every role; writing orders, stock and connections is for
 * admins and operators; keys are for admins.
 */
export function allowed(role: Role, method: string, path: string): boolean {
  if (role === 'admin') return true;
  if (path.startsWith('/api/v1/keys') || path.startsWith('/api/v1/audit') || path.startsWith('/api/v1/webhook-subscriptions')) return false;
  if (method === 'GET' || method === 'HEAD') return true;
  if (role === 'operator') return true;
  // Accountants work the finance side: breaks, reconciliation runs, journals, settlements.
  if (role === 'accountant') return /^\/api\/v1\/(payouts|discrepancies|journals|settlements|finance|fx-rates|invoices|payments|credit-notes|receivables|budgets|bank-statements)(\/|$)/.test(path);
  return false;
}

export function enforceRoles(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    if (!p || !allowed(p.role, c.req.method, c.req.path)) throw new ForbiddenError(`The ${p?.role ?? 'anonymous'} role may not ${c.req.method} ${c.req.path}.`);
    await next();
  };
}
