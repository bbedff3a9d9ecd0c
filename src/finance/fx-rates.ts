import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { HttpClient } from '../../connectors/kit/http';
import { connectorKit } from '../connections/connection-config';
import type { Ctx } from '../context';
import { decodeKeyset, encodeKeyset, keysetDate } from '../db/keyset';
import { q } from '../db/transaction';
import { convertExact, RateBook, rateText, type RateRow } from '../domain/fx-rates';
import { AppError, ValidationError, zodFieldErrors, type FieldError } from '../errors';
import { getCompanySettings } from './company-settings';
import { CalendarDay } from '../domain/calendar-day';

const Currency = z.string().trim().toUpperCase().pipe(z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'));
const Day = CalendarDay;
/** A plain positive decimal string ("1.0512", "161.5"): exact, never a float. */
const RateText = z.string().trim().regex(/^\d{1,12}(\.\d{1,12})?$/, 'a plain positive decimal such as 1.0512').refine((s) => /[1-9]/.test(s), 'must not be zero');

export const RateInput = z.object({ date: Day, base: Currency, quote: Currency, rate: RateText })
  .refine((r) => r.base !== r.quote, { message: 'base and quote must differ', path: ['quote'] });
export type RateInput = z.output<typeof RateInput>;

export const ListRatesQuery = z.object({
  base: Currency.optional(),
  quote: Currency.optional(),
  from: Day.optional(),
  to: Day.optional(),
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const present = (r: Record<string, unknown>) => ({
  date: String(r.rate_date).slice(0, 10), base: String(r.base), quote: String(r.quote), rate: String(r.rate), source: String(r.source),
  updatedAt: new Date(String(r.updated_at)).toISOString(),
});

export async function listFxRates(ctx: Ctx, query: unknown) {
  const r = ListRatesQuery.safeParse(query);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  const f = r.data;
  const where: SQL[] = [sql`true`];
  if (f.base) where.push(sql`base = ${f.base}`);
  if (f.quote) where.push(sql`quote = ${f.quote}`);
  if (f.from) where.push(sql`rate_date >= ${f.from}`);
  if (f.to) where.push(sql`rate_date <= ${f.to}`);
  if (f.cursor) {
    const [day, base, quote] = decodeKeyset(f.cursor, 3) as [string, string, string];
    where.push(sql`(rate_date < ${keysetDate(day)}::date or (rate_date = ${day}::date and (base, quote) > (${base}, ${quote})))`);
  }
  const res = await q(ctx).execute(sql`select * from fx_rates where ${sql.join(where, sql` and `)} order by rate_date desc, base, quote limit ${f.limit + 1}`);
  const rows = res.rows as Record<string, unknown>[];
  const items = rows.slice(0, f.limit).map(present);
  const last = rows.length > f.limit ? items[items.length - 1] : undefined;
  // Newest day first, then pair: `cursor` → `nextCursor` pages on to the oldest.
  return { items, nextCursor: last ? encodeKeyset([last.date, last.base, last.quote]) : null };
}

/**
 * Stores rates. Imports and fetches never replace a manual override of the same day and pair (the
 * WHERE on the conflict update); a manual rate replaces whatever was there.
 */
export async function upsertRates(ctx: Ctx, rows: RateInput[], source: 'csv' | 'provider' | 'manual'): Promise<{ stored: number; keptManual: number }> {
  if (rows.length === 0) return { stored: 0, keptManual: 0 };
  const res = await q(ctx).execute(sql`
    insert into fx_rates (rate_date, base, quote, rate, source)
    select r.date::date, r.base, r.quote, r.rate, ${source}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(date text, base text, quote text, rate text)
    on conflict (base, quote, rate_date) do update set rate = excluded.rate, source = excluded.source, updated_at = now()
      where ${source} = 'manual' or fx_rates.source <> 'manual'
    returning id`);
  return { stored: res.rows.length, keptManual: rows.length - res.rows.length };
}

/** A manual override for one day and pair. */
export async function setManualRate(ctx: Ctx, input: unknown) {
  const r = RateInput.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  await upsertRates(ctx, [r.data], 'manual');
  return { ...r.data, source: 'manual' };
}

/** Parses `date,base,quote,rate` CSV (a header row first; column order from the header). Every bad row is named. */
export function parseRatesCsv(text: string): RateInput[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const header = (lines[0] ?? '').toLowerCase().split(',').map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const missing = ['date', 'base', 'quote', 'rate'].filter((h) => col(h) < 0);
  if (missing.length) throw new ValidationError(missing.map((m) => ({ path: `header.${m}`, message: 'column missing (expected date,base,quote,rate)' })));
  const out: RateInput[] = [];
  const errors: FieldError[] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const r = RateInput.safeParse({ date: cells[col('date')], base: cells[col('base')], quote: cells[col('quote')], rate: cells[col('rate')] });
    if (r.success) out.push(r.data);
    else for (const e of zodFieldErrors(r.error.issues)) errors.push({ path: `rows.${i + 2}.${e.path}`, message: e.message });
  });
  if (errors.length) throw new ValidationError(errors.slice(0, 50));
  return out;
}

export async function importFxRatesCsv(ctx: Ctx, text: string) {
  const rows = parseRatesCsv(text);
  if (rows.length > 100_000) throw new ValidationError([{ path: 'file', message: 'at most 100000 rows per import' }]);
  const r = await upsertRates(ctx, rows, 'csv');
  return { rows: rows.length, ...r };
}

/** Reads a provider's JSON answer: rates as strings, or as JSON numbers read back as their shortest decimal text. */
export function parseProviderJson(body: unknown): RateInput[] {
  const b = z.object({ base: z.string(), date: z.string(), rates: z.record(z.string(), z.union([z.string(), z.number()])) }).safeParse(body);
  if (!b.success) throw new AppError('fx_provider_shape', `the rate provider answered an unexpected shape: ${zodFieldErrors(b.error.issues).map((e) => e.path).join(', ')}`, { status: 502 });
  const out: RateInput[] = [];
  for (const [quote, v] of Object.entries(b.data.rates)) {
    const r = RateInput.safeParse({ date: b.data.date.slice(0, 10), base: b.data.base, quote, rate: typeof v === 'number' ? String(v) : v });
    if (r.success) out.push(r.data);
  }
  return out;
}

/** Fetches today's rates from the configured provider through the kit's HTTP client (egress guard, retries). */
export async function fetchFxRates(ctx: Ctx): Promise<{ rows: number; stored: number; keptManual: number }> {
  const s = await getCompanySettings(ctx);
  if (!s.fxProvider) throw new ValidationError([{ path: 'fxProvider', message: 'no rate provider is configured (PUT /api/v1/finance/company)' }]);
  const url = new URL(s.fxProvider.url);
  const http = new HttpClient({
    baseUrl: url.origin, baseUrlField: 'fxProvider.url', ...connectorKit(ctx),
    rateKey: `fx-provider:${url.host}`, bucket: { capacity: 2, refillPerSecond: 1 },
    label: 'fx-provider', retries: 3, minBackoffMs: 200,
  });
  const res = await http.request({ path: url.toString(), headers: { accept: s.fxProvider.format === 'csv' ? 'text/csv' : 'application/json' } });
  const rows = s.fxProvider.format === 'csv' ? parseRatesCsv(res.text) : parseProviderJson(res.json());
  const stored = await upsertRates(ctx, rows, 'provider');
  return { rows: rows.length, ...stored };
}

/** Every rate published up to `to` among these currencies (and their pivots), for conversions in a report. */
export async function loadRateBook(ctx: Ctx, to: string): Promise<RateBook> {
  const res = await q(ctx).execute(sql`select rate_date::text as date, base, quote, rate from fx_rates where rate_date <= ${to}::date`);
  return new RateBook(res.rows as unknown as RateRow[]);
}

export const ConvertQuery = z.object({
  amountMinor: z.coerce.number().int().refine(Number.isSafeInteger, 'too large'),
  from: Currency,
  to: Currency,
  date: Day,
});

/** Converts an amount on a day: the rate used (as text) and the result in the target's minor units. */
export async function convertAmount(ctx: Ctx, query: unknown) {
  const r = ConvertQuery.safeParse(query);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  const { amountMinor, from, to, date } = r.data;
  const rate = (await loadRateBook(ctx, date)).rate(from, to, date);
  if (!rate) throw new AppError('fx_rate_missing', `No ${from}/${to} rate is known on or before ${date}.`, { status: 422, details: { from, to, date } });
  return { from, to, date, rate: rateText(rate, 12), amountMinor, convertedMinor: convertExact(amountMinor, from, to, rate) };
}
