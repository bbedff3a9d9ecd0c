import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pullWindow } from '../kit/pull-window';
import { fakeWooOrder, FakeWooStore } from './testing/fake-store';
import { firstWooToken, MAX_EXCLUDE, nextWooToken, wooPageQuery, type WooToken } from './paging';

const T0 = Date.UTC(2026, 0, 1, 9);
const gmt = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** One pull of a window against the fake store, exactly as the connector drives it (without HTTP). */
async function pull(store: FakeWooStore, cursor: Record<string, unknown> | null, now: Date, perPage: number, between?: (page: number) => void) {
  const seen: Array<[number, string]> = [];
  let next: Record<string, unknown> | null = cursor;
  let page = 0;
  for await (const p of pullWindow<{ id: number; date_modified_gmt: string }>(cursor, { now, lagMs: 0 }, async (w, token) => {
    const t = (token as WooToken | null) ?? firstWooToken(w.start);
    const url = new URL('https://store.test/wp-json/wc/v3/orders');
    for (const [k, v] of Object.entries(wooPageQuery(t, w.end, perPage))) url.searchParams.set(k, String(v));
    const orders = store.answer(url).body as Array<{ id: number; date_modified_gmt: string }>;
    between?.(++page);
    return { records: orders, next: nextWooToken(t, orders, perPage) };
  })) {
    for (const r of p.records) seen.push([r.id, r.date_modified_gmt]);
    next = p.cursor as Record<string, unknown>;
  }
  return { seen, cursor: next };
}

describe('WooCommerce paging by modified time', () => {
  it('never skips an order, with ties in one second and orders modified while paging', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 25 }),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 24 })), { maxLength: 6 }),
      async (seconds, perPage, edits) => {
        const store = new FakeWooStore();
        seconds.forEach((s, i) => store.put(fakeWooOrder(i + 1, { modifiedGmt: gmt(T0 + s * 1000) })));
        // Edits are stamped with the store's clock at the time of the pull, here running 60 s behind ours
        // (inside the look-back), so they land inside the window being pulled, ahead of what was read.
        const now = T0 + 3600_000;
        let clock = now - 60_000;
        const first = await pull(store, null, new Date(now), perPage, (page) => {
          for (const [atPage, idx] of edits) {
            const id = (idx % seconds.length) + 1;
            if (atPage === page) store.put(fakeWooOrder(id, { modifiedGmt: gmt((clock += 1000)) }));
          }
        });
        const second = await pull(store, first.cursor, new Date(T0 + 7200_000), perPage);
        const got = new Set([...first.seen, ...second.seen].map(([id, m]) => `${id}@${m}`));
        for (const o of store.orders.values()) expect(got.has(`${o.id}@${o.date_modified_gmt}`)).toBe(true);
      },
    ), { numRuns: 200, examples: [[[0], 1, [[2, 0], [7, 0]]]] });
  });

  it('walks a bulk edit (more than a page in one second) by exclusion, then moves on', () => {
    const t = firstWooToken('2026-01-01T09:00:00.000Z');
    const page = [1, 2, 3].map((id) => ({ id, date_modified_gmt: '2026-01-01T09:00:00' }));
    const n = nextWooToken(t, page, 3);
    expect(n).toEqual({ mode: 'second', second: '2026-01-01T09:00:00.000Z', seen: ['1', '2', '3'], page: 2 });
    expect(wooPageQuery(n!, '2026-01-01T10:00:00.000Z', 3)).toMatchObject({ modified_after: '2026-01-01T08:59:59', modified_before: '2026-01-01T09:00:01', exclude: '1,2,3' });
    expect(nextWooToken(n!, [{ id: 4, date_modified_gmt: '2026-01-01T09:00:00' }], 3)).toEqual({ mode: 'scan', after: '2026-01-01T09:00:00.000Z' });
    const huge: WooToken = { mode: 'second', second: '2026-01-01T09:00:00.000Z', seen: Array.from({ length: MAX_EXCLUDE + 3 }, (_, i) => String(i)), page: 7 };
    expect(wooPageQuery(huge, '2026-01-01T10:00:00.000Z', 3)).toMatchObject({ page: 7 });
    expect(wooPageQuery(huge, '2026-01-01T10:00:00.000Z', 3)).not.toHaveProperty('exclude');
  });
});
