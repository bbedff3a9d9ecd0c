import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config';
import { freshDatabase } from './support';
import { openDatabase } from '../src/db/client';
import { migrate } from '../src/db/migrate';
import { reconcile } from '../src/finance/reconcile-payout';
import { openHub } from '../src/hub';
import { createLogger } from '../src/logger';
import { EmbeddedQueue } from '../src/queue/embedded';

/**
 * `npm run bench -- reconcile [--n 1000000]`: N Shopify-shaped balance transactions against N orders
 * on real PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; a fresh
 * database is created and dropped). Orders and lines are bulk-loaded with multi-row INSERT … SELECT
 * batches; the payout is reconciled by the set-based SQL path (exact keys, fee schedule, per-order
 * amount checks, journals). Prints load and reconcile rates, the result, and peak RSS.
 */
export async function run(args: string[]): Promise<void> {
  const i = args.indexOf('--n');
  const n = i >= 0 ? Number(args[i + 1]) : 1_000_000;
  if (!Number.isInteger(n) || n < 1) throw new Error('--n must be a positive integer');
  const fresh = await freshDatabase('omnihub_bench_rec');
  const url = new URL(fresh.url);
  const database = await openDatabase({ url: url.toString(), poolSize: 4 });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    await migrate(database);
    const config = loadConfig({ DATABASE_URL: url.toString(), OMNIHUB_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'), LOG_LEVEL: 'silent' });
    const hub = await openHub(config, { database, queue: new EmbeddedQueue(database.db), skipMigrate: true, log: createLogger('silent') });
    const db = hub.ctx.db;
    const conn = (await db.execute(sql`insert into connections (type, name, config) values ('shopify', 'bench shop', '{}'::jsonb) returning id`)).rows[0] as { id: string };
    const fee = { percentBps: 290, fixedMinor: 30, toleranceMinor: 0 };
    await db.execute(sql`insert into finance_settings (connection_id, settings) values (${conn.id}, ${JSON.stringify({ rules: { feeSchedule: fee } })}::jsonb)`);

    const t0 = performance.now();
    const batch = 100_000;
    for (let from = 1; from <= n; from += batch) {
      const to = Math.min(n, from + batch - 1);
      await db.execute(sql`
        insert into orders (connection_id, channel, external_id, number, status, financial_status, fulfillment_status, currency,
                            subtotal_minor, tax_minor, shipping_minor, discount_minor, total_minor, placed_at, source_updated_at)
        select ${conn.id}::uuid, 'shopify', (820982911946154508 + g)::text, '#' || g, 'open', 'paid', 'unfulfilled', 'USD',
               1000 + g % 50000, 0, 0, 0, 1000 + g % 50000, timestamptz '2026-01-01' + g * interval '1 second', now()
        from generate_series(${from}::bigint, ${to}::bigint) g`);
    }
    const payout = (await db.execute(sql`
      insert into payouts (connection_id, source, external_id, status, amount_minor, currency, arrival_date)
      values (${conn.id}, 'shopify_payments', 'bench-payout', 'paid', 0, 'USD', '2026-02-01') returning id`)).rows[0] as { id: string };
    for (let from = 1; from <= n; from += batch) {
      const to = Math.min(n, from + batch - 1);
      await db.execute(sql`
        insert into payout_lines (payout_id, external_id, type, category, amount_minor, fee_minor, net_minor, currency, source_order_id, charge_id, processed_at)
        select ${payout.id}::uuid, 't' || g, 'charge', 'charge', a, f, a - f, 'USD', (820982911946154508 + g)::text, 'ch' || g,
               timestamptz '2026-01-01' + g * interval '1 second'
        from generate_series(${from}::bigint, ${to}::bigint) g,
             lateral (select (1000 + g % 50000)::bigint as a) x,
             lateral (select (round(x.a::numeric * 290 / 10000) + 30)::bigint as f) y`);
    }
    await db.execute(sql`update payouts set amount_minor = (select sum(net_minor) from payout_lines where payout_id = ${payout.id}) where id = ${payout.id}`);
    await db.execute(sql`analyze orders`);
    await db.execute(sql`analyze payout_lines`);
    const loadS = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const report = await reconcile(hub.ctx, { payoutId: payout.id });
    const recS = (performance.now() - t1) / 1000;
    const matched = Number(((await db.execute(sql`select count(*)::int as c from payout_lines where payout_id = ${payout.id} and matched_order_id is not null`)).rows[0] as { c: number }).c);
    const clearing = Number(((await db.execute(sql`
      select coalesce(sum(l.debit_minor - l.credit_minor), 0) as b from journal_lines l join journal_entries e on e.id = l.entry_id
      join ledger_accounts a on a.id = l.account_id where e.payout_id = ${payout.id} and a.role = 'clearing'`)).rows[0] as { b: number }).b);
    const t2 = performance.now();
    const again = await reconcile(hub.ctx, { payoutId: payout.id });
    const rerunS = (performance.now() - t2) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);

    const out = [
      `reconcile benchmark: ${n.toLocaleString('en-US')} balance transactions against ${n.toLocaleString('en-US')} orders (PostgreSQL, set-based)`,
      `  load (multi-row INSERT … SELECT):  ${loadS.toFixed(1)} s  (${Math.round((2 * n) / loadS).toLocaleString('en-US')} rows/s)`,
      `  reconcile:                         ${recS.toFixed(1)} s  (${Math.round(n / recS).toLocaleString('en-US')} lines/s)`,
      `  matched: ${matched.toLocaleString('en-US')} / ${n.toLocaleString('en-US')}   breaks: ${report.breaks.length}   status: ${report.status}   clearing after deposit: ${clearing}`,
      `  re-run (idempotent):               ${rerunS.toFixed(1)} s  (matches changed: ${again.changes.matchesChanged ?? again.changes.matches.length}, breaks added: ${again.changes.breaksAdded.length}, journals: ${again.changes.journals.length})`,
      `  peak RSS: ${Math.round(peak / 1024 / 1024)} MB   targets: all matched within 60 s → ${matched === n && recS <= 60 ? 'met' : 'NOT met'}; ≤ 512 MB → ${peak <= 512 * 1024 * 1024 ? 'met' : 'NOT met'}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    await hub.ctx.queue.close();
  } finally {
    clearInterval(sampler);
    await database.close();
    await fresh.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
