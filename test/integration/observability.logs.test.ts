import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatch } from '../../workers/base';
import { processors } from '../../workers/processors';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/logger';
import { createTestHub, TEST_SECRET_KEY, type TestHub } from '../helpers/hub';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SIG_ADMIN_KEY = 'sigterm-test-admin-key-0123456789';

/** A pino logger writing JSON lines into an array. */
function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger('debug', sink), lines };
}

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
});
afterAll(() => t.close());

describe('request and job ids on log lines', () => {
  it('puts the request id on every line written while a request runs, whichever logger writes it, across awaits', async () => {
    const { log, lines } = captureLogger();
    const ctx = { ...t.hub.ctx, log };
    // A detached logger (not ctx.log or a child of it), like a connector's own: it gets the id too.
    const other = createLogger('debug', { write: (s: string) => lines.push(JSON.parse(s)) } as never);
    const app = createApp(ctx, {
      extend: (a) => {
        a.get('/test/slow/:n', async (c) => {
          ctx.log.info({ step: 'before', n: c.req.param('n') }, 'handler');
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
          other.info({ step: 'after', n: c.req.param('n') }, 'handler');
          return c.text('ok');
        });
      },
    });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, n) => app.request(`/test/slow/${n}`)));
    await app.request('/api/v1/orders', { headers: { authorization: `Bearer ${t.adminKey}` } });
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    expect(new Set(ids).size).toBe(20);
    expect(lines.length).toBeGreaterThanOrEqual(20 * 3 + 1);
    expect(lines.filter((l) => !l.requestId)).toEqual([]);
    // Each request's lines carry that request's id (no mix-up between the 20 running at once).
    for (const [n, id] of ids.entries()) {
      const mine = lines.filter((l) => l.requestId === id);
      expect(mine.map((l) => l.step ?? l.msg).sort()).toEqual(['after', 'before', 'request']);
      expect(mine.filter((l) => l.n !== undefined).every((l) => l.n === String(n))).toBe(true);
    }
    const access = lines.find((l) => l.path === '/api/v1/orders')!;
    expect(access).toMatchObject({ msg: 'request', method: 'GET', status: 200 });
    expect(typeof access.requestId).toBe('string');
  });

  it('puts the job id on every line written inside a job', async () => {
    const { log, lines } = captureLogger();
    const outside = createLogger('debug', { write: (s: string) => lines.push(JSON.parse(s)) } as never);
    const dispatch = createDispatch({ ...t.hub.ctx, log }, {
      ...processors,
      'inbox.sweep': async (ctx) => {
        ctx.log.info('inside the job');
        await new Promise((r) => setTimeout(r, 10));
        outside.info('from another logger, after an await');
      },
    });
    await Promise.all([dispatch('inbox.sweep', {}, { id: 'job-a', attempt: 1, maxAttempts: 1 }), dispatch('inbox.sweep', {}, { id: 'job-b', attempt: 1, maxAttempts: 1 })]);
    expect(lines.length).toBe(6);
    for (const id of ['job-a', 'job-b']) {
      const mine = lines.filter((l) => l.jobId === id);
      expect(mine.map((l) => l.msg).sort()).toEqual(['from another logger, after an await', 'inside the job', 'job done']);
      expect(mine.every((l) => l.job === 'inbox.sweep')).toBe(true);
    }
    outside.info('outside any job');
    expect(lines.at(-1)!.jobId).toBeUndefined();
  });
});

/** Starts `omnihub start` as one node process (no npx in between, so signals reach it alone). */
function startHubProcess(): Promise<{ child: ChildProcess; port: number; out: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--port', '0'], {
    cwd: ROOT,
    env: {
      ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'info', OMNIHUB_SECRET_KEY: TEST_SECRET_KEY,
      OMNIHUB_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'omnihub-sig-')), HOST: '127.0.0.1', OMNIHUB_ADMIN_KEY: SIG_ADMIN_KEY,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, sig) => { if (code === null) process.stdout.write(`[child] killed by ${sig}: ${out.slice(-800)}\n`); resolve(code); }));
  return new Promise((resolve, reject) => {
    // Cold start (tsx compile + PGlite migrations) takes long on a loaded 2-core machine.
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${out}`)), 150_000);
    child.stdout!.on('data', () => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        // The signal handlers are installed right after this line is printed: give the process a moment.
        setTimeout(() => resolve({ child, port: Number(m[1]), out: () => out, exited }), 500);
      }
    });
    child.on('exit', () => reject(new Error(`hub exited: ${out}`)));
  });
}

describe('graceful shutdown', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('exits 0 on SIGTERM after closing; a second SIGTERM forces exit while in-flight work holds it', { timeout: 360_000 }, async () => {
    const a = await startHubProcess();
    children.push(a.child);
    const t0 = Date.now();
    a.child.kill('SIGTERM');
    const code = await Promise.race([a.exited, new Promise((r) => setTimeout(() => r('hung'), 20_000))]);
    process.stdout.write(`[shutdown] first hub: exit ${String(code)} after ${Date.now() - t0} ms\n${a.out().slice(-600)}\n`);
    expect(code).toBe(0);
    expect(a.out()).toContain('shutting down');

    const b = await startHubProcess();
    children.push(b.child);
    // A request still arriving (its body half sent) is in flight: the server waits for it before closing.
    const sock = net.connect(b.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(`POST /api/v1/warehouses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SIG_ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"code":`);
    await new Promise((r) => setTimeout(r, 200));
    b.child.kill('SIGTERM');
    const early = await Promise.race([b.exited, new Promise((r) => setTimeout(() => r('still running'), 1500))]);
    expect(early).toBe('still running');
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(1);
    expect(b.out()).toContain('second signal: forcing exit');
    sock.destroy();
  });
});
