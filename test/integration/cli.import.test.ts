import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInterchange } from '../../connectors/distributor/x12/parse';
import { createConnection } from '../../src/connections/manage-connections';
import { listOrders } from '../../src/inbox/list-orders';
import { runCli, withEmbeddedHub } from '../helpers/cli';
import { TEST_SECRET_KEY } from '../helpers/hub';

const EDI = new URL('../../../shared/fixtures/edi/x12_850_purchase_order.edi', import.meta.url);

describe('omnihub import', () => {
  it('imports distributor files with progress, reports rejected rows, writes the acknowledgements, and stores nothing twice', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omnihub-import-'));
    const env = { OMNIHUB_DATA_DIR: path.join(dir, 'data'), OMNIHUB_SECRET_KEY: TEST_SECRET_KEY };
    const { wholesale, shop } = await withEmbeddedHub(env, async (ctx) => ({
      wholesale: (await createConnection(ctx, {
        type: 'distributor', name: 'Wholesale',
        config: { defaultCurrency: 'GBP', csvMapping: { orderId: 'PO', sku: 'Item', quantity: 'Qty', unitPrice: 'Price', customerName: 'Customer' } },
      })).id,
      shop: (await createConnection(ctx, { type: 'sandbox', name: 'Shop', config: { pollIntervalSeconds: 0, webhookSecret: 'x'.repeat(16) } })).id,
    }));
    const edi = path.join(dir, 'po-10.edi');
    copyFileSync(EDI, edi);
    const csv = path.join(dir, 'orders.csv');
    writeFileSync(csv, ['PO,Item,Qty,Price,Customer', 'W-1,SKU-A,2,10.00,Shop One', 'W-2,SKU-B,lots,5.00,Shop Two', 'W-3,SKU-C,1,1.25,Shop Three'].join('\n'));
    const acks = path.join(dir, 'acks');
    mkdirSync(acks);

    const r = await runCli(['import', wholesale, edi, csv, '--ack-dir', acks], env);
    expect(r.stderr).toContain('file 2/2: orders.csv');
    expect(r.stderr).toMatch(/into the inbox: 3 orders, 0 dead letters/);
    expect(r.stdout).toContain('import po-10.edi (x12-850): 1 order, 1 new, 0 already imported, 1 unit, 0 rejected rows');
    expect(r.stdout).toContain('import orders.csv (csv): 2 orders, 2 new, 0 already imported, 3 units, 1 rejected row');
    expect(r.stdout).toMatch(/ {2}row 3 quantity: .*\(order W-2\)/);
    expect(r.stdout).toContain('imported 2 files: 3 new orders stored, 3 written to the inbox, 0 failed');
    // A rejected row is a problem someone must look at: exit 1.
    expect(r.code).toBe(1);
    // The X12 file's 997 and 855 are written for the partner; a CSV has none.
    expect(parseInterchange(readFileSync(path.join(acks, 'po-10.edi.997.edi'), 'utf8')).groups[0]!.transactions[0]!.code).toBe('997');
    expect(parseInterchange(readFileSync(path.join(acks, 'po-10.edi.855.edi'), 'utf8')).groups[0]!.transactions[0]!.code).toBe('855');
    expect(existsSync(path.join(acks, 'orders.csv.997.edi'))).toBe(false);

    // The same file again stores nothing new, and a clean file exits 0.
    const again = await runCli(['import', wholesale, edi], env);
    expect(again.stdout).toContain('1 order, 0 new, 1 already imported');
    expect(again.stdout).toContain('imported 1 file: 0 new orders stored');
    expect(again.code).toBe(0);
    const orders = await withEmbeddedHub(env, (ctx) => listOrders(ctx, { connectionId: wholesale, limit: 50 }));
    expect(orders.items.map((o) => o.externalId).sort()).toEqual(['08292233294', 'W-1', 'W-3']);
    expect(orders.items.every((o) => o.ingestPaths.includes('import'))).toBe(true);

    // Usage errors exit 2 before anything is stored; a connection that takes no files exits 1 and says why.
    const missing = await runCli(['import', wholesale, edi, path.join(dir, 'nope.edi')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect((await runCli(['import', wholesale], env)).code).toBe(2);
    expect((await runCli(['import', wholesale, edi, '--ack-dir', path.join(dir, 'no-such-dir')], env)).code).toBe(2);
    const wrong = await runCli(['import', shop, edi], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('not imported: Files can only be uploaded to distributor connections');
    const unknown = await runCli(['import', '00000000-0000-4000-8000-000000000000', edi], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('was not found');
  }, 120_000);
});
