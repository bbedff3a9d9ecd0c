import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Ctx } from '../../context';
import { authenticate, type Principal, type Role } from '../../auth/api-keys';
import { uiSessions } from '../../db/schema/index';
import { q } from '../../db/transaction';

/** How long a session lives without use. */
export const SESSION_TTL_MS = 12 * 3600_000;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export interface UiSession {
  principal: Principal;
  csrfToken: string;
}

/**
 * Logs in with an API key: checks it like the API does and opens a server-side session.
 * Returns the cookie token (random, 256 bits) or null when the key is not valid.
 */
export async function createSession(ctx: Ctx, apiKey: string): Promise<{ token: string; session: UiSession } | null> {
  const principal = await authenticate(ctx, apiKey.trim());
  if (!principal) return null;
  return openSession(ctx, principal);
}

/** Opens a session for a principal already checked (an API key, or a user's email + password). */
export async function openSession(ctx: Ctx, principal: Principal): Promise<{ token: string; session: UiSession }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = ctx.now();
  await q(ctx).insert(uiSessions).values({
    tokenHash: digest(token), keyId: principal.userId ? null : principal.keyId, userId: principal.userId ?? null, csrfToken, createdAt: now, lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  });
  // Old sessions are swept at each login; nothing else needs them.
  await q(ctx).delete(uiSessions).where(lt(uiSessions.expiresAt, now));
  return { token, session: { principal, csrfToken } };
}

/**
 * The session behind a cookie token, or null. The key is re-checked on every request (revoked or
 * expired keys end their sessions), and the expiry slides forward at most once a minute.
 */
export async function resolveSession(ctx: Ctx, token: string | undefined): Promise<UiSession | null> {
  if (!token || token.length > 100) return null;
  // A key session ends with its key (revoked, expired); a user session with its user (disabled).
  const res = await q(ctx).execute(sql`
    select s.token_hash, s.csrf_token, s.last_seen_at, k.id as key_id, k.name, k.role, k.scopes, null as user_id, null as locale
    from ui_sessions s join api_keys k on k.id = s.key_id
    where s.token_hash = ${digest(token)} and s.expires_at > now()
      and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())
    union all
    select s.token_hash, s.csrf_token, s.last_seen_at, u.id as key_id, u.name, u.role, null as scopes, u.id as user_id, u.locale
    from ui_sessions s join users u on u.id = s.user_id
    where s.token_hash = ${digest(token)} and s.expires_at > now() and u.disabled_at is null`);
  const row = res.rows[0] as {
    token_hash: string; csrf_token: string; last_seen_at: string | Date; key_id: string; name: string; role: Role;
    scopes: string[] | null; user_id: string | null; locale: string | null;
  } | undefined;
  if (!row) return null;
  const now = ctx.now();
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await q(ctx).update(uiSessions)
      .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) })
      .where(eq(uiSessions.tokenHash, row.token_hash));
  }
  const principal: Principal = { keyId: row.key_id, name: row.name, role: row.role, scopes: row.scopes ?? null };
  if (row.user_id) Object.assign(principal, { userId: row.user_id, locale: row.locale });
  return { principal, csrfToken: row.csrf_token };
}

/** Logout: the row goes, so the cookie is worthless even if it was copied. */
export async function endSession(ctx: Ctx, token: string | undefined): Promise<void> {
  if (!token) return;
  await q(ctx).delete(uiSessions).where(and(eq(uiSessions.tokenHash, digest(token))));
}
