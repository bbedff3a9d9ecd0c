/**
 * Key scopes narrow a key's role to a few areas of the API: a key with scopes may do only what its
 * role allows AND one of its scopes covers. `<area>:write` includes `<area>:read`. A key without
 * scopes has its whole role. Paths in no area (keys, users, audit, webhook subscriptions…) are
 * refused to every scoped key: a scope never widens, and a new area is closed until it is listed here.
 */
export const scopeAreas = {
  /** Orders, their events (raw webhooks, dead letters), review, returns, customers and sales reports. */
  orders: ['orders', 'events', 'review', 'returns', 'customers', 'customer-segments', 'customer-tasks', 'reports/sales'],
  /** Stock, products, warehouses, listings, allocation, forecasts, purchasing. */
  stock: [
    'stock', 'products', 'warehouses', 'listings', 'allocation-settings', 'forecasts',
    'suppliers', 'supplier-items', 'supplier-quotes', 'purchase-orders', 'purchasing', 'replenishment',
  ],
  /** Payouts, reconciliation, journals, settlements, the ledger, receivables, payables, budgets, rates, statements. */
  finance: [
    'payouts', 'discrepancies', 'journals', 'settlements', 'finance', 'fx-rates', 'invoices', 'payments', 'credit-notes',
    'receivables', 'bills', 'supplier-payments', 'payables', 'budgets', 'bank-statements', 'reports',
  ],
  /** Channel and accounting connections and their sync runs. */
  connections: ['connections', 'connectors'],
} as const;

export type ScopeArea = keyof typeof scopeAreas;
export const scopes = (Object.keys(scopeAreas) as ScopeArea[]).flatMap((a) => [`${a}:read`, `${a}:write`] as const);
export type Scope = (typeof scopes)[number];

/** The area an /api/v1 path belongs to, or null. */
export function areaOf(path: string): ScopeArea | null {
  const m = /^\/api\/v1\/([^/]+)(?:\/([^/]+))?/.exec(path);
  if (!m?.[1]) return null;
  // The longer prefix first: /api/v1/reports/sales is the orders area, other reports are finance.
  const candidates = m[2] ? [`${m[1]}/${m[2]}`, m[1]] : [m[1]];
  for (const seg of candidates) {
    for (const [area, segs] of Object.entries(scopeAreas) as Array<[ScopeArea, readonly string[]]>) {
      if ((segs as readonly string[]).includes(seg)) return area;
    }
  }
  return null;
}

/** Whether the scopes (null = unscoped) cover the request. */
export function scopeAllows(keyScopes: readonly string[] | null | undefined, method: string, path: string): boolean {
  if (!keyScopes) return true;
  const area = areaOf(path);
  if (!area) return false;
  const read = method === 'GET' || method === 'HEAD';
  return keyScopes.includes(`${area}:write`) || (read && keyScopes.includes(`${area}:read`));
}
