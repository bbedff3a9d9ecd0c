import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { assertEgressAllowed } from '../connections/egress-guard';
import { q } from '../db/transaction';
import { ValidationError, zodFieldErrors } from '../errors';

const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');

/**
 * Company-wide finance settings (one company per hub): the functional currency every report can be
 * shown in, where daily rates come from, default credit terms and invoice numbering.
 */
export const CompanySettings = z.object({
  functionalCurrency: Currency.default('USD'),
  /**
   * A rate provider: `json` answers `{ "base": "EUR", "date": "2026-11-27", "rates": { "USD": "1.0512" } }`
   * (the shape of Frankfurter / the ECB feeds); `csv` answers `date,base,quote,rate` rows.
   */
  fxProvider: z.object({
    url: z.string().url().max(2000),
    format: z.enum(['json', 'csv']).default('json'),
    /** Fetch every this many hours (0 = only on request: POST /api/v1/fx-rates/fetch). */
    everyHours: z.number().int().min(0).max(24 * 7).default(0),
  }).nullable().default(null),
  /** Credit terms for invoices when the request names none (the customer's terms, once customers keep them, win). */
  defaultTermsDays: z.number().int().min(0).max(365).default(30),
  invoicePrefix: z.string().trim().min(1).max(20).regex(/^[A-Za-z0-9-]+$/).default('INV-'),
  /** Three-way match: a billed unit price within this percent of the PO price is not a variance (0 = exact). */
  billPriceTolerancePercent: z.number().min(0).max(100).default(0),
});
export type CompanySettings = z.output<typeof CompanySettings>;

export async function getCompanySettings(ctx: Ctx): Promise<CompanySettings> {
  const res = await q(ctx).execute(sql`select settings from finance_company where id = 1`);
  const row = res.rows[0] as { settings: unknown } | undefined;
  const raw = typeof row?.settings === 'string' ? JSON.parse(row.settings) : row?.settings;
  return CompanySettings.parse(raw ?? {});
}

/** Replaces the company's finance settings; the provider URL must pass the egress guard. */
export async function setCompanySettings(ctx: Ctx, input: unknown): Promise<CompanySettings> {
  const r = CompanySettings.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  if (r.data.fxProvider) await assertEgressAllowed(r.data.fxProvider.url, 'fxProvider.url', ctx.config.allowedPrivateHosts);
  await q(ctx).execute(sql`
    insert into finance_company (id, settings) values (1, ${JSON.stringify(r.data)}::jsonb)
    on conflict (id) do update set settings = excluded.settings, updated_at = now()`);
  const every = r.data.fxProvider?.everyHours ?? 0;
  if (every > 0) await ctx.queue.schedule('fx-rates-fetch', 'fx.fetch', {}, every * 3_600_000);
  else await ctx.queue.unschedule('fx-rates-fetch');
  return r.data;
}
