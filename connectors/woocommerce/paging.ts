import { wooGmt } from './transform';

/**
 * How a WooCommerce pull walks one window without skipping orders.
 *
 * WooCommerce pages by offset (`page`), ordered by modified time. An order modified while we page
 * jumps to the end, every later order moves up one place, and the next offset page silently skips
 * one. So pages advance by time instead: "modified after the last second we saw" (re-reading that
 * second, since `modified_after` is exclusive and has second precision). Only when a whole page
 * falls in one second (a bulk edit) does that not move forward; then the pages of that second are
 * walked with `exclude` (ids already seen), which has no offsets either. Past MAX_EXCLUDE ids in one
 * second it falls back to offset pages within that second.
 */
export type WooToken =
  | { mode: 'scan'; after: string }
  | { mode: 'second'; second: string; seen: string[]; page: number };

export const MAX_EXCLUDE = 500;

const secondOf = (gmt: string) => Math.floor(Date.parse(wooGmt(gmt)) / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
/** WooCommerce wants GMT without a zone (with dates_are_gmt=true), in whole seconds. */
export const wooDateParam = (isoText: string) => new Date(isoText).toISOString().slice(0, 19);

/** The first request of a window: everything modified at or after its start (exclusive bound one second earlier). */
export function firstWooToken(windowStart: string): WooToken {
  return { mode: 'scan', after: iso(Math.floor(Date.parse(windowStart) / 1000) * 1000 - 1000) };
}

/** Query parameters for the request a token stands for. */
export function wooPageQuery(t: WooToken, windowEnd: string, perPage: number): Record<string, string | number> {
  const common = { dates_are_gmt: 'true', orderby: 'modified', order: 'asc', status: 'any', per_page: perPage };
  if (t.mode === 'scan') {
    return { ...common, modified_after: wooDateParam(t.after), modified_before: wooDateParam(windowEnd), page: 1 };
  }
  const s = Date.parse(t.second);
  const q: Record<string, string | number> = { ...common, modified_after: wooDateParam(iso(s - 1000)), modified_before: wooDateParam(iso(s + 1000)) };
  if (t.seen.length <= MAX_EXCLUDE) return { ...q, exclude: t.seen.join(','), page: 1 };
  return { ...q, page: t.page };
}

/** The token after a page came back, or null when the window is done. */
export function nextWooToken(t: WooToken, orders: Array<{ id: number | string; date_modified_gmt: string }>, perPage: number): WooToken | null {
  const full = orders.length >= perPage;
  if (t.mode === 'second') {
    // The second is exhausted: carry on after it.
    if (!full) return { mode: 'scan', after: t.second };
    const usingExclude = t.seen.length <= MAX_EXCLUDE;
    return { mode: 'second', second: t.second, seen: usingExclude ? [...t.seen, ...orders.map((o) => String(o.id))] : t.seen, page: t.page + 1 };
  }
  const last = orders[orders.length - 1];
  if (!full || !last) return null;
  const lastSecond = secondOf(last.date_modified_gmt);
  const after = Date.parse(t.after);
  if (lastSecond - 1000 > after) return { mode: 'scan', after: iso(lastSecond - 1000) };
  // A whole page within the first second after `after`: walk that second by exclusion.
  return { mode: 'second', second: iso(lastSecond), seen: orders.map((o) => String(o.id)), page: 2 };
}
