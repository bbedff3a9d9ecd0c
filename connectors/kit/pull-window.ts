/**
 * Incremental pull windows, the same for every channel:
 * - records come in ascending updated-at order;
 * - a window ends at `now − lag`, so records still being written (and clock skew) are left for the
 *   next window instead of being skipped;
 * - the lower bound is inclusive and starts `lookback` before where the last window ended, so a
 *   record committed late with an older timestamp is still seen (repeats meet the unique index);
 * - the cursor after every page holds the window and the platform's page token, so a crash resumes
 *   on the next page of the same window.
 */

export interface WindowCursor {
  /** Everything updated before this (minus the look-back) has been pulled. */
  since?: string;
  /** The window in progress, when a pull stopped inside one. */
  window?: { start: string; end: string; token: unknown };
  /** Connectors may keep small extra state (a learned page size). */
  extra?: Record<string, unknown>;
}

export interface WindowOptions {
  now: Date;
  /** Window end = now − lag. */
  lagMs?: number;
  /** New windows start this much before the previous end. */
  lookbackMs?: number;
  /** Where the very first pull starts (a backfill's `since`); default: the beginning. */
  since?: string;
}

export interface WindowPage<R> {
  records: R[];
  /** The next page's token within this window, or null when the window is done. */
  next: unknown;
}

export const DEFAULT_LAG_MS = 30_000;
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;
const EPOCH = '1970-01-01T00:00:00.000Z';

/** The window to pull now: the one in progress (resume), or a new one from the last end minus the look-back. */
export function openWindow(cursor: WindowCursor | null, o: WindowOptions): { start: string; end: string; token: unknown } {
  if (cursor?.window) return cursor.window;
  const lag = o.lagMs ?? DEFAULT_LAG_MS;
  const lookback = o.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  const end = new Date(o.now.getTime() - lag);
  const since = cursor?.since ?? o.since;
  const startMs = since ? Math.max(0, Date.parse(since) - (cursor?.since ? lookback : 0)) : Date.parse(EPOCH);
  const start = new Date(Math.min(startMs, end.getTime()));
  return { start: start.toISOString(), end: end.toISOString(), token: null };
}

/**
 * Drives a windowed pull: `fetchPage(window, token)` fetches one page; each yielded page carries the
 * cursor to store after it. The last page of a window moves `since` to the window's end.
 */
export async function* pullWindow<R>(
  cursor: WindowCursor | null,
  o: WindowOptions,
  fetchPage: (w: { start: string; end: string }, token: unknown, extra: Record<string, unknown>) => Promise<WindowPage<R> & { extra?: Record<string, unknown> }>,
): AsyncGenerator<{ records: R[]; cursor: WindowCursor }> {
  const w = openWindow(cursor, o);
  let token = w.token;
  let extra = cursor?.extra ?? {};
  const since = cursor?.since ?? o.since;
  for (;;) {
    const page = await fetchPage({ start: w.start, end: w.end }, token, extra);
    if (page.extra) extra = { ...extra, ...page.extra };
    const done = page.next === null || page.next === undefined;
    const next: WindowCursor = done
      ? { since: w.end, ...(Object.keys(extra).length ? { extra } : {}) }
      : { ...(since ? { since } : {}), window: { start: w.start, end: w.end, token: page.next }, ...(Object.keys(extra).length ? { extra } : {}) };
    yield { records: page.records, cursor: next };
    if (done) return;
    token = page.next;
  }
}
