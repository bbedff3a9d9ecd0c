import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { uiSessions, users } from '../db/schema/index';
import { q, withTransaction } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { locales } from '../i18n/locales';
import { roles, type Principal, type Role } from './api-keys';

/** bcrypt cost: 2^12 rounds (~250 ms per hash on a small server); never below 10. */
export const BCRYPT_COST = 12;

export const CreateUserInput = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(roles),
  /** Omitted: a random password is generated and returned once. */
  password: z.string().min(12).max(200).optional(),
  locale: z.enum(locales).nullable().optional(),
});

export type UserRow = typeof users.$inferSelect;

export function presentUser(u: UserRow) {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role as Role, locale: u.locale ?? null,
    disabled: u.disabledAt !== null, disabledAt: u.disabledAt?.toISOString() ?? null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null, createdAt: u.createdAt.toISOString(),
  };
}

/** A readable random password (about 120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url').replace(/(.{5})(?=.)/g, '$1-');
}

/** Creates a user; the password is hashed with bcrypt and returned in clear only when it was generated. */
export async function createUser(ctx: Ctx, input: unknown) {
  const parsed = CreateUserInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const d = parsed.data;
  const password = d.password ?? generatePassword();
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  const [row] = await q(ctx)
    .insert(users)
    .values({ email: d.email, name: d.name ?? d.email, role: d.role, passwordHash, locale: d.locale ?? null })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!row) throw new ConflictError('user_exists', `A user with the email ${d.email} exists already.`, { email: d.email });
  return { ...presentUser(row), ...(d.password ? {} : { password }) };
}

export async function listUsers(ctx: Ctx) {
  const rows = await q(ctx).select().from(users).orderBy(asc(users.createdAt));
  return rows.map(presentUser);
}

/** Disables a user (kept for the audit trail) and ends their sessions at once. */
export async function disableUser(ctx: Ctx, id: string): Promise<void> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('user', id);
  await withTransaction(ctx, async (tx) => {
    const res = await tx.update(users).set({ disabledAt: new Date() }).where(and(eq(users.id, id), isNull(users.disabledAt))).returning({ id: users.id });
    if (res.length === 0) throw new NotFoundError('user', id);
    await tx.delete(uiSessions).where(eq(uiSessions.userId, id));
  });
}

export const UpdateUserInput = z.object({
  role: z.enum(roles).optional(),
  /** A new password; every session of the user ends. */
  password: z.string().min(12).max(200).optional(),
  locale: z.enum(locales).nullable().optional(),
  /** `true` re-enables a disabled user. */
  enabled: z.literal(true).optional(),
}).refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change.' });

/** Changes a user's role, password (ending their sessions), language, or re-enables them. */
export async function updateUser(ctx: Ctx, id: string, input: unknown) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('user', id);
  const parsed = UpdateUserInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const d = parsed.data;
  const set: Partial<typeof users.$inferInsert> = {};
  if (d.role) set.role = d.role;
  if (d.locale !== undefined) set.locale = d.locale;
  if (d.enabled) set.disabledAt = null;
  if (d.password) set.passwordHash = await bcrypt.hash(d.password, BCRYPT_COST);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.update(users).set(set).where(eq(users.id, id)).returning();
    if (!row) throw new NotFoundError('user', id);
    // A new password or role: sessions opened before it end (the person signs in again).
    if (d.password || d.role) await tx.delete(uiSessions).where(eq(uiSessions.userId, id));
    return presentUser(row);
  });
}

/** The user with this email, or null. */
export async function findUserByEmail(ctx: Ctx, email: string) {
  const [row] = await q(ctx).select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row ? presentUser(row) : null;
}

// A fixed hash to compare against when the email is unknown, so both answers take as long.
let dummyHash: string | undefined;

/** Checks email + password; the principal, or null (unknown, disabled or wrong password: one answer). */
export async function verifyPassword(ctx: Ctx, email: string, password: string): Promise<Principal | null> {
  const normalized = email.trim().toLowerCase();
  if (!normalized || normalized.length > 320 || password.length > 200) return null;
  const [row] = await q(ctx).select().from(users).where(eq(users.email, normalized));
  dummyHash ??= await bcrypt.hash('not-a-password', BCRYPT_COST);
  const ok = await bcrypt.compare(password, row?.passwordHash ?? dummyHash);
  if (!row || !ok || row.disabledAt) return null;
  await q(ctx).update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, row.id));
  return { keyId: row.id, userId: row.id, name: row.name, role: row.role as Role, locale: row.locale };
}

export const SetLocaleInput = z.object({ locale: z.enum(locales).nullable() });

/** Saves the person's UI language (null: follow the browser). */
export async function setUserLocale(ctx: Ctx, userId: string, input: unknown): Promise<void> {
  const parsed = SetLocaleInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const res = await q(ctx).update(users).set({ locale: parsed.data.locale }).where(eq(users.id, userId)).returning({ id: users.id });
  if (res.length === 0) throw new NotFoundError('user', userId);
}
