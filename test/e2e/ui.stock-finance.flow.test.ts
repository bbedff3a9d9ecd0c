import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxBody } from '../../connectors/sandbox/index';
import { amazonSettlement } from '../integration/amazon-settlement.sample';
import { launchBrowser, screenshot, settle, signInWithKey, openPage } from './support/browser';
import { startHubProcess, type HubProcess } from './support/hub-process';

let hub: HubProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let connectionId: string;
const SECRET = 'e2e-stock-finance-secret';
const SKU = 'E2E-MUG';

/** The hub's API with the admin key (setup the person would do elsewhere: products, warehouses, uploads). */
async function api(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${hub.adminKey}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A paid order delivered as a signed sandbox webhook; resolves with its id once the inbox has it. */
async function deliverOrder(externalId: string, items: Array<{ sku: string; qty: number; price: string }>): Promise<string> {
  const now = new Date().toISOString();
  const order = {
    id: externalId, number: `#${externalId}`, state: 'open', paid: true, currency: 'USD', created_at: now, updated_at: now,
    email: 'buyer@example.test', name: 'Ada Buyer', address: { line1: '1 Main St', city: 'Austin', postal: '73301', country: 'US' },
    items: items.map((i, n) => ({ id: `${externalId}-${n}`, title: i.sku, ...i })), shipping: '0.00', tax: '0.00',
  };
  const body = JSON.stringify(order);
  const res = await fetch(`${hub.url}/webhooks/${connectionId}`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-sandbox-signature': signSandboxBody(SECRET, body), 'x-sandbox-delivery-id': `e2e-${externalId}`, 'x-sandbox-topic': 'order.created' },
  });
  expect(res.status).toBe(202);
  let id: string | undefined;
  await expect.poll(async () => {
    const list = await api('GET', `/api/v1/orders?q=${encodeURIComponent(externalId)}`);
    id = (list.body.items as Array<{ id: string; externalId: string }>).find((o) => o.externalId === externalId)?.id;
    return !!id;
  }, { timeout: 30_000 }).toBe(true);
  return id!;
}

beforeAll(async () => {
  hub = await startHubProcess();
  browser = await launchBrowser();
  ({ context, page } = await openPage(browser));
  const conn = await api('POST', '/api/v1/connections', { type: 'sandbox', name: 'E2E stock shop', config: { webhookSecret: SECRET, pollIntervalSeconds: 0 } });
  expect(conn.status).toBe(201);
  connectionId = conn.body.id;
  expect((await api('POST', '/api/v1/products', { sku: SKU, title: 'Enamel mug' })).status).toBe(201);
  expect((await api('POST', '/api/v1/warehouses', { code: 'WH-A', name: 'Warehouse A', priority: 10 })).status).toBe(201);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await hub?.stop();
});

describe('stock and finance in Chromium', () => {
  it('logs in', async () => {
    await signInWithKey(page, hub.url, hub.adminKey);
  });

  it("adjusts stock through the form and sees the order's allocation change", async () => {
    const orderId = await deliverOrder('MUG-1', [{ sku: SKU, qty: 2, price: '12.00' }]);
    await page.goto(`${hub.url}/orders/${orderId}`);
    await settle(page);
    const panel = page.locator('#allocation');
    expect(await panel.locator('[data-warehouse]').count()).toBe(0);

    await page.getByRole('link', { name: 'Stock', exact: true }).click();
    await page.waitForURL(`${hub.url}/stock`);
    await settle(page);
    await page.locator('#a-sku').fill(SKU);
    await page.locator('#a-warehouse').selectOption('WH-A');
    await page.locator('#a-delta').fill('5');
    await page.locator('#a-kind').selectOption('receipt');
    await page.locator('#a-reason').fill('Goods in, PO 17');
    await page.getByRole('button', { name: 'Adjust', exact: true }).click();
    await page.waitForURL(/done=adjusted/);
    await settle(page);
    expect(await page.getByRole('status').textContent()).toBe('Stock adjusted.');
    const row = page.locator(`#stock-levels tr[data-sku="${SKU}"][data-warehouse="WH-A"]`);
    expect(await row.locator('[data-col="onHand"]').textContent()).toBe('5');
    expect(await page.locator('#stock-movements tr[data-kind="receipt"]').first().textContent()).toContain('Goods in, PO 17');
    await screenshot(page, '20-stock');

    await page.goto(`${hub.url}/orders/${orderId}`);
    await settle(page);
    await panel.getByRole('button', { name: 'Allocate' }).click();
    await page.waitForURL(/done=allocate/);
    await settle(page);
    expect(await panel.locator('[data-warehouse="WH-A"]').textContent()).toBe('WH-A: 2 units');
    expect(await page.getByRole('status').textContent()).toBe('Allocation ran: Allocated.');
    await screenshot(page, '21-order-allocation');

    // The stock screen now counts the units as reserved for the order.
    await page.locator('#allocation a', { hasText: SKU }).click();
    await page.waitForURL(/\/stock\?sku=/);
    await settle(page);
    expect(await row.locator('[data-col="reserved"]').textContent()).toBe('2');
    expect(await row.locator('[data-col="available"]').textContent()).toBe('3');
  });

  it('opens a payout with breaks and resolves them', async () => {
    await deliverOrder('114-E2E0000-0000001', [{ sku: 'TEE-BLK-M', qty: 1, price: '27.00' }]);
    await deliverOrder('114-E2E0000-0000002', [{ sku: 'TEE-BLK-M', qty: 1, price: '30.00' }]);
    const file = amazonSettlement('55443322', '114-E2E0000-0000001', '114-E2E0000-0000002');
    const up = await api('POST', `/api/v1/settlements/amazon?connectionId=${connectionId}`, file, 'text/tab-separated-values');
    expect(up.status).toBe(201);

    await page.getByRole('link', { name: 'Finance', exact: true }).click();
    await page.waitForURL(`${hub.url}/finance`);
    await settle(page);
    await screenshot(page, '22-payouts');
    await page.getByRole('link', { name: '55443322' }).click();
    await page.waitForURL(/\/finance\/payouts\//);
    await settle(page);
    // Reconcile now (the workers may already have; a second run finds the same breaks).
    await page.getByRole('button', { name: 'Reconcile now' }).click();
    await page.waitForURL(/done=reconciled/);
    await settle(page);
    const open = page.locator('#breaks tr[data-status="open"]');
    expect(await open.count()).toBe(2);
    expect(await page.locator('a.matched-order').first().textContent()).toBe('#114-E2E0000-0000001');
    await screenshot(page, '23-payout-breaks');

    await open.first().getByLabel('Note').fill('Refund entered by hand');
    await open.first().getByRole('button', { name: 'Resolve' }).click();
    await page.waitForURL(/done=resolved/);
    await settle(page);
    expect(await page.getByRole('status').textContent()).toBe('Break resolved.');
    expect(await page.locator('#breaks tr[data-status="resolved"]').textContent()).toContain('Refund entered by hand');
    await open.first().getByLabel('Note').fill('Liquidation income, accepted');
    await open.first().getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL(/done=accepted/);
    await settle(page);
    expect(await open.count()).toBe(0);
    expect(await page.locator('.row .badges').textContent()).toBe('Reconciled');
    await screenshot(page, '24-payout-resolved');

    await page.getByRole('link', { name: /journal entr/ }).click();
    await page.waitForURL(/\/finance\/journals\?payoutId=/);
    await settle(page);
    expect(await page.locator('#journals tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, '25-journals');
  });

  it("sets the connection's fee schedule, pulls its payouts and lists them", async () => {
    await page.goto(`${hub.url}/connections/${connectionId}`);
    await settle(page);
    const panel = page.locator('#payouts-panel');
    await panel.getByLabel('Processing fee (percent of each charge)').fill('2.9');
    await panel.getByLabel('Fixed fee per charge (minor units)').fill('30');
    await panel.getByRole('button', { name: 'Save finance settings' }).click();
    await page.waitForURL(/finance=1/);
    await settle(page);
    expect(await page.locator('.notice.ok').textContent()).toBe('Finance settings saved.');
    expect(await page.locator('#fin-feePercent').inputValue()).toBe('2.9');
    const saved = await api('GET', `/api/v1/finance/settings/${connectionId}`);
    expect(saved.body.rules.feeSchedule).toMatchObject({ percentBps: 290, fixedMinor: 30 });
    await screenshot(page, '25b-connection-payouts-settings');

    await panel.getByRole('button', { name: 'Pull payouts now' }).click();
    await page.waitForURL(/payouts=1/);
    await settle(page);
    expect(await page.locator('.notice.ok').textContent()).toContain('Payout pull queued.');
    await page.locator('#payouts-panel').getByRole('link', { name: "This connection's payouts" }).click();
    await page.waitForURL(`${hub.url}/finance?connectionId=${connectionId}`);
    await settle(page);
    expect(await page.locator('#payouts-connection').textContent()).toContain('E2E stock shop');
    expect(await page.locator('#payouts').textContent()).toContain('55443322');
  });

  it('uploads a bank statement, sees what matched, and matches an open line by hand', async () => {
    const paid = async (reference: string, amountMinor: number, receivedDate: string) =>
      expect((await api('POST', '/api/v1/payments', { customerRef: 'E2E-CUST', reference, currency: 'USD', amountMinor, receivedDate })).status).toBe(201);
    await paid('RCPT-9', 12_000, '2026-03-01');
    // Paid a month earlier and 0.50 more than the wire: no rule places it, a person can.
    await paid('BOLT-1', 7_550, '2026-02-01');
    await page.goto(`${hub.url}/finance/bank`);
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('Bank statements');
    const csv = 'date,amount,currency,reference,description\n2026-03-01,120.00,USD,RCPT-9,Acme remittance\n2026-03-02,75.00,USD,,wire from Bolt\n';
    await page.locator('#bank-import input[name="file"]').setInputFiles({ name: 'march.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByLabel('Account (IBAN or name; a CAMT.053 file names its own)').fill('E2E-BANK');
    await page.getByRole('button', { name: 'Import and match' }).click();
    await page.waitForURL(/done=imported/);
    await settle(page);
    expect(await page.locator('.notice.ok').textContent()).toBe('2 lines read: 2 new, 0 imported before, 1 matched.');
    expect(await page.locator('#bank-chart').isVisible()).toBe(true);
    expect(await page.locator('tr[data-reference="RCPT-9"]').getAttribute('data-matched')).toBe('true');
    await screenshot(page, '25c-bank-imported');

    const wire = page.locator('#bank-lines tr', { hasText: 'wire from Bolt' });
    const choice = wire.locator('select[name="target"] option', { hasText: 'BOLT-1' });
    await wire.locator('select[name="target"]').selectOption(await choice.getAttribute('value'));
    await wire.getByRole('button', { name: 'Match' }).click();
    await page.waitForURL(/done=matched/);
    await settle(page);
    expect(await page.locator('.notice.ok').textContent()).toBe('The line is matched.');
    const matched = page.locator('#bank-lines tr', { hasText: 'wire from Bolt' });
    expect(await matched.getAttribute('data-matched')).toBe('true');
    expect(await matched.textContent()).toContain('differs by -US$0.50');
    expect(await page.locator('tr[data-account="E2E-BANK"] td[data-col="unmatched"]').textContent()).toBe('0');
    await screenshot(page, '25d-bank-matched-by-hand');
  });

  it('reads in Traditional Chinese and fits a phone', async () => {
    await page.goto(`${hub.url}/finance`);
    await settle(page);
    await page.getByRole('link', { name: '繁體中文' }).click();
    await page.waitForURL(`${hub.url}/finance`);
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('撥款');
    expect(await page.locator('#payouts').textContent()).toContain('已對平');
    await screenshot(page, '26-payouts-zh-TW');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${hub.url}/stock?sku=${SKU}`);
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('庫存');
    await screenshot(page, '27-stock-phone-zh-TW');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.goto(`${hub.url}/finance/bank`);
    await settle(page);
    expect(await page.locator('h1').textContent()).toBe('銀行對帳單');
    await screenshot(page, '27b-bank-phone-zh-TW');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
  });
});
