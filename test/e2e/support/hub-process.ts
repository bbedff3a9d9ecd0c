import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dropRedisPrefix } from '../../../src/queue/drop-redis-prefix';
import { DATABASE_URL, REDIS_URL } from '../../helpers/servers';

export interface HubProcess {
  url: string;
  adminKey: string;
  output: () => string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * Starts the hub as the README says (`omnihub start`), in its own data directory, on a free port;
 * on real servers with a fresh database and queue prefix of its own. Resolves once /ready answers.
 */
export async function startHubProcess(env: Record<string, string> = {}): Promise<HubProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'omnihub-e2e-'));
  const adminKey = `e2e-admin-${randomBytes(12).toString('hex')}`;
  let dbName: string | null = null;
  const extra: Record<string, string> = {};
  if (DATABASE_URL) {
    dbName = `omnihub_e2e_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(DATABASE_URL);
    u.pathname = `/${dbName}`;
    extra.DATABASE_URL = u.toString();
  }
  if (REDIS_URL) {
    extra.REDIS_URL = REDIS_URL;
    extra.OMNIHUB_QUEUE_PREFIX = `e2e${randomBytes(5).toString('hex')}`;
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--port', String(port)], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      OMNIHUB_DATA_DIR: dataDir,
      OMNIHUB_ADMIN_KEY: adminKey,
      OMNIHUB_TIMEZONE: 'Asia/Shanghai',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ...extra,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hub did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    adminKey,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      if (dbName && DATABASE_URL) {
        const admin = new pg.Client({ connectionString: DATABASE_URL });
        await admin.connect();
        await admin.query(`drop database if exists ${dbName} with (force)`);
        await admin.end();
      }
      // Its queues in Redis go with its database.
      if (REDIS_URL && extra.OMNIHUB_QUEUE_PREFIX) await dropRedisPrefix(REDIS_URL, extra.OMNIHUB_QUEUE_PREFIX);
    },
  };
}
