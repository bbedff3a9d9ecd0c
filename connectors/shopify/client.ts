import { RemoteError } from '../../src/errors';
import { HttpClient, type HttpResponse } from '../kit/http';
import { getTokenCache, type TokenCache } from '../kit/oauth';
import { shopifyCallLimitSignal, shopifyThrottleSignal, type RatePriority } from '../kit/rate-governor';
import type { ShopifyConfig } from './config';

export interface ShopifyRuntime {
  allowedPrivateHosts?: string[];
  redisUrl?: string;
  keyPrefix?: string;
}

/** The query asked for more than Shopify allows in one call (MAX_COST_EXCEEDED): ask for fewer orders per page. */
/** The shop's rate budgets: GraphQL cost points, and the REST call limit shared by every REST call (orders' OAuth, payouts). */
export function shopifyRateKeys(shopDomain: string): { graphql: string; rest: string } {
  return { graphql: `shopify:${shopDomain}:graphql`, rest: `shopify:${shopDomain}:rest` };
}

export class ShopifyQueryTooCostly extends RemoteError {
  constructor(message: string) {
    super(message, { retryable: false, remoteStatus: 200 });
  }
}

const LINE_ITEMS_PER_ORDER = 50;

const MONEY = 'shopMoney { amount currencyCode }';
const ADDRESS = 'name company address1 address2 city province provinceCode zip countryCodeV2 phone';
const LINE = `id sku name title quantity currentQuantity originalUnitPriceSet { ${MONEY} } totalDiscountSet { ${MONEY} } taxLines { priceSet { ${MONEY} } }`;

/** The fields the transform reads; kept in one place so the pull and the line-item follow-up agree. */
export const ORDER_FIELDS = `id legacyResourceId name createdAt updatedAt cancelledAt closedAt email currencyCode
  displayFinancialStatus displayFulfillmentStatus
  currentSubtotalPriceSet { ${MONEY} } currentTotalPriceSet { ${MONEY} } currentTotalTaxSet { ${MONEY} }
  currentTotalDiscountsSet { ${MONEY} } totalShippingPriceSet { ${MONEY} }
  customer { id firstName lastName email phone }
  shippingAddress { ${ADDRESS} } billingAddress { ${ADDRESS} }
  lineItems(first: ${LINE_ITEMS_PER_ORDER}) { pageInfo { hasNextPage endCursor } nodes { ${LINE} } }`;

export const ORDERS_QUERY = `query OmnihubOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { ${ORDER_FIELDS} }
  }
}`;

const MORE_LINES_QUERY = `query OmnihubOrderLines($id: ID!, $after: String) {
  order(id: $id) { lineItems(first: 250, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE} } } }
}`;

interface GqlError {
  message: string;
  extensions?: { code?: string };
}

export interface OrderNode {
  id: string;
  legacyResourceId: string;
  updatedAt: string;
  lineItems: { pageInfo?: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] };
  [k: string]: unknown;
}

/** The search filter Shopify's `orders(query:)` takes: an inclusive updated-at window. */
export function updatedAtFilter(start: string, end: string): string {
  // Whole seconds, as Shopify's search syntax documents them; flooring the end only defers a record to the next window.
  const s = (iso: string) => `${new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString().slice(0, 19)}Z`;
  return `updated_at:>='${s(start)}' AND updated_at:<='${s(end)}'`;
}

/** Admin GraphQL client for one shop: auth (static or client-credentials token), cost-based rate governing, THROTTLED handling. */
export class ShopifyClient {
  private readonly gql: HttpClient;
  private readonly auth: HttpClient;
  private readonly tokenKey: string;
  private readonly tokens: TokenCache;
  /** The last call's requested cost: our estimate for the next one, so the governor waits before, not after. */
  private lastCost = 100;

  constructor(private readonly cfg: ShopifyConfig, rt: ShopifyRuntime = {}) {
    const origin = cfg.baseUrl ?? `https://${cfg.shopDomain}`;
    const field = cfg.baseUrl ? 'config.baseUrl' : 'config.shopDomain';
    const common = { baseUrl: origin, baseUrlField: field, allowedPrivateHosts: rt.allowedPrivateHosts, redisUrl: rt.redisUrl, keyPrefix: rt.keyPrefix };
    this.tokenKey = `shopify:${cfg.shopDomain}:${cfg.clientId ?? 'static'}`;
    this.tokens = getTokenCache(rt);
    this.gql = new HttpClient({
      ...common,
      label: 'shopify',
      rateKey: shopifyRateKeys(cfg.shopDomain).graphql,
      bucket: { capacity: 2000, refillPerSecond: 100 },
      auth: async () => ({ 'x-shopify-access-token': await this.token() }),
      onUnauthorized: () => {
        if (!this.cfg.clientId) return false;
        this.tokens.invalidate(this.tokenKey);
        return true;
      },
      readSignal: (r) => shopifyThrottleSignal(r.json<{ extensions?: { cost?: unknown } }>()?.extensions?.cost),
      inspect: (r) => this.inspect(r),
    });
    this.auth = new HttpClient({
      ...common,
      label: 'shopify oauth',
      rateKey: shopifyRateKeys(cfg.shopDomain).rest,
      bucket: { capacity: 40, refillPerSecond: 2 },
      readSignal: (r) => shopifyCallLimitSignal(r.headers.get('x-shopify-shop-api-call-limit')),
    });
  }

  /** The static token, or a client-credentials token refreshed once for all concurrent callers (to `baseUrl` when set). */
  private async token(): Promise<string> {
    if (this.cfg.accessToken) return this.cfg.accessToken;
    return this.tokens.get(this.tokenKey, async () => {
      const res = await this.auth.request({
        method: 'POST', path: '/admin/oauth/access_token', priority: 'webhook',
        body: { client_id: this.cfg.clientId, client_secret: this.cfg.clientSecret, grant_type: 'client_credentials' },
      });
      const b = res.json<{ access_token?: string; expires_in?: number }>();
      if (!b.access_token) throw new RemoteError('shopify oauth: no access_token in the answer', { retryable: false, remoteStatus: res.status });
      return { accessToken: b.access_token, expiresInSeconds: b.expires_in };
    });
  }

  /** GraphQL answers 200 with `errors` for throttling and query problems; those become typed errors here. */
  private inspect(r: HttpResponse): void {
    const body = r.json<{ errors?: GqlError[]; extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: { currentlyAvailable?: number; restoreRate?: number } } } }>();
    const cost = body?.extensions?.cost;
    if (typeof cost?.requestedQueryCost === 'number') this.lastCost = cost.requestedQueryCost;
    const errors = body?.errors;
    if (!errors || errors.length === 0) return;
    const codes = errors.map((e) => e.extensions?.code ?? '');
    const text = errors.map((e) => e.message).join('; ').slice(0, 300);
    if (codes.includes('THROTTLED')) {
      const ts = cost?.throttleStatus;
      const need = (cost?.requestedQueryCost ?? this.lastCost) - (ts?.currentlyAvailable ?? 0);
      const wait = ts?.restoreRate ? Math.max(250, Math.ceil((need / ts.restoreRate) * 1000)) : 1000;
      throw new RemoteError(`shopify: THROTTLED (${text})`, { retryable: true, retryAfterMs: wait, remoteStatus: 429 });
    }
    if (codes.includes('MAX_COST_EXCEEDED')) throw new ShopifyQueryTooCostly(`shopify: ${text}`);
    if (codes.includes('ACCESS_DENIED')) throw new RemoteError(`shopify: access denied (${text})`, { retryable: false, remoteStatus: 403 });
    if (codes.includes('INTERNAL_SERVER_ERROR')) throw new RemoteError(`shopify: ${text}`, { retryable: true, remoteStatus: 500 });
    throw new RemoteError(`shopify: GraphQL error (${text})`, { retryable: false, remoteStatus: 400 });
  }

  async graphql<T>(query: string, variables: Record<string, unknown>, priority: RatePriority, signal?: AbortSignal): Promise<T> {
    const res = await this.gql.request({
      method: 'POST', path: `/admin/api/${this.cfg.apiVersion}/graphql.json`, body: { query, variables }, cost: this.lastCost, priority, signal,
    });
    return res.json<{ data: T }>().data;
  }

  /** One page of orders updated inside [start, end], ascending by updated-at; orders with more lines than one page are completed. */
  async ordersPage(p: { start: string; end: string; after: string | null; first: number; priority: RatePriority; signal?: AbortSignal }) {
    const data = await this.graphql<{ orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: OrderNode[] } }>(
      ORDERS_QUERY, { first: p.first, after: p.after, query: updatedAtFilter(p.start, p.end) }, p.priority, p.signal,
    );
    for (const node of data.orders.nodes) {
      let info = node.lineItems.pageInfo;
      while (info?.hasNextPage) {
        const more = await this.graphql<{ order: { lineItems: OrderNode['lineItems'] } | null }>(MORE_LINES_QUERY, { id: node.id, after: info.endCursor }, p.priority, p.signal);
        if (!more.order) break;
        node.lineItems.nodes.push(...more.order.lineItems.nodes);
        info = more.order.lineItems.pageInfo;
      }
      node.lineItems = { nodes: node.lineItems.nodes };
    }
    return data.orders;
  }

  /** Sets `available` for one item at one location; returns Shopify's userErrors (empty on success). */
  async setAvailable(p: SetAvailableInput): Promise<ShopifyUserError[]> {
    const data = await this.graphql<{ inventorySetQuantities: { userErrors: ShopifyUserError[] } | null }>(SET_AVAILABLE_MUTATION, {
      key: p.idempotencyKey,
      input: {
        name: 'available',
        reason: p.reason,
        ...(p.compareQuantity === null ? { ignoreCompareQuantity: true } : {}),
        quantities: [{
          inventoryItemId: p.inventoryItemId, locationId: p.locationId, quantity: p.quantity,
          ...(p.compareQuantity === null ? {} : { compareQuantity: p.compareQuantity }),
        }],
      },
    }, 'incremental');
    return data.inventorySetQuantities?.userErrors ?? [{ message: 'inventorySetQuantities returned nothing' }];
  }

  /** The shop's current `available` for one item at one location; null when the item is not stocked there. */
  async readAvailable(inventoryItemId: string, locationId: string): Promise<number | null> {
    const data = await this.graphql<{ inventoryItem: { inventoryLevel: { quantities: Array<{ name: string; quantity: number }> } | null } | null }>(
      READ_AVAILABLE_QUERY, { item: inventoryItemId, location: locationId }, 'incremental',
    );
    const q = data.inventoryItem?.inventoryLevel?.quantities.find((x) => x.name === 'available');
    return q ? q.quantity : null;
  }
}


/**
 * Sets the `available` quantity as an absolute value, compare-and-set against what we believe the shop
 * holds (`compareQuantity`). `@idempotent` lets Shopify drop a retried call with the same key.
 */
export const SET_AVAILABLE_MUTATION = `mutation OmnihubSetAvailable($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`;

export const READ_AVAILABLE_QUERY = `query OmnihubAvailable($item: ID!, $location: ID!) {
  inventoryItem(id: $item) { inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } }
}`;

export interface ShopifyUserError {
  code?: string | null;
  field?: string[] | null;
  message: string;
}

export interface SetAvailableInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  /** null: the shop's figure is not known, the check is skipped (`ignoreCompareQuantity`). */
  compareQuantity: number | null;
  idempotencyKey: string;
  reason: string;
}
