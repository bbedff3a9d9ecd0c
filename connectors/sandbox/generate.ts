import { createHash } from 'node:crypto';

/** The sandbox channel's own order shape: a small, realistic web-shop order. */
export interface SandboxOrder {
  id: string;
  number: string;
  state: 'open' | 'cancelled';
  paid: boolean;
  currency: string;
  created_at: string;
  updated_at: string;
  revision: number;
  email: string;
  name: string;
  address: { line1: string; city: string; postal: string; country: string };
  items: Array<{ id: string; sku: string; title: string; qty: number; price: string }>;
  shipping: string;
  tax: string;
}

const FIRST = ['Ada', 'Li', 'Mei', 'Jon', 'Sara', 'Wei', 'Lena', 'Omar', 'Yuki', 'Ana', 'Chen', 'Noah'];
const LAST = ['Lovelace', 'Wang', 'Lin', 'Smith', 'Müller', 'Zhang', 'Costa', 'Tanaka', 'Haddad', 'Chen'];
const CITIES: Array<[string, string, string]> = [
  ['Berlin', '10115', 'DE'], ['Taipei', '100', 'TW'], ['Shanghai', '200000', 'CN'], ['Austin', '73301', 'US'],
  ['Lyon', '69001', 'FR'], ['Hong Kong', '999077', 'HK'], ['Leeds', 'LS1 1UR', 'GB'],
];
export const SANDBOX_CATALOG: Array<{ sku: string; title: string; price: number }> = [
  { sku: 'TEE-BLK-M', title: 'Organic tee, black, M', price: 2400 },
  { sku: 'TEE-WHT-L', title: 'Organic tee, white, L', price: 2400 },
  { sku: 'MUG-CER-01', title: 'Ceramic mug', price: 1450 },
  { sku: 'CAP-NVY', title: 'Baseball cap, navy', price: 1990 },
  { sku: 'BAG-TOTE', title: 'Canvas tote bag', price: 1800 },
  { sku: 'SOCK-3PK', title: 'Socks, 3-pack', price: 1299 },
];

/** A small deterministic PRNG (mulberry32) seeded from text, so the same seed gives the same orders. */
export function prng(seedText: string): () => number {
  let a = createHash('sha256').update(seedText).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const cents = (n: number) => (n / 100).toFixed(2);

/**
 * The n-th order of a sandbox channel at a given revision. Revision 0 is the order as placed; a
 * later revision marks it paid (or, rarely, cancelled) with a later `updated_at`.
 */
export function sandboxOrder(seed: string, n: number, revision = 0, base = Date.UTC(2026, 0, 1), spacingMs = 37_000): SandboxOrder {
  const r = prng(`${seed}:${n}`);
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  const [city, postal, country] = pick(r, CITIES);
  const lineCount = 1 + Math.floor(r() * 3);
  const items = Array.from({ length: lineCount }, (_, i) => {
    const p = pick(r, SANDBOX_CATALOG);
    return { id: `${n}-${i}`, sku: p.sku, title: p.title, qty: 1 + Math.floor(r() * 2), price: cents(p.price) };
  });
  const subtotal = items.reduce((s, it) => s + Math.round(Number(it.price) * 100) * it.qty, 0);
  const shipping = subtotal > 5000 ? 0 : 495;
  const tax = Math.round(subtotal * 0.07);
  const created = new Date(base + n * spacingMs);
  const cancelled = revision > 0 && r() < 0.05;
  return {
    id: `SBX-${seed}-${n}`,
    number: `#${1000 + n}`,
    state: cancelled ? 'cancelled' : 'open',
    paid: revision > 0 || r() < 0.7,
    currency: 'USD',
    created_at: created.toISOString(),
    updated_at: new Date(created.getTime() + revision * 60_000).toISOString(),
    revision,
    email: `${first}.${last}@example.com`.toLowerCase(),
    name: `${first} ${last}`,
    address: { line1: `${1 + Math.floor(r() * 200)} Market Street`, city, postal, country },
    items,
    shipping: cents(shipping),
    tax: cents(tax),
  };
}
