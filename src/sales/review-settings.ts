import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q, type Tx } from '../db/transaction';
import { CurrencyCode } from '../domain/order';
import { ValidationError, zodFieldErrors } from '../errors';

/**
 * Order review rules (審核). Orders matching any enabled rule are held (allocation status `review`,
 * exception `review`) when they first arrive, before allocation, until someone approves or rejects them.
 */
export const ReviewSettings = z.object({
  enabled: z.boolean().default(false),
  /** Hold an order whose total is above this amount, per currency (minor units); currencies not named are not checked. */
  totalAbove: z.record(CurrencyCode, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).default({}),
  /** Hold the first order of a customer (normalised email; orders without an email are not held by this rule). */
  firstOrder: z.boolean().default(false),
  /** Hold an order whose shipping address differs from its billing address (line1, line2, city, postal code, country). */
  addressMismatch: z.boolean().default(false),
  /** Hold an order that would take its customer over their credit limit (only when a credit-limit source is registered). */
  creditLimit: z.boolean().default(false),
  /** Only orders of these connections are reviewed (empty = every connection). */
  connectionIds: z.array(z.string().uuid()).max(500).default([]),
});
export type ReviewSettings = z.output<typeof ReviewSettings>;

export const reviewRuleKinds = ['total_above', 'first_order', 'address_mismatch', 'credit_limit'] as const;
export type ReviewRuleKind = (typeof reviewRuleKinds)[number];

export async function getReviewSettings(ctx: Ctx): Promise<ReviewSettings> {
  const r = await q(ctx).execute(sql`select settings from order_review_settings where id = 1`);
  return ReviewSettings.parse((r.rows[0] as { settings?: unknown } | undefined)?.settings ?? {});
}

/** Replaces the review rules (validated; the field path names what is wrong). */
export async function setReviewSettings(ctx: Ctx, input: unknown): Promise<ReviewSettings> {
  const r = ReviewSettings.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  await q(ctx).execute(sql`
    insert into order_review_settings (id, settings) values (1, ${JSON.stringify(r.data)}::jsonb)
    on conflict (id) do update set settings = excluded.settings, updated_at = now()`);
  return r.data;
}

/** An order the credit-limit rule is asked about. */
export interface CreditCheckOrder {
  id: string;
  connectionId: string;
  customerEmail: string | null;
  currency: string;
  totalMinor: number;
}

/**
 * Where credit limits come from (the customers module: B2B buyers with terms and a limit). Runs
 * inside the drain transaction, so it must query through `tx` and answer for the whole batch at once.
 */
export interface CreditLimitSource {
  /** The orders (of those given) that would take their customer over the limit → a reason shown in the timeline. */
  overLimit(tx: Tx, orders: CreditCheckOrder[]): Promise<Map<string, string>>;
}

let creditLimitSource: CreditLimitSource | null = null;

/** Registers (or with null removes) the credit-limit source; without one the `creditLimit` rule is skipped. */
export function registerCreditLimitSource(source: CreditLimitSource | null): void {
  creditLimitSource = source;
}

export function getCreditLimitSource(): CreditLimitSource | null {
  return creditLimitSource;
}
