import { createHash } from 'node:crypto';
import type { DistributorConfig } from './config';
import { readCsvOrders, type RowError } from './csv';
import type { DistributorOrder } from './order-record';
import { build855, build997 } from './x12/acks';
import { parseInterchange, X12Error } from './x12/parse';
import { read850s } from './x12/po850';

export interface FileReport {
  file: string;
  sha256: string;
  format: 'x12-850' | 'csv' | 'unknown';
  receivedAt: string;
  /** Rows (CSV) or transaction sets (X12) read. */
  units: number;
  orders: Array<{ orderId: string; lines: number }>;
  /** Every problem, with the CSV line number or the X12 segment position and the field. */
  errors: RowError[];
  rejectedOrders: string[];
}

export interface ReadFileResult {
  report: FileReport;
  orders: DistributorOrder[];
  /** X12 only: the 997 (always) and the 855 (when at least one PO was accepted). */
  acknowledgements: { '997'?: string; '855'?: string };
}

/** One order of one file's content: uploading or dropping the same bytes again is the same delivery. */
export function fileDeliveryId(sha256: string, orderId: string): string {
  return `file:${sha256}:${orderId}`;
}

function looksLikeX12(text: string): boolean {
  return /^\s*ISA/.test(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/**
 * Reads one distributor file (an X12 interchange of 850s, or a CSV with the connection's column
 * mapping) into orders plus a report. Pure: the caller stores the orders and writes the report.
 */
export function readDistributorFile(name: string, content: Buffer, config: DistributorConfig, receivedAt: Date): ReadFileResult {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const text = content.toString('utf8');
  const base = { file: name, sha256, receivedAt: receivedAt.toISOString() };
  const stamp = (o: Omit<DistributorOrder, 'file' | 'receivedAt'>): DistributorOrder => ({ ...o, file: { name, sha256 }, receivedAt: base.receivedAt });
  const format = config.format === 'auto' ? (looksLikeX12(text) ? 'x12' : 'csv') : config.format;

  if (format === 'x12') {
    try {
      const ic = parseInterchange(text);
      const reads = read850s(ic, { defaultCurrency: config.defaultCurrency, defaultCountry: config.defaultCountry, skuQualifiers: config.skuQualifiers });
      const orders = reads.flatMap((r) => (r.order ? [stamp(r.order)] : []));
      const errors: RowError[] = reads.flatMap((r) => r.problems.map((p) => ({
        row: p.position, field: p.element ? `${p.segmentId}${String(p.element).padStart(2, '0')}` : p.segmentId, message: p.message,
        ...(r.order?.orderId ? { orderId: r.order.orderId } : {}),
      })));
      const ackOpts = { now: receivedAt, seed: sha256 };
      const a855 = build855(ic, reads, ackOpts);
      return {
        report: {
          ...base, format: 'x12-850', units: reads.length,
          orders: orders.map((o) => ({ orderId: o.orderId, lines: o.lines.length })), errors,
          rejectedOrders: reads.filter((r) => !r.order).map((r) => `ST ${r.set.controlNumber}`),
        },
        orders,
        acknowledgements: { '997': build997(ic, reads, ackOpts), ...(a855 ? { '855': a855 } : {}) },
      };
    } catch (err) {
      if (!(err instanceof X12Error)) throw err;
      // An envelope that does not parse cannot be acknowledged per set; the report says where it broke.
      return {
        report: { ...base, format: 'x12-850', units: 0, orders: [], errors: [{ row: err.position ?? 0, field: err.segmentId ?? '(envelope)', message: err.message }], rejectedOrders: [] },
        orders: [],
        acknowledgements: {},
      };
    }
  }

  if (!config.csvMapping) {
    return {
      report: { ...base, format: 'unknown', units: 0, orders: [], errors: [{ row: 0, field: 'config.csvMapping', message: 'the file is not X12 and the connection has no CSV column mapping' }], rejectedOrders: [] },
      orders: [],
      acknowledgements: {},
    };
  }
  const r = readCsvOrders(text, config.csvMapping, { delimiter: config.csvDelimiter, defaultCurrency: config.defaultCurrency, defaultCountry: config.defaultCountry, now: receivedAt });
  const orders = r.orders.map(stamp);
  return {
    report: { ...base, format: 'csv', units: r.rows, orders: orders.map((o) => ({ orderId: o.orderId, lines: o.lines.length })), errors: r.errors, rejectedOrders: r.rejectedOrders },
    orders,
    acknowledgements: {},
  };
}
