import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/hub';

/**
 * Every GET route of the OpenAPI document, each of its query parameters (and the common ones) set to
 * values that break naive parsing: days that do not exist, timestamps out of range, cursors holding
 * them, NUL characters, huge numbers, long strings. None may answer 5xx. And a NUL character inside a
 * JSON string — which PostgreSQL text cannot hold — is a 400 naming the field, on any route.
 */
let t: TestHub;
let connectionId: string;
beforeAll(async () => {
  // No rate limit: a 429 would hide what the route itself answers.
  t = await createTestHub({ queue: 'embedded', env: { OMNIHUB_API_RATE: '0' } });
  const created = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Odd input shop', config: { webhookSecret: 'odd-secret', pollIntervalSeconds: 0 } });
  connectionId = created.body.id;
});
afterAll(async () => t?.close());

const cursor = (...parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
const uuid = '00000000-0000-4000-8000-000000000000';
const ODD = [
  '2026-02-30', '2026-13-01', '2026-02-30T10:00:00Z', '2026-01-01T25:00:00Z', '-1', '0', 'NaN', '1e309', '99999999999999999999',
  'x'.repeat(3000), '%', '\u0000', 'a\u0000b', 'true', 'ZZZ', 'usd', ',',
  cursor('2026-02-30', 'x', uuid), cursor('2026-02-30', uuid), cursor('2026-02-30T10:00:00.000000Z', uuid), cursor('2026-01-01T10:00:00Z', 'not-a-uuid'),
  cursor('x', 'y'), cursor('1', '2', '3', '4'),
];
const COMMON = ['cursor', 'limit', 'at', 'from', 'to', 'month', 'currency'];

describe('odd input', () => {
  it('no GET route answers 5xx to odd query values', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, { get?: { parameters?: Array<{ in: string; name: string }> } }> };
    const fivexx: string[] = [];
    let sent = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!item.get) continue;
      const names = new Set([...(item.get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name), ...COMMON]);
      const concrete = path.replace(/\{[^}]+\}/g, connectionId);
      for (const name of names) {
        for (const v of ODD) {
          const res = await t.app.request(`${concrete}?${name}=${encodeURIComponent(v)}`, { headers: { authorization: `Bearer ${t.adminKey}` } });
          sent++;
          if (res.status >= 500) fivexx.push(`${res.status} GET ${path}?${name}=${JSON.stringify(v.slice(0, 40))}`);
        }
      }
    }
    process.stdout.write(`[odd input] ${sent} GET requests over ${Object.keys(doc.paths).length} paths, ${fivexx.length} answered 5xx\n`);
    expect(sent).toBeGreaterThan(5000);
    expect(fivexx).toEqual([]);
  });

  it.each([
    ['/api/v1/products', { sku: 'NUL-1', title: 'a\u0000b' }, 'title'],
    ['/api/v1/suppliers', { code: 'NUL', name: 'Mill\u0000', currency: 'USD' }, 'name'],
    ['/api/v1/orders', { currency: 'USD', lines: [{ sku: 'X', title: 'ok', quantity: 1, unitPriceMinor: 100 }, { sku: 'Y', title: '\u0000', quantity: 1, unitPriceMinor: 100 }] }, 'lines.1.title'],
    ['/api/v1/payments', { customerRef: 'C\u0000', reference: 'x', currency: 'USD', amountMinor: 1, receivedDate: '2026-01-01' }, 'customerRef'],
    ['/api/v1/keys', { name: 'key\u0000', role: 'viewer' }, 'name'],
  ])('POST %s with a NUL character in a string is a 400 naming it', async (path, body, field) => {
    const r = await t.api('POST', path, body);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.errors).toEqual([{ path: field, message: 'must not contain a NUL character' }]);
  });

  it('a NUL character in a query parameter is a 400 naming it', async () => {
    const r = await t.api('GET', '/api/v1/audit?actor=a%00b');
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ path: 'actor', message: 'must not contain a NUL character' }]);
    // Without one, the same routes answer as before.
    expect((await t.api('GET', '/api/v1/audit?actor=anonymous')).status).toBe(200);
    expect((await t.api('POST', '/api/v1/products', { sku: 'NUL-OK', title: 'plain' })).status).toBe(201);
  });
});
