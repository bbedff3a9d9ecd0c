import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowed } from '../../src/api/auth';
import { areaOf } from '../../src/auth/scopes';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys';
import { MemoryRateLimiter, RedisRateLimiter } from '../../src/auth/rate-limit';
import { createTestHub, type TestHub } from '../helpers/hub';
import { REDIS_URL } from '../helpers/servers';
import { createUiHub, cookiesOf, type UiHub } from './ui.support';

/** Paths only admins may touch, written out here (not imported) so the test checks the rule, not itself. */
const ADMIN_ONLY = /^\/api\/v1\/(keys|audit|users|webhook-subscriptions)(\/|$)/;

let t: TestHub;
let ops: Array<{ method: string; path: string }>;
const keys: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  ops = Object.entries(doc.paths)
    .filter(([p]) => p.startsWith('/api/v1/'))
    .flatMap(([p, item]) => Object.keys(item).map((m) => ({ method: m.toUpperCase(), path: p.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000') })));
  const ctx = t.hub.ctx;
  keys.viewer = (await createApiKey(ctx, { name: 'viewer', role: 'viewer' })).key;
  keys.operator = (await createApiKey(ctx, { name: 'operator', role: 'operator' })).key;
  keys.accountant = (await createApiKey(ctx, { name: 'accountant', role: 'accountant' })).key;
  const revoked = await createApiKey(ctx, { name: 'revoked', role: 'admin' });
  await revokeApiKey(ctx, revoked.id);
  keys.revoked = revoked.key;
  const expired = await createApiKey(ctx, { name: 'expired', role: 'admin', expiresAt: new Date(Date.now() + 3600_000).toISOString() });
  await ctx.db.execute(sql`update api_keys set expires_at = now() - interval '1 second' where id = ${expired.id}`);
  keys.expired = expired.key;
  keys.ordersRead = (await createApiKey(ctx, { name: 'orders reader', role: 'admin', scopes: ['orders:read'] })).key;
  keys.connectionsRead = (await createApiKey(ctx, { name: 'connections reader', role: 'admin', scopes: ['connections:read'] })).key;
  keys.stockWrite = (await createApiKey(ctx, { name: 'stock writer', role: 'operator', scopes: ['stock:write'] })).key;
  keys.wrong = `ohk_${keys.viewer.slice(4, 12)}_${randomBytes(24).toString('base64url')}`;
});
afterAll(() => t.close());

const call = (op: { method: string; path: string }, key?: string) =>
  t.app.request(op.path, {
    method: op.method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(op.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
    body: op.method === 'GET' ? undefined : '{}',
  });

describe('every /api/v1 route (enumerated from the OpenAPI document)', () => {
  it('covers the routes of the document, new ones included', () => {
    expect(ops.length).toBeGreaterThan(40);
    expect(ops).toContainEqual({ method: 'GET', path: '/api/v1/audit' });
    expect(ops).toContainEqual({ method: 'POST', path: '/api/v1/users' });
  });

  it('puts every route in a scope area, except the admin-only ones (a new module must choose its area)', () => {
    const adminOnly = /^\/api\/v1\/(keys|users|audit|webhook-subscriptions)(\/|$)/;
    const unscoped = [...new Set(ops.filter((o) => !adminOnly.test(o.path) && areaOf(o.path) === null).map((o) => o.path))];
    expect(unscoped).toEqual([]);
    expect(areaOf('/api/v1/reports/sales')).toBe('orders');
    expect(areaOf('/api/v1/reports/profit-and-loss')).toBe('finance');
    expect(areaOf('/api/v1/purchase-orders/00000000-0000-4000-8000-000000000000/receive')).toBe('stock');
  });

  it('refuses a missing, wrong, revoked or expired key with 401', async () => {
    const bad: string[] = [];
    let tried = 0;
    for (const op of ops) {
      for (const [what, key] of [['missing', undefined], ['malformed', 'x'], ['wrong', keys.wrong], ['revoked', keys.revoked], ['expired', keys.expired]] as const) {
        const res = await call(op, key);
        tried++;
        if (res.status !== 401 || !(res.headers.get('content-type') ?? '').includes('problem+json')) bad.push(`${what} ${op.method} ${op.path} -> ${res.status}`);
      }
    }
    process.stdout.write(`[security] ${tried} requests with missing/wrong/revoked/expired keys over ${ops.length} operations, ${bad.length} not 401\n`);
    expect(bad).toEqual([]);
  });

  it('refuses an under-privileged key with 403: viewers writing, non-admins on admin paths, scopes of another area', async () => {
    const bad: string[] = [];
    let tried = 0;
    for (const op of ops) {
      const refusers: Array<[string, string]> = [];
      if (op.method !== 'GET') refusers.push(['viewer', keys.viewer!]);
      if (ADMIN_ONLY.test(op.path)) refusers.push(['operator', keys.operator!], ['accountant', keys.accountant!]);
      if (op.method !== 'GET' && !ADMIN_ONLY.test(op.path) && !allowed('accountant', op.method, op.path)) refusers.push(['accountant', keys.accountant!]);
      // A scoped key reaches its own area only; an admin key scoped to reading narrows to reading.
      const area = areaOf(op.path);
      refusers.push(area === 'orders' ? ['connections:read', keys.connectionsRead!] : ['orders:read', keys.ordersRead!]);
      if (area === 'orders' && op.method !== 'GET') refusers.push(['orders:read writing', keys.ordersRead!]);
      for (const [who, key] of refusers) {
        const res = await call(op, key);
        tried++;
        if (res.status !== 403) bad.push(`${who} ${op.method} ${op.path} -> ${res.status}`);
      }
      // An admin key gets past the door on every route (the answer is the handler's: 2xx or 4xx, never 401/403).
      const admin = await call(op, t.adminKey);
      if (admin.status === 401 || admin.status === 403) bad.push(`admin ${op.method} ${op.path} -> ${admin.status}`);
    }
    process.stdout.write(`[security] ${tried} under-privileged requests over ${ops.length} operations, ${bad.length} not 403\n`);
    expect(bad).toEqual([]);
  });

  it('lets a scoped key do what its scopes cover', async () => {
    expect((await call({ method: 'GET', path: '/api/v1/orders' }, keys.ordersRead)).status).toBe(200);
    expect((await call({ method: 'GET', path: '/api/v1/connections' }, keys.connectionsRead)).status).toBe(200);
    // stock:write includes stock:read; and writing stock gets to the handler (400: the body is empty).
    expect((await call({ method: 'GET', path: '/api/v1/stock' }, keys.stockWrite)).status).toBe(200);
    expect((await call({ method: 'POST', path: '/api/v1/stock/adjustments' }, keys.stockWrite)).status).toBe(400);
    const denied = await call({ method: 'POST', path: '/api/v1/stock/adjustments' }, keys.ordersRead);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { detail: string }).detail).toContain('scopes');
    // Scopes are shown (never the key) and validated.
    const list = await t.api('GET', '/api/v1/keys');
    expect(list.body.items.find((k: { name: string }) => k.name === 'stock writer').scopes).toEqual(['stock:write']);
    const bad = await t.api('POST', '/api/v1/keys', { name: 'x', role: 'viewer', scopes: ['everything'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('scopes.0');
  });
});

describe('rate limits', () => {
  let small: TestHub;
  beforeAll(async () => {
    small = await createTestHub({ queue: 'embedded', env: { OMNIHUB_API_BURST: '5', OMNIHUB_API_RATE: '0.5' } });
  });
  afterAll(() => small.close());

  it('answers 429 problem+json with Retry-After once a key has used its bucket; other keys go on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await small.api('GET', '/api/v1/orders')).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const res = await small.api('GET', '/api/v1/orders');
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.body.code).toBe('rate_limited');
    const other = await createApiKey(small.hub.ctx, { name: 'other', role: 'viewer' });
    expect((await small.app.request('/api/v1/orders', { headers: { authorization: `Bearer ${other.key}` } })).status).toBe(200);
    process.stdout.write(`[rate-limit] 8 requests on a bucket of 5: ${statuses.filter((s) => s === 429).length + 1} answered 429\n`);
  });

  it('refills the bucket over time (token bucket)', async () => {
    let now = 0;
    const l = new MemoryRateLimiter(() => now);
    const spec = { capacity: 2, refillPerSec: 1 };
    expect((await l.take('k', spec)).ok).toBe(true);
    expect((await l.take('k', spec)).ok).toBe(true);
    const refused = await l.take('k', spec);
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 1000 });
    now = 500;
    expect((await l.take('k', spec)).ok).toBe(false);
    now = 1000;
    expect((await l.take('k', spec)).ok).toBe(true);
    now = 60_000;
    expect((await l.take('k', spec)).remaining).toBe(1);
  });

  it.skipIf(!REDIS_URL)('shares one bucket between processes through Redis', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const a = new RedisRateLimiter(REDIS_URL!, prefix);
    const b = new RedisRateLimiter(REDIS_URL!, prefix);
    try {
      const spec = { capacity: 3, refillPerSec: 0.01 };
      const got = [await a.take('k', spec), await b.take('k', spec), await a.take('k', spec), await b.take('k', spec)];
      expect(got.map((d) => d.ok)).toEqual([true, true, true, false]);
      expect(got[3]!.retryAfterMs).toBeGreaterThan(1000);
    } finally {
      await a.reset('k');
      await a.close();
      await b.close();
    }
  });
});

describe('login rate limits', () => {
  let u: UiHub;
  beforeAll(async () => {
    u = await createUiHub({ queue: 'embedded', env: { OMNIHUB_LOGIN_BURST_ACCOUNT: '3', OMNIHUB_LOGIN_BURST_IP: '8' } });
    // A stopped clock: no bucket refills while the (slow, bcrypt) attempts run, whatever the machine's load.
    const frozen = Date.now();
    u.hub.ctx.limiter = new MemoryRateLimiter(() => frozen);
    await u.api('POST', '/api/v1/users', { email: 'dee@example.com', role: 'viewer', password: 'the right password' });
  });
  afterAll(() => u.close());

  async function attempt(form: Record<string, string>) {
    const get = await u.page('GET', '/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(await get.text())![1]!;
    return u.page('POST', '/login', { cookie: cookiesOf(get), form: { _csrf: token, ...form } });
  }

  it('slows guessing per account (429 with Retry-After, even for the right password) and per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt({ email: 'dee@example.com', password: `guess-${i}` })).status);
    const locked = await attempt({ email: 'dee@example.com', password: 'the right password' });
    statuses.push(locked.status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await locked.text()).toContain('Too many sign-in attempts');
    // Other accounts from the same address are not locked by this one (until the address's bucket runs out).
    const others: number[] = [];
    for (let i = 0; i < 6; i++) others.push((await attempt({ email: `nobody${i}@example.com`, password: 'x' })).status);
    expect(others).toEqual([401, 401, 401, 401, 429, 429]);
    process.stdout.write(`[rate-limit] login: ${statuses.length + others.length} attempts, ${[...statuses, ...others].filter((s) => s === 429).length} answered 429\n`);
  });
});
