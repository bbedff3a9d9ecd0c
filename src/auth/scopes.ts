/**
 * Key scopes narrow a key's role to a few areas of the API: a key with scopes may do only what its
 * role allows AND one of its scopes covers. `<area>:write` includes `<area>:read`. A key without
 * scopes has its whole role. Paths in no area (keys, users, audit, webhook subscriptions…) are
 * refused to every scoped key: a scope never widens, and a new area is closed until it is listed here.
 */
export const scopeAreas = {
  /** Orders, their events (raw webhooks, dead letters), customers, returns and sales reports. */
  orders: ['orders', 'events', 'customers', 'segments', 'returns', 'rmas', 'sales', 'follow-ups', 'review-rules'],
  /** Stock, products, warehouses, listings, allocation, purchasing. */
  stock: ['stock', 'products', 'warehouses', 'listings', 'allocation-settings', 'suppliers', 'purchase-orders', 'replenishment', 'forecasts'],
  /** Payouts, reconciliation, journals, settlements, the ledger and receivables. */
  finance: ['payouts', 'discrepancies', 'journals', 'settlements', 'finance', 'fx-rates', 'invoices', 'payments', 'statements', 'budgets', 'bank'],
  /** Channel and accounting connections and their sync runs. */
  connections: ['connections', 'connectors'],
} as const;

export type ScopeArea = keyof typeof scopeAreas;
export const scopes = (Object.keys(scopeAreas) as ScopeArea[]).flatMap((a) => [`${a}:read`, `${a}:write`] as const);
export type Scope = (typeof scopes)[number];

/** The area an /api/v1 path belongs to, or null. */
export function areaOf(path: string): ScopeArea | null {
  const seg = /^\/api\/v1\/([^/]+)/.exec(path)?.[1];
  if (!seg) return null;
  for (const [area, segs] of Object.entries(scopeAreas) as Array<[ScopeArea, readonly string[]]>) {
    if (segs.includes(seg)) return area;
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
