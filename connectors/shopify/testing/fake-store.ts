/**
 * A Shopify-shaped fake for tests and the benchmark: answers the Admin GraphQL `orders` query the way
 * Shopify does (updated_at window filter, ascending UPDATED_AT sort, opaque keyset cursors, cost
 * extensions). Not used by the hub itself.
 */

export interface FakeOrderOptions {
  updatedAt: string;
  createdAt?: string;
  currency?: string;
  price?: string;
  quantity?: number;
  financial?: string;
  fulfillment?: string;
  cancelled?: boolean;
}

const money = (amount: string, currencyCode: string) => ({ shopMoney: { amount, currencyCode } });

/** A GraphQL order node as the pull query selects it; `legacyResourceId` exceeds 2^53 like real Shopify ids. */
export function fakeGqlOrder(n: number, o: FakeOrderOptions): Record<string, unknown> & { legacyResourceId: string; updatedAt: string } {
  const cur = o.currency ?? 'USD';
  const price = o.price ?? '19.99';
  const qty = o.quantity ?? 1;
  const id = (820982911946154508n + BigInt(n)).toString();
  const exp = cur === 'JPY' ? 0 : 2;
  const total = (Number(BigInt(Math.round(Number(price) * 10 ** exp)) * BigInt(qty)) / 10 ** exp).toFixed(exp);
  return {
    id: `gid://shopify/Order/${id}`,
    legacyResourceId: id,
    name: `#${1000 + n}`,
    createdAt: o.createdAt ?? o.updatedAt,
    updatedAt: o.updatedAt,
    cancelledAt: o.cancelled ? o.updatedAt : null,
    closedAt: null,
    email: `buyer${n}@example.com`,
    currencyCode: cur,
    displayFinancialStatus: o.financial ?? 'PAID',
    displayFulfillmentStatus: o.fulfillment ?? 'UNFULFILLED',
    currentSubtotalPriceSet: money(total, cur),
    currentTotalPriceSet: money(total, cur),
    currentTotalTaxSet: money(exp ? '0.00' : '0', cur),
    currentTotalDiscountsSet: money(exp ? '0.00' : '0', cur),
    totalShippingPriceSet: money(exp ? '0.00' : '0', cur),
    customer: { id: `gid://shopify/Customer/${7000 + n}`, firstName: 'Ada', lastName: `Buyer ${n}`, email: `buyer${n}@example.com`, phone: null },
    shippingAddress: { name: `Ada Buyer ${n}`, company: null, address1: `${n} Market St`, address2: null, city: 'Austin', province: 'Texas', provinceCode: 'TX', zip: '73301', countryCodeV2: 'US', phone: null },
    billingAddress: null,
    lineItems: {
      pageInfo: { hasNextPage: false, endCursor: null },
      nodes: [{
        id: `gid://shopify/LineItem/${(466157049n + BigInt(n)).toString()}`, sku: `SKU-${n % 7}`, name: `Item ${n % 7}`, title: `Item ${n % 7}`,
        quantity: qty, currentQuantity: qty, originalUnitPriceSet: money(price, cur), totalDiscountSet: money(exp ? '0.00' : '0', cur), taxLines: [],
      }],
    },
  };
}

/** Parses `updated_at:>='A' AND updated_at:<='B'` (either part optional). */
export function parseUpdatedAtFilter(q: string | undefined): { from?: number; to?: number } {
  const from = q ? /updated_at:>=\s*'([^']+)'/.exec(q)?.[1] : undefined;
  const to = q ? /updated_at:<=\s*'([^']+)'/.exec(q)?.[1] : undefined;
  return { from: from ? Date.parse(from) : undefined, to: to ? Date.parse(to) : undefined };
}

const encodeCursor = (updatedAt: string, id: string) => Buffer.from(JSON.stringify([updatedAt, id])).toString('base64url');
const decodeCursor = (c: string) => JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [string, string];

function keyCmp(a: [number, string], b: [number, string]): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  const la = a[1].length;
  const lb = b[1].length;
  return la !== lb ? la - lb : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

export const THROTTLE_OK = { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 };

/** A mutable in-memory shop. `answer` is what POST /admin/api/<v>/graphql.json returns. */
export class FakeShopifyStore {
  readonly orders = new Map<string, Record<string, unknown> & { legacyResourceId: string; updatedAt: string }>();
  /** Every `after` the orders query was asked with (null for a first page). */
  readonly afters: Array<string | null> = [];
  /** Called after each orders page is computed (tests change records between pages here). */
  onPage?: (pageIndex: number) => void;

  put(node: Record<string, unknown> & { legacyResourceId: string; updatedAt: string }): void {
    this.orders.set(node.legacyResourceId, node);
  }

  answer(body: { query?: string; variables?: Record<string, unknown> }): unknown {
    const v = body.variables ?? {};
    if (!body.query?.includes('orders(')) return { errors: [{ message: 'unknown query', extensions: { code: 'BAD_REQUEST' } }] };
    const first = Number(v.first ?? 50);
    const after = typeof v.after === 'string' ? v.after : null;
    this.afters.push(after);
    const { from, to } = parseUpdatedAtFilter(v.query as string | undefined);
    const afterKey = after ? decodeCursor(after) : null;
    const sorted = [...this.orders.values()]
      .map((o) => ({ o, k: [Date.parse(o.updatedAt), o.legacyResourceId] as [number, string] }))
      .filter(({ k }) => (from === undefined || k[0] >= from) && (to === undefined || k[0] <= to))
      .filter(({ k }) => !afterKey || keyCmp(k, [Date.parse(afterKey[0]), afterKey[1]]) > 0)
      .sort((a, b) => keyCmp(a.k, b.k));
    const page = sorted.slice(0, first).map(({ o }) => structuredClone(o));
    const lastNode = page[page.length - 1];
    const result = {
      data: {
        orders: {
          pageInfo: { hasNextPage: sorted.length > first, endCursor: lastNode ? encodeCursor(lastNode.updatedAt, lastNode.legacyResourceId) : null },
          nodes: page,
        },
      },
      extensions: { cost: { requestedQueryCost: 12, actualQueryCost: 12, throttleStatus: THROTTLE_OK } },
    };
    this.onPage?.(this.afters.length);
    return result;
  }
}
