import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { parseCsv } from '../../connectors/distributor/csv';
import { inTx, type Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { AppError, ValidationError, zodFieldErrors } from '../errors';
import { runOnce } from '../idempotency/run-once';
import { afterStockChange } from './after-stock-change';
import { applyOnHandDelta, ensureProduct } from './adjust-stock';
import { lockStockRows, stockLockTimeout } from './stock-writes';
import { resolveWarehouse } from './warehouses';

export const StocktakeInput = z.object({
  /** The CSV text: a header row naming sku, warehouse and onHand (the counted quantity), then one row per count. */
  csv: z.string().min(1, 'the file is empty').max(50_000_000),
  /** Where the counts came from (the file name), written into each movement's reason. */
  source: z.string().trim().min(1).max(200).default('stocktake'),
  delimiter: z.string().length(1).default(','),
  /**
   * The first count of a business starting on the hub: stock found is opening stock (valued against
   * owner equity) rather than a stocktake gain in the P&L. Counts below the stored figure stay adjustments.
   */
  opening: z.boolean().default(false),
});

export interface StocktakeProgress {
  done: number;
  total: number;
  adjusted: number;
  unchanged: number;
  errors: number;
}

export interface StocktakeSummary {
  /** Data rows in the file (the header not counted). */
  rows: number;
  adjusted: number;
  unchanged: number;
  /** Rows this file already applied on an earlier run (same file, same row): not applied twice. */
  alreadyImported: number;
  /** Every row that was not applied, with its line number in the file (the header is line 1). */
  errors: Array<{ row: number; message: string }>;
}

const HEADERS: Record<string, 'sku' | 'warehouse' | 'onHand'> = { sku: 'sku', warehouse: 'warehouse', onhand: 'onHand', on_hand: 'onHand', counted: 'onHand' };

type RowOutcome = { outcome: 'adjusted'; delta: number; onHand: number } | { outcome: 'unchanged'; onHand: number };

/**
 * Stocktake import: each row states the counted on-hand of a SKU in a warehouse, and the difference to
 * the stored figure is written as an adjustment movement. Each row runs in its own transaction under
 * the adjustments' idempotency mechanism, keyed by (file content, row), so importing the same file
 * again (or resuming after a crash) applies no row twice. Bad rows are reported with their line
 * number and never dropped silently; the other rows still apply.
 */
export async function importStocktake(ctx: Ctx, input: unknown, onProgress?: (p: StocktakeProgress) => void): Promise<StocktakeSummary> {
  const parsed = StocktakeInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const { csv, source, delimiter, opening } = parsed.data;
  const records = parseCsv(csv, delimiter);
  const header = records.shift();
  if (!header) throw new ValidationError([{ path: 'csv', message: 'the file is empty' }]);
  const col: Partial<Record<'sku' | 'warehouse' | 'onHand', number>> = {};
  header.values.forEach((h, i) => {
    const name = HEADERS[h.trim().toLowerCase()];
    if (name && col[name] === undefined) col[name] = i;
  });
  const missing = (['sku', 'warehouse', 'onHand'] as const).filter((c) => col[c] === undefined);
  if (missing.length) throw new ValidationError(missing.map((m) => ({ path: 'csv', message: `the header row has no "${m}" column` })));

  const fileHash = createHash('sha256').update(csv).digest('hex');
  const summary: StocktakeSummary = { rows: records.length, adjusted: 0, unchanged: 0, alreadyImported: 0, errors: [] };
  const seen = new Map<string, number>();
  const freed = new Set<string>();
  const changed = new Set<string>();
  const progress = (done: number) => onProgress?.({ done, total: records.length, adjusted: summary.adjusted, unchanged: summary.unchanged + summary.alreadyImported, errors: summary.errors.length });

  for (const [i, rec] of records.entries()) {
    const sku = (rec.values[col.sku!] ?? '').trim();
    const warehouse = (rec.values[col.warehouse!] ?? '').trim();
    const countText = (rec.values[col.onHand!] ?? '').trim();
    const bad = (message: string) => summary.errors.push({ row: rec.row, message });
    if (!sku) bad('sku is empty');
    else if (!warehouse) bad('warehouse is empty');
    else if (!/^\d{1,10}$/.test(countText) || Number(countText) > 1_000_000_000) bad(`onHand must be a whole number ≥ 0, got "${countText}"`);
    else {
      const counted = Number(countText);
      const dupKey = `${sku}\u0000${warehouse}`;
      const earlier = seen.get(dupKey);
      if (earlier !== undefined) bad(`${sku} at ${warehouse} was already counted on row ${earlier}`);
      else {
        seen.set(dupKey, rec.row);
        try {
          const r = await runOnce<RowOutcome>(ctx, 'stock import', `${fileHash}:${rec.row}`, { sku, warehouse, onHand: counted }, (c) =>
            withTransaction(c, async (tx) => {
              await stockLockTimeout(tx);
              await ensureProduct(tx, sku);
              const wh = await resolveWarehouse(inTx(c, tx), warehouse);
              // The counted figure is absolute: the stock row is locked before the difference is taken, so
              // a concurrent change cannot slip between the read and the adjustment.
              if (counted > 0) {
                await tx.execute(sql`insert into stock_levels (sku, warehouse_id, on_hand) values (${sku}, ${wh.id}, 0) on conflict (sku, warehouse_id) do nothing`);
              }
              const [row] = await lockStockRows(tx, [sku], [wh.id]);
              const delta = counted - (row?.on_hand ?? 0);
              if (delta === 0) return { status: 200, body: { outcome: 'unchanged' as const, onHand: counted } };
              const level = await applyOnHandDelta(c, tx, {
                sku, warehouse: wh.id, delta, kind: opening && delta > 0 ? 'opening' : 'adjustment', reason: `${opening ? 'opening stock' : 'stocktake'} ${source} row ${rec.row}`,
                idempotencyKey: `stocktake:${fileHash}:${rec.row}`,
              });
              return { status: 201, body: { outcome: 'adjusted' as const, delta, onHand: level.onHand } };
            }),
          );
          if (r.replayed) summary.alreadyImported++;
          else if (r.body.outcome === 'adjusted') {
            summary.adjusted++;
            (r.body.delta > 0 ? freed : changed).add(sku);
          } else summary.unchanged++;
        } catch (err) {
          // Unknown SKU or warehouse, a count below the reserved units, a key reused with another
          // count: this row's problem. Anything else (the database is gone) stops the import.
          if (!(err instanceof AppError)) throw err;
          bad(err.message);
        }
      }
    }
    progress(i + 1);
  }
  summary.errors.sort((a, b) => a.row - b.row);
  // Follow-up (allocation of backorders, channel pushes) once for the whole file, after the writes.
  await afterStockChange(ctx, { freedSkus: [...freed], changedSkus: [...changed], value: { skus: [...new Set([...freed, ...changed])].slice(0, 1000) } });
  return summary;
}
