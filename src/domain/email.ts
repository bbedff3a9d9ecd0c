/**
 * Email addresses as identities: trimmed and lowercased (the local part is case-insensitive at every
 * mail provider the hub meets). Amazon's masked relay addresses are per buyer and marketplace, so they
 * are kept apart from real addresses (see `isMaskedEmail`).
 */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.normalize('NFKC').trim().toLowerCase();
  // One @, something on both sides, a dot in the domain, no spaces: anything else is not an address.
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) return null;
  return s;
}

/**
 * Relay addresses that hide the buyer (Amazon `…@marketplace.amazon.com`, `.co.uk`, `.de`, `.co.jp` …).
 * They never match across connections: the resolver scopes them to their connection, so two buyers
 * can never be merged through a relay host, and a real address never matches one.
 */
export function isMaskedEmail(email: string): boolean {
  return /@(?:[a-z0-9-]+\.)*marketplace\.amazon\.[a-z.]+$/.test(email);
}
