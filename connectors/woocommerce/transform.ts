import { z } from 'zod';
import { toMinor } from '../../src/domain/money';
import { deriveExceptions, UnifiedOrderInput, type Address } from '../../src/domain/order';

/**
 * WooCommerce REST v3 order → unified order. Times come from the `_gmt` fields: the plain ones are
 * in the store's own time zone without an offset, so reading them as UTC would shift every order.
 */

export const Decimal = z.union([z.string(), z.number()]);
export const Id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const GmtDate = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);

const WooAddress = z.object({
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  company: z.string().nullish(),
  address_1: z.string().nullish(),
  address_2: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  postcode: z.string().nullish(),
  country: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
}).passthrough();

export const WooOrder = z.object({
  id: Id,
  number: z.union([z.string(), z.number()]).transform(String),
  status: z.string(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  date_created_gmt: GmtDate,
  date_modified_gmt: GmtDate,
  date_paid_gmt: GmtDate.nullish(),
  discount_total: Decimal,
  shipping_total: Decimal,
  total: Decimal,
  total_tax: Decimal,
  customer_id: z.number().int().nullish(),
  billing: WooAddress.nullish(),
  shipping: WooAddress.nullish(),
  line_items: z.array(z.object({
    id: Id,
    name: z.string(),
    sku: z.string().nullish(),
    quantity: z.number().int(),
    subtotal: Decimal,
    total: Decimal,
    total_tax: Decimal,
    price: Decimal.nullish(),
  }).passthrough()),
  fee_lines: z.array(z.object({ total: Decimal }).passthrough()).nullish(),
  refunds: z.array(z.object({ id: Id, total: Decimal }).passthrough()).nullish(),
}).passthrough();
export type WooOrder = z.infer<typeof WooOrder>;

type Financial = UnifiedOrderInput['financialStatus'];
type Status = UnifiedOrderInput['status'];

const STATUS: Record<string, Status> = {
  pending: 'open', processing: 'open', 'on-hold': 'on_hold', completed: 'completed', cancelled: 'cancelled',
  refunded: 'completed', failed: 'cancelled', 'checkout-draft': 'open', trash: 'cancelled',
};
const FINANCIAL: Record<string, Financial> = {
  pending: 'pending', 'on-hold': 'pending', 'checkout-draft': 'pending', failed: 'voided', cancelled: 'voided',
  processing: 'paid', completed: 'paid', refunded: 'refunded',
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#039': "'", ndash: '–', mdash: '—', nbsp: ' ', hellip: '…' };
/** WordPress stores product names HTML-escaped (`Ship Your Idea &ndash; Color: Black`). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z0-9]+);/gi, (whole, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#') && e !== '#039') return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
}

/** `2017-03-22T19:28:08` (GMT, no offset) → `2017-03-22T19:28:08.000Z`. */
export function wooGmt(s: string): string {
  const withZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`;
  const t = Date.parse(withZone);
  if (Number.isNaN(t)) throw new Error(`not a date: ${s}`);
  return new Date(t).toISOString();
}

const blank = (s: string | null | undefined) => (s && s.trim() !== '' ? s.trim() : null);

function address(a: z.infer<typeof WooAddress> | null | undefined): Address | null {
  if (!a) return null;
  const name = blank([a.first_name, a.last_name].filter(Boolean).join(' '));
  const out = {
    name, company: blank(a.company), line1: blank(a.address_1), line2: blank(a.address_2), city: blank(a.city),
    region: blank(a.state), postalCode: blank(a.postcode), country: a.country && /^[A-Za-z]{2}$/.test(a.country) ? a.country.toUpperCase() : null,
    phone: blank(a.phone),
  };
  // WooCommerce sends empty address objects for digital orders: that is "no address", not an invalid one.
  return Object.values(out).some((v) => v !== null) ? out : null;
}

/** Refunds listed on the order, as a positive amount in minor units (WooCommerce lists them negative: "-10.00"). */
export function refundedMinor(o: WooOrder): number {
  return -(o.refunds ?? []).reduce((s, r) => s + toMinor(r.total, o.currency), 0);
}

export function normalizeWooOrder(record: unknown): UnifiedOrderInput {
  const o = WooOrder.parse(record);
  const cur = o.currency;
  const m = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? 0 : toMinor(v, cur));
  const lines = o.line_items.filter((l) => l.quantity > 0).map((l) => {
    const sub = m(l.subtotal);
    // The line subtotal is exact; `price` is a float WooCommerce computes from it.
    const unit = sub % l.quantity === 0 ? sub / l.quantity : m(l.price ?? 0);
    return {
      externalId: l.id,
      sku: blank(l.sku),
      title: decodeEntities(l.name) || '(unnamed item)',
      quantity: l.quantity,
      unitPriceMinor: unit,
      taxMinor: m(l.total_tax),
      discountMinor: Math.max(0, sub - m(l.total)),
    };
  });
  const total = m(o.total);
  const refunded = refundedMinor(o);
  let financial: Financial = FINANCIAL[o.status] ?? (o.date_paid_gmt ? 'paid' : 'unknown');
  if (refunded > 0 && financial === 'paid') financial = refunded >= total ? 'refunded' : 'partially_refunded';
  const fees = (o.fee_lines ?? []).reduce((s, f) => s + m(f.total), 0);
  const subtotal = o.line_items.reduce((s, l) => s + m(l.subtotal), 0) + fees;
  const b = o.billing;
  return UnifiedOrderInput.parse((() => {
    const order: UnifiedOrderInput = {
      externalId: o.id,
      number: o.number,
      status: STATUS[o.status] ?? 'open',
      financialStatus: financial,
      fulfillmentStatus: o.status === 'completed' ? 'fulfilled' : 'unfulfilled',
      currency: cur,
      subtotalMinor: Math.max(0, subtotal),
      taxMinor: m(o.total_tax),
      shippingMinor: m(o.shipping_total),
      discountMinor: m(o.discount_total),
      totalMinor: total,
      lines,
      customer: b || o.customer_id
        ? { externalId: o.customer_id ? String(o.customer_id) : null, email: blank(b?.email), name: blank([b?.first_name, b?.last_name].filter(Boolean).join(' ')), phone: blank(b?.phone) }
        : null,
      shippingAddress: address(o.shipping),
      billingAddress: address(o.billing),
      placedAt: wooGmt(o.date_created_gmt),
      sourceUpdatedAt: wooGmt(o.date_modified_gmt),
      exceptions: [],
    };
    return { ...order, exceptions: deriveExceptions(order) };
  })());
}
