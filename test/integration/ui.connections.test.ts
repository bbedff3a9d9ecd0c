import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { sandboxOrder } from '../../connectors/sandbox/generate';
import { createUiHub, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;
let csrf: string;
const SECRET = 'form-secret-value-123';

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  ({ cookie, csrf } = await t.login());
});
afterAll(() => t.close());

async function webhookStatus(id: string, secret: string) {
  const body = JSON.stringify(sandboxOrder('conn', 1));
  const res = await t.app.request(`/webhooks/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(secret, body), 'x-sandbox-delivery-id': `d-${Math.random()}` },
    body,
  });
  return res.status;
}

describe('connections in the UI', () => {
  it('renders the add form from the connector config schema, secrets as write-only password fields', async () => {
    const chooser = await (await t.page('GET', '/connections/new', { cookie })).text();
    expect(chooser).toContain('href="/connections/new?type=sandbox"');
    expect(chooser).not.toContain('type=manual');
    const form = await (await t.page('GET', '/connections/new?type=sandbox', { cookie })).text();
    expect(form).toMatch(/<input id="cfg-ordersPerPull" name="cfg.ordersPerPull"[^>]*type="number"[^>]*min="1" max="1000" value="3"/);
    expect(form).toMatch(/<input id="cfg-webhookSecret" name="cfg.webhookSecret"[^>]*type="password"/);
    expect(form).toContain('<label for="cfg-pollIntervalSeconds">Poll interval (seconds)</label>');
  });

  it('names and explains each field of a real channel\'s form, in the user\'s language', async () => {
    const form = await (await t.page('GET', '/connections/new?type=shopify', { cookie })).text();
    expect(form).toContain('<label for="cfg-apiVersion">API version</label>');
    expect(form).toContain('<label for="cfg-clientId">Client ID</label>');
    expect(form).toContain('<p class="hint" id="cfg-shopDomain-hint">The shop&#39;s permanent domain, e.g. my-shop.myshopify.com.</p>');
    // A secret field says what it is and that it is never shown again.
    expect(form).toMatch(/<p class="hint" id="cfg-accessToken-hint">Admin API access token of a custom app \(shpat_…\)\. Or leave it blank and give the client ID and secret\. Stored encrypted; it is never shown again\.<\/p>/);
    expect(form).toContain('<p class="hint" id="cfg-pollIntervalSeconds-hint">Seconds between pulls; 0 = only on request. Default: 300</p>');
    const zh = await (await t.page('GET', '/connections/new?type=shopify', { cookie, headers: { 'accept-language': 'zh-CN' } })).text();
    expect(zh).toContain('<label for="cfg-shopDomain">店铺域名 *</label>');
    expect(zh).toContain('店铺的永久域名，例如 my-shop.myshopify.com。');
  });

  it('takes a list field as comma-separated text (Amazon marketplaces) and shows it back the same way', async () => {
    const form = await (await t.page('GET', '/connections/new?type=amazon', { cookie })).text();
    expect(form).toMatch(/<input id="cfg-marketplaceIds" name="cfg.marketplaceIds"[^>]*type="text"/);
    expect(form).toContain('Several values: separate them with commas.');
    const res = await t.page('POST', '/connections', {
      cookie,
      form: {
        _csrf: csrf, type: 'amazon', name: 'Amazon US+DE', 'cfg.sellerId': 'A1SELLER', 'cfg.marketplaceIds': 'ATVPDKIKX0DER, A1PA6795UKMFR9',
        'cfg.region': 'na', 'cfg.lwaClientId': 'amzn1.application-oa2-client.test', 'cfg.lwaClientSecret': 'lwa-secret', 'cfg.refreshToken': 'Atzr|test', 'cfg.pollIntervalSeconds': '0',
      },
    });
    expect(res.status).toBe(303);
    const id = /\/connections\/([0-9a-f-]{36})/.exec(res.headers.get('location')!)![1]!;
    expect((await t.api('GET', `/api/v1/connections/${id}`)).body.config.marketplaceIds).toEqual(['ATVPDKIKX0DER', 'A1PA6795UKMFR9']);
    const page = await (await t.page('GET', `/connections/${id}`, { cookie })).text();
    expect(page).toMatch(/name="cfg.marketplaceIds"[^>]*value="ATVPDKIKX0DER, A1PA6795UKMFR9"/);
    // One per line works too; an empty list is refused next to the field, and nothing changes.
    const edit = await t.page('POST', `/connections/${id}`, { cookie, form: { _csrf: csrf, name: 'Amazon US', 'cfg.sellerId': 'A1SELLER', 'cfg.marketplaceIds': 'ATVPDKIKX0DER\n', 'cfg.region': 'na', 'cfg.lwaClientId': 'amzn1.application-oa2-client.test', 'cfg.pollIntervalSeconds': '0' } });
    expect(edit.status).toBe(303);
    expect((await t.api('GET', `/api/v1/connections/${id}`)).body.config.marketplaceIds).toEqual(['ATVPDKIKX0DER']);
    const empty = await t.page('POST', `/connections/${id}`, { cookie, form: { _csrf: csrf, name: 'Amazon US', 'cfg.sellerId': 'A1SELLER', 'cfg.marketplaceIds': ' , ', 'cfg.region': 'na', 'cfg.lwaClientId': 'amzn1.application-oa2-client.test', 'cfg.pollIntervalSeconds': '0' } });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/id="cfg-marketplaceIds-hint">[^<]*<\/p><p class="error" role="alert">/);
    expect((await t.api('GET', `/api/v1/connections/${id}`)).body.config.marketplaceIds).toEqual(['ATVPDKIKX0DER']);
  });

  it('edits a nested setting (a distributor\'s CSV column mapping) as JSON, refusing JSON that is not a mapping', async () => {
    const form = await (await t.page('GET', '/connections/new?type=distributor', { cookie })).text();
    expect(form).toMatch(/<textarea id="cfg-csvMapping" name="cfg.csvMapping"[^>]*><\/textarea>/);
    expect(form).toContain('Which column of the file holds each field, e.g. { "orderId": "PO Number"'.replace(/"/g, '&quot;'));
    const mapping = { orderId: 'PO Number', sku: 'Item', quantity: 'Qty', unitPrice: 'Price' };
    const base = { _csrf: csrf, type: 'distributor', name: 'Wholesale CSV', 'cfg.format': 'csv', 'cfg.pollIntervalSeconds': '0' };
    const bad = await t.page('POST', '/connections', { cookie, form: { ...base, 'cfg.csvMapping': '{"orderId": "PO Number",' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/id="cfg-csvMapping-hint">[^<]*<\/p><p class="error" role="alert">/);
    const res = await t.page('POST', '/connections', { cookie, form: { ...base, 'cfg.csvMapping': JSON.stringify(mapping) } });
    expect(res.status).toBe(303);
    const id = /\/connections\/([0-9a-f-]{36})/.exec(res.headers.get('location')!)![1]!;
    expect((await t.api('GET', `/api/v1/connections/${id}`)).body.config.csvMapping).toEqual(mapping);
    const page = await (await t.page('GET', `/connections/${id}`, { cookie })).text();
    const shown = /<textarea id="cfg-csvMapping"[^>]*>([^<]*)<\/textarea>/.exec(page)![1]!.replace(/&quot;/g, '"');
    expect(JSON.parse(shown)).toEqual(mapping);
    expect(page).toContain('Seconds between reads of the inbox folder; 0 = only on request. Default: 0');
  });

  it('shows validation errors next to the field, without echoing the secret', async () => {
    const res = await t.page('POST', '/connections', {
      cookie, form: { _csrf: csrf, type: 'sandbox', name: 'Bad', 'cfg.ordersPerPull': '0', 'cfg.webhookSecret': SECRET },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/id="cfg-ordersPerPull"[^>]*aria-invalid="true"/);
    expect(html).toContain('class="error" role="alert"');
    expect(html).not.toContain(SECRET);
  });

  it('creates a connection from the form; the secret works for webhooks, is never rendered, and survives a blank edit', async () => {
    const res = await t.page('POST', '/connections', {
      cookie, form: { _csrf: csrf, type: 'sandbox', name: '台北店', 'cfg.seed': 'tp', 'cfg.ordersPerPull': '2', 'cfg.pollIntervalSeconds': '0', 'cfg.webhookSecret': SECRET },
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    const id = /\/connections\/([0-9a-f-]{36})/.exec(location)![1]!;
    const page = await (await t.page('GET', location, { cookie })).text();
    expect(page).toContain('<h1>台北店</h1>');
    expect(page).not.toContain(SECRET);
    expect(page).toContain(`value="http://localhost/webhooks/${id}"`);
    expect(page).toContain('placeholder="set — leave blank to keep"');
    expect(await webhookStatus(id, SECRET)).toBe(202);

    const edit = await t.page('POST', `/connections/${id}`, { cookie, form: { _csrf: csrf, name: '台北旗艦店', 'cfg.seed': 'tp', 'cfg.ordersPerPull': '5', 'cfg.pollIntervalSeconds': '0', 'cfg.webhookSecret': '' } });
    expect(edit.status).toBe(303);
    const api = await t.api('GET', `/api/v1/connections/${id}`);
    expect(api.body).toMatchObject({ name: '台北旗艦店', config: { ordersPerPull: 5 }, secretsSet: ['webhookSecret'] });
    expect(await webhookStatus(id, SECRET)).toBe(202);

    const list = await (await t.page('GET', '/connections', { cookie, headers: { 'accept-language': 'zh-CN' } })).text();
    expect(list).toContain('台北旗艦店');
    expect(list).toContain('运行中');
  });

  it('queues a sync now and lists the run', async () => {
    const created = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Sync me', config: { pollIntervalSeconds: 0 } });
    const res = await t.page('POST', `/connections/${created.body.id}/sync`, { cookie, form: { _csrf: csrf } });
    expect(res.status).toBe(303);
    const page = await (await t.page('GET', res.headers.get('location')!, { cookie })).text();
    expect(page).toContain('Sync queued.');
    expect(page).toMatch(/Incremental<\/td><td><span class="badge/);
  });

  it('lists dead letters and replays one from its stored payload', async () => {
    const created = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'Broken feed', config: { pollIntervalSeconds: 0, webhookSecret: SECRET } });
    const id = created.body.id as string;
    const body = JSON.stringify({ id: 'BROKEN-1', not: 'an order' });
    await t.app.request(`/webhooks/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, body), 'x-sandbox-delivery-id': 'broken-1', 'x-sandbox-topic': 'order.created' },
      body,
    });
    await t.hub.ctx.rawEvents.drain();
    const { drainRawEvents } = await import('../../src/inbox/process-raw-events');
    await drainRawEvents(t.hub.ctx);
    const events = await (await t.page('GET', '/events', { cookie })).text();
    const eventId = /id="event-(\d+)"/.exec(events)![1];
    expect(events).toContain('Broken feed');
    // The dead-letter tab says how many wait for someone; the pending tab shows no count when none wait.
    const failed = (await t.api('GET', '/api/v1/events?status=failed&limit=200')).body.items.length as number;
    expect(failed).toBeGreaterThan(0);
    expect(events).toContain(`<span class="badge tone-bad" data-count="failed">${failed}</span>`);
    expect(events).not.toContain('data-count="pending"');
    const conn = await (await t.page('GET', `/connections/${id}`, { cookie })).text();
    expect(conn).toContain(`id="event-${eventId}"`);
    const replay = await t.page('POST', `/events/${eventId}/replay`, { cookie, form: { _csrf: csrf }, headers: { 'hx-request': 'true' } });
    expect(replay.status).toBe(200);
    const row = await replay.text();
    expect(row).toContain(`id="event-${eventId}"`);
    expect(row).toContain('Replayed, but it failed again.');
  });
});
