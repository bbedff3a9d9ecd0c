import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { apiKeys } from '../db/schema/index';
import { q } from '../db/transaction';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { scopes } from './scopes';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

export const roles = ['admin', 'operator', 'accountant', 'viewer'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  /** The API key's id, or for a user the user's id (saved views and sessions hang on it). */
  keyId: string;
  name: string;
  role: Role;
  /** Scopes narrowing the role (keys only); undefined/null = the whole role. */
  scopes?: string[] | null;
  /** Set when a person logged in with email + password. */
  userId?: string;
  locale?: string | null;
}

/** How the audit log and timelines name who acted. */
export function actorOf(p: Principal | undefined): string {
  if (!p) return 'anonymous';
  return p.userId ? `user:${p.userId}` : `key:${p.keyId}`;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
function randomText(n: number): string {
  const bytes = randomBytes(n);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** The public lookup prefix of a key: `ohk_XXXXXXXX` for generated keys, a digest for keys set by hand. */
export function keyPrefix(token: string): string {
  return /^ohk_[A-Za-z0-9]{8}_/.test(token) ? token.slice(0, 12) : `h_${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

async function hashKey(token: string): Promise<string> {
  const salt = randomBytes(16);
  const dk = await scrypt(token, salt, 32);
  return `scrypt$${salt.toString('base64')}$${dk.toString('base64')}`;
}

async function verifyHash(token: string, stored: string): Promise<boolean> {
  const [alg, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const dk = await scrypt(token, Buffer.from(salt, 'base64'), 32);
  const expected = Buffer.from(hash, 'base64');
  return dk.length === expected.length && timingSafeEqual(dk, expected);
}

// scrypt is deliberately slow; a key verified once is remembered (by digest, never in clear) for a minute.
const verified = new Map<string, { hash: string; at: number }>();

export const CreateKeyInput = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(roles),
  expiresAt: z.string().datetime({ offset: true }).optional(),
  /** Narrow the role to these areas (see src/auth/scopes.ts); omitted = the whole role. */
  scopes: z.array(z.enum(scopes)).min(1).max(scopes.length).optional(),
});

/** Creates an API key; the clear key is in the answer only, never stored. */
export async function createApiKey(ctx: Ctx, input: unknown, fixedToken?: string) {
  const parsed = CreateKeyInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const token = fixedToken ?? `ohk_${randomText(8)}_${randomText(32)}`;
  const [row] = await q(ctx)
    .insert(apiKeys)
    .values({
      name: parsed.data.name,
      role: parsed.data.role,
      prefix: keyPrefix(token),
      hash: await hashKey(token),
      scopes: parsed.data.scopes ? [...new Set(parsed.data.scopes)].sort() : null,
      expiresAt: parsed.data.expiresAt ? new Date(parsed.data.expiresAt) : null,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return { ...presentKey(row), key: token };
}

export function presentKey(row: typeof apiKeys.$inferSelect) {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    scopes: row.scopes ?? null,
    prefix: row.prefix,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listApiKeys(ctx: Ctx) {
  const rows = await q(ctx).select().from(apiKeys).orderBy(apiKeys.createdAt);
  return rows.map(presentKey);
}

export async function revokeApiKey(ctx: Ctx, id: string): Promise<void> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('key', id);
  const res = await q(ctx).update(apiKeys).set({ revokedAt: new Date() }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning();
  if (res.length === 0) throw new NotFoundError('key', id);
}

/** Resolves a bearer token to its principal, or null when it is unknown, revoked or expired. */
export async function authenticate(ctx: Ctx, token: string): Promise<Principal | null> {
  if (token.length < 20 || token.length > 200) return null;
  const [row] = await q(ctx).select().from(apiKeys).where(eq(apiKeys.prefix, keyPrefix(token)));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
  const digest = createHash('sha256').update(token).digest('hex');
  const hit = verified.get(digest);
  if (!(hit && hit.hash === row.hash && Date.now() - hit.at < 60_000)) {
    if (!(await verifyHash(token, row.hash))) return null;
    verified.set(digest, { hash: row.hash, at: Date.now() });
  }
  // Remember the use, at most once a minute per key (no write per request).
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await q(ctx).update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.id)).catch(() => {});
  }
  return { keyId: row.id, name: row.name, role: row.role as Role, scopes: row.scopes ?? null };
}

/**
 * Makes sure an admin key exists: the one from OMNIHUB_ADMIN_KEY, or, when none is set and no admin
 * key exists yet, a generated one, returned so the caller prints it once.
 */
export async function ensureAdminKey(ctx: Ctx): Promise<{ generated: string | null }> {
  if (ctx.config.adminKey) {
    const prefix = keyPrefix(ctx.config.adminKey);
    const [found] = await q(ctx).select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
    if (!found) await createApiKey(ctx, { name: 'OMNIHUB_ADMIN_KEY', role: 'admin' }, ctx.config.adminKey);
    return { generated: null };
  }
  const res = await q(ctx).execute(sql`select 1 from api_keys where role = 'admin' and revoked_at is null limit 1`);
  if (res.rows.length > 0) return { generated: null };
  const created = await createApiKey(ctx, { name: 'bootstrap admin', role: 'admin' });
  return { generated: created.key };
}
