import { z } from 'zod';
import { toMinor } from '../../src/domain/money';
import type { DistributorLine, DistributorOrder } from './order-record';

/**
 * Which CSV column holds which field. Only `orderId`, `quantity` and `unitPrice` are required, plus
 * one of `sku` / `title`; order-level columns (currency, placedAt, customer, ship-to) may repeat on
 * every row of an order but must agree.
 */
export const CsvMapping = z.object({
  orderId: z.string().min(1),
  sku: z.string().min(1).optional(),
  title: z.string().min(1).optional(),
  quantity: z.string().min(1),
  unitPrice: z.string().min(1),
  lineId: z.string().min(1).optional(),
  currency: z.string().min(1).optional(),
  placedAt: z.string().min(1).optional(),
  customerName: z.string().min(1).optional(),
  email: z.string().min(1).optional(),
  phone: z.string().min(1).optional(),
  shipName: z.string().min(1).optional(),
  shipCompany: z.string().min(1).optional(),
  shipLine1: z.string().min(1).optional(),
  shipLine2: z.string().min(1).optional(),
  shipCity: z.string().min(1).optional(),
  shipRegion: z.string().min(1).optional(),
  shipPostalCode: z.string().min(1).optional(),
  shipCountry: z.string().min(1).optional(),
  shippingAmount: z.string().min(1).optional(),
  taxAmount: z.string().min(1).optional(),
}).refine((m) => m.sku || m.title, { message: 'map at least one of sku or title', path: ['sku'] });
export type CsvMapping = z.infer<typeof CsvMapping>;

export interface RowError {
  /** Line number in the file where the record starts (the header is line 1). */
  row: number;
  field: string;
  message: string;
  orderId?: string;
}

export interface CsvRecord {
  row: number;
  values: string[];
}

/** RFC 4180 records: quoted fields may hold the delimiter, doubled quotes and line breaks. */
export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: CsvRecord[] = [];
  let field = '';
  let values: string[] = [];
  let inQuotes = false;
  let line = 1;
  let startLine = 1;
  let fieldStarted = false;
  const endRecord = () => {
    values.push(field);
    if (!(values.length === 1 && values[0] === '' && !fieldStarted)) out.push({ row: startLine, values });
    values = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === delimiter) {
      values.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (field !== '' || values.length > 0 || fieldStarted) endRecord();
  return out;
}

export interface CsvResult {
  orders: Array<Omit<DistributorOrder, 'file' | 'receivedAt'>>;
  errors: RowError[];
  /** Orders left out because one of their rows is wrong: a partial order is worse than none. */
  rejectedOrders: string[];
  rows: number;
}

function isoDate(v: string): string | null {
  const t = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return Number.isNaN(Date.parse(`${t}T00:00:00Z`)) ? null : `${t}T00:00:00Z`;
  // Times must say their offset: a bare local time would be read in the server's zone.
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
    const ms = Date.parse(t.replace(' ', 'T'));
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  return null;
}

/**
 * CSV order file → orders, one row per line, grouped by the order-id column in file order. Every
 * bad row is reported (line number and field), and its whole order is rejected; nothing is dropped
 * silently.
 */
export function readCsvOrders(text: string, mappingInput: CsvMapping, opts: { delimiter?: string; defaultCurrency: string; defaultCountry?: string; now: Date }): CsvResult {
  const mapping = CsvMapping.parse(mappingInput);
  const records = parseCsv(text, opts.delimiter ?? ',');
  const errors: RowError[] = [];
  const header = records[0];
  if (!header) return { orders: [], errors: [{ row: 1, field: '(file)', message: 'the file is empty' }], rejectedOrders: [], rows: 0 };
  const names = header.values.map((h) => h.trim());
  const col: Partial<Record<keyof CsvMapping, number>> = {};
  for (const [field, column] of Object.entries(mapping) as Array<[keyof CsvMapping, string]>) {
    const idx = names.indexOf(column);
    if (idx < 0) errors.push({ row: 1, field, message: `column ${JSON.stringify(column)} is not in the header` });
    else col[field] = idx;
  }
  const dataRows = records.slice(1);
  if (errors.length > 0) {
    return { orders: [], errors, rejectedOrders: [], rows: dataRows.length };
  }
  const get = (r: CsvRecord, f: keyof CsvMapping) => {
    const i = col[f];
    return i === undefined ? '' : (r.values[i] ?? '').trim();
  };
  type Draft = Omit<DistributorOrder, 'file' | 'receivedAt'> & { firstRow: number };
  const drafts = new Map<string, Draft>();
  const bad = new Set<string>();
  for (const r of dataRows) {
    const err = (field: string, message: string, orderId?: string) => errors.push({ row: r.row, field, message, ...(orderId ? { orderId } : {}) });
    if (r.values.length !== names.length) err('(row)', `has ${r.values.length} columns, the header has ${names.length}`);
    const orderId = get(r, 'orderId');
    if (!orderId) {
      err('orderId', `column ${mapping.orderId} is empty`);
      continue;
    }
    const before = errors.length;
    const currency = (get(r, 'currency') || opts.defaultCurrency).toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) err('currency', `${JSON.stringify(currency)} is not an ISO 4217 code`, orderId);
    const qtyText = get(r, 'quantity');
    if (!/^\d+$/.test(qtyText) || Number(qtyText) <= 0) err('quantity', `${JSON.stringify(qtyText)} is not a positive whole number`, orderId);
    const unitPrice = get(r, 'unitPrice');
    try {
      toMinor(unitPrice, /^[A-Z]{3}$/.test(currency) ? currency : 'USD');
    } catch (e) {
      err('unitPrice', (e as Error).message, orderId);
    }
    for (const f of ['shippingAmount', 'taxAmount'] as const) {
      const v = get(r, f);
      if (!v) continue;
      try {
        toMinor(v, /^[A-Z]{3}$/.test(currency) ? currency : 'USD');
      } catch (e) {
        err(f, (e as Error).message, orderId);
      }
    }
    const sku = get(r, 'sku');
    const title = get(r, 'title');
    if (!sku && !title) err(mapping.sku ? 'sku' : 'title', 'the line has neither a SKU nor a title', orderId);
    const placedText = get(r, 'placedAt');
    const placedAt = placedText ? isoDate(placedText) : opts.now.toISOString();
    if (!placedAt) err('placedAt', `${JSON.stringify(placedText)} is not a date (YYYY-MM-DD or ISO-8601 with offset)`, orderId);
    const email = get(r, 'email');
    if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) err('email', `${JSON.stringify(email)} is not an email address`, orderId);
    const country = get(r, 'shipCountry') || opts.defaultCountry || '';
    if (country && !/^[A-Za-z]{2}$/.test(country)) err('shipCountry', `${JSON.stringify(country)} is not a two-letter country code`, orderId);

    let d = drafts.get(orderId);
    if (d && errors.length === before) {
      if (d.currency !== currency) err('currency', `${currency} differs from ${d.currency} on line ${d.firstRow} of the same order`, orderId);
      if (placedText && d.placedAt !== placedAt) err('placedAt', `differs from line ${d.firstRow} of the same order`, orderId);
    }
    if (errors.length > before) {
      bad.add(orderId);
      continue;
    }
    const line: DistributorLine = {
      lineId: get(r, 'lineId') || String(r.row),
      sku: sku || null,
      title: title || null,
      quantity: Number(qtyText),
      unit: null,
      unitPrice,
      partNumbers: {},
    };
    if (!d) {
      const ship = {
        name: get(r, 'shipName') || null, company: get(r, 'shipCompany') || null, line1: get(r, 'shipLine1') || null,
        line2: get(r, 'shipLine2') || null, city: get(r, 'shipCity') || null, region: get(r, 'shipRegion') || null,
        postalCode: get(r, 'shipPostalCode') || null, country: country ? country.toUpperCase() : null,
      };
      const hasShip = Object.entries(ship).some(([k, v]) => k !== 'country' && v);
      d = {
        format: 'csv', orderId, placedAt: placedAt!, currency, firstRow: r.row,
        customer: get(r, 'customerName') || email ? { name: get(r, 'customerName') || null, email: email || null, phone: get(r, 'phone') || null } : null,
        shipTo: hasShip ? ship : null,
        billTo: null,
        lines: [],
        shippingAmount: get(r, 'shippingAmount') || null,
        taxAmount: get(r, 'taxAmount') || null,
        purpose: null,
      };
      drafts.set(orderId, d);
    }
    d.lines.push(line);
  }
  const orders = [...drafts.values()].filter((d) => !bad.has(d.orderId)).map(({ firstRow: _f, ...o }) => o);
  return { orders, errors, rejectedOrders: [...bad], rows: dataRows.length };
}
