import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../src/errors';
import { recordRequests, useMswServer } from '../../test/helpers/msw';
import { HttpClient, parseRetryAfter, type HttpClientOptions } from './http';
import { MemoryRateGovernor, shopifyCallLimitSignal } from './rate-governor';

const BASE = 'https://api.kit-test.example';
const server = useMswServer();
const seen = recordRequests(server);

function client(extra: Partial<HttpClientOptions> = {}) {
  const governor = new MemoryRateGovernor();
  const c = new HttpClient({
    baseUrl: BASE, baseUrlField: 'config.baseUrl', rateKey: 'kit:test', bucket: { capacity: 40, refillPerSecond: 2 },
    governor, label: 'kit', minBackoffMs: 20, maxBackoffMs: 100, retries: 3, ...extra,
  });
  return { c, governor };
}

function hits(path: string) {
  return seen.filter((s) => s.url.pathname === path).length;
}

describe('kit http client', () => {
  it('retries a 5xx and returns the success that follows', async () => {
    let n = 0;
    server.use(http.get(`${BASE}/flaky`, () => (++n < 3 ? new HttpResponse('oops', { status: 503 }) : HttpResponse.json({ ok: true }))));
    const { c } = client();
    const res = await c.request({ path: '/flaky' });
    expect(res.json()).toEqual({ ok: true });
    expect(n).toBe(3);
  });

  it('does not retry a permanent 401, 404 or 422 and says so on the error', async () => {
    for (const status of [401, 403, 404, 422]) {
      server.use(http.get(`${BASE}/perm${status}`, () => HttpResponse.json({ errors: 'no' }, { status })));
      const { c } = client();
      const err = await c.request({ path: `/perm${status}` }).catch((e) => e);
      expect(err).toBeInstanceOf(RemoteError);
      expect(err.retryable).toBe(false);
      expect(err.remoteStatus).toBe(status);
      expect(hits(`/perm${status}`)).toBe(1);
    }
  });

  it('honours Retry-After on a 429 before the next attempt', async () => {
    let n = 0;
    const times: number[] = [];
    server.use(http.get(`${BASE}/limited`, () => {
      times.push(Date.now());
      return ++n === 1 ? new HttpResponse(null, { status: 429, headers: { 'retry-after': '1' } }) : HttpResponse.json({ ok: 1 });
    }));
    const { c } = client();
    await c.request({ path: '/limited' });
    expect(n).toBe(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('retries a 429 without Retry-After with back-off, and gives up after the retries as retryable', async () => {
    server.use(http.get(`${BASE}/always429`, () => new HttpResponse(null, { status: 429 })));
    const { c } = client({ retries: 2 });
    const err = await c.request({ path: '/always429' }).catch((e) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.retryable).toBe(true);
    expect(hits('/always429')).toBe(3);
  });

  it('times out a slow answer and retries it', async () => {
    let n = 0;
    server.use(http.get(`${BASE}/slow`, async () => {
      if (++n === 1) await new Promise((r) => setTimeout(r, 500));
      return HttpResponse.json({ n });
    }));
    const { c } = client({ timeoutMs: 100 });
    const res = await c.request({ path: '/slow' });
    expect(res.json()).toEqual({ n: 2 });
  });

  it('treats a connection error as transient', async () => {
    let n = 0;
    server.use(http.get(`${BASE}/reset`, () => (++n === 1 ? HttpResponse.error() : HttpResponse.json({ ok: 1 }))));
    const { c } = client();
    await c.request({ path: '/reset' });
    expect(n).toBe(2);
  });

  it('refuses a base URL on a private address unless allowed, before any call', async () => {
    const { c } = client({ baseUrl: 'http://127.0.0.1:9', label: 'kit' });
    const err = await c.request({ path: '/x' }).catch((e) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/config\.baseUrl/);
    server.use(http.get('http://127.0.0.1:9/x', () => HttpResponse.json({ ok: 1 })));
    const allowed = client({ baseUrl: 'http://127.0.0.1:9', allowedPrivateHosts: ['127.0.0.1'] });
    expect((await allowed.c.request({ path: '/x' })).json()).toEqual({ ok: 1 });
  });

  it('refuses to follow an absolute link to another origin', async () => {
    const { c } = client();
    const err = await c.request({ path: 'https://elsewhere.example/steal' }).catch((e) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.retryable).toBe(false);
  });

  it('feeds the platform signal to the governor, and a 401 message carries no token', async () => {
    server.use(http.get(`${BASE}/signal`, () => HttpResponse.json({}, { headers: { 'x-shopify-shop-api-call-limit': '39/40' } })));
    const { c, governor } = client({
      readSignal: (r) => shopifyCallLimitSignal(r.headers.get('x-shopify-shop-api-call-limit')),
      auth: () => ({ authorization: 'Bearer sekret-token-123' }),
    });
    await c.request({ path: '/signal' });
    // 1 token left of 40: an incremental pull (must leave 20%) waits, a webhook-triggered fetch does not.
    expect(governor.peekWait('kit:test', 1, 'incremental', { capacity: 40, refillPerSecond: 2 })).toBeGreaterThan(0);
    expect(governor.peekWait('kit:test', 1, 'webhook', { capacity: 40, refillPerSecond: 2 })).toBe(0);
    server.use(http.get(`${BASE}/deny`, () => HttpResponse.json({ errors: 'bad' }, { status: 401 })));
    const err = await c.request({ path: '/deny', priority: 'webhook' }).catch((e) => e);
    expect(String(err.message)).not.toContain('sekret');
  });

  it('retries a 401 once after the token source was refreshed', async () => {
    let n = 0;
    server.use(http.get(`${BASE}/reauth`, ({ request }) => {
      n++;
      return request.headers.get('authorization') === 'Bearer new' ? HttpResponse.json({ ok: 1 }) : new HttpResponse(null, { status: 401 });
    }));
    let token = 'old';
    const { c } = client({ auth: () => ({ authorization: `Bearer ${token}` }), onUnauthorized: () => ((token = 'new'), true) });
    expect((await c.request({ path: '/reauth' })).json()).toEqual({ ok: 1 });
    expect(n).toBe(2);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
