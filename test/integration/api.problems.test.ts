import { createServer, type Server, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { createApp } from '../../src/api/app';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys';
import { openDatabase } from '../../src/db/client';
import { openHub } from '../../src/hub';
import { createLogger } from '../../src/logger';
import { BullQueue } from '../../src/queue/bullmq';
import { EmbeddedQueue } from '../../src/queue/embedded';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
const SECRET = 'webhook-secret-never-shown-1';
const SECRET2 = 'second-secret-never-shown-2';

beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t.close());

async function raw(path: string, init: RequestInit & { key?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('authorization', `Bearer ${init.key ?? t.adminKey}`);
  const res = await t.app.request(path, { ...init, headers });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body, text };
}

describe('bad input gets a 4xx problem naming the field, never a 5xx', () => {
  it('answers malformed JSON with 400 problem+json', async () => {
    for (const path of ['/api/v1/orders', '/api/v1/connections', '/api/v1/keys']) {
      const r = await raw(path, { method: 'POST', body: '{"currency": "USD", ', headers: { 'content-type': 'application/json' } });
      expect(r.status, path).toBe(400);
      expect(r.type).toMatch(/application\/problem\+json/);
      expect(r.body).toMatchObject({ status: 400, title: 'Bad request' });
      expect(r.body.type).toMatch(/^urn:omnihub:problem:/);
      expect(typeof r.body.requestId).toBe('string');
    }
  });

  it('answers wrong types with 400 and errors[].path for each field', async () => {
    const r = await raw('/api/v1/orders', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ currency: 5, lines: [{ title: 'x', quantity: '2', unitPriceMinor: 1.5 }] }),
    });
    expect(r.status).toBe(400);
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['currency', 'lines.0.quantity', 'lines.0.unitPriceMinor']));
    expect(r.body.errors.every((e: { message: string }) => typeof e.message === 'string' && e.message.length > 0)).toBe(true);

    const q = await raw('/api/v1/orders?limit=abc&status=weird');
    expect(q.status).toBe(400);
    expect(q.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['limit', 'status']));
  });

  it('answers a JSON body that is not an object, or has no content type, with 400', async () => {
    for (const body of ['[]', '"text"', 'null', '42']) {
      const r = await raw('/api/v1/orders', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(r.status, body).toBe(400);
    }
    const untyped = await raw('/api/v1/orders', { method: 'POST', body: '{"currency":"USD"}' });
    expect(untyped.status).toBeGreaterThanOrEqual(400);
    expect(untyped.status).toBeLessThan(500);
  });

  it('answers a body over the limit with 413', async () => {
    const big = JSON.stringify({ currency: 'USD', lines: [{ title: 'x'.repeat(t.config.bodyLimitBytes), quantity: 1, unitPriceMinor: 1 }] });
    const r = await raw('/api/v1/orders', { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(r.type).toMatch(/application\/problem\+json/);
  });

  it('answers unknown routes with 404 problem', async () => {
    const r = await raw('/no/such/route', { key: null });
    expect(r.status).toBe(404);
    expect(r.type).toMatch(/application\/problem\+json/);
    expect((await raw('/api/v1/no-such-thing')).status).toBe(404);
  });

  it('answers webhooks for unknown or malformed connection ids with 404', async () => {
    for (const id of ['00000000-0000-4000-8000-00000000abcd', 'not-a-uuid', "1' or '1'='1"]) {
      const r = await raw(`/webhooks/${encodeURIComponent(id)}`, { method: 'POST', body: '{}', key: null });
      expect(r.status, id).toBe(404);
    }
  });
});

describe('authentication and roles', () => {
  let revoked: string;
  let expired: string;
  let viewer: string;
  let operations: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    const r = await createApiKey(t.hub.ctx, { name: 'to revoke', role: 'admin' });
    // Used once first, so a cache of verified keys would be warm.
    expect((await raw('/api/v1/orders', { key: r.key })).status).toBe(200);
    await revokeApiKey(t.hub.ctx, r.id);
    revoked = r.key;
    expired = (await createApiKey(t.hub.ctx, { name: 'expired', role: 'admin', expiresAt: '2020-01-01T00:00:00Z' })).key;
    viewer = (await createApiKey(t.hub.ctx, { name: 'viewer', role: 'viewer' })).key;
    const doc = (await raw('/openapi.json', { key: null })).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/v1'))
      .flatMap(([p, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: p.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001') })));
  });

  it('lists the core paths in an OpenAPI 3.1 document', async () => {
    const doc = (await raw('/openapi.json', { key: null })).body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/health', '/ready', '/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/orders/{id}/cancel', '/api/v1/orders/{id}/hold',
      '/api/v1/orders/{id}/release', '/api/v1/connections', '/api/v1/connections/{id}', '/api/v1/connections/{id}/sync',
      '/api/v1/connections/{id}/sync-runs', '/api/v1/events', '/api/v1/events/{id}/replay', '/webhooks/{connectionId}',
    ]) expect(paths, p).toContain(p);
    expect(doc.paths['/api/v1/orders'].post).toBeDefined();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((await raw('/docs', { key: null })).status).toBe(200);
  });

  it('answers 401 on every /api/v1 operation without a valid key', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
    const variants: Array<[string, Record<string, string>]> = [
      ['missing', {}],
      ['wrong', { authorization: 'Bearer ohk_AAAAAAAA_thisisnotarealkeyatallxxxxxxxxxx' }],
      ['not bearer', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }],
      ['revoked', { authorization: `Bearer ${revoked}` }],
      ['expired', { authorization: `Bearer ${expired}` }],
    ];
    for (const op of operations) {
      for (const [label, headers] of variants) {
        const res = await t.app.request(op.path, {
          method: op.method, headers: { ...headers, 'content-type': 'application/json' },
          body: op.method === 'GET' || op.method === 'DELETE' ? undefined : '{}',
        });
        expect(res.status, `${label} key: ${op.method} ${op.path}`).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
    }
  });

  it('lets a viewer read but answers 403 when it writes', async () => {
    expect((await raw('/api/v1/orders', { key: viewer })).status).toBe(200);
    const write = await raw('/api/v1/orders', {
      key: viewer, method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ currency: 'USD', lines: [{ title: 'x', quantity: 1, unitPriceMinor: 1 }] }),
    });
    expect(write.status).toBe(403);
    expect(write.type).toMatch(/application\/problem\+json/);
    expect((await raw('/api/v1/keys', { key: viewer })).status).toBe(403);
    const n = await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders`);
    expect(Number((n.rows[0] as { n: number }).n)).toBe(0);
  });
});

describe('health and readiness', () => {
  it('answers /health without auth and /ready when the database and queue answer', async () => {
    const h = await raw('/health', { key: null });
    expect(h).toMatchObject({ status: 200, body: { status: 'ok' } });
    const r = await raw('/ready', { key: null });
    expect(r).toMatchObject({ status: 200, body: { status: 'ready', database: true, queue: true } });
  });

  it('answers /ready 503 when the database port is closed', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const database = await openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/nothing`, poolSize: 2 });
    const hub = await openHub(t.config, { database, skipMigrate: true, queue: new EmbeddedQueue(database.db), log: createLogger('silent') });
    const res = await createApp(hub.ctx).request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', database: false });
    await hub.close();
  });

  it('answers /ready 503 promptly when the database accepts connections but never answers', { timeout: 4000 }, async () => {
    // Without its own time limit the probe would wait for the pool's 5 s connect timeout, or forever.
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const database = await openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/nothing`, poolSize: 2 });
    const hub = await openHub(t.config, { database, skipMigrate: true, queue: new EmbeddedQueue(database.db), log: createLogger('silent') });
    const res = await createApp(hub.ctx).request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ database: false, queue: false });
    for (const s of sockets) s.destroy();
    silent.close();
    void hub.close().catch(() => {});
  });

  it('answers /ready 503 when Redis does not answer', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const queue = new BullQueue(`redis://127.0.0.1:${port}`, 'ready-probe');
    const hub = await openHub(t.config, { database: t.hub.database, skipMigrate: true, queue, log: createLogger('silent') });
    const res = await createApp(hub.ctx).request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', database: true, queue: false });
    await queue.close();
  });

  it('answers /ready 503 once the database is closed', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    const hub = await openHub(t.config, { database, queue: new EmbeddedQueue(database.db), log: createLogger('silent') });
    const app = createApp(hub.ctx);
    expect((await app.request('/ready')).status).toBe(200);
    await database.close();
    expect((await app.request('/ready')).status).toBe(503);
  });
});

describe('webhook storage failures', () => {
  it('answers 503 (so the channel retries) when the raw event cannot be stored', async () => {
    const c = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Storage down', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
    const send = (n: number) => {
      const body = JSON.stringify(sandboxOrder('down', n));
      return raw(`/webhooks/${c.body.id}`, {
        key: null, method: 'POST', body,
        headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, body), 'x-sandbox-delivery-id': `down-${n}` },
      });
    };
    expect((await send(1)).status).toBe(202);
    await t.hub.ctx.db.execute(sql`alter table raw_events rename to raw_events_away`);
    try {
      const r = await send(2);
      expect(r.status).toBe(503);
      expect(r.type).toMatch(/application\/problem\+json/);
      expect(r.body).toMatchObject({ code: 'storage_unavailable', retryable: true });
    } finally {
      await t.hub.ctx.db.execute(sql`alter table raw_events_away rename to raw_events`);
    }
    // The channel's retry then lands.
    expect((await send(2)).status).toBe(202);
  });
});

describe('connection secrets', () => {
  it('never returns the webhook secret and stores it encrypted', async () => {
    const created = await raw('/api/v1/connections', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'sandbox', name: 'Secret shop', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.webhookUrl).toBe(`/webhooks/${id}`);
    const bodies = [created.text];
    bodies.push((await raw(`/api/v1/connections/${id}`)).text);
    bodies.push((await raw('/api/v1/connections')).text);
    bodies.push((await raw(`/api/v1/connections/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Renamed' }) })).text);
    const rotated = await raw(`/api/v1/connections/${id}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ config: { webhookSecret: SECRET2 } }),
    });
    expect(rotated.status).toBe(200);
    bodies.push(rotated.text, (await raw(`/api/v1/connections/${id}`)).text);
    for (const b of bodies) {
      expect(b).not.toContain(SECRET);
      expect(b).not.toContain(SECRET2);
    }
    const stored = await t.hub.ctx.db.execute(sql`select config::text as config from connections where id = ${id}`);
    const text = (stored.rows[0] as { config: string }).config;
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET2);
    expect(text).toContain('webhookSecret');
    // The rotated secret is the one that verifies.
    const body = JSON.stringify(sandboxOrder('secret', 1));
    const ok = await raw(`/webhooks/${id}`, { key: null, method: 'POST', body, headers: { 'x-sandbox-signature': signSandboxBody(SECRET2, body), 'x-sandbox-delivery-id': 's-1' } });
    expect(ok.status).toBe(202);
    const old = await raw(`/webhooks/${id}`, { key: null, method: 'POST', body, headers: { 'x-sandbox-signature': signSandboxBody(SECRET, body), 'x-sandbox-delivery-id': 's-2' } });
    expect(old.status).toBe(401);
  });
});
