import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { openHub, type Hub } from '../src/hub';
import { createLogger } from '../src/logger';
import { EmbeddedQueue } from '../src/queue/embedded';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** A fresh database on the server of DATABASE_URL; dropped by the returned function. */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('set DATABASE_URL (real PostgreSQL) to run this benchmark');
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Starts a TypeScript entry of this repository as a child process and waits for `readyUrl` to answer 200. */
export async function startChild(args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  // BENCH_NODE_ARGS (e.g. --cpu-prof) lets a profile be taken of the process under load.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on("data", (d) => { output += d; if (process.env.BENCH_CHILD_STDERR) process.stderr.write(d); });
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`child exited early:\n${output}`);
    try {
      const r = await fetch(readyUrl);
      if (r.status === 200) return child;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`child did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await done;
  clearTimeout(t);
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** The six channels the seeded benchmarks spread orders over. */
/** Runs `seed(from, to)` over 0…total−1 in chunks of 200,000 rows (inclusive bounds), printing progress. */
export async function seedInChunks(total: number, label: string, seed: (from: number, to: number) => Promise<unknown>): Promise<void> {
  const chunk = 200_000;
  for (let from = 0; from < total; from += chunk) {
    const to = Math.min(total, from + chunk) - 1;
    await seed(from, to);
    process.stderr.write(`\r  seeded ${to + 1}/${total}${label}`);
  }
}

export const BENCH_CHANNELS = ['shopify', 'woocommerce', 'amazon', 'square', 'distributor', 'sandbox'];

/**
 * A hub on a fresh real-PostgreSQL database (embedded queue: these benchmarks call verbs directly),
 * with one connection per bench channel. Close the hub, then `dropDatabase()`.
 */
export async function openBenchHub(name: string): Promise<{ hub: Hub; conns: string[]; url: string; dropDatabase(): Promise<void> }> {
  const db = await freshDatabase(`omnihub_bench_${name}`);
  const database = await openDatabase({ url: db.url, poolSize: 4 });
  const config = loadConfig({ DATABASE_URL: db.url, OMNIHUB_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'), LOG_LEVEL: 'silent', OMNIHUB_DATA_DIR: `/tmp/omnihub-bench-${name}` });
  const hub = await openHub(config, { database, queue: new EmbeddedQueue(database.db), log: createLogger('silent') });
  const conns: string[] = [];
  for (const ch of BENCH_CHANNELS) {
    const r = await hub.ctx.db.execute(sql`insert into connections (type, name, config) values ('sandbox', ${`bench ${ch}`}, '{}'::jsonb) returning id`);
    conns.push((r.rows[0] as { id: string }).id);
  }
  return { hub, conns, url: db.url, dropDatabase: () => db.drop() };
}

/**
 * CPU seconds used so far by each kind of process on this machine (Linux /proc): the given child
 * (`hub`), PostgreSQL's and Redis's server processes, and this process (`client`). A difference of two
 * snapshots shows where the machine's cores went during a run. Empty where /proc is missing.
 */
export function cpuSnapshot(childPid?: number): Map<string, number> {
  const out = new Map<string, number>();
  let tick = 100;
  try {
    tick = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch { /* default */ }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    const secs = (Number(f[11]) + Number(f[12])) / tick; // utime, stime
    const kind = Number(pid) === childPid ? 'hub' : Number(pid) === process.pid ? 'client' : comm.startsWith('postgres') ? 'postgres' : comm.startsWith('redis') ? 'redis' : null;
    if (kind) out.set(kind, (out.get(kind) ?? 0) + secs);
  }
  return out;
}

/** "hub 1.2 s (110 µs/order) · postgres …": the CPU used between two snapshots, per unit of work. */
export function cpuSplit(before: Map<string, number>, after: Map<string, number>, units: number, unit: string): string {
  const parts: string[] = [];
  for (const [kind, end] of after) {
    const used = end - (before.get(kind) ?? 0);
    if (used <= 0) continue;
    parts.push(`${kind} ${used.toFixed(1)} s (${Math.round((used / units) * 1e6)} µs/${unit})`);
  }
  return parts.join(' · ');
}
