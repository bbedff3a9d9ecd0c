import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyRateKeys } from '../../connectors/shopify/client';
import { getRateGovernor } from '../../connectors/kit/rate-governor';
import { connectionHealth } from '../../src/connections/connection-health';
import { createUiHub, type UiHub } from './ui.support';

let t: UiHub;
let cookie: string;
let id: string;
// A shop name of its own: the in-memory governor is one per process.
const shop = `rate-${Date.now().toString(36)}.myshopify.com`;

beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
  ({ cookie } = await t.login());
  const c = await t.api('POST', '/api/v1/connections', {
    type: 'shopify', name: 'Rate shop', config: { shopDomain: shop, accessToken: 'shpat_secret_token_value', webhookSecret: 'whsec-value', pollIntervalSeconds: 0 },
  });
  expect(c.status).toBe(201);
  id = c.body.id;
});
afterAll(() => t.close());

const governor = () => getRateGovernor({ redisUrl: t.hub.ctx.config.redisUrl, keyPrefix: t.hub.ctx.config.queuePrefix });
const healthOf = async () => (await connectionHealth(t.hub.ctx)).items.find((h) => h.connectionId === id)!;

describe('a connection\'s rate-limit state, from the rate governor', () => {
  it('is ok with no budget used yet', async () => {
    const h = await healthOf();
    expect(h.rateLimit).toBe('ok');
    expect(h.rateBuckets).toEqual([]);
  });

  it('is low when a budget it uses is nearly spent, and shows each budget', async () => {
    const keys = shopifyRateKeys(shop);
    await governor().observe(keys.rest, { capacity: 40, available: 3, refillPerSecond: 2 }, { capacity: 40, refillPerSecond: 2 });
    await governor().observe(keys.graphql, { capacity: 2000, available: 1900, refillPerSecond: 100 }, { capacity: 2000, refillPerSecond: 100 });
    const h = await healthOf();
    expect(h.rateLimit).toBe('low');
    expect(h.rateBuckets.map((b) => b.key).sort()).toEqual([keys.graphql, keys.rest].sort());
    const rest = h.rateBuckets.find((b) => b.key === keys.rest)!;
    expect(rest.capacity).toBe(40);
    expect(rest.available).toBeGreaterThanOrEqual(3);
    expect(rest.available).toBeLessThan(8);
  });

  it('is paused while the platform said wait, in the API-backed UI too (key shown, no secret)', async () => {
    await governor().observe(shopifyRateKeys(shop).graphql, { pauseMs: 30_000 }, { capacity: 2000, refillPerSecond: 100 });
    const h = await healthOf();
    expect(h.rateLimit).toBe('paused');
    expect(Math.max(...h.rateBuckets.map((b) => b.pausedForMs))).toBeGreaterThan(25_000);
    const html = await (await t.page('GET', `/connections/${id}`, { cookie })).text();
    expect(html).toMatch(/paused by the channel for (29|30) s more/);
    expect(html).toContain(`<code>${shopifyRateKeys(shop).rest}</code>`);
    expect(html).toContain('<meter');
    expect(html).not.toContain('shpat_secret_token_value');
    const list = await (await t.page('GET', '/connections', { cookie })).text();
    expect(list).toContain('paused by the channel');
    const tw = await (await t.page('GET', `/connections/${id}?lang=zh-TW`, { cookie })).text();
    expect(tw).toContain('通路要求暫停');
  });
});
