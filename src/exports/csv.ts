/**
 * CSV for spreadsheets: UTF-8 with a BOM (Excel then reads Chinese text correctly), CRLF line ends,
 * RFC 4180 quoting, and text that a spreadsheet would run as a formula prefixed with `'`.
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  // A plain signed decimal ("-3.54", an amount) is data, not a formula: it stays as it is.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: Array<Array<string | number | null | undefined>>): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
