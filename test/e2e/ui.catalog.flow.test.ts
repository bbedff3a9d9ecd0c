import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { launchBrowser, screenshot, settle, signInWithKey, openPage } from './support/browser';
import { startHubProcess, type HubProcess } from './support/hub-process';

let hub: HubProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let connectionId: string;
const SECRET = 'e2e-catalog-secret';

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${hub.adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A paid order in yuan for the dashboard, delivered as a signed sandbox webhook. */
async function deliverOrder(externalId: string) {
  const now = new Date().toISOString();
  const body = JSON.stringify({
    id: externalId, number: `#${externalId}`, state: 'open', paid: true, currency: 'CNY', created_at: now, updated_at: now,
    email: 'li@example.test', name: '李华', address: { line1: '南京路 1 号', city: '上海', postal: '200000', country: 'CN' },
    items: [{ id: `${externalId}-0`, title: '茶杯', sku: 'E2E-CUP', qty: 2, price: '64.50' }], shipping: '0.00', tax: '0.00',
  });
  const res = await fetch(`${hub.url}/webhooks/${connectionId}`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, body), 'x-sandbox-delivery-id': `e2e-${externalId}`, 'x-sandbox-topic': 'order.created' },
  });
  expect(res.status).toBe(202);
  await expect.poll(async () => (await api('GET', `/api/v1/orders?q=${externalId}`)).body.items.length, { timeout: 30_000 }).toBe(1);
}

beforeAll(async () => {
  hub = await startHubProcess();
  browser = await launchBrowser();
  ({ context, page } = await openPage(browser));
  const conn = await api('POST', '/api/v1/connections', { type: 'sandbox', name: 'E2E tea shop', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
  expect(conn.status).toBe(201);
  connectionId = conn.body.id;
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await hub?.stop();
});

describe('products, warehouses, listings and the dashboard in Chromium', () => {
  it('logs in; the keyboard reaches the skip link first, with a visible focus ring', async () => {
    await signInWithKey(page, hub.url, hub.adminKey);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.className')).toBe('skip');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    // The brand, then the first nav item: focus-visible draws the ring.
    expect(await page.evaluate<string>('getComputedStyle(document.activeElement).boxShadow')).toContain('rgba(36, 87, 214');
  });

  it('creates a product and a warehouse through their forms', async () => {
    await page.getByRole('link', { name: 'Products' }).click();
    await settle(page);
    await page.getByLabel('SKU *').fill('E2E-CUP');
    await page.getByLabel('Title *').fill('Tea cup');
    await page.getByLabel('Unit cost').fill('12.50');
    await page.getByLabel('Cost currency').fill('CNY');
    await page.getByRole('button', { name: 'Create product' }).click();
    await settle(page);
    expect(new URL(page.url()).pathname).toBe('/products/E2E-CUP');
    expect(await page.getByRole('status').textContent()).toBe('Product created.');
    await screenshot(page, '30-product-edit');
    await page.getByLabel('Weight (g)').fill('180');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await settle(page);
    expect((await api('GET', '/api/v1/products/E2E-CUP')).body).toMatchObject({ unitCostMinor: 1250, currency: 'CNY', weightGrams: 180 });

    await page.getByRole('link', { name: 'Warehouses' }).click();
    await settle(page);
    await page.getByLabel('Code *').fill('SHA');
    await page.getByLabel('Name *').fill('上海仓');
    await page.getByLabel('Priority').fill('1');
    await page.getByLabel('Only the connections ticked below').check();
    await page.getByLabel('E2E tea shop').check();
    await page.getByRole('button', { name: 'Create warehouse' }).click();
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('SHA · 上海仓');
    await page.getByRole('link', { name: '← Warehouses' }).click();
    await settle(page);
    expect(await page.locator('#warehouses tr[data-code="SHA"]').textContent()).toContain('E2E tea shop');
    await screenshot(page, '31-warehouses');
  });

  it('stocks the product, lists it on the channel and edits the listing policy', async () => {
    expect((await api('POST', '/api/v1/stock/adjustments', { sku: 'E2E-CUP', warehouse: 'SHA', delta: 20, reason: 'opening' })).status).toBeLessThan(300);
    await page.goto(`${hub.url}/stock?sku=E2E-CUP`);
    await settle(page);
    const add = page.locator('form[action="/stock/listings"]');
    await add.getByLabel('Buffer').fill('3');
    await add.getByRole('button', { name: 'Add listing' }).click();
    await settle(page);
    expect(await page.getByRole('status').textContent()).toContain('Listing added');
    const row = page.locator('#stock-listings tbody tr').first();
    expect(await row.getByLabel('Buffer').inputValue()).toBe('3');
    await row.getByLabel('Cap').fill('10');
    await row.getByLabel('Share %').fill('50');
    await row.getByRole('button', { name: 'Save changes' }).click();
    await settle(page);
    const [listing] = (await api('GET', '/api/v1/listings?sku=E2E-CUP')).body.items;
    expect(listing).toMatchObject({ buffer: 3, cap: 10, sharePercent: 50 });
    // The push (20 on hand − 3 buffer, half of it, capped at 10) lands on the listing.
    await expect.poll(async () => (await api('GET', `/api/v1/listings/${listing.id}`)).body.lastPushedQuantity, { timeout: 30_000 }).not.toBeNull();
    await page.reload();
    await settle(page);
    await screenshot(page, '32-stock-listings');
  });

  it('shows the dashboard in Traditional Chinese from a ?lang= link, and keeps the language', async () => {
    await deliverOrder('TEA-1');
    await page.goto(`${hub.url}/dashboard?lang=zh-TW`);
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('總覽');
    expect(await page.locator('#revenue-CNY-desc').textContent()).toBe('最近 14 天共 ¥129.00（不含已取消訂單）');
    // Stock value counts what is on hand (reserved units are still in the warehouse): 20 × ¥12.50.
    expect(await page.locator('#stock-value-CNY rect title').first().textContent()).toBe('SHA · 上海仓: ¥250.00');
    await screenshot(page, '33-dashboard-zh-TW');
    await page.getByRole('link', { name: '商品' }).click();
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('商品');
    expect(await page.locator('#products tr[data-sku="E2E-CUP"] td.num').first().textContent()).toBe('¥12.50');
    await page.goto(`${hub.url}/?lang=zh-CN`);
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('订单');
    expect(await page.locator('#results tbody td.num').first().textContent()).toBe('¥129.00');
    expect(await page.locator('#results tbody time').first().getAttribute('title')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    await screenshot(page, '34-inbox-zh-CN');
  });

  it('fits a phone: the dashboard and the products list', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [['/dashboard', '35-dashboard-phone'], ['/products', '36-products-phone']] as const) {
      await page.goto(`${hub.url}${path}`);
      await settle(page);
      await screenshot(page, name);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    }
  });
});
