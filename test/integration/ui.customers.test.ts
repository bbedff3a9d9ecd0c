import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { computeRfm } from '../../src/customers/compute-rfm';
import { resolveAllUnlinked } from '../../src/customers/resolve-customers';
import { connection, seedOrders } from './customers.helpers';
import { createUiHub, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;
let csrf: string;
let twId: string;
let orderIds: string[];

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  const shop = await connection(t, 'Shop');
  orderIds = await seedOrders(t, [
    { connectionId: shop, channel: 'shopify', customer: { name: '陳大文', email: 'family@example.tw', phone: '0912-345-678' }, ship: { country: 'TW', city: '臺北市', line1: '信義路五段7號' }, totalMinor: 150_000, currency: 'TWD' },
    { connectionId: shop, channel: 'shopify', customer: { name: '陳小文', email: 'family@example.tw' }, totalMinor: 30_000, currency: 'TWD' },
  ]);
  await resolveAllUnlinked(t.hub.ctx);
  await computeRfm(t.hub.ctx);
  twId = (await t.api('GET', '/api/v1/customers?q=family@example.tw')).body.items[0].id;
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t?.close());

describe('the customer screens', () => {
  it('lists customers in the nav with search (Chinese names), order count and LTV in the currency', async () => {
    const res = await t.page('GET', `/customers?q=${encodeURIComponent('大文')}`, { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<a href="/customers" aria-current="page">Customers</a>');
    expect(html).toContain('陳大文');
    expect(html).toMatch(/data-col="orderCount">2</);
    expect(html).toMatch(/NT\$1,800/);
  });

  it('shows the list in Simplified and Traditional Chinese', async () => {
    const cn = await (await t.page('GET', '/customers?lang=zh-CN', { cookie, headers: { 'accept-language': 'zh-CN' } })).text();
    expect(cn).toContain('累计消费');
    const tw = await (await t.page('GET', '/customers?lang=zh-TW', { cookie, headers: { 'accept-language': 'zh-TW' } })).text();
    expect(tw).toContain('累計消費');
  });

  it('shows the profile, adds a note and a tag, and splits two people sharing an email', async () => {
    const page = await (await t.page('GET', `/customers/${twId}`, { cookie })).text();
    expect(page).toContain('+886912345678');
    expect(page).toContain('臺北市');
    const note = await t.page('POST', `/customers/${twId}/notes`, { cookie, form: { _csrf: csrf, body: '喜歡烏龍茶' } });
    expect(note.status).toBe(303);
    const tag = await t.page('POST', `/customers/${twId}/tags`, { cookie, form: { _csrf: csrf, add: '熟客' } });
    expect(tag.status).toBe(303);
    const after = await (await t.page('GET', `/customers/${twId}?done=saved`, { cookie })).text();
    expect(after).toContain('喜歡烏龍茶');
    expect(after).toContain('熟客');
    const split = await t.page('POST', `/customers/${twId}/split`, { cookie, form: { _csrf: csrf, orderIds: [orderIds[1]!], name: '陳小文' } });
    expect(split.status).toBe(303);
    const newId = /\/customers\/([0-9a-f-]{36})\?done=split/.exec(split.headers.get('location') ?? '')?.[1];
    expect(newId).toBeDefined();
    const created = await (await t.page('GET', `/customers/${newId}`, { cookie })).text();
    expect(created).toContain('陳小文');
    // Split off just now, not scored yet: no segment, so nothing (not a dash) beside the name.
    expect(created).toContain('<h1>陳小文</h1>');
    // Contact and purchase facts are label–value grids, like every other detail page.
    expect(created.match(/<dl class="kv">/g)).toHaveLength(2);
    expect((await t.api('GET', `/api/v1/customers/${twId}`)).body.orderCount).toBe(1);
  });

  it('saves a rule segment from the segments screen, refusing rules that do not validate', async () => {
    const bad = await t.page('POST', '/customers/segments', { cookie, form: { _csrf: csrf, name: 'bad', rules: '{"rules":[{"field":"sql","value":"1=1"}]}' } });
    expect(bad.status).toBe(400);
    const ok = await t.page('POST', '/customers/segments', { cookie, form: { _csrf: csrf, name: 'Taiwan big spenders', rules: '{"rules":[{"field":"ltv","op":"gte","currency":"TWD","amountMinor":100000}]}' } });
    expect(ok.status).toBe(303);
    const html = await (await t.page('GET', '/customers/segments', { cookie })).text();
    expect(html).toContain('Taiwan big spenders');
    const csv = await t.page('GET', `/customers/export.csv?segment=${(await t.api('GET', '/api/v1/customer-segments')).body.items[0].id}`, { cookie });
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('陳大文');
    expect(text).not.toContain('陳小文');
  });

  it('rescores RFM now from the segments screen and the API, without waiting for the daily job', async () => {
    const shop = await connection(t, 'Late shop');
    await seedOrders(t, [{ connectionId: shop, channel: 'shopify', customer: { name: 'Nina Late', email: 'nina@late.example' }, totalMinor: 5_000, currency: 'USD' }]);
    // Not linked, not scored yet: the daily job has not run since this order came in.
    expect((await t.api('GET', '/api/v1/customers?q=nina@late.example')).body.items).toEqual([]);
    const page = await (await t.page('GET', '/customers/segments', { cookie })).text();
    expect(page).toContain('action="/customers/segments/rfm"');
    const forged = await t.page('POST', '/customers/segments/rfm', { cookie, form: {} });
    expect(forged.status).toBe(403);
    const res = await t.page('POST', '/customers/segments/rfm', { cookie, form: { _csrf: csrf } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/RFM recomputed: \d+ customers scored, \d+ moved to another segment\./);
    const nina = (await t.api('GET', '/api/v1/customers?q=nina@late.example')).body.items[0];
    expect(nina.segment).not.toBeNull();
    expect(nina.rfm).toEqual({ r: expect.any(Number), f: expect.any(Number), m: expect.any(Number) });
    const scored = Number(/RFM recomputed: (\d+) customers scored/.exec(html)![1]);
    const counts = [...html.matchAll(/data-col="customers">(\d+)</g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(counts).toBe(scored);

    const api = await t.api('POST', '/api/v1/customer-segments/rfm/compute');
    expect(api.status).toBe(200);
    expect(api.body).toEqual({ scored, changed: 0 });
    const viewer = (await createApiKey(t.hub.ctx, { name: 'rfm viewer', role: 'viewer' })).key;
    expect((await t.api('POST', '/api/v1/customer-segments/rfm/compute', undefined, { authorization: `Bearer ${viewer}` })).status).toBe(403);
  });

  it('lets viewers read but not write', async () => {
    const viewer = (await createApiKey(t.hub.ctx, { name: 'viewer', role: 'viewer' })).key;
    const s = await t.login(viewer);
    const html = await (await t.page('GET', `/customers/${twId}`, { cookie: s.cookie })).text();
    expect(html).not.toContain(`action="/customers/${twId}/notes"`);
    const res = await t.page('POST', `/customers/${twId}/notes`, { cookie: s.cookie, form: { _csrf: s.csrf, body: 'x' } });
    expect(res.status).toBe(403);
  });
});
