import { randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { assertEgressAllowed } from '../connections/egress-guard';
import { webhookDeliveries, webhookSubscriptions } from '../db/schema/index';
import { q } from '../db/transaction';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { forgetSubscriptions } from './emit-event';
import { outboundEventTypes } from './event-types';

export const CreateSubscriptionInput = z.object({
  url: z.string().url().max(2000),
  events: z.array(z.enum([...outboundEventTypes, '*'])).min(1).max(outboundEventTypes.length + 1),
  /** Optional: the signing secret; generated when left out. */
  secret: z.string().min(16).max(200).optional(),
});

type Row = typeof webhookSubscriptions.$inferSelect;

function present(r: Row) {
  return {
    id: r.id, url: r.url, events: r.events, status: r.status, consecutiveFailures: r.consecutiveFailures,
    disabledReason: r.disabledReason, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  };
}

/** Registers a subscriber; the signing secret is in this answer only. */
export async function createSubscription(ctx: Ctx, input: unknown) {
  const parsed = CreateSubscriptionInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  await assertEgressAllowed(parsed.data.url, 'url', ctx.config.allowedPrivateHosts);
  const secret = parsed.data.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  const [row] = await q(ctx)
    .insert(webhookSubscriptions)
    .values({ url: parsed.data.url, events: [...new Set(parsed.data.events)], secret: ctx.secrets.seal(secret) })
    .returning();
  forgetSubscriptions(ctx);
  return { ...present(row!), secret };
}

export async function listSubscriptions(ctx: Ctx) {
  const rows = await q(ctx).select().from(webhookSubscriptions).orderBy(webhookSubscriptions.createdAt);
  return rows.map(present);
}

async function getRow(ctx: Ctx, id: string): Promise<Row> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('webhook subscription', id);
  const [row] = await q(ctx).select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  if (!row) throw new NotFoundError('webhook subscription', id);
  return row;
}

export async function deleteSubscription(ctx: Ctx, id: string): Promise<void> {
  await getRow(ctx, id);
  await q(ctx).delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  forgetSubscriptions(ctx);
}

/** Re-enables a subscriber that was disabled (after fixing its endpoint). */
export async function enableSubscription(ctx: Ctx, id: string) {
  await getRow(ctx, id);
  const [row] = await q(ctx)
    .update(webhookSubscriptions)
    .set({ status: 'active', consecutiveFailures: 0, disabledReason: null, updatedAt: new Date() })
    .where(eq(webhookSubscriptions.id, id))
    .returning();
  forgetSubscriptions(ctx);
  return present(row!);
}

export async function listDeliveries(ctx: Ctx, id: string, limit = 100) {
  await getRow(ctx, id);
  const rows = await q(ctx).select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id))
    .orderBy(desc(webhookDeliveries.createdAt)).limit(limit);
  return rows.map((r) => ({
    id: r.id, eventId: r.eventId, eventType: r.eventType, status: r.status, attempts: r.attempts, lastStatus: r.lastStatus,
    lastResponse: r.lastResponse, lastError: r.lastError, deliveredAt: r.deliveredAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString(),
  }));
}
