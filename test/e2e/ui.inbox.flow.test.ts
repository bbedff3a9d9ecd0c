import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { launchBrowser, screenshot, settle, openPage } from './support/browser';
import { startHubProcess, type HubProcess } from './support/hub-process';

let hub: HubProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let webhookUrl: string;
let connectionPath: string;
const WEBHOOK_SECRET = 'e2e-webhook-secret-value';

/** Delivers a signed sandbox webhook, as the channel would. */
async function deliverWebhook(order: Record<string, unknown>) {
  const body = JSON.stringify(order);
  const res = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-sandbox-signature': signSandboxBody(WEBHOOK_SECRET, body),
      'x-sandbox-delivery-id': `e2e-${order.id}`,
      'x-sandbox-topic': 'order.created',
    },
    body,
  });
  return res.status;
}

const rows = () => page.locator('#results tbody tr');

beforeAll(async () => {
  hub = await startHubProcess();
  browser = await launchBrowser();
  ({ context, page } = await openPage(browser));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await hub?.stop();
});

describe('the web UI in Chromium', () => {
  it('asks for a key, then opens the inbox', async () => {
    await page.goto(`${hub.url}/`);
    await settle(page);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, '01-login');
    await page.getByLabel('API key').fill('not-a-valid-key-at-all-000');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await settle(page);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('unknown');
    await page.getByLabel('API key').fill(hub.adminKey);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await settle(page);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.locator('h1').textContent()).toBe('Orders');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'omnihub_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
  });

  it('adds a sandbox connection through the form rendered from its schema; the secret is never shown back', async () => {
    await page.getByRole('link', { name: 'Connections' }).click();
    await settle(page);
    await page.getByRole('link', { name: 'Add connection' }).click();
    await settle(page);
    await page.getByRole('link', { name: /Sandbox/ }).click();
    await settle(page);
    await page.getByLabel('Name').fill('E2E shop');
    await page.getByLabel('Seed').fill('e2e');
    await page.getByLabel('Orders per pull').fill('3');
    await page.getByLabel('Poll interval (seconds)').fill('1');
    await page.getByLabel('Webhook secret').fill(WEBHOOK_SECRET);
    await screenshot(page, '02-connection-new');
    await page.getByRole('button', { name: 'Connect' }).click();
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('E2E shop');
    webhookUrl = await page.getByLabel('Webhook URL').inputValue();
    expect(webhookUrl.startsWith(hub.url)).toBe(true);
    expect(webhookUrl).toMatch(/\/webhooks\/[0-9a-f-]{36}$/);
    connectionPath = new URL(page.url()).pathname;
    const html = await page.content();
    expect(html).not.toContain(WEBHOOK_SECRET);
    expect(await page.getByLabel('Webhook secret').getAttribute('placeholder')).toContain('set');
    await screenshot(page, '03-connection-detail');
  });

  it('shows orders arriving without a full reload (the "new orders" banner)', async () => {
    await page.goto(`${hub.url}/`);
    await settle(page);
    const marker = await page.evaluate('window.__noReload = Math.random()');
    const banner = page.locator('#new-orders button');
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
    await banner.click();
    await settle(page);
    expect(await rows().count()).toBeGreaterThanOrEqual(3);
    expect(await page.evaluate('window.__noReload')).toBe(marker);
    // The sidebar counts arrive by their own request.
    await page.locator('#counts .counts').first().waitFor();
    expect(await page.locator('#counts').textContent()).toContain('All orders');
    await screenshot(page, '04-inbox');
    // Pause the channel so the sandbox's later revisions do not change orders under the next steps.
    await page.goto(`${hub.url}${connectionPath}`);
    await settle(page);
    await page.getByRole('button', { name: 'Pause' }).click();
    await settle(page);
    expect(await page.getByRole('button', { name: 'Resume' }).count()).toBe(1);
  });

  it('filters and searches, with the view in the URL', async () => {
    await page.goto(`${hub.url}/`);
    await settle(page);
    const firstNumber = (await rows().first().locator('a.order-no').textContent())!.trim();
    await page.getByLabel('Search').fill(firstNumber.replace('#', ''));
    await page.getByLabel('Search').press('Enter');
    await settle(page);
    expect(new URL(page.url()).searchParams.get('q')).toBe(firstNumber.replace('#', ''));
    await expect.poll(async () => rows().count()).toBe(1);
    expect(await rows().first().locator('a.order-no').textContent()).toBe(firstNumber);

    // A Chinese name is found by part of it.
    const now = new Date().toISOString();
    expect(await deliverWebhook({
      id: 'CN-1', number: '#CN-1', state: 'open', paid: false, currency: 'CNY', created_at: now, updated_at: now,
      email: 'wang@example.cn', name: '王小明', address: { line1: '南京路 1 号', city: '上海', postal: '200000', country: 'CN' },
      items: [{ id: 'CN-1-0', sku: 'TEA-01', title: '龙井茶', qty: 2, price: '123.45' }], shipping: '0.00', tax: '0.00',
    })).toBe(202);
    await expect.poll(async () => {
      await page.getByLabel('Search').fill('小明');
      await page.getByLabel('Search').press('Enter');
      await settle(page);
      return rows().count();
    }, { timeout: 15_000 }).toBe(1);
    expect(await rows().first().textContent()).toContain('王小明');
    expect(await rows().first().locator('td.num').textContent()).toBe('¥246.90');

    await page.goto(`${hub.url}/`);
    await settle(page);
    await page.getByLabel('Payment', { exact: true }).selectOption('pending');
    await settle(page);
    expect(new URL(page.url()).searchParams.get('financialStatus')).toBe('pending');
    // Only the filters in use are in the URL.
    expect([...new URL(page.url()).searchParams.keys()]).toEqual(['financialStatus']);
    const statuses = await page.locator('#results tbody td.status-cell').allTextContents();
    for (const s of statuses) expect(s).toContain('Payment pending');
    await screenshot(page, '05-inbox-filtered');
  });

  it('opens an order and reads its timeline and raw payload', async () => {
    await page.goto(`${hub.url}/?channel=sandbox`);
    await settle(page);
    // The newest row is the webhook order of the search test; a pulled one is further down.
    await rows().last().locator('a.order-no').click();
    await settle(page);
    expect(await page.locator('h1').textContent()).toMatch(/^Order #\d+/);
    const timeline = await page.locator('ol.timeline').textContent();
    expect(timeline).toContain('Received via poll');
    // The raw payloads section (other panels of the page have their own <details>).
    const raw = page.locator('section[aria-labelledby="raw-h"]');
    await raw.locator('details summary').first().click();
    await raw.locator('details pre.payload').first().waitFor();
    await settle(page);
    expect(await raw.locator('details pre.payload').first().textContent()).toContain('"id": "SBX-e2e-');
    await screenshot(page, '06-order-detail');
  });

  it('holds two orders in bulk and names the ones that fail', async () => {
    await page.goto(`${hub.url}/?channel=sandbox&status=open`);
    await settle(page);
    const boxes = page.locator('#results tbody input[name="ids"]');
    const numbers = await page.locator('#results tbody a.order-no').allTextContents();
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    expect(await page.locator('[data-selected-count]').textContent()).toBe('2 selected');
    await page.getByRole('button', { name: 'Hold', exact: true }).click();
    await settle(page);
    expect(await page.locator('#bulk-result').textContent()).toContain('Hold: 2 orders done.');

    await page.goto(`${hub.url}/?status=on_hold`);
    await settle(page);
    const held = await page.locator('#results tbody a.order-no').allTextContents();
    expect(held.sort()).toEqual([numbers[0], numbers[1]].sort());
    // Holding them again fails for both, and the message names them.
    await page.locator('input[data-select-all]').check();
    await page.getByRole('button', { name: 'Hold', exact: true }).click();
    await settle(page);
    const result = await page.locator('#bulk-result').textContent();
    expect(result).toContain('Hold: no order changed. 2 orders failed');
    expect(result).toContain(numbers[0]);
    expect(result).toContain(numbers[1]);
    expect(result).toContain('not possible while the order is On hold');
    await screenshot(page, '07-inbox-bulk-hold');
  });

  it('switches to Simplified and Traditional Chinese: headings, amounts and dates', async () => {
    await page.goto(`${hub.url}/?q=${encodeURIComponent('王小明')}`);
    await settle(page);
    await page.getByRole('link', { name: '简体中文' }).click();
    await settle(page);
    expect(new URL(page.url()).searchParams.get('q')).toBe('王小明');
    expect(await page.locator('h1').textContent()).toBe('订单');
    expect(await page.locator('#results tbody td.num').first().textContent()).toBe('¥246.90');
    expect(await page.locator('#results thead').textContent()).toContain('下单时间');
    await screenshot(page, '08-inbox-zh-CN');
    await rows().first().locator('a.order-no').click();
    await settle(page);
    expect(await page.locator('h1').textContent()).toMatch(/^订单 /);
    expect(await page.getByTestId('order-total').textContent()).toBe('¥246.90');
    expect(await page.locator('.kv dd time').first().textContent()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    expect(await page.locator('ol.timeline').textContent()).toContain('通过Webhook 推送接收');
    await screenshot(page, '09-order-zh-CN');

    await page.getByRole('link', { name: '繁體中文' }).click();
    await settle(page);
    expect(await page.locator('h1').textContent()).toMatch(/^訂單 /);
    expect(await page.getByTestId('order-total').textContent()).toBe('¥246.90');
    expect(await page.locator('.kv dd time').first().textContent()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    await screenshot(page, '10-order-zh-TW');
    await page.goto(`${hub.url}/?channel=sandbox`);
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('訂單');
    expect(await page.locator('#results tbody td.num').last().textContent()).toMatch(/^US\$\d+\.\d{2}$/);
    expect(await page.locator('#results tbody time').first().textContent()).toMatch(/(前|秒|分鐘|現在)/);
    await screenshot(page, '11-inbox-zh-TW');

    // The CSV export of this view: UTF-8 with BOM and headers in Traditional Chinese.
    const csv = await page.request.get(`${hub.url}/orders/export.csv?channel=sandbox`);
    const bytes = Buffer.from(await csv.body());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8').split('\r\n')[0]).toContain('訂單編號');
  });

  it('shows the dashboard chart and the inbound events page', async () => {
    await page.getByRole('link', { name: 'English' }).click();
    await settle(page);
    await page.getByRole('link', { name: 'Dashboard' }).first().click();
    await settle(page);
    expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(0);
    await screenshot(page, '12-dashboard');
    await page.getByRole('link', { name: 'Inbound events' }).click();
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('Inbound events');
    await screenshot(page, '13-events');
  });

  it('reads well on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${hub.url}/`);
    await settle(page);
    await screenshot(page, '14-inbox-phone');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('logs out: the session is gone', async () => {
    await page.setViewportSize({ width: 1360, height: 900 });
    await page.goto(`${hub.url}/`);
    await settle(page);
    await page.getByRole('button', { name: 'Log out' }).click();
    await settle(page);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.goto(`${hub.url}/connections`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
