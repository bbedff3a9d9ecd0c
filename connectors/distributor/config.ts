import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { CsvMapping } from './csv';

export const DistributorConfig = z.object({
  /** `auto` reads files that start with ISA as X12, everything else as CSV. */
  format: z.enum(['auto', 'x12', 'csv']).default('auto'),
  /** Column mapping for CSV files: our field → the file's column header. */
  csvMapping: CsvMapping.optional(),
  csvDelimiter: z.string().length(1).default(','),
  /** Currency when the file does not say (X12 without CUR, CSV without a currency column). */
  defaultCurrency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  /** Country for ship-to addresses without one (X12 N404 is optional; domestic partners leave it out). */
  defaultCountry: z.string().regex(/^[A-Z]{2}$/).optional(),
  /** X12 PO1 id qualifiers tried in order for the SKU (VN vendor item number first by default). */
  skuQualifiers: z.array(z.string().min(2).max(2)).min(1).optional(),
  /**
   * A folder the partner drops files into (SFTP target, shared drive). Each pull reads the files
   * oldest first and moves them to `processed/` with a `.report.json` (and the acknowledgements).
   * The folder must hold an empty `.omnihub-inbox` file, put there by whoever runs the server.
   */
  inboxDir: z.string().min(1).refine(isAbsolute, 'an absolute path').optional(),
  pollIntervalSeconds: z.number().int().min(0).max(86_400).default(0),
});
export type DistributorConfig = z.infer<typeof DistributorConfig>;
