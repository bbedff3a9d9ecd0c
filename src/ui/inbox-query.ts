import { z } from 'zod';
import { zonedDayStart } from '../i18n/format';
import { ListOrdersQuery } from '../inbox/list-orders';
import { CalendarDay } from '../domain/calendar-day';

/** The inbox URL's parameters: the API's filters, plus calendar days (`from`, `to`) in the business time zone. */
export const INBOX_PARAMS = [
  'q', 'channel', 'status', 'financialStatus', 'fulfillmentStatus', 'allocationStatus', 'exception', 'sku', 'warehouse', 'from', 'to',
] as const;
export type InboxParam = (typeof INBOX_PARAMS)[number];

const Day = CalendarDay;

export interface InboxState {
  /** The filters as shown in the form (invalid ones dropped). */
  values: Partial<Record<InboxParam, string>>;
  query: ListOrdersQuery;
  /** Parameter names that were not valid and were ignored. */
  invalid: string[];
  cursor?: string;
}

/** Reads the whole inbox view from the URL, so a link or Back reopens it; a bad value is ignored and reported, never a 500. */
export function parseInboxState(params: URLSearchParams, timeZone: string, limit = 50): InboxState {
  const values: Partial<Record<InboxParam, string>> = {};
  for (const k of INBOX_PARAMS) {
    const v = params.get(k)?.trim();
    if (v) values[k] = v;
  }
  const invalid: string[] = [];
  const raw: Record<string, unknown> = { limit };
  for (const k of INBOX_PARAMS) if (k !== 'from' && k !== 'to' && values[k] !== undefined) raw[k] = values[k];
  for (const k of ['from', 'to'] as const) {
    if (values[k] === undefined) continue;
    if (!Day.safeParse(values[k]).success) {
      invalid.push(k);
      delete values[k];
    }
  }
  if (values.from) raw.placedFrom = zonedDayStart(values.from, timeZone).toISOString();
  if (values.to) {
    // up to the start of the day after `to`, local midnight in the business zone
    const next = new Date(`${values.to}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    raw.placedTo = zonedDayStart(next.toISOString().slice(0, 10), timeZone).toISOString();
  }
  const cursor = params.get('cursor') ?? undefined;
  if (cursor) raw.cursor = cursor;
  let parsed = ListOrdersQuery.safeParse(raw);
  while (!parsed.success) {
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    for (const b of bad) {
      delete raw[b];
      invalid.push(b);
      if (b in values) delete values[b as InboxParam];
    }
    parsed = ListOrdersQuery.safeParse(raw);
  }
  return { values, query: parsed.data, invalid, cursor: parsed.data.cursor };
}

/** A warehouse code that names no warehouse (a stale link) is reported and ignored, like any bad filter. */
export function dropUnknownWarehouse(state: InboxState, codes: string[]): InboxState {
  const w = state.values.warehouse;
  if (!w || codes.includes(w)) return state;
  const values = { ...state.values };
  delete values.warehouse;
  const query = { ...state.query };
  delete query.warehouse;
  return { ...state, values, query, invalid: [...state.invalid, 'warehouse'] };
}

/** The query string of a view, with some parameters changed (undefined removes one). */
export function inboxHref(values: Partial<Record<InboxParam | 'cursor', string>>, change: Partial<Record<InboxParam | 'cursor', string | undefined>> = {}, base = '/'): string {
  const p = new URLSearchParams();
  const merged: Record<string, string | undefined> = { ...values, ...change };
  for (const [k, v] of Object.entries(merged)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `${base}?${s}` : base;
}
