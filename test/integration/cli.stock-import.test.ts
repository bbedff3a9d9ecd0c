import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProduct } from '../../src/inventory/products';
import { listStock } from '../../src/inventory/query-stock';
import { createWarehouse } from '../../src/inventory/warehouses';
import { runCli, withEmbeddedHub } from '../helpers/cli';
import { TEST_SECRET_KEY } from '../helpers/hub';

describe('omnihub stock import', () => {
  it('imports a stocktake with progress on stderr and a summary; a failed row makes exit 1; a re-run applies nothing twice', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omnihub-stock-'));
    const env = { OMNIHUB_DATA_DIR: dir, OMNIHUB_SECRET_KEY: TEST_SECRET_KEY };
    await withEmbeddedHub(env, async (ctx) => {
      await createWarehouse(ctx, { code: 'CLI-A', name: 'CLI A', priority: 1 });
      await createProduct(ctx, { sku: 'CLI-1', title: 'One' });
      await createProduct(ctx, { sku: 'CLI-2', title: 'Two' });
    });

    const good = path.join(dir, 'count.csv');
    writeFileSync(good, 'sku,warehouse,onHand\nCLI-1,CLI-A,8\nCLI-2,CLI-A,0\n');
    const r = await runCli(['stock', 'import', good], env);
    expect(r.stderr).toMatch(/rows 2\/2/);
    expect(r.stdout).toContain('stock import count.csv: 2 rows, 1 adjusted, 1 unchanged, 0 already imported, 0 errors');
    expect(r.code).toBe(0);

    const again = await runCli(['stock', 'import', good], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('2 rows, 0 adjusted, 0 unchanged, 2 already imported, 0 errors');

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'sku,warehouse,onHand\nCLI-2,CLI-A,3\nCLI-X,CLI-A,1\nCLI-1,CLI-A,lots\n');
    const b = await runCli(['stock', 'import', bad], env);
    expect(b.code).toBe(1);
    expect(b.stdout).toContain('3 rows, 1 adjusted, 0 unchanged, 0 already imported, 2 errors');
    expect(b.stdout).toMatch(/row 3: .*CLI-X/);
    expect(b.stdout).toMatch(/row 4: onHand/);

    const noColumns = path.join(dir, 'nocols.csv');
    writeFileSync(noColumns, 'sku,count\nCLI-1,2\n');
    const n = await runCli(['stock', 'import', noColumns], env);
    expect(n.code).toBe(1);
    expect(n.stderr).toMatch(/no "warehouse" column/);

    expect((await runCli(['stock', 'import'], env)).code).toBe(2);
    expect((await runCli(['stock', 'import', path.join(dir, 'missing.csv')], env)).code).toBe(2);

    const levels = await withEmbeddedHub(env, (ctx) => listStock(ctx, {}));
    expect(levels.items.map((l) => [l.sku, l.onHand])).toEqual([['CLI-1', 8], ['CLI-2', 3]]);
  }, 120_000);

  it('is listed in the help', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omnihub-stock-'));
    const r = await runCli(['--help'], { OMNIHUB_DATA_DIR: dir });
    expect(r.stdout).toMatch(/stock\s+Stocktake import/);
    const s = await runCli(['stock', '--help'], { OMNIHUB_DATA_DIR: dir });
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('onHand');
    expect(s.stdout).toContain('--opening');
  });
});
