import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInterchange } from '../../connectors/distributor/x12/parse';
import { runSync } from '../../src/connections/run-sync';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { createTestHub, type TestHub } from '../helpers/hub';

const EDI = readFileSync(new URL('../../../shared/fixtures/edi/x12_850_purchase_order.edi', import.meta.url));
const mapping = { orderId: 'PO', sku: 'Item', quantity: 'Qty', unitPrice: 'Price', customerName: 'Customer', email: 'Email', shipLine1: 'Street', shipCity: 'City', shipPostalCode: 'Zip', shipCountry: 'Country' };
const CSV = [
  'PO,Item,Qty,Price,Customer,Email,Street,City,Zip,Country',
  'W-100,SKU-A,2,10.00,Shop One,buy@one.test,1 High St,Leeds,LS1 1AA,GB',
  'W-100,SKU-B,1,5.50,Shop One,buy@one.test,1 High St,Leeds,LS1 1AA,GB',
  'W-101,SKU-A,x,10.00,Shop Two,,2 Low St,York,YO1 1AA,GB',
  'W-102,SKU-C,4,1.25,Shop Three,,3 Mid St,Hull,HU1 1AA,GB',
].join('\n');

let t: TestHub;
let conn: string;

async function upload(id: string, body: Buffer | string, filename?: string) {
  const res = await t.app.request(`/api/v1/connections/${id}/files${filename ? `?filename=${encodeURIComponent(filename)}` : ''}`, {
    method: 'POST', headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/octet-stream' }, body,
  });
  return { status: res.status, body: (await res.json()) as any };
}
async function ordersOf(id: string) {
  await drainRawEvents(t.hub.ctx);
  return (await t.api('GET', `/api/v1/orders?connectionId=${id}&limit=200`)).body.items as Array<any>;
}

beforeAll(async () => {
  t = await createTestHub();
  const res = await t.api('POST', '/api/v1/connections', { type: 'distributor', name: 'Wholesale', config: { csvMapping: mapping, defaultCurrency: 'GBP', defaultCountry: 'US' } });
  expect(res.status).toBe(201);
  conn = res.body.id;
});
afterAll(() => t.close());

describe('distributor file upload', () => {
  it('imports an X12 850: one order, with a 997 and an 855 to send back', async () => {
    const r = await upload(conn, EDI, 'po-10.edi');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ format: 'x12-850', units: 1, errors: [], orders: [{ orderId: '08292233294', lines: 6 }] });
    expect(r.body.stored).toEqual([{ orderId: '08292233294', deliveryId: expect.stringMatching(/^file:[0-9a-f]{64}:08292233294$/), duplicate: false }]);
    expect(parseInterchange(r.body.acknowledgements['997']).groups[0]!.transactions[0]!.code).toBe('997');
    expect(parseInterchange(r.body.acknowledgements['855']).groups[0]!.transactions[0]!.code).toBe('855');
    const orders = await ordersOf(conn);
    expect(orders).toHaveLength(1);
    // X12 without CUR takes the connection's default currency.
    expect(orders[0]).toMatchObject({ externalId: '08292233294', channel: 'distributor', currency: 'GBP', totalMinor: 1_304_594, ingestPaths: ['import'] });
  });

  it('changes nothing when the same file is uploaded again (and still returns its acknowledgements)', async () => {
    const before = await ordersOf(conn);
    const r = await upload(conn, EDI, 'po-10-again.edi');
    expect(r.body.stored.every((s: { duplicate: boolean }) => s.duplicate)).toBe(true);
    expect(r.body.acknowledgements['997']).toBeTruthy();
    const after = await ordersOf(conn);
    expect(after).toEqual(before);
    const events = await t.api('GET', `/api/v1/events?connectionId=${conn}`);
    expect(events.body.items).toHaveLength(1);
  });

  it('imports a CSV with the stored column mapping: groups rows, reports bad rows with line and field', async () => {
    const r = await upload(conn, CSV, 'orders.csv');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ format: 'csv', units: 4, rejectedOrders: ['W-101'] });
    expect(r.body.errors).toEqual([{ row: 4, field: 'quantity', message: expect.stringContaining('"x"'), orderId: 'W-101' }]);
    expect(r.body.orders).toEqual([{ orderId: 'W-100', lines: 2 }, { orderId: 'W-102', lines: 1 }]);
    const orders = await ordersOf(conn);
    const w100 = orders.find((o) => o.externalId === 'W-100');
    expect(w100).toMatchObject({ totalMinor: 2550, currency: 'GBP' });
    expect(orders.find((o) => o.externalId === 'W-101')).toBeUndefined();
  });

  it('answers 400 without a file name, 404 for an unknown connection, 409 for a non-distributor connection', async () => {
    expect((await upload(conn, CSV)).status).toBe(400);
    expect((await upload('00000000-0000-4000-8000-000000000000', CSV, 'a.csv')).status).toBe(404);
    const sandbox = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'S', config: { pollIntervalSeconds: 0 } });
    expect((await upload(sandbox.body.id, CSV, 'a.csv')).status).toBe(409);
  });
});

describe('distributor inbox folder', () => {
  it('reads files oldest first, stores their orders once, and moves them to processed/ with a report and acks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omnihub-inbox-'));
    writeFileSync(path.join(dir, '.omnihub-inbox'), '');
    const res = await t.api('POST', '/api/v1/connections', { type: 'distributor', name: 'Folder', config: { csvMapping: mapping, inboxDir: dir, defaultCurrency: 'USD' } });
    const id = res.body.id as string;
    writeFileSync(path.join(dir, 'b-newer.csv'), CSV.replaceAll('W-10', 'F-10'));
    writeFileSync(path.join(dir, 'a-older.edi'), EDI);
    writeFileSync(path.join(dir, '.partial-upload'), 'ignored while still being written');
    utimesSync(path.join(dir, 'a-older.edi'), new Date('2026-11-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'));
    utimesSync(path.join(dir, 'b-newer.csv'), new Date('2026-11-02T00:00:00Z'), new Date('2026-11-02T00:00:00Z'));

    const r = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(r).toMatchObject({ pages: 2, ordersSeen: 3, newEvents: 3 });
    expect(readdirSync(dir).sort()).toEqual(['.omnihub-inbox', '.partial-upload', 'processed']);
    const done = readdirSync(path.join(dir, 'processed')).sort();
    expect(done).toEqual(['a-older.edi', 'a-older.edi.855.edi', 'a-older.edi.997.edi', 'a-older.edi.report.json', 'b-newer.csv', 'b-newer.csv.report.json']);
    const report = JSON.parse(readFileSync(path.join(dir, 'processed', 'b-newer.csv.report.json'), 'utf8'));
    expect(report.errors).toEqual([{ row: 4, field: 'quantity', message: expect.any(String), orderId: 'F-101' }]);
    const cursor = (await t.api('GET', `/api/v1/connections/${id}`)).body;
    expect(cursor.lastSyncAt).toBeTruthy();

    const orders = await ordersOf(id);
    expect(orders.map((o) => o.externalId).sort()).toEqual(['08292233294', 'F-100', 'F-102']);
    expect(orders.every((o) => o.ingestPaths.join() === 'import')).toBe(true);
    // The EDI file was older, so its order was stored first.
    const events = (await t.api('GET', `/api/v1/events?connectionId=${id}`)).body.items as Array<{ id: number; deliveryId: string }>;
    const byId = [...events].sort((a, b) => a.id - b.id).map((e) => e.deliveryId.split(':')[2]);
    expect(byId[0]).toBe('08292233294');

    const again = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(again).toMatchObject({ pages: 0, ordersSeen: 0 });
  });

  it('re-reading a file after a crash before the move stores nothing twice', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omnihub-inbox-'));
    writeFileSync(path.join(dir, '.omnihub-inbox'), '');
    const res = await t.api('POST', '/api/v1/connections', { type: 'distributor', name: 'Crashy', config: { inboxDir: dir } });
    const id = res.body.id as string;
    writeFileSync(path.join(dir, 'po.edi'), EDI);
    const connector = t.hub.ctx.connectors('distributor')!;
    // Pull one page and stop before the generator resumes (= before the file is moved), as a crash would.
    const gen = connector.pullOrders!({ connectionId: id, config: { format: 'auto', csvDelimiter: ',', defaultCurrency: 'USD', inboxDir: dir, pollIntervalSeconds: 0 }, now: () => new Date() }, null, { kind: 'incremental' });
    const first = await gen.next();
    expect(first.done).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['.omnihub-inbox', 'po.edi']);
    await gen.return(undefined);
    const a = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(a.newEvents).toBe(1);
    // The partner resends the same file later: same content, same delivery id, nothing new.
    writeFileSync(path.join(dir, 'po.edi'), EDI);
    const b = await runSync(t.hub.ctx, { connectionId: id, kind: 'incremental' });
    expect(b).toMatchObject({ ordersSeen: 1, newEvents: 0 });
    expect(readdirSync(path.join(dir, 'processed'))).toContain('po.edi.1');
    // And the same file uploaded through the API is the same delivery too.
    const up = await upload(id, EDI, 'po.edi');
    expect(up.body.stored).toEqual([expect.objectContaining({ duplicate: true })]);
    expect((await t.api('GET', `/api/v1/events?connectionId=${id}`)).body.items).toHaveLength(1);
  });
});

describe('distributor inbox folder configuration', () => {
  it('refuses a relative inbox path, and fails (without retrying) a sync whose folder is gone', async () => {
    const rel = await t.api('POST', '/api/v1/connections', { type: 'distributor', name: 'Rel', config: { inboxDir: 'drop/here' } });
    expect(rel.status).toBe(400);
    expect(rel.body.errors[0].path).toBe('config.inboxDir');
    const res = await t.api('POST', '/api/v1/connections', { type: 'distributor', name: 'Gone', config: { inboxDir: path.join(tmpdir(), 'omnihub-no-such-inbox-dir') } });
    const err = await runSync(t.hub.ctx, { connectionId: res.body.id, kind: 'incremental' }).catch((e) => e);
    expect(err.name).toBe('PermanentJobError');
    expect(err.message).toMatch(/config\.inboxDir .* cannot be read \(ENOENT\)/);
  });

  it('reads and moves nothing in a folder that was not marked as an inbox on the server', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omnihub-unmarked-'));
    writeFileSync(path.join(dir, 'precious.txt'), 'not for the hub');
    const res = await t.api('POST', '/api/v1/connections', { type: 'distributor', name: 'Unmarked', config: { inboxDir: dir } });
    const err = await runSync(t.hub.ctx, { connectionId: res.body.id, kind: 'incremental' }).catch((e) => e);
    expect(err.name).toBe('PermanentJobError');
    expect(err.message).toMatch(/not marked as an inbox/);
    expect(readdirSync(dir)).toEqual(['precious.txt']);
  });
});
