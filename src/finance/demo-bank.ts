import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { fromMinor } from '../domain/money';
import { importBankStatement } from './bank-statements';

/** The demo's bank account; nothing else is ever booked on it. */
export const DEMO_BANK_ACCOUNT = 'DEMO-BANK';
/** The fee the demo's bank takes from some incoming transfers, so they fall outside the matching rules. */
export const DEMO_WIRE_FEE_MINOR = 150;
/** The demo bank's monthly account fee (a debit nothing matches). */
export const DEMO_ACCOUNT_FEE_MINOR = 1200;

/** One payout in five (by its id, so every run agrees) reaches the bank short by the wire fee. */
export const arrivesShort = (externalId: string) => createHash('sha256').update(externalId).digest()[0]! % 5 === 0;

/**
 * The demo's bank feed, played out in minutes: the sandbox channels' payouts that have arrived are
 * booked as deposits on a statement of `DEMO-BANK`, which is imported like any statement (so the
 * matching rules place them). One in five arrives short by a wire fee and stays for a person to match
 * by hand on Finance → Bank; the month's account fee is a debit nothing matches. Re-running books
 * nothing twice (a statement line is stored once).
 */
export async function runDemoBank(ctx: Ctx, today = ctx.now().toISOString().slice(0, 10)): Promise<{ lines: number; stored: number; skipped: number; matched: number }> {
  const res = await ctx.db.execute(sql`
    select p.external_id, p.amount_minor, p.currency, substr(p.arrival_date, 1, 10) as d
    from payouts p join connections c on c.id = p.connection_id
    where c.type = 'sandbox' and p.amount_minor > 0 and p.arrival_date is not null and substr(p.arrival_date, 1, 10) <= ${today}
      and not exists (select 1 from bank_statement_lines b where b.matched_payout_id = p.id)
    order by p.arrival_date, p.external_id limit 1000`);
  const payouts = res.rows as Array<{ external_id: string; amount_minor: number; currency: string; d: string }>;
  if (payouts.length === 0) return { lines: 0, stored: 0, skipped: 0, matched: 0 };
  const rows = ['date,amount,currency,reference,description'];
  for (const p of payouts) {
    const short = arrivesShort(p.external_id);
    const amount = Number(p.amount_minor) - (short ? DEMO_WIRE_FEE_MINOR : 0);
    rows.push(`${p.d},${fromMinor(amount, p.currency)},${p.currency},${p.external_id},${short ? 'SANDBOX PAYOUT less wire fee' : 'SANDBOX PAYOUT'}`);
  }
  const currency = payouts[0]!.currency;
  rows.push(`${today.slice(0, 7)}-01,${fromMinor(-DEMO_ACCOUNT_FEE_MINOR, currency)},${currency},FEE-${today.slice(0, 7)},Account fee`);
  return importBankStatement({ ...ctx, actor: 'demo bank' }, { format: 'csv', account: DEMO_BANK_ACCOUNT }, `${rows.join('\n')}\n`);
}
