/**
 * Allocation benchmark (real PostgreSQL): `npm run bench -- allocate [--hot-orders N] [--spread-orders N]
 * [--skus N] [--allocators N] [--batch N] [--only hot|spread]`.
 *
 * Hot SKU: N one-unit orders on one SKU, allocated by 16 concurrent allocators; baseline = pgbench
 * running the single conditional reserve UPDATE on one row with 16 clients for the same duration.
 * Spread: orders of 1–5 lines over SKUs × 3 warehouses; baseline = the same UPDATE on random rows.
 * Prints figures and ratios; asserts nothing about time. Checks 0 oversold.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../src/config';
import type { Ctx } from '../src/context';
import { openDatabase, type Database } from '../src/db/client';
import { migrate } from '../src/db/migrate';
import { openHub } from '../src/hub';
import { allocateOrders } from '../src/inventory/allocate-orders';
import { ALLOCATION_BATCH } from '../src/inventory/allocation-jobs';
import { createLogger } from '../src/logger';
import { EmbeddedQueue } from '../src/queue/embedded';

/** OMNIHUB_ALLOCATION_SLOTS from the environment, to compare caps (the hub's default otherwise). */
const slotsEnv = () => (process.env.OMNIHUB_ALLOCATION_SLOTS ? { OMNIHUB_ALLOCATION_SLOTS: process.env.OMNIHUB_ALLOCATION_SLOTS } : {});

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : def;
}

function pgbenchPath(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const p = path.join(root, v, 'bin', 'pgbench');
    if (existsSync(p)) return p;
  }
  return 'pgbench';
}

/** pgbench with a custom script (-f), no vacuum (-n), for `seconds` (-T); returns tx/s. */
function pgbench(url: string, script: string, clients: number, seconds: number): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'omnihub-pgbench-'));
  const file = path.join(dir, 'reserve.sql');
  writeFileSync(file, script);
  const out = execFileSync(pgbenchPath(), ['-n', '-f', file, '-c', String(clients), '-j', String(Math.min(clients, 4)), '-T', String(seconds), url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const m = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
  if (!m) throw new Error(`could not read pgbench output:\n${out}`);
  return Number(m[1]);
}

export async function freshDatabase(base: string): Promise<{ url: string; database: Database; drop(): Promise<void> }> {
  const name = `omnihub_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), poolSize: 40 });
  await migrate(database);
  return {
    url: u.toString(),
    database,
    async drop() {
      await database.close();
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export async function setup(ctx: Ctx, skus: string[], stock: Array<{ sku: string; wh: number; qty: number }>) {
  const db = ctx.db;
  await db.execute(sql`insert into connections (id, type, name, config) values ('00000000-0000-4000-8000-000000000001', 'manual', 'Bench', '{}'::jsonb) on conflict do nothing`);
  await db.execute(sql`insert into warehouses (code, name, priority) values ('WH-A', 'A', 1), ('WH-B', 'B', 2), ('WH-C', 'C', 3)`);
  for (let i = 0; i < skus.length; i += 5000) {
    await db.execute(sql`insert into products (sku, title) select s, s from jsonb_array_elements_text(${JSON.stringify(skus.slice(i, i + 5000))}::jsonb) s`);
  }
  const wh = (await db.execute(sql`select id from warehouses order by priority`)).rows.map((r) => (r as { id: string }).id);
  for (let i = 0; i < stock.length; i += 5000) {
    const rows = stock.slice(i, i + 5000).map((s) => ({ sku: s.sku, warehouse_id: wh[s.wh], q: s.qty }));
    await db.execute(sql`
      with s as (insert into stock_levels (sku, warehouse_id, on_hand)
        select sku, warehouse_id, q from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(sku text, warehouse_id uuid, q int) returning sku, warehouse_id, on_hand)
      insert into stock_movements (sku, warehouse_id, kind, quantity, on_hand_delta, reason) select sku, warehouse_id, 'receipt', on_hand, on_hand, 'bench' from s where on_hand > 0`);
  }
}

export async function insertOrders(ctx: Ctx, orders: Array<Array<{ sku: string; qty: number }>>, prefix = 'B') {
  const base = Date.UTC(2026, 0, 1);
  for (let i = 0; i < orders.length; i += 2000) {
    const chunk = orders.slice(i, i + 2000).map((lines, j) => ({
      external_id: `${prefix}-${i + j}`, placed_at: new Date(base + (i + j) * 10).toISOString(), skus: [...new Set(lines.map((l) => l.sku))].sort(),
      item_count: lines.reduce((s, l) => s + l.qty, 0), lines,
    }));
    await ctx.db.execute(sql`
      with o as (
        insert into orders (connection_id, channel, external_id, number, status, financial_status, fulfillment_status, currency,
          subtotal_minor, tax_minor, shipping_minor, discount_minor, total_minor, skus, item_count, ingest_paths, placed_at, source_updated_at)
        select '00000000-0000-4000-8000-000000000001', 'manual', x.external_id, x.external_id, 'open', 'paid', 'unfulfilled', 'USD',
          0, 0, 0, 0, 0, x.skus, x.item_count, '{manual}', x.placed_at, x.placed_at
        from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(external_id text, placed_at timestamptz, skus text[], item_count int)
        returning id, external_id)
      insert into order_lines (order_id, position, sku, title, quantity, unit_price_minor)
      select o.id, (l.ord - 1)::int, l.v->>'sku', l.v->>'sku', (l.v->>'qty')::int, 0
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(external_id text, lines jsonb)
      join o on o.external_id = x.external_id
      cross join lateral jsonb_array_elements(x.lines) with ordinality as l(v, ord)`);
  }
}

/**
 * N allocators, each taking batches until none is left. Returns the seconds until the first allocator
 * found nothing left to decide: every order is allocated or backordered and committed by then. (The
 * others, still queued on the SKU lock, only go on to find nothing; their exits are not allocation time.)
 */
async function allocateAll(ctx: Ctx, allocators: number, input: { sku?: string; pending?: boolean; limit: number }): Promise<number> {
  const started = performance.now();
  let doneAt = 0;
  await Promise.all(Array.from({ length: allocators }, async () => {
    for (;;) {
      let r;
      try {
        r = await allocateOrders(ctx, input);
      } catch (err) {
        // A lock timeout is retried, as the queue would.
        if ((err as { code?: string }).code === '55P03' || (err as { cause?: { code?: string } }).cause?.code === '55P03') continue;
        throw err;
      }
      if (r.orders === 0) {
        // Orders skip-locked by another allocator may remain: stop only when none is pending.
        const left = await ctx.db.execute(input.sku
          ? sql`select 1 from orders where allocation_status = 'pending' and skus @> array[${input.sku}]::text[] limit 1`
          : sql`select 1 from orders where allocation_status = 'pending' limit 1`);
        if (left.rows.length === 0) {
          doneAt ||= performance.now();
          return;
        }
        await new Promise((res) => setTimeout(res, 25));
      }
    }
  }));
  return ((doneAt || performance.now()) - started) / 1000;
}

async function verify(ctx: Ctx) {
  const r = (await ctx.db.execute(sql`
    select
      (select count(*)::int from stock_levels where reserved > on_hand or reserved < 0) as oversold_rows,
      (select coalesce(sum(reserved), 0)::int from stock_levels) as reserved,
      (select count(*)::int from order_lines l join orders o on o.id = l.order_id) as lines,
      (select coalesce(sum(quantity), 0)::int from reservations) as held,
      (select count(*)::int from (select s.sku from stock_levels s left join (select sku, warehouse_id, sum(reserved_delta) rs from stock_movements group by 1, 2) m using (sku, warehouse_id) where s.reserved <> coalesce(m.rs, 0)) d) as ledger_drift,
      (select count(*)::int from orders where allocation_status = 'pending') as pending`)).rows[0] as Record<string, number>;
  return r;
}

export async function run(args: string[]): Promise<void> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const allocators = arg(args, 'allocators', 16);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const log = createLogger('silent');

  if (!only || only === 'hot') {
    const hotOrders = arg(args, 'hot-orders', 2000);
    const batch = arg(args, 'batch', ALLOCATION_BATCH); // the job's own batch size
    // Rounds: one allocation of 2,000 orders lasts well under a second, too short to compare with a
    // pgbench run of its length on a shared machine; each round is its own SKU, timed alone and summed.
    const rounds = arg(args, 'rounds', 5);
    const stockA = Math.floor(hotOrders * 0.5);
    const stockB = Math.floor(hotOrders * 0.45);
    const b = await freshDatabase(base);
    const hub = await openHub(loadConfig({ DATABASE_URL: b.url, LOG_LEVEL: 'silent', OMNIHUB_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'), ...slotsEnv() }), { database: b.database, queue: new EmbeddedQueue(b.database.db), skipMigrate: true, log });
    const skus = Array.from({ length: rounds }, (_, r) => `HOT-${r + 1}`);
    await setup(hub.ctx, skus, skus.flatMap((sku) => [{ sku, wh: 0, qty: stockA }, { sku, wh: 1, qty: stockB }, { sku, wh: 2, qty: 0 }]));
    for (const sku of skus) await insertOrders(hub.ctx, Array.from({ length: hotOrders }, () => [{ sku, qty: 1 }]), sku);
    await hub.ctx.db.execute(sql`analyze`);
    let secs = 0;
    const perRound: string[] = [];
    for (const sku of skus) {
      const s = await allocateAll(hub.ctx, allocators, { sku, limit: batch });
      secs += s;
      perRound.push(`${((stockA + stockB) / s).toFixed(0)}`);
    }
    const v = await verify(hub.ctx);
    const allocatedLines = Number((await hub.ctx.db.execute(sql`select count(*)::int as n from orders where allocation_status = 'allocated'`)).rows[0]!.n);
    // Baseline: the single conditional reserve UPDATE on one row, 16 clients, for the same (summed) duration.
    await b.database.db.execute(sql`create table bench_stock (id int primary key, on_hand int not null, reserved int not null default 0, check (reserved <= on_hand))`);
    await b.database.db.execute(sql`insert into bench_stock (id, on_hand) values (1, 2000000000)`);
    const T = Math.max(2, Math.ceil(secs));
    const tps = pgbench(b.url, 'update bench_stock set reserved = reserved + 1 where id = 1 and on_hand - reserved >= 1;\n', allocators, T);
    const rate = allocatedLines / secs;
    const decided = hotOrders * rounds;
    console.log(`hot SKU: ${hotOrders} one-unit orders, stock ${stockA + stockB}, ${allocators} allocators, batch ${batch}, ${rounds} rounds (one SKU each)`);
    console.log(`  allocated ${allocatedLines} lines (${decided - allocatedLines} backordered) in ${secs.toFixed(3)} s = ${rate.toFixed(0)} allocated lines/s (${(decided / secs).toFixed(0)} decided lines/s; per round ${perRound.join(', ')})`);
    console.log(`  baseline pgbench (1 row, ${allocators} clients, ${T} s): ${tps.toFixed(0)} tx/s`);
    console.log(`  ratio allocated lines/s ÷ baseline tx/s = ${(rate / tps).toFixed(2)} (target ≥ 2.0)`);
    console.log(`  oversold rows: ${v.oversold_rows}; reserved ${v.reserved} = held ${v.held}; ledger drift rows ${v.ledger_drift}; pending ${v.pending}`);
    await hub.queue.close();
    await b.drop();
  }

  if (!only || only === 'spread') {
    const spreadOrders = arg(args, 'spread-orders', 50_000);
    const skuCount = arg(args, 'skus', 10_000);
    const batch = arg(args, 'spread-batch', 100);
    const b = await freshDatabase(base);
    const hub = await openHub(loadConfig({ DATABASE_URL: b.url, LOG_LEVEL: 'silent', OMNIHUB_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'), ...slotsEnv() }), { database: b.database, queue: new EmbeddedQueue(b.database.db), skipMigrate: true, log });
    const skus = Array.from({ length: skuCount }, (_, i) => `S${String(i).padStart(5, '0')}`);
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const stock = skus.flatMap((sku) => [0, 1, 2].map((wh) => ({ sku, wh, qty: Math.floor(rnd() * 12) })));
    await setup(hub.ctx, skus, stock);
    const orders = Array.from({ length: spreadOrders }, () => Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => ({ sku: skus[Math.floor(rnd() * skuCount)]!, qty: 1 + Math.floor(rnd() * 2) })));
    const lineCount = orders.reduce((s, o) => s + o.length, 0);
    await insertOrders(hub.ctx, orders);
    const secs = await allocateAll(hub.ctx, allocators, { pending: true, limit: batch });
    const v = await verify(hub.ctx);
    await b.database.db.execute(sql`create table bench_stock (id int primary key, on_hand int not null, reserved int not null default 0, check (reserved <= on_hand))`);
    await b.database.db.execute(sql`insert into bench_stock (id, on_hand) select g, 2000000000 from generate_series(1, ${skuCount}) g`);
    const T = Math.max(1, Math.ceil(secs));
    const tps = pgbench(b.url, `\\set id random(1, ${skuCount})\nupdate bench_stock set reserved = reserved + 1 where id = :id and on_hand - reserved >= 1;\n`, allocators, T);
    const rate = lineCount / secs;
    console.log(`spread: ${spreadOrders} orders, ${lineCount} lines over ${skuCount} SKUs × 3 warehouses, ${allocators} allocators, batch ${batch}`);
    console.log(`  decided ${lineCount} lines in ${secs.toFixed(2)} s = ${rate.toFixed(0)} lines/s (reserved units ${v.reserved})`);
    console.log(`  baseline pgbench (random of ${skuCount} rows, ${allocators} clients, ${T} s): ${tps.toFixed(0)} tx/s`);
    console.log(`  ratio lines/s ÷ baseline tx/s = ${(rate / tps).toFixed(2)} (target ≥ 0.5)`);
    console.log(`  oversold rows: ${v.oversold_rows}; reserved ${v.reserved} = held ${v.held}; ledger drift rows ${v.ledger_drift}; pending ${v.pending}`);
    await hub.queue.close();
    await b.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
