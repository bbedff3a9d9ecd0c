import { z } from 'zod';
import { toMinor } from '../../src/domain/money';
import { deriveExceptions, UnifiedOrderInput, type Address } from '../../src/domain/order';

/**
 * Shopify's two order shapes → the unified order: REST-shaped webhook bodies (snake_case, numeric
 * ids that exceed 2^53 and so arrive here as strings from the bigint-safe parse) and Admin GraphQL
 * order nodes (camelCase, money as MoneyBag). Both keep the order id as the same decimal string
 * (`id` / `legacyResourceId`), so a webhook and a poll of one order meet on one row.
 */

const Id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative().refine(Number.isSafeInteger, 'id beyond 2^53 lost precision')]).transform(String);
const Decimal = z.union([z.string(), z.number()]);
const Iso = z.string().min(1);

const RestAddress = z.object({
  name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  province_code: z.string().nullish(),
  zip: z.string().nullish(),
  country_code: z.string().nullish(),
  phone: z.string().nullish(),
}).passthrough();

const RestMoneyLine = z.object({ price: Decimal }).passthrough();

export const ShopifyRestOrder = z.object({
  id: Id,
  name: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/),
  created_at: Iso,
  updated_at: Iso,
  cancelled_at: Iso.nullish(),
  closed_at: Iso.nullish(),
  email: z.string().nullish(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  subtotal_price: Decimal.nullish(),
  total_price: Decimal,
  total_tax: Decimal.nullish(),
  total_discounts: Decimal.nullish(),
  shipping_lines: z.array(RestMoneyLine).nullish(),
  line_items: z.array(z.object({
    id: Id,
    sku: z.string().nullish(),
    name: z.string().nullish(),
    title: z.string(),
    quantity: z.number().int(),
    price: Decimal,
    total_discount: Decimal.nullish(),
    tax_lines: z.array(RestMoneyLine).nullish(),
  }).passthrough()),
  customer: z.object({ id: Id.nullish(), email: z.string().nullish(), first_name: z.string().nullish(), last_name: z.string().nullish(), phone: z.string().nullish() }).passthrough().nullish(),
  billing_address: RestAddress.nullish(),
  shipping_address: RestAddress.nullish(),
}).passthrough();
export type ShopifyRestOrder = z.infer<typeof ShopifyRestOrder>;

const MoneyBag = z.object({ shopMoney: z.object({ amount: Decimal, currencyCode: z.string() }) });
const GqlAddress = z.object({
  name: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  provinceCode: z.string().nullish(),
  zip: z.string().nullish(),
  countryCodeV2: z.string().nullish(),
  phone: z.string().nullish(),
});

export const ShopifyGqlOrder = z.object({
  id: z.string().startsWith('gid://shopify/Order/'),
  legacyResourceId: z.string().regex(/^\d+$/),
  name: z.string().min(1),
  createdAt: Iso,
  updatedAt: Iso,
  cancelledAt: Iso.nullish(),
  closedAt: Iso.nullish(),
  email: z.string().nullish(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/),
  displayFinancialStatus: z.string().nullish(),
  displayFulfillmentStatus: z.string().nullish(),
  currentSubtotalPriceSet: MoneyBag.nullish(),
  currentTotalPriceSet: MoneyBag,
  currentTotalTaxSet: MoneyBag.nullish(),
  currentTotalDiscountsSet: MoneyBag.nullish(),
  totalShippingPriceSet: MoneyBag.nullish(),
  customer: z.object({ id: z.string().nullish(), firstName: z.string().nullish(), lastName: z.string().nullish(), email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
  shippingAddress: GqlAddress.nullish(),
  billingAddress: GqlAddress.nullish(),
  lineItems: z.object({
    nodes: z.array(z.object({
      id: z.string(),
      sku: z.string().nullish(),
      name: z.string().nullish(),
      title: z.string(),
      quantity: z.number().int(),
      currentQuantity: z.number().int().nullish(),
      originalUnitPriceSet: MoneyBag,
      totalDiscountSet: MoneyBag.nullish(),
      taxLines: z.array(z.object({ priceSet: MoneyBag })).nullish(),
    })),
  }),
});
export type ShopifyGqlOrder = z.infer<typeof ShopifyGqlOrder>;

type Financial = UnifiedOrderInput['financialStatus'];
type Fulfillment = UnifiedOrderInput['fulfillmentStatus'];

const FINANCIAL: Record<string, Financial> = {
  pending: 'pending', authorized: 'authorized', partially_paid: 'partially_paid', paid: 'paid',
  partially_refunded: 'partially_refunded', refunded: 'refunded', voided: 'voided',
};
const FULFILLMENT: Record<string, Fulfillment> = {
  fulfilled: 'fulfilled', partial: 'partial', partially_fulfilled: 'partial', restocked: 'returned',
  unfulfilled: 'unfulfilled', in_progress: 'unfulfilled', on_hold: 'unfulfilled', open: 'unfulfilled',
  pending_fulfillment: 'unfulfilled', scheduled: 'unfulfilled', request_declined: 'unfulfilled',
};

/** REST says `partially_refunded`, GraphQL says `PARTIALLY_REFUNDED`: one lower-case key for both. */
const key = (s: string | null | undefined) => (s ?? '').toLowerCase();
const financial = (s: string | null | undefined): Financial => FINANCIAL[key(s)] ?? (s ? 'unknown' : 'pending');
const fulfillment = (s: string | null | undefined): Fulfillment => FULFILLMENT[key(s)] ?? 'unfulfilled';
const blank = (s: string | null | undefined) => (s && s.trim() !== '' ? s : null);
const utc = (s: string) => {
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`not a date: ${s}`);
  return new Date(t).toISOString();
};
const country = (c: string | null | undefined) => (c && /^[A-Za-z]{2}$/.test(c) ? c.toUpperCase() : null);

function restAddress(a: z.infer<typeof RestAddress> | null | undefined): Address | null {
  if (!a) return null;
  const name = blank(a.name) ?? (blank([a.first_name, a.last_name].filter(Boolean).join(' ')) || null);
  return {
    name, company: blank(a.company), line1: blank(a.address1), line2: blank(a.address2), city: blank(a.city),
    region: blank(a.province_code) ?? blank(a.province), postalCode: blank(a.zip), country: country(a.country_code), phone: blank(a.phone),
  };
}

function gqlAddress(a: z.infer<typeof GqlAddress> | null | undefined): Address | null {
  if (!a) return null;
  return {
    name: blank(a.name), company: blank(a.company), line1: blank(a.address1), line2: blank(a.address2), city: blank(a.city),
    region: blank(a.provinceCode) ?? blank(a.province), postalCode: blank(a.zip), country: country(a.countryCodeV2), phone: blank(a.phone),
  };
}

function finish(order: UnifiedOrderInput): UnifiedOrderInput {
  return UnifiedOrderInput.parse({ ...order, exceptions: deriveExceptions(order) });
}

/** A REST-shaped order (webhook body, or the `{ "order": … }` envelope of the REST API) → unified order. */
export function normalizeShopifyRestOrder(record: unknown): UnifiedOrderInput {
  const body = record as { order?: unknown };
  const o = ShopifyRestOrder.parse(body && typeof body === 'object' && 'order' in body ? body.order : record);
  const cur = o.currency;
  const m = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? 0 : toMinor(v, cur));
  const lines = o.line_items
    .filter((l) => l.quantity > 0)
    .map((l) => ({
      externalId: l.id,
      sku: blank(l.sku),
      title: l.name ?? l.title,
      quantity: l.quantity,
      unitPriceMinor: m(l.price),
      taxMinor: (l.tax_lines ?? []).reduce((s, t) => s + m(t.price), 0),
      discountMinor: m(l.total_discount),
    }));
  const shipping = (o.shipping_lines ?? []).reduce((s, l) => s + m(l.price), 0);
  const subtotal = o.subtotal_price !== undefined && o.subtotal_price !== null ? m(o.subtotal_price) : lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
  const c = o.customer;
  return finish({
    externalId: o.id,
    number: o.name,
    status: o.cancelled_at ? 'cancelled' : o.closed_at ? 'completed' : 'open',
    financialStatus: financial(o.financial_status),
    fulfillmentStatus: fulfillment(o.fulfillment_status),
    currency: cur,
    subtotalMinor: subtotal,
    taxMinor: m(o.total_tax),
    shippingMinor: shipping,
    discountMinor: m(o.total_discounts),
    totalMinor: m(o.total_price),
    lines,
    customer: c || o.email
      ? { externalId: c?.id ?? null, email: blank(c?.email) ?? blank(o.email), name: blank([c?.first_name, c?.last_name].filter(Boolean).join(' ')), phone: blank(c?.phone) }
      : null,
    shippingAddress: restAddress(o.shipping_address),
    billingAddress: restAddress(o.billing_address),
    placedAt: utc(o.created_at),
    sourceUpdatedAt: utc(o.updated_at),
    exceptions: [],
  });
}

/** An Admin GraphQL order node → unified order. */
export function normalizeShopifyGqlOrder(record: unknown): UnifiedOrderInput {
  const o = ShopifyGqlOrder.parse(record);
  const cur = o.currencyCode;
  const m = (bag: z.infer<typeof MoneyBag> | null | undefined) => (bag ? toMinor(bag.shopMoney.amount, cur) : 0);
  const lines = o.lineItems.nodes
    .map((l) => ({ l, qty: l.currentQuantity ?? l.quantity }))
    .filter(({ qty }) => qty > 0)
    .map(({ l, qty }) => ({
      externalId: l.id.replace(/^gid:\/\/shopify\/LineItem\//, ''),
      sku: blank(l.sku),
      title: l.name ?? l.title,
      quantity: qty,
      unitPriceMinor: m(l.originalUnitPriceSet),
      taxMinor: (l.taxLines ?? []).reduce((s, t) => s + m(t.priceSet), 0),
      discountMinor: m(l.totalDiscountSet),
    }));
  const c = o.customer;
  return finish({
    externalId: o.legacyResourceId,
    number: o.name,
    status: o.cancelledAt ? 'cancelled' : o.closedAt ? 'completed' : 'open',
    financialStatus: financial(o.displayFinancialStatus),
    fulfillmentStatus: fulfillment(o.displayFulfillmentStatus),
    currency: cur,
    subtotalMinor: o.currentSubtotalPriceSet ? m(o.currentSubtotalPriceSet) : lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0),
    taxMinor: m(o.currentTotalTaxSet),
    shippingMinor: m(o.totalShippingPriceSet),
    discountMinor: m(o.currentTotalDiscountsSet),
    totalMinor: m(o.currentTotalPriceSet),
    lines,
    customer: c || o.email
      ? {
        externalId: c?.id?.replace(/^gid:\/\/shopify\/Customer\//, '') ?? null,
        email: blank(c?.email) ?? blank(o.email),
        name: blank([c?.firstName, c?.lastName].filter(Boolean).join(' ')),
        phone: blank(c?.phone),
      }
      : null,
    shippingAddress: gqlAddress(o.shippingAddress),
    billingAddress: gqlAddress(o.billingAddress),
    placedAt: utc(o.createdAt),
    sourceUpdatedAt: utc(o.updatedAt),
    exceptions: [],
  });
}

/** Either shape: GraphQL nodes carry a `gid://` id, REST bodies a numeric one. */
export function normalizeShopifyOrder(record: unknown): UnifiedOrderInput {
  const id = (record as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.startsWith('gid://') ? normalizeShopifyGqlOrder(record) : normalizeShopifyRestOrder(record);
}

export const ShopifyRefund = z.object({
  id: Id,
  order_id: Id,
  created_at: Iso,
  transactions: z.array(z.object({ amount: Decimal, kind: z.string(), status: z.string().nullish(), currency: z.string().nullish() }).passthrough()).default([]),
  refund_line_items: z.array(z.object({ line_item_id: Id, quantity: z.number().int(), line_item: z.object({ sku: z.string().nullish() }).passthrough().nullish() }).passthrough()).default([]),
}).passthrough();

/** What a `refunds/create` body says, in minor units: the refunded amount (successful refund transactions) and lines. */
export function summarizeShopifyRefund(record: unknown, fallbackCurrency = 'USD') {
  const body = record as { refund?: unknown };
  const r = ShopifyRefund.parse(body && typeof body === 'object' && 'refund' in body ? body.refund : record);
  const txs = r.transactions.filter((t) => t.kind === 'refund' && (t.status ?? 'success') === 'success');
  const currency = txs[0]?.currency ?? fallbackCurrency;
  return {
    refundId: r.id,
    orderExternalId: r.order_id,
    createdAt: utc(r.created_at),
    currency,
    // Refund amounts are positive in Shopify's transactions; a negative one (a reversal) subtracts.
    amountMinor: txs.reduce((s, t) => s + toMinor(t.amount, currency), 0),
    lines: r.refund_line_items.map((l) => ({ lineExternalId: l.line_item_id, sku: blank(l.line_item?.sku), quantity: l.quantity })),
  };
}
