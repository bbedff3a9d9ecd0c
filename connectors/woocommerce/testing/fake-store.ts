/**
 * A WooCommerce-shaped fake for tests: answers GET /wp-json/wc/v3/orders as WooCommerce does, with
 * offset pages (`page`, `per_page`, X-WP-Total/X-WP-TotalPages) over orders filtered by
 * modified_after/modified_before (exclusive, second precision, GMT with dates_are_gmt=true).
 */
export interface FakeWooOrderOptions {
  modifiedGmt: string;
  status?: string;
  currency?: string;
  total?: string;
  /** Store time zone offset in hours (the non-GMT date fields use it). */
  tzHours?: number;
}

const local = (gmt: string, tz: number) => new Date(Date.parse(`${gmt}Z`) + tz * 3600_000).toISOString().slice(0, 19);

export function fakeWooOrder(id: number, o: FakeWooOrderOptions): Record<string, unknown> & { id: number; date_modified_gmt: string } {
  const tz = o.tzHours ?? -3;
  const created = '2026-01-01T08:00:00';
  const total = o.total ?? '29.35';
  return {
    id, parent_id: 0, number: String(id), status: o.status ?? 'processing', currency: o.currency ?? 'USD',
    date_created: local(created, tz), date_created_gmt: created,
    date_modified: local(o.modifiedGmt, tz), date_modified_gmt: o.modifiedGmt,
    date_paid_gmt: created,
    discount_total: '0.00', discount_tax: '0.00', shipping_total: '0.00', shipping_tax: '0.00', cart_tax: '0.00', total, total_tax: '0.00',
    customer_id: 0,
    billing: { first_name: 'John', last_name: `Doe ${id}`, company: '', address_1: '969 Market', address_2: '', city: 'San Francisco', state: 'CA', postcode: '94103', country: 'US', email: `john${id}@example.com`, phone: '' },
    shipping: { first_name: 'John', last_name: `Doe ${id}`, company: '', address_1: '969 Market', address_2: '', city: 'San Francisco', state: 'CA', postcode: '94103', country: 'US' },
    line_items: [{ id: id * 10, name: 'Woo Single #1', product_id: 93, variation_id: 0, quantity: 1, subtotal: total, subtotal_tax: '0.00', total, total_tax: '0.00', sku: `W-${id % 5}`, price: Number(total) }],
    fee_lines: [], refunds: [],
  };
}

type WooOrder = ReturnType<typeof fakeWooOrder>;

export class FakeWooStore {
  readonly orders = new Map<number, WooOrder>();
  /** The query of every orders request, in order. */
  readonly requests: URLSearchParams[] = [];
  onPage?: (n: number) => void;

  put(o: WooOrder): void {
    this.orders.set(o.id, o);
  }

  answer(url: URL): { body: WooOrder[]; headers: Record<string, string> } {
    const q = url.searchParams;
    this.requests.push(q);
    const sec = (s: string) => Math.floor(Date.parse(`${s}Z`) / 1000);
    const after = q.get('modified_after');
    const before = q.get('modified_before');
    const perPage = Number(q.get('per_page') ?? 10);
    const page = Number(q.get('page') ?? 1);
    const all = [...this.orders.values()]
      .filter((o) => (!after || sec(o.date_modified_gmt) > sec(after)) && (!before || sec(o.date_modified_gmt) < sec(before)))
      .sort((a, b) => sec(a.date_modified_gmt) - sec(b.date_modified_gmt) || a.id - b.id);
    const body = all.slice((page - 1) * perPage, page * perPage).map((o) => structuredClone(o));
    this.onPage?.(this.requests.length);
    return { body, headers: { 'x-wp-total': String(all.length), 'x-wp-totalpages': String(Math.ceil(all.length / perPage)) } };
  }
}
