import { z } from 'zod';

export const orderStatuses = ['open', 'on_hold', 'cancelled', 'completed'] as const;
export const financialStatuses = [
  'pending', 'authorized', 'paid', 'partially_paid', 'partially_refunded', 'refunded', 'voided', 'unknown',
] as const;
export const fulfillmentStatuses = ['unfulfilled', 'partial', 'fulfilled', 'returned'] as const;
export const allocationStatuses = ['pending', 'allocated', 'partial', 'backordered', 'not_required', 'review'] as const;
export const ingestPaths = ['webhook', 'poll', 'manual', 'import'] as const;
export const orderExceptions = [
  'unknown_sku', 'invalid_address', 'duplicate_number', 'adhoc_item', 'unpaid', 'sync_failed', 'reconciliation_break', 'review',
] as const;

const Minor = z.number().int().safe();
const Iso = z.string().datetime({ offset: true });
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as USD');

export const Address = z.object({
  name: z.string().max(300).nullish(),
  company: z.string().max(300).nullish(),
  line1: z.string().max(500).nullish(),
  line2: z.string().max(500).nullish(),
  city: z.string().max(200).nullish(),
  region: z.string().max(200).nullish(),
  postalCode: z.string().max(40).nullish(),
  /** ISO 3166-1 alpha-2 */
  country: z.string().length(2).nullish(),
  phone: z.string().max(60).nullish(),
});
export type Address = z.infer<typeof Address>;

export const Customer = z.object({
  externalId: z.string().max(200).nullish(),
  email: z.string().max(320).nullish(),
  name: z.string().max(300).nullish(),
  phone: z.string().max(60).nullish(),
});
export type Customer = z.infer<typeof Customer>;

export const OrderLine = z.object({
  externalId: z.string().max(200).nullish(),
  sku: z.string().max(200).nullish(),
  title: z.string().min(1).max(1000),
  quantity: z.number().int().positive(),
  unitPriceMinor: Minor,
  taxMinor: Minor.default(0),
  discountMinor: Minor.default(0),
});
export type OrderLine = z.infer<typeof OrderLine>;

/**
 * What a connector's `normalize` produces: the unified order before the hub assigns its id and
 * allocation state. All platform quirks end before this point.
 */
export const UnifiedOrderInput = z.object({
  externalId: z.string().min(1).max(200),
  number: z.string().min(1).max(200),
  status: z.enum(orderStatuses),
  financialStatus: z.enum(financialStatuses),
  fulfillmentStatus: z.enum(fulfillmentStatuses),
  currency: CurrencyCode,
  subtotalMinor: Minor.nonnegative(),
  taxMinor: Minor.nonnegative(),
  shippingMinor: Minor.nonnegative(),
  discountMinor: Minor.nonnegative(),
  totalMinor: Minor.nonnegative(),
  lines: z.array(OrderLine).max(1000),
  customer: Customer.nullish(),
  shippingAddress: Address.nullish(),
  billingAddress: Address.nullish(),
  placedAt: Iso,
  sourceUpdatedAt: Iso,
  exceptions: z.array(z.enum(orderExceptions)).default([]),
});
export type UnifiedOrderInput = z.infer<typeof UnifiedOrderInput>;

/** The unified order as the hub stores and serves it. */
export const UnifiedOrder = UnifiedOrderInput.extend({
  id: z.string().uuid(),
  connectionId: z.string().uuid(),
  channel: z.string(),
  allocationStatus: z.enum(allocationStatuses),
  ingestPaths: z.array(z.enum(ingestPaths)),
  createdAt: Iso,
  updatedAt: Iso,
});
export type UnifiedOrder = z.infer<typeof UnifiedOrder>;

/** Order-level exceptions derivable from the order alone (the inventory engine adds `unknown_sku`). */
export function deriveExceptions(o: UnifiedOrderInput): UnifiedOrderInput['exceptions'] {
  const out = new Set(o.exceptions);
  if (o.status !== 'cancelled' && (o.financialStatus === 'pending' || o.financialStatus === 'partially_paid')) out.add('unpaid');
  const a = o.shippingAddress;
  if (a && o.lines.length > 0 && (!a.country || !a.line1)) out.add('invalid_address');
  return [...out].sort();
}
