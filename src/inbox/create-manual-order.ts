import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { inTx, type Ctx } from '../context';
import { manualConnectionId } from '../connections/manage-connections';
import { withTransaction } from '../db/transaction';
import {
  Address, CurrencyCode, Customer, deriveExceptions, financialStatuses, fulfillmentStatuses, UnifiedOrderInput,
} from '../domain/order';
import { ValidationError, zodFieldErrors } from '../errors';
import { runOnce } from '../idempotency/run-once';
import { requestAllocation } from '../inventory/request-allocation';
import { emitEvents } from '../outbound/emit-event';
import { getOrder, type OrderDetail } from './get-order';
import { insertRawEvents } from './insert-raw-events';
import { processEventsById } from './process-raw-events';

const Minor = z.number().int().safe();

export const ManualOrderInput = z.object({
  externalId: z.string().min(1).max(200).optional(),
  number: z.string().min(1).max(200).optional(),
  /** How the order came in: phone, counter, email, distributor… (shown in the timeline). */
  source: z.string().max(64).default('manual'),
  currency: CurrencyCode,
  financialStatus: z.enum(financialStatuses).default('pending'),
  fulfillmentStatus: z.enum(fulfillmentStatuses).default('unfulfilled'),
  lines: z.array(z.object({
    sku: z.string().min(1).max(200).nullish(),
    title: z.string().min(1).max(1000),
    quantity: z.number().int().positive(),
    unitPriceMinor: Minor.nonnegative(),
    taxMinor: Minor.nonnegative().default(0),
    discountMinor: Minor.nonnegative().default(0),
  })).min(1).max(1000),
  shippingMinor: Minor.nonnegative().default(0),
  /** When given, must equal subtotal + tax + shipping − discount. */
  totalMinor: Minor.nonnegative().optional(),
  customer: Customer.nullish(),
  shippingAddress: Address.nullish(),
  billingAddress: Address.nullish(),
  placedAt: z.string().datetime({ offset: true }).optional(),
});

/** Builds the unified order from a manual entry, computing the totals (integer minor units). */
export function manualToUnified(input: z.output<typeof ManualOrderInput>, now: Date): UnifiedOrderInput {
  const subtotal = input.lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
  const tax = input.lines.reduce((s, l) => s + l.taxMinor, 0);
  const discount = input.lines.reduce((s, l) => s + l.discountMinor, 0);
  const total = subtotal + tax + input.shippingMinor - discount;
  if (input.totalMinor !== undefined && input.totalMinor !== total) {
    throw new ValidationError([{ path: 'totalMinor', message: `expected ${total} (subtotal ${subtotal} + tax ${tax} + shipping ${input.shippingMinor} − discount ${discount})` }]);
  }
  if (total < 0) throw new ValidationError([{ path: 'lines', message: 'discounts exceed the order amount' }]);
  const externalId = input.externalId ?? `M-${randomUUID()}`;
  const placedAt = input.placedAt ? new Date(input.placedAt).toISOString() : now.toISOString();
  const order: UnifiedOrderInput = {
    externalId,
    number: input.number ?? `M-${externalId.slice(-8).toUpperCase()}`,
    status: 'open',
    financialStatus: input.financialStatus,
    fulfillmentStatus: input.fulfillmentStatus,
    currency: input.currency,
    subtotalMinor: subtotal,
    taxMinor: tax,
    shippingMinor: input.shippingMinor,
    discountMinor: discount,
    totalMinor: total,
    lines: input.lines.map((l) => ({ ...l, sku: l.sku ?? null, externalId: null })),
    customer: input.customer ?? null,
    shippingAddress: input.shippingAddress ?? null,
    billingAddress: input.billingAddress ?? null,
    placedAt,
    sourceUpdatedAt: now.toISOString(),
    exceptions: [],
  };
  return { ...order, exceptions: deriveExceptions(order) };
}

/**
 * Manual / offline order entry. The entry is kept as a raw event like any channel's payload and
 * normalised at once, so the answer carries the stored order. With an Idempotency-Key a retried
 * POST returns the first result.
 */
export async function createManualOrder(ctx: Ctx, input: unknown, idempotencyKey?: string): Promise<{ status: number; body: OrderDetail; replayed: boolean }> {
  const parsed = ManualOrderInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const result = await runOnce(ctx, 'POST /api/v1/orders', idempotencyKey, input, async (c) =>
    withTransaction(c, async (t) => {
      // Everything through the transaction: on PGlite (one connection) a query beside it waits forever.
      const tc = inTx(c, t);
      const tx = t;
      const unified = manualToUnified(parsed.data, c.now());
      const connectionId = await manualConnectionId(tc);
      const ids = await insertRawEvents(tx, [{
        connectionId, deliveryId: `manual:${unified.externalId}`, path: 'manual', topic: parsed.data.source,
        headers: null, body: JSON.stringify(unified),
      }]);
      const eventId = ids.values().next().value;
      if (eventId === undefined) throw new ValidationError([{ path: 'externalId', message: `an order with external id ${unified.externalId} was already entered` }]);
      const summary = await processEventsById(tc, [eventId]);
      const id = summary.orders[0]?.id;
      if (!id) throw new ValidationError([{ path: '(root)', message: 'the order could not be stored' }]);
      return { status: 201, body: await getOrder(tc, id) };
    }),
  );
  // After the commit: the allocator must see the order.
  if (!result.replayed) {
    await requestAllocation(ctx, [result.body.id]);
    await ctx.queue.enqueue('customers.resolve', { orderIds: [result.body.id] });
    await emitEvents(ctx, [{ type: 'order.created', data: { orderId: result.body.id, connectionId: result.body.connectionId, externalId: result.body.externalId } }]);
  }
  return result;
}
