import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { drainRawEvents } from '../../src/inbox/process-raw-events';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
let ops: Array<{ method: string; path: string }>;
let connectionId: string;
const SECRET = 'fuzz-webhook-secret';

beforeAll(async () => {
  t = await createTestHub();
  const created = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Fuzz shop', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
  connectionId = created.body.id;
  const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      // Ids in paths: a real connection, a random uuid, or junk — each must be a clean 4xx at worst.
      ops.push({ method: method.toUpperCase(), path });
    }
  }
});
afterAll(() => t.close());

/** Bodies people and bots send: truncated JSON, wrong types, deep nesting, huge strings, binary. */
const junkBody = fc.oneof(
  fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constantFrom('{', '[', '{"lines":[{"quantity":"x"}]}', '{"currency":1}', 'null', '[]', '{"type":"sandbox","name":{},"config":[]}',
    `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`, `"${'x'.repeat(5000)}"`, '{"limit":-1}', '\u0000\u0001'),
);
const idText = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constantFrom('1', '-1', '99999999999999999999', '%00', '..%2F..'));

describe('fuzzing every public route', () => {
  it('never answers 5xx to malformed, truncated, wrongly typed or odd requests', async () => {
    let tried = 0;
    const fivexx: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 10_000 }), junkBody, idText, fc.boolean(), async (pick, body, id, asJson) => {
        const op = ops[pick % ops.length]!;
        const path = op.path.replace(/\{[^}]+\}/g, () => (id.length % 3 === 0 ? connectionId : encodeURIComponent(id)));
        const query = body.length % 2 === 0 ? `?limit=${encodeURIComponent(body.slice(0, 20))}&cursor=${encodeURIComponent(id)}` : '';
        const init: RequestInit = { method: op.method, headers: { authorization: `Bearer ${t.adminKey}` } };
        if (op.method !== 'GET' && op.method !== 'HEAD') {
          init.body = body;
          (init.headers as Record<string, string>)['content-type'] = asJson ? 'application/json' : 'text/plain';
        }
        const res = await t.app.request(`${path}${query}`, init);
        tried++;
        if (res.status >= 500) fivexx.push(`${op.method} ${path}${query} -> ${res.status} ${(await res.text()).slice(0, 200)}`);
      }),
      { numRuns: 1500 },
    );
    process.stdout.write(`[fuzz] ${tried} requests over ${ops.length} operations, ${fivexx.length} answered 5xx\n`);
    expect(fivexx).toEqual([]);
    // Nothing that fuzzing sent became an order.
    const orders = await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders`);
    expect((orders.rows[0] as { n: number }).n).toBeLessThanOrEqual(1500);
  });

  it('webhooks: unsigned junk is refused; signed junk is kept as a dead letter, never an order and never a 5xx', async () => {
    // A connection of its own: the route fuzzing above may have archived or changed the first one.
    // The route fuzzing above may have used up the key's rate limit: wait as told, like any client.
    let created = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Webhook fuzz', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
    for (let i = 0; created.status === 429 && i < 10; i++) {
      await new Promise((r) => setTimeout(r, 1000 * Number(created.body.retryAfterSeconds ?? 1)));
      created = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Webhook fuzz', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
    }
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    connectionId = created.body.id;
    let signedJunk = 0;
    await fc.assert(
      fc.asyncProperty(junkBody, fc.boolean(), async (body, sign) => {
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-sandbox-delivery-id': `fz-${signedJunk}-${body.length}-${Math.random()}` };
        if (sign) headers['x-sandbox-signature'] = signSandboxBody(SECRET, body);
        const res = await t.app.request(`/webhooks/${connectionId}`, { method: 'POST', headers, body });
        expect(res.status).toBeLessThan(500);
        if (!sign) expect(res.status).toBe(401);
        else {
          expect([200, 202]).toContain(res.status);
          signedJunk++;
        }
      }),
      { numRuns: 600 },
    );
    await drainRawEvents(t.hub.ctx);
    const events = await t.hub.ctx.db.execute(sql`
      select status, count(*)::int as n from raw_events where connection_id = ${connectionId} group by status`);
    const by = Object.fromEntries((events.rows as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]));
    const orders = await t.hub.ctx.db.execute(sql`select count(*)::int as n from orders where connection_id = ${connectionId}`);
    process.stdout.write(`[fuzz] webhooks: ${signedJunk} signed junk bodies stored; events by status ${JSON.stringify(by)}\n`);
    expect((orders.rows[0] as { n: number }).n).toBe(0);
    expect(by.pending ?? 0).toBe(0);
    expect((by.failed ?? 0) + (by.ignored ?? 0)).toBe(signedJunk);
  });
});
