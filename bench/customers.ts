import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { computeRfm } from '../src/customers/compute-rfm';
import { refreshCustomerStats } from '../src/customers/customer-stats';
import { resolveAllUnlinked } from '../src/customers/resolve-customers';
import { BENCH_CHANNELS, openBenchHub, seedInChunks } from './support';


/**
 * `npm run bench -- customers [--orders 1000000] [--customers 200000] [--unlinked 50000]`: seeds orders
 * and customers on real PostgreSQL (a skewed spread: few heavy buyers, many one-time ones), links all
 * but `--unlinked` orders, then times the resolver's backfill of the rest and the nightly RFM
 * recomputation (stats refresh + quintile scores + segments), printing seconds and peak RSS.
 */
export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { orders: { type: 'string' }, customers: { type: 'string' }, unlinked: { type: 'string' }, keep: { type: 'boolean' } } });
  const total = Number(values.orders ?? 1_000_000);
  const nCust = Number(values.customers ?? 200_000);
  const unlinked = Number(values.unlinked ?? 50_000);
  const { hub, conns, url, dropDatabase } = await openBenchHub('customers');
  const ctx = hub.ctx;
  try {
    const t0 = performance.now();
    await ctx.db.execute(sql`
      insert into customers (id, name, email)
      select md5('cust' || i)::uuid, (array['王','陳','李','Ada','Wei','Sara'])[1 + i % 6] || ' ' || i, 'customer' || i || '@example.com'
      from generate_series(0, ${nCust - 1}::int) as i`);
    await ctx.db.execute(sql`
      insert into customer_identities (customer_id, kind, value)
      select md5('cust' || i)::uuid, 'email', 'customer' || i || '@example.com' from generate_series(0, ${nCust - 1}::int) as i`);
    await seedInChunks(total, ' orders', (from, to) =>
      // Customer of order i: skewed (squared golden-ratio sequence), so order counts range from 1 to dozens.
      ctx.db.execute(sql`
        insert into orders (connection_id, channel, external_id, number, status, financial_status, fulfillment_status,
          allocation_status, currency, subtotal_minor, tax_minor, shipping_minor, discount_minor, total_minor,
          customer, customer_email, customer_name, ship_country, skus, item_count, ingest_paths, placed_at, source_updated_at)
        select (${JSON.stringify(conns)}::jsonb ->> (i % 6))::uuid, (${JSON.stringify(BENCH_CHANNELS)}::jsonb ->> (i % 6)),
          'EXT-' || i, '#' || (100000 + i),
          (array['open','completed','completed','completed','cancelled'])[1 + (i * 7) % 5],
          (array['paid','paid','paid','refunded','pending'])[1 + (i * 11) % 5],
          'fulfilled', 'allocated', (array['USD','USD','EUR','TWD','JPY'])[1 + i % 5],
          1000 + (i * 37) % 90000, 0, 0, 0, 1000 + (i * 37) % 90000,
          jsonb_build_object('email', 'customer' || c || '@example.com'), 'customer' || c || '@example.com', 'Name ' || c,
          'US', array['SKU-' || (i % 5000)], 1, array['webhook'],
          timestamptz '2024-01-01' + ((i * 613) % 1000000) * interval '60 seconds',
          timestamptz '2024-01-01' + ((i * 613) % 1000000) * interval '60 seconds'
        from (select i, floor(${nCust}::int * power((i * 0.6180339887) % 1, 2))::int as c
              from generate_series(${from}::int, ${to}::int) as i) s`));
    await ctx.db.execute(sql`
      insert into customer_orders (order_id, customer_id, matched_by)
      select o.id, md5('cust' || substr(o.customer_email, 9, strpos(o.customer_email, '@') - 9))::uuid, 'email'
      from orders o where substr(o.external_id, 5)::int < ${total - unlinked}::int`);
    await ctx.db.execute(sql`analyze`);
    const custWithOrders = await ctx.db.execute(sql`select count(distinct customer_id)::int as n from customer_orders`);
    process.stderr.write(`\n  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(custWithOrders.rows[0] as { n: number }).n} customers with orders)\n`);

    console.log(`customers benchmark: ${total} orders, ${nCust} customers, ${unlinked} orders left to the resolver`);
    let s = performance.now();
    const res = await resolveAllUnlinked(ctx);
    const resolveSec = (performance.now() - s) / 1000;
    console.log(`  resolver backfill     ${resolveSec.toFixed(2).padStart(7)} s  (${res.linked} orders linked, ${res.created} customers created; ${Math.round(res.linked / resolveSec)} orders/s)`);
    // The resolver keeps stats current as it links orders; seeded links bypassed it, so fill them once
    // (timed: it is also what a nightly run costs when every customer's stats changed).
    s = performance.now();
    const filled = await refreshCustomerStats(ctx);
    console.log(`  stats fill (all)      ${((performance.now() - s) / 1000).toFixed(2).padStart(7)} s  (${filled} customers written)`);
    for (const label of ['RFM recompute (first)', 'RFM recompute (rerun)']) {
      s = performance.now();
      const r = await computeRfm(ctx);
      const sec = (performance.now() - s) / 1000;
      console.log(`  ${label.padEnd(21)} ${sec.toFixed(2).padStart(7)} s  (stats + scores in one statement; ${r.scored} scored, ${r.changed.length} segment changes; target ≤ 30 s) ${sec <= 30 ? 'OK' : 'SLOW'}`);
    }
    const seg = await ctx.db.execute(sql`select segment, count(*)::int as n from customers where segment is not null group by segment order by n desc`);
    console.log(`  segments: ${(seg.rows as Array<{ segment: string; n: number }>).map((x) => `${x.segment} ${x.n}`).join(', ')}`);
    console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (this process; PostgreSQL does the work)`);
  } finally {
    await hub.close();
    // --keep leaves the database for EXPLAIN sessions (its URL is printed); drop it by hand afterwards.
    if (values.keep) console.log(`  kept ${url}`);
    else await dropDatabase();
  }
}
