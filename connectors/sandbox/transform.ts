import { z } from 'zod';
import { toMinor } from '../../src/domain/money';
import { deriveExceptions, UnifiedOrderInput } from '../../src/domain/order';

const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
export const SandboxOrderSchema = z.object({
  id: z.string().min(1),
  number: z.string().min(1),
  state: z.enum(['open', 'cancelled']),
  paid: z.boolean(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  created_at: z.string().datetime({ offset: true }),
  updated_at: z.string().datetime({ offset: true }),
  email: z.string().nullish(),
  name: z.string().nullish(),
  address: z.object({ line1: z.string(), city: z.string(), postal: z.string(), country: z.string().length(2) }).nullish(),
  items: z.array(z.object({ id: z.string(), sku: z.string().nullish(), title: z.string(), qty: z.number().int().positive(), price: Decimal })),
  shipping: Decimal,
  tax: Decimal,
});

/** Sandbox record → unified order. */
export function normalizeSandboxOrder(record: unknown): UnifiedOrderInput {
  const o = SandboxOrderSchema.parse(record);
  const lines = o.items.map((it) => ({
    externalId: it.id,
    sku: it.sku ?? null,
    title: it.title,
    quantity: it.qty,
    unitPriceMinor: toMinor(it.price, o.currency),
    taxMinor: 0,
    discountMinor: 0,
  }));
  const subtotal = lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
  const tax = toMinor(o.tax, o.currency);
  const shipping = toMinor(o.shipping, o.currency);
  const address = o.address
    ? { name: o.name ?? null, line1: o.address.line1, city: o.address.city, postalCode: o.address.postal, country: o.address.country }
    : null;
  const order: UnifiedOrderInput = {
    externalId: o.id,
    number: o.number,
    status: o.state === 'cancelled' ? 'cancelled' : 'open',
    financialStatus: o.paid ? 'paid' : 'pending',
    fulfillmentStatus: 'unfulfilled',
    currency: o.currency,
    subtotalMinor: subtotal,
    taxMinor: tax,
    shippingMinor: shipping,
    discountMinor: 0,
    totalMinor: subtotal + tax + shipping,
    lines,
    customer: { email: o.email ?? null, name: o.name ?? null },
    shippingAddress: address,
    billingAddress: address,
    placedAt: new Date(o.created_at).toISOString(),
    sourceUpdatedAt: new Date(o.updated_at).toISOString(),
    exceptions: [],
  };
  return UnifiedOrderInput.parse({ ...order, exceptions: deriveExceptions(order) });
}
