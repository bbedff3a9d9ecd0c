import type { I18n, MessageKey } from '../i18n/index';
import { csvCell } from '../exports/csv';
import { reportCsvColumns, type SalesReport } from './sales-report';

/**
 * The report's rows as CSV: UTF-8 with a BOM (so spreadsheet programs read the Chinese headers),
 * headers in the reader's language, amounts as minor units like the JSON (no currency is mixed).
 */
export function salesReportCsv(report: SalesReport, i18n: I18n): string {
  const header = reportCsvColumns.map((c) => (c === 'key' ? i18n.t(`sales.group.${report.groupBy}` as MessageKey) : i18n.t(`sales.col.${c}` as MessageKey)));
  const lines = [header.map(csvCell).join(',')];
  for (const r of [...report.rows, ...report.totals.map((x) => ({ ...x, key: i18n.t('sales.totals') }))]) {
    lines.push(reportCsvColumns.map((c) => csvCell(r[c] as string | number | null)).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
