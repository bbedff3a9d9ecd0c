/**
 * `npm run bench -- pull [--orders N] [--page 250]`: a full Shopify backfill into the inbox.
 *
 * A local fake Shopify Admin GraphQL server (node:http on 127.0.0.1, port 0) serves N orders
 * (default 100,000), 250 a page, generated on demand so the fake itself holds no orders. The hub's
 * own `runSync` pulls them (raw events + a checkpoint per page), then the inbox drain normalises and
 * upserts them. Prints orders/s for both phases, the process' peak RSS, and checks the inbox holds
 * exactly N orders. Uses real PostgreSQL when DATABASE_URL is set (a fresh database, dropped after),
 * else in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { closeRateGovernors } from '../connectors/kit/rate-governor';
import { fakeGqlOrder, parseUpdatedAtFilter } from '../connectors/shopify/testing/fake-store';
import { loadConfig } from '../src/config';
import { createConnection } from '../src/connections/manage-connections';
import { runSync } from '../src/connections/run-sync';
import { drainRawEvents } from '../src/inbox/process-raw-events';
import { openHub } from '../src/hub';
import { createLogger } from '../src/logger';
import { freshDatabase } from './support';

const BASE_MS = Date.UTC(2025, 0, 1);
const STEP_MS = 1000;

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
}

/** Order i is updated at BASE + i s; the cursor is the index of the last order served. */
function fakeShopify(total: number) {
  let requests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (req.method !== 'POST' || !req.url?.endsWith('/graphql.json') || req.headers['x-shopify-access-token'] !== 'shpat_bench') {
        res.writeHead(req.headers['x-shopify-access-token'] ? 404 : 401).end('{}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: { first: number; after?: string | null; query?: string } };
      const { from, to } = parseUpdatedAtFilter(body.variables.query);
      const lo = Math.max(0, from === undefined ? 0 : Math.ceil((from - BASE_MS) / STEP_MS));
      const hi = Math.min(total - 1, to === undefined ? total - 1 : Math.floor((to - BASE_MS) / STEP_MS));
      const start = Math.max(lo, body.variables.after ? Number(body.variables.after) + 1 : lo);
      const end = Math.min(hi, start + body.variables.first - 1);
      const nodes = [];
      for (let i = start; i <= end; i++) nodes.push(fakeGqlOrder(i, { updatedAt: new Date(BASE_MS + i * STEP_MS).toISOString(), price: '19.99', quantity: 1 + (i % 3) }));
      const payload = {
        data: { orders: { pageInfo: { hasNextPage: end < hi, endCursor: nodes.length ? String(end) : null }, nodes } },
        extensions: { cost: { requestedQueryCost: 252, actualQueryCost: 252, throttleStatus: { maximumAvailable: 20000, currentlyAvailable: 19000, restoreRate: 1000 } } },
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  return {
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    requests: () => requests,
  };
}

/** Real PostgreSQL when DATABASE_URL is set (a fresh database, dropped after), else the embedded one. */
async function benchDatabase(): Promise<{ url?: string; drop: () => Promise<void> }> {
  if (!process.env.DATABASE_URL) return { drop: async () => {} };
  return freshDatabase('omnihub_bench_pull');
}

export async function run(args: string[]): Promise<void> {
  const total = arg(args, '--orders', 100_000);
  const pageSize = arg(args, '--page', 250);
  const out = (s: string) => process.stdout.write(`${s}\n`);

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  sampler.unref();

  const fake = fakeShopify(total);
  const port = await fake.listen();
  const db = await benchDatabase();
  const config = loadConfig({
    ...(db.url ? { DATABASE_URL: db.url } : { OMNIHUB_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'omnihub-bench-')) }),
    OMNIHUB_SECRET_KEY: randomBytes(32).toString('base64'),
    // The fake platform listens on loopback: the egress guard must be told it is allowed.
    OMNIHUB_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    OMNIHUB_QUEUE_PREFIX: `bench${randomBytes(3).toString('hex')}`,
    LOG_LEVEL: 'warn',
  });
  const hub = await openHub(config, { log: createLogger('warn') });
  out(`pull benchmark: ${total} orders, ${pageSize} a page, database ${db.url ? 'PostgreSQL' : 'PGlite (in memory; set DATABASE_URL for the real figure)'}`);
  try {
    const conn = await createConnection(hub.ctx, {
      type: 'shopify', name: 'bench shop',
      config: { shopDomain: 'bench-shop.myshopify.com', accessToken: 'shpat_bench', baseUrl: `http://127.0.0.1:${port}`, pollIntervalSeconds: 0, pageSize },
    });
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    let lastReport = 0;
    const sync = await runSync(hub.ctx, { connectionId: conn.id, kind: 'backfill', since: new Date(BASE_MS).toISOString() }, (p) => {
      if (p.ordersSeen - lastReport >= 20_000) {
        lastReport = p.ordersSeen;
        out(`  pulled ${p.ordersSeen} (${Math.round(p.ordersSeen / ((performance.now() - t0) / 1000))}/s, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB)`);
      }
    });
    const t1 = performance.now();
    const pullPeak = peakRss;
    // The drain's default batch (500 events per transaction), as the inbox.drain job runs it.
    const drained = await drainRawEvents(hub.ctx, { maxBatches: 1_000_000 });
    const t2 = performance.now();
    const counted = await hub.ctx.db.execute(sql`select count(*)::int as n from orders where connection_id = ${conn.id}`);
    const events = await hub.ctx.db.execute(sql`select count(*)::int as n from raw_events where connection_id = ${conn.id}`);
    const orders = Number((counted.rows[0] as { n: number }).n);
    const rawEvents = Number((events.rows[0] as { n: number }).n);
    const secs = (ms: number) => ms / 1000;
    out(`pull:   ${sync.pages} pages, ${sync.ordersSeen} orders in ${secs(t1 - t0).toFixed(1)} s = ${Math.round(sync.ordersSeen / secs(t1 - t0))} orders/s (raw events stored with a checkpoint per page)`);
    out(`drain:  ${drained.processed} events → orders in ${secs(t2 - t1).toFixed(1)} s = ${Math.round(drained.processed / secs(t2 - t1))} orders/s (failed ${drained.failed})`);
    out(`total:  ${Math.round(orders / secs(t2 - t0))} orders/s from first request to last order in the inbox (${fake.requests()} requests to the fake)`);
    out(`memory: peak RSS ${Math.round(peakRss / 1e6)} MB (before the pull ${Math.round(rssBefore / 1e6)} MB, peak while pulling ${Math.round(pullPeak / 1e6)} MB; target ≤ 300 MB)`);
    const ok = orders === total && rawEvents === total;
    out(`check:  inbox holds ${orders} orders, ${rawEvents} raw events — ${ok ? `exactly ${total}: OK` : `EXPECTED ${total}: MISMATCH`}`);
    if (!ok) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await hub.close();
    await closeRateGovernors();
    await fake.close();
    await db.drop();
  }
}
