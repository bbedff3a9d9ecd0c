import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { financeSettings } from '../db/schema/index';
import { getConnectionRow } from '../connections/manage-connections';
import { q } from '../db/transaction';
import { MatchRules } from '../domain/reconciliation';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';

/**
 * Finance settings of one payments connection. Kept beside the connection (not in its config) so
 * that the Shopify connection's own config schema stays the connectors' business.
 */
export const FinanceSettings = z.object({
  rules: MatchRules.default(MatchRules.parse({})),
  /** Orders of these connections may be settled by this connection's payouts (default: any). */
  orderConnectionIds: z.array(z.string().uuid()).default([]),
  /** A paid order in no payout after this many days is an `unsettled_order` break (0 = off). */
  settlementWindowDays: z.number().int().min(0).max(365).default(0),
  /** Rates at which sales in foreign currencies were booked (settlement units per order-currency unit). */
  bookedRates: z.record(z.string().regex(/^[A-Z]{3}$/), z.string().regex(/^\d+(\.\d+)?$/)).default({}),
  /** Pull payouts every this many seconds (0 = only on request: POST /api/v1/payouts/pull). */
  payoutPollSeconds: z.number().int().min(0).max(86_400).default(0),
  /** `summary`: one settlement journal per payout; `per_order`: one per settled order (+ a summary of payout-level lines). */
  journalMode: z.enum(['summary', 'per_order']).default('summary'),
  /** Accounting systems every journal of this connection is synced to. */
  accountingTargets: z.array(z.object({ target: z.enum(['xero', 'quickbooks']), connectionId: z.string().uuid() })).default([]),
});
export type FinanceSettings = z.output<typeof FinanceSettings>;

export async function getFinanceSettings(ctx: Ctx, connectionId: string): Promise<FinanceSettings> {
  // A malformed id is an unknown connection (404), not a database error.
  if (!z.string().uuid().safeParse(connectionId).success) throw new NotFoundError('connection', connectionId);
  const [row] = await q(ctx).select().from(financeSettings).where(eq(financeSettings.connectionId, connectionId));
  return FinanceSettings.parse(row?.settings ?? {});
}

/** Replaces a connection's finance settings (validated; field paths name what is wrong). */
export async function setFinanceSettings(ctx: Ctx, connectionId: string, input: unknown): Promise<FinanceSettings> {
  const r = FinanceSettings.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  await getConnectionRow(ctx, connectionId);
  await q(ctx).insert(financeSettings).values({ connectionId, settings: r.data })
    .onConflictDoUpdate({ target: financeSettings.connectionId, set: { settings: r.data, updatedAt: sql`now()` } });
  const key = `payouts:${connectionId}`;
  if (r.data.payoutPollSeconds > 0) await ctx.queue.schedule(key, 'payouts.pull', { connectionId }, r.data.payoutPollSeconds * 1000);
  else await ctx.queue.unschedule(key);
  return r.data;
}
