import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { loadConfig } from '../../src/config';
import { openHub } from '../../src/hub';
import { createLogger } from '../../src/logger';
import { verifyPassword } from '../../src/auth/users';
import { ROOT } from '../helpers/cli';
import { TEST_SECRET_KEY } from '../helpers/hub';
import { REDIS_URL } from '../helpers/servers';
import { createUiHub, type UiHub } from './ui.support';

/** The CLI on an embedded data directory, with optional stdin. */
function cli(args: string[], dataDir: string, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'silent', OMNIHUB_DATA_DIR: dataDir, OMNIHUB_SECRET_KEY: TEST_SECRET_KEY },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

describe('omnihub users / keys on the command line', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'omnihub-cli-ops-'));

  it('creates users (generated password printed once, or read from stdin) and scoped keys', { timeout: 300_000 }, async () => {
    const generated = await cli(['users', 'create', '--email', 'Eve@Example.com', '--role', 'accountant', '--locale', 'zh-CN'], dataDir);
    expect(generated.code, generated.stderr).toBe(0);
    const password = generated.stdout.trim();
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(generated.stderr).toContain('eve@example.com (accountant)');
    const piped = await cli(['users', 'create', '--email', 'fay@example.com', '--role', 'viewer'], dataDir, 'my piped password 123\n');
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe('');
    const short = await cli(['users', 'create', '--email', 'gus@example.com', '--role', 'viewer'], dataDir, 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('password');

    const scoped = await cli(['keys', 'create', '--role', 'operator', '--scope', 'orders:read', '--scope', 'stock:write'], dataDir);
    expect(scoped.code, scoped.stderr).toBe(0);
    expect(scoped.stdout.trim()).toMatch(/^ohk_/);
    expect(scoped.stderr).toContain('scopes orders:read, stock:write');
    const badScope = await cli(['keys', 'create', '--role', 'operator', '--scope', 'root'], dataDir);
    expect(badScope.code).toBe(2);
    expect((await cli(['keys', 'list'], dataDir)).stdout).toContain('[orders:read,stock:write]');

    // The passwords work (and only they do).
    const hub = await openHub(loadConfig({ OMNIHUB_DATA_DIR: dataDir, OMNIHUB_SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent' }), { log: createLogger('silent') });
    try {
      expect(await verifyPassword(hub.ctx, 'eve@example.com', password)).toMatchObject({ role: 'accountant', locale: 'zh-CN' });
      expect(await verifyPassword(hub.ctx, 'fay@example.com', 'my piped password 123')).toMatchObject({ role: 'viewer' });
      expect(await verifyPassword(hub.ctx, 'fay@example.com', 'my piped password 12')).toBeNull();
    } finally {
      await hub.close();
    }
  });
});

if (!REDIS_URL) process.stdout.write('[skip] Bull Board at /admin/queues: needs REDIS_URL (the embedded queue has its own page, see ops.users.test.ts)\n');
describe.skipIf(!REDIS_URL)('Bull Board at /admin/queues', () => {
  let t: UiHub;
  beforeAll(async () => {
    t = await createUiHub();
  });
  afterAll(() => t?.close());

  it('is served to admins (key or session) and refused to everyone else', async () => {
    const byKey = await t.ui.request('/admin/queues', { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(byKey.status).toBe(200);
    expect(await byKey.text()).toMatch(/bull/i);
    const api = await t.ui.request('/admin/queues/api/queues', { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain('inbox-drain');
    const { cookie } = await t.login();
    expect((await t.page('GET', '/admin/queues', { cookie })).status).toBe(200);
    const viewer = await createApiKey(t.hub.ctx, { name: 'viewer', role: 'viewer' });
    expect((await t.ui.request('/admin/queues', { headers: { authorization: `Bearer ${viewer.key}` } })).status).toBe(403);
    expect((await t.ui.request('/admin/queues/api/queues')).status).toBe(401);
    const browser = await t.page('GET', '/admin/queues', { headers: { accept: 'text/html' } });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/login?next=%2Fadmin%2Fqueues');
  });
});
