import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { createApiKey } from '../../src/auth/api-keys';
import { loadConfig } from '../../src/config';
import { openHub, type Hub } from '../../src/hub';
import { createLogger } from '../../src/logger';
import { BullQueue } from '../../src/queue/bullmq';
import { freePort, postgresBin, PrivatePostgres } from '../helpers/fault-servers';
import { TEST_SECRET_KEY } from '../helpers/hub';
import { REDIS_URL, realServers, skipNote } from '../helpers/servers';

const HANG_MS = 10_000;
const errorLines: string[] = [];

describe.skipIf(!realServers || !postgresBin())(skipNote('fault: PostgreSQL restarted under load'), () => {
  let pg: PrivatePostgres;
  let hub: Hub;
  let app: ReturnType<typeof createApp>;
  let key: string;

  beforeAll(async () => {
    pg = new PrivatePostgres(await freePort());
    await pg.init();
    await pg.start();
    const config = loadConfig({
      DATABASE_URL: pg.url, REDIS_URL: REDIS_URL!, OMNIHUB_QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}`,
      OMNIHUB_SECRET_KEY: TEST_SECRET_KEY, OMNIHUB_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'omnihub-pgfault-')), LOG_LEVEL: 'silent',
    });
    hub = await openHub(config, { log: createLogger('error', { write: (line: string) => errorLines.push(line) } as never) });
    app = createApp(hub.ctx);
    key = (await createApiKey(hub.ctx, { name: 'load', role: 'admin' })).key;
  }, 120_000);
  afterAll(async () => {
    if (hub?.queue instanceof BullQueue) await hub.queue.obliterate();
    await hub?.close().catch(() => {});
    await pg?.destroy();
  });

  it('answers 503 (never hangs, never 500) while the database is down, and recovers on its own', { timeout: 120_000 }, async () => {
    type Sample = { at: number; ms: number; status: number; kind: string };
    const samples: Sample[] = [];
    const created: string[] = [];
    let stop = false;
    let n = 0;
    const one = async (kind: string, init: RequestInit & { path: string }) => {
      const t0 = Date.now();
      const res = await Promise.race([
        app.request(init.path, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }),
        new Promise<null>((r) => setTimeout(() => r(null), HANG_MS)),
      ]);
      samples.push({ at: t0, ms: Date.now() - t0, status: res?.status ?? 0, kind });
      return res;
    };
    const loop = async () => {
      while (!stop) {
        const i = n++;
        if (i % 3 === 0) {
          const code = `PGF-${i}`;
          const res = await one('write', { path: '/api/v1/warehouses', method: 'POST', body: JSON.stringify({ code, name: `Fault ${i}` }) });
          if (res?.status === 201) created.push(code);
        } else if (i % 3 === 1) await one('read', { path: '/api/v1/orders?limit=5', method: 'GET' });
        else await one('ready', { path: '/ready', method: 'GET' });
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const loops = Array.from({ length: 6 }, loop);

    await new Promise((r) => setTimeout(r, 1500));
    const downAt = Date.now();
    await pg.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 3000));
    const restartAt = Date.now();
    await pg.start();
    const upAt = Date.now();
    // Recovery without touching the hub: wait for a run of successful reads.
    let recoveredAt = 0;
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      const recent = samples.filter((s) => s.at > upAt && s.kind === 'read');
      if (recent.length >= 10 && recent.slice(-10).every((s) => s.status === 200)) {
        recoveredAt = recent.at(-10)!.at;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    stop = true;
    await Promise.all(loops);

    const down = samples.filter((s) => s.at >= stoppedAt && s.at + s.ms <= restartAt);
    const hangs = samples.filter((s) => s.status === 0);
    const errors = samples.filter((s) => s.status >= 500 && s.status !== 503);
    const unexpected = down.filter((s) => s.status !== 503);
    const stored = await hub.ctx.db.execute(sql`select code from warehouses where code like 'PGF-%'`);
    const storedCodes = new Set((stored.rows as Array<{ code: string }>).map((r) => r.code));
    const lost = created.filter((c) => !storedCodes.has(c));
    process.stdout.write(`[fault:postgres] requests tried ${samples.length}, while down ${down.length} (503: ${down.filter((s) => s.status === 503).length}, ` +
      `slowest ${Math.max(0, ...down.map((s) => s.ms))} ms); faults injected 1 (immediate stop ${stoppedAt - downAt} ms, down ${upAt - stoppedAt} ms); ` +
      `recovered ${recoveredAt ? recoveredAt - upAt : -1} ms after restart; hangs ${hangs.length}; 5xx other than 503: ${errors.length}; ` +
      `acknowledged writes ${created.length}, items lost ${lost.length}\n`);
    if (errors.length > 0) process.stdout.write(`[fault:postgres] logged errors:\n${errorLines.slice(0, 5).join('')}\n`);
    expect(down.length).toBeGreaterThan(20);
    expect(unexpected.map((s) => `${s.kind} ${s.status}`)).toEqual([]);
    expect(hangs).toEqual([]);
    expect(errors.map((s) => `${s.kind} ${s.status}`)).toEqual([]);
    expect(recoveredAt).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    // Writes work again too.
    const after = await app.request('/api/v1/warehouses', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ code: 'PGF-after', name: 'After' }) });
    expect(after.status).toBe(201);
  });
});
