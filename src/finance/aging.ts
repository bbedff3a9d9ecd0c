import type { Ctx } from '../context';
import { convertExact } from '../domain/fx-rates';
import { agingBucket, daysBetween, type AgingBucket } from '../domain/receivables';
import { loadRateBook } from './fx-rates';

export type Buckets = Record<AgingBucket, number>;
export const zeroBuckets = (): Buckets => ({ current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0 });

/** One invoice or bill with what it still asks at the aging date (rows with nothing open are skipped). */
export interface OpenDocument {
  id: string;
  number: string;
  /** Customer ref or supplier code: documents are grouped per party and currency. */
  party: string;
  partyName: string | null;
  currency: string;
  dueDate: string;
  openMinor: number;
}

export interface AgedDocument {
  id: string;
  number: string;
  dueDate: string;
  daysPastDue: number;
  bucket: AgingBucket;
  openMinor: number;
}

export interface AgedParty {
  party: string;
  partyName: string | null;
  currency: string;
  buckets: Buckets;
  totalMinor: number;
  documents: AgedDocument[];
}

/**
 * The aging arithmetic receivables and payables share: bucket each open document by days past due at
 * `at`, sum per party and currency and per currency, and in the functional currency at that day's rate
 * (currencies without a rate are named, never guessed).
 */
export async function ageDocuments(ctx: Ctx, docs: OpenDocument[], at: string, functional: string) {
  const rates = await loadRateBook(ctx, at);
  const parties = new Map<string, AgedParty>();
  const totals = new Map<string, Buckets>();
  const functionalTotals = zeroBuckets();
  const missing = new Set<string>();
  for (const d of docs) {
    if (d.openMinor <= 0) continue;
    const days = daysBetween(d.dueDate, at);
    const bucket = agingBucket(days);
    const k = `${d.party}|${d.currency}`;
    const p = parties.get(k) ?? { party: d.party, partyName: d.partyName, currency: d.currency, buckets: zeroBuckets(), totalMinor: 0, documents: [] };
    p.buckets[bucket] += d.openMinor;
    p.totalMinor += d.openMinor;
    p.documents.push({ id: d.id, number: d.number, dueDate: d.dueDate, daysPastDue: Math.max(0, days), bucket, openMinor: d.openMinor });
    parties.set(k, p);
    const t = totals.get(d.currency) ?? zeroBuckets();
    t[bucket] += d.openMinor;
    totals.set(d.currency, t);
    const rate = rates.rate(d.currency, functional, at);
    if (rate) functionalTotals[bucket] += convertExact(d.openMinor, d.currency, functional, rate);
    else missing.add(d.currency);
  }
  return {
    parties: [...parties.values()],
    totals: Object.fromEntries([...totals.entries()].sort()) as Record<string, Buckets>,
    functionalTotals,
    missingRates: [...missing].map((currency) => ({ currency, date: at })),
  };
}
