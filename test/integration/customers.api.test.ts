import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { computeRfm } from '../../src/customers/compute-rfm';
import { resolveAllUnlinked } from '../../src/customers/resolve-customers';
import { createTestHub, type TestHub } from '../helpers/hub';
import { connection, seedOrders } from './customers.helpers';

let t: TestHub;
const ids: Record<string, string> = {};

async function idByEmail(email: string): Promise<string> {
  const r = await t.api('GET', `/api/v1/customers?q=${encodeURIComponent(email)}`);
  return r.body.items[0].id;
}

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  const shop = await connection(t, 'Shopify');
  const pos = await connection(t, 'POS');
  await seedOrders(t, [
    { connectionId: shop, channel: 'shopify', customer: { name: '陳大文', email: 'tai.man@example.tw', phone: '0912-345-678' }, ship: { country: 'TW', city: '臺北市', line1: '信義路五段7號' }, totalMinor: 120_000 },
    { connectionId: pos, channel: 'square', customer: { name: '陳大文', phone: '+886 912 345 678' }, totalMinor: 80_000, lines: [{ sku: 'TEA-OOLONG', quantity: 3 }] },
    { connectionId: pos, channel: 'square', customer: { name: '王小明', email: 'ming@example.cn' }, totalMinor: 20_000, lines: [{ sku: 'TEA-GREEN', quantity: 1 }] },
    { connectionId: shop, channel: 'shopify', customer: { name: 'Ada Lovelace', email: 'Ada@Example.com' }, totalMinor: 5_000 },
    { connectionId: shop, channel: 'shopify', customer: { name: 'Ada Lovelace', email: 'ada@example.com' }, totalMinor: 7_000, currency: 'EUR' },
    { connectionId: shop, channel: 'shopify', customer: { name: 'Grace Hopper', email: 'grace@example.com' }, totalMinor: 1_000 },
  ]);
  await resolveAllUnlinked(t.hub.ctx);
  await computeRfm(t.hub.ctx);
  ids.tw = await idByEmail('tai.man@example.tw');
  ids.ming = await idByEmail('ming@example.cn');
  ids.ada = await idByEmail('ada@example.com');
  ids.grace = await idByEmail('grace@example.com');
});
afterAll(() => t.close());

describe('GET /api/v1/customers', () => {
  it('lists customers with their order count and stats', async () => {
    const r = await t.api('GET', '/api/v1/customers');
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(4);
    const tw = r.body.items.find((c: { id: string }) => c.id === ids.tw);
    expect(tw).toMatchObject({ name: '陳大文', phone: '+886912345678', orderCount: 2, channels: ['shopify', 'square'], ltvByCurrency: { USD: 200_000 } });
    expect(r.body.items.find((c: { id: string }) => c.id === ids.ada)).toMatchObject({ orderCount: 2, ltvByCurrency: { USD: 5000, EUR: 7000 } });
  });

  it('searches Chinese names by substring, emails in any case, phones in local form', async () => {
    const q = async (text: string) => (await t.api('GET', `/api/v1/customers?q=${encodeURIComponent(text)}`)).body.items.map((c: { id: string }) => c.id);
    expect(await q('陳大文')).toEqual([ids.tw]);
    expect(await q('大文')).toEqual([ids.tw]);
    expect(await q('小明')).toEqual([ids.ming]);
    expect(await q(' ADA@example.COM ')).toEqual([ids.ada]);
    expect(await q('0912 345 678')).toEqual([ids.tw]);
    expect(await q('+886912345678')).toEqual([ids.tw]);
    expect(await q('lovelace')).toEqual([ids.ada]);
    expect(await q('nobody-here')).toEqual([]);
  });

  it('filters by channel, tag and RFM segment', async () => {
    const square = (await t.api('GET', '/api/v1/customers?channel=square')).body.items.map((c: { id: string }) => c.id).sort();
    expect(square).toEqual([ids.tw, ids.ming].sort());
    const tagged = await t.api('POST', `/api/v1/customers/${ids.grace}/tags`, { add: ['VIP', '批發'] });
    expect(tagged.body.tags).toEqual(['VIP', '批發']);
    expect((await t.api('POST', `/api/v1/customers/${ids.grace}/tags`, { add: ['wholesale'], remove: ['VIP'] })).body.tags).toEqual(['wholesale', '批發']);
    expect((await t.api('GET', `/api/v1/customers?tag=${encodeURIComponent('批發')}`)).body.items.map((c: { id: string }) => c.id)).toEqual([ids.grace]);
    const all = (await t.api('GET', '/api/v1/customers')).body.items as Array<{ id: string; segment: string }>;
    for (const c of all) {
      const seg = (await t.api('GET', `/api/v1/customers?segment=${c.segment}`)).body.items.map((x: { id: string }) => x.id);
      expect(seg).toContain(c.id);
      expect(all.filter((x) => x.segment === c.segment).map((x) => x.id).sort()).toEqual(seg.sort());
    }
  });

  it('pages with a keyset cursor: every customer once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.api('GET', `/api/v1/customers?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.items.map((c) => c.id));
      cursor = r.body.nextCursor;
    } while (cursor && seen.length < 20);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
  });

  it('answers 400 naming the field for bad parameters', async () => {
    const cases: Array<[string, string]> = [
      ['/api/v1/customers?limit=0', 'limit'],
      ['/api/v1/customers?segment=vip', 'segment'],
      ['/api/v1/customers?cursor=bm9wZQ', 'cursor'],
      ['/api/v1/customer-tasks?status=later', 'status'],
    ];
    for (const [path, field] of cases) {
      const r = await t.api('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(r.body.errors.map((e: { path: string }) => e.path), path).toContain(field);
    }
  });
});

describe('GET /api/v1/customers/{id}: the profile', () => {
  it('shows contact, addresses, orders across channels, LTV, AOV, favourites, returns hook', async () => {
    const r = await t.api('GET', `/api/v1/customers/${ids.tw}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ orderCount: 2, ordersTotal: 2, aovByCurrency: { USD: 100_000 }, returns: { ordersWithRefundOrReturn: 0, returns: 0 } });
    expect(r.body.orders.map((o: { channel: string }) => o.channel).sort()).toEqual(['shopify', 'square']);
    // A return (RMA) booked for one of the customer's orders shows on the profile.
    const detail = (await t.api('GET', `/api/v1/orders/${r.body.orders[0].id}`)).body;
    const line = detail.lines.find((l: { sku: string | null }) => l.sku);
    const rma = await t.api('POST', `/api/v1/orders/${detail.id}/returns`, { lines: [{ sku: line.sku, quantity: 1 }], reason: 'too big' });
    expect(rma.status).toBe(201);
    expect((await t.api('GET', `/api/v1/customers/${ids.tw}`)).body.returns).toEqual({ ordersWithRefundOrReturn: 0, returns: 1 });
    expect(r.body.favouriteSkus[0]).toMatchObject({ sku: 'TEA-OOLONG', quantity: 3, orders: 1 });
    expect(r.body.addresses).toEqual([expect.objectContaining({ city: '臺北市', country: 'TW' })]);
    expect(r.body.firstOrderAt <= r.body.lastOrderAt).toBe(true);
    expect((await t.api('GET', '/api/v1/customers/00000000-0000-4000-8000-000000000404')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/customers/not-a-uuid')).status).toBe(404);
  });

  it('edits B2B data (credit terms and limit) and notes; refuses bad input naming the field', async () => {
    const p = await t.api('PATCH', `/api/v1/customers/${ids.ming}`, { company: '小明貿易有限公司', b2b: true, creditTermsDays: 30, creditLimit: { amountMinor: 500_000, currency: 'CNY' }, phone: '138 0013 8000', country: 'CN' });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ b2b: true, creditTermsDays: 30, creditLimit: { amountMinor: 500_000, currency: 'CNY' }, phone: '+8613800138000' });
    const bad: Array<[unknown, string]> = [
      [{ creditLimit: { amountMinor: -1, currency: 'CNY' } }, 'creditLimit.amountMinor'],
      [{ creditTermsDays: 9999 }, 'creditTermsDays'],
      [{ phone: '12' }, 'phone'],
      [{ email: 'nope' }, 'email'],
      [{ favouriteColour: 'red' }, ''],
    ];
    for (const [body, field] of bad) {
      const r = await t.api('PATCH', `/api/v1/customers/${ids.ming}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      if (field) expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect((await t.api('POST', `/api/v1/customers/${ids.ming}/notes`, { body: '  ' })).body.errors[0].path).toBe('body');
    const n = await t.api('POST', `/api/v1/customers/${ids.ming}/notes`, { body: '喜歡綠茶，每月補貨' });
    expect(n.status).toBe(201);
    expect((await t.api('GET', `/api/v1/customers/${ids.ming}`)).body.notes[0].body).toBe('喜歡綠茶，每月補貨');
    expect((await t.api('POST', `/api/v1/customers/${ids.ming}/merge`, { sourceId: ids.ming })).body.errors[0].path).toBe('sourceId');
    expect((await t.api('POST', `/api/v1/customers/${ids.ming}/split`, { orderIds: [] })).body.errors[0].path).toBe('orderIds');
  });
});

describe('saved segments', () => {
  it('stores zod-validated rules (no SQL), lists members, exports CSV with BOM', async () => {
    const bad = await t.api('POST', '/api/v1/customer-segments', { name: 'x', rules: { rules: [{ field: 'sql', value: '1=1; drop table customers' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toMatch(/^rules\.rules\.0/);
    const s = await t.api('POST', '/api/v1/customer-segments', {
      name: 'POS big spenders', rules: { match: 'all', rules: [{ field: 'channel', value: 'square' }, { field: 'ltv', op: 'gt', currency: 'USD', amountMinor: 50_000 }] },
    });
    expect(s.status).toBe(201);
    expect((await t.api('POST', '/api/v1/customer-segments', { name: 'POS big spenders', rules: { rules: [{ field: 'b2b', value: true }] } })).status).toBe(409);
    const members = await t.api('GET', `/api/v1/customers?segment=${s.body.id}`);
    expect(members.body.items.map((c: { id: string }) => c.id)).toEqual([ids.tw]);
    const any = await t.api('PATCH', `/api/v1/customer-segments/${s.body.id}`, { rules: { match: 'any', rules: [{ field: 'orderCount', op: 'gte', value: 2 }, { field: 'tag', value: 'wholesale' }] } });
    expect(any.status).toBe(200);
    const m2 = (await t.api('GET', `/api/v1/customers?segment=${s.body.id}`)).body.items.map((c: { id: string }) => c.id).sort();
    expect(m2).toEqual([ids.tw, ids.ada, ids.grace].sort());

    const csv = await t.app.request(`/api/v1/customers/export.csv?segment=${s.body.id}`, { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8').decode(bytes.slice(3));
    const lines = text.trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['id', 'name', 'email', 'phone']);
    expect(lines).toHaveLength(4);
    expect(text).toContain('陳大文');
    expect((await t.app.request('/api/v1/customers/export.csv?segment=00000000-0000-4000-8000-000000000404', { headers: { authorization: `Bearer ${t.adminKey}` } })).status).toBe(404);
    expect((await t.api('DELETE', `/api/v1/customer-segments/${s.body.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/v1/customer-segments/${s.body.id}`)).status).toBe(404);
  });
});

describe('roles', () => {
  it('everyone reads; operators and admins write; viewers and accountants do not', async () => {
    const viewer = (await createApiKey(t.hub.ctx, { name: 'viewer', role: 'viewer' })).key;
    const accountant = (await createApiKey(t.hub.ctx, { name: 'acc', role: 'accountant' })).key;
    const operator = (await createApiKey(t.hub.ctx, { name: 'op', role: 'operator' })).key;
    for (const key of [viewer, accountant, operator]) {
      expect((await t.api('GET', '/api/v1/customers', undefined, { authorization: `Bearer ${key}` })).status).toBe(200);
      expect((await t.api('GET', '/api/v1/customer-tasks', undefined, { authorization: `Bearer ${key}` })).status).toBe(200);
    }
    for (const key of [viewer, accountant]) {
      expect((await t.api('POST', `/api/v1/customers/${ids.ada}/notes`, { body: 'x' }, { authorization: `Bearer ${key}` })).status).toBe(403);
    }
    expect((await t.api('POST', `/api/v1/customers/${ids.ada}/notes`, { body: 'ok' }, { authorization: `Bearer ${operator}` })).status).toBe(201);
  });
});
