import { describe, expect, it } from 'vitest';
import { parseCsv, readCsvOrders, type CsvMapping } from './csv';
import { normalizeDistributorOrder } from './transform';

const mapping: CsvMapping = {
  orderId: 'PO', sku: 'Item', title: 'Description', quantity: 'Qty', unitPrice: 'Price', currency: 'Cur',
  placedAt: 'Date', customerName: 'Customer', email: 'Email', shipLine1: 'Street', shipCity: 'City', shipPostalCode: 'Zip', shipCountry: 'Country',
};
const now = new Date('2026-11-27T12:00:00Z');
const opts = { defaultCurrency: 'USD', now };
const HEADER = 'PO,Item,Description,Qty,Price,Cur,Date,Customer,Email,Street,City,Zip,Country';

describe('CSV parsing', () => {
  it('handles quotes, doubled quotes, delimiters and line breaks inside fields, CRLF and a BOM', () => {
    const text = '\ufeffa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n1,2,3\n';
    expect(parseCsv(text)).toEqual([
      { row: 1, values: ['a', 'b', 'c'] },
      { row: 2, values: ['x, y', 'say "hi"', 'two\nlines'] },
      { row: 4, values: ['1', '2', '3'] },
    ]);
    expect(parseCsv('a;b\n1;2', ';')[1]!.values).toEqual(['1', '2']);
  });
});

describe('CSV order files', () => {
  it('groups rows into orders by the order-id column, keeping file order', () => {
    const text = [
      HEADER,
      'PO-1,SKU-A,Widget A,2,9.99,EUR,2026-11-01,Acme GmbH,buyer@acme.test,Hauptstr. 1,Berlin,10115,DE',
      'PO-2,SKU-B,Widget B,1,5.00,EUR,2026-11-02,Beta,,Main 2,Hamburg,20095,DE',
      'PO-1,SKU-C,Widget C,3,0.10,EUR,2026-11-01,Acme GmbH,buyer@acme.test,Hauptstr. 1,Berlin,10115,DE',
    ].join('\n');
    const r = readCsvOrders(text, mapping, opts);
    expect(r.errors).toEqual([]);
    expect(r.rows).toBe(3);
    expect(r.orders.map((o) => [o.orderId, o.lines.map((l) => l.sku)])).toEqual([['PO-1', ['SKU-A', 'SKU-C']], ['PO-2', ['SKU-B']]]);
    const u = normalizeDistributorOrder({ ...r.orders[0]!, receivedAt: now.toISOString(), file: { name: 'a.csv', sha256: 'x' } });
    expect(u).toMatchObject({ currency: 'EUR', subtotalMinor: 2 * 999 + 3 * 10, totalMinor: 2028, placedAt: '2026-11-01T00:00:00.000Z' });
    expect(u.customer).toMatchObject({ name: 'Acme GmbH', email: 'buyer@acme.test' });
    expect(u.shippingAddress).toMatchObject({ line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' });
    expect(u.lines.map((l) => l.externalId)).toEqual(['2', '4']);
  });

  it('reports every bad row with its line number and field, and rejects the whole order it belongs to', () => {
    const text = [
      HEADER,
      'PO-1,SKU-A,Widget A,2,9.99,USD,2026-11-01,,,,,,',
      'PO-1,SKU-B,Widget B,two,9.99,USD,2026-11-01,,,,,,',
      'PO-2,SKU-C,Widget C,1,1e3,USD,2026-11-01,,,,,,',
      ',SKU-D,Widget D,1,1.00,USD,2026-11-01,,,,,,',
      'PO-3,,,1,1.00,USD,yesterday,,not-an-email,,,,',
      'PO-4,SKU-E,Widget E,1,1.00,USD,2026-11-01,,,,,,',
      'PO-4,SKU-F,Widget F,1,1.00,GBP,2026-11-01,,,,,,',
      'PO-5,SKU-G,Widget G,1,1.00,USD,2026-11-01,,,,,,',
    ].join('\n');
    const r = readCsvOrders(text, mapping, opts);
    expect(r.errors.map((e) => [e.row, e.field])).toEqual([
      [3, 'quantity'], [4, 'unitPrice'], [5, 'orderId'], [6, 'sku'], [6, 'placedAt'], [6, 'email'], [8, 'currency'],
    ]);
    expect(r.errors[0]).toMatchObject({ orderId: 'PO-1', message: expect.stringContaining('"two"') });
    expect(r.rejectedOrders.sort()).toEqual(['PO-1', 'PO-2', 'PO-3', 'PO-4']);
    expect(r.orders.map((o) => o.orderId)).toEqual(['PO-5']);
  });

  it('says which mapped column is missing from the header instead of reading nothing', () => {
    const r = readCsvOrders('PO,Item,Qty\nPO-1,A,1', mapping, opts);
    expect(r.orders).toEqual([]);
    expect(r.errors.map((e) => e.field)).toContain('unitPrice');
    expect(r.errors.every((e) => e.row === 1)).toBe(true);
  });

  it('takes currency and placed time from the defaults when the file has no such columns, and JPY without decimals', () => {
    const m: CsvMapping = { orderId: 'PO', sku: 'Item', quantity: 'Qty', unitPrice: 'Price' };
    const r = readCsvOrders('PO,Item,Qty,Price\nA,X,1,1500', m, { defaultCurrency: 'JPY', now });
    const u = normalizeDistributorOrder({ ...r.orders[0]!, receivedAt: now.toISOString(), file: { name: 'a.csv', sha256: 'x' } });
    expect(u).toMatchObject({ currency: 'JPY', totalMinor: 1500, placedAt: now.toISOString() });
    const bad = readCsvOrders('PO,Item,Qty,Price\nA,X,1,15.5', m, { defaultCurrency: 'JPY', now });
    expect(bad.errors[0]).toMatchObject({ row: 2, field: 'unitPrice' });
  });
});
