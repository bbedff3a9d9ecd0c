import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { openHub, type Hub } from '../../src/hub';
import { createLogger } from '../../src/logger';
import { runCli } from '../helpers/cli';
import { TEST_SECRET_KEY } from '../helpers/hub';



describe('omnihub CLI', () => {
  const hubs: Hub[] = [];
  afterAll(async () => {
    for (const h of hubs) await h.close();
  });

  it('prints help with the commands and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['start', 'worker', 'migrate', 'keys']) expect(r.stdout).toContain(cmd);
    expect(r.stdout).toMatch(/Exit codes/);
  });

  it('prints a command\'s help with its options', async () => {
    const r = await runCli(['start', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--demo');
    expect(r.stdout).toContain('--port');
  });

  it('exits 2 on an unknown command, an unknown option, a bad port, and no command', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect((await runCli(['start', '--no-such-flag'])).code).toBe(2);
    expect((await runCli(['start', '--port', 'abc'])).code).toBe(2);
    expect((await runCli([])).code).toBe(2);
    // A worker process needs the shared servers; on the embedded defaults that is a usage error.
    const worker = await runCli(['worker']);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain('DATABASE_URL');
  });

  it('applies migrations to an embedded data dir and exits 0', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'omnihub-cli-'));
    const r = await runCli(['migrate'], { OMNIHUB_DATA_DIR: dataDir, OMNIHUB_SECRET_KEY: TEST_SECRET_KEY });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('migrations applied');
    expect(existsSync(path.join(dataDir, 'pglite'))).toBe(true);
  });

  it('creates a viewer key on the embedded database that then authenticates (and may only read)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'omnihub-cli-'));
    const env = { OMNIHUB_DATA_DIR: dataDir, OMNIHUB_SECRET_KEY: TEST_SECRET_KEY };
    const r = await runCli(['keys', 'create', '--role', 'viewer', '--name', 'reporting'], env);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const key = r.stdout.trim();
    expect(key).toMatch(/^ohk_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}$/);

    const missingRole = await runCli(['keys', 'create'], env);
    expect(missingRole.code).toBe(2);

    const list = await runCli(['keys', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('reporting');
    expect(list.stdout).not.toContain(key);

    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    const hub = await openHub(config, { log: createLogger('silent') });
    hubs.push(hub);
    const app = createApp(hub.ctx);
    const read = await app.request('/api/v1/orders', { headers: { authorization: `Bearer ${key}` } });
    expect(read.status).toBe(200);
    const write = await app.request('/api/v1/keys', {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"name":"x","role":"admin"}',
    });
    expect(write.status).toBe(403);
    const wrong = await app.request('/api/v1/orders', { headers: { authorization: `Bearer ${key.slice(0, -1)}${key.endsWith("X") ? "Y" : "X"}` } });
    expect(wrong.status).toBe(401);
  });
});
