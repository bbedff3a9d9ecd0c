import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRedisPrefix } from '../../src/queue/drop-redis-prefix';
import { REDIS_URL } from '../../test/helpers/servers';
import {
  closeRateGovernors, getRateGovernor, MemoryRateGovernor, RedisRateGovernor, shopifyCallLimitSignal, shopifyThrottleSignal, takeFromBucket,
} from './rate-governor';

const D = { capacity: 100, refillPerSecond: 10 };

describe('token bucket', () => {
  it('refills by elapsed time and serves when the tokens are there', () => {
    const b = { tokens: 0, ts: 0, capacity: 100, rate: 10, pauseUntil: 0 };
    expect(takeFromBucket(b, 0, 5, 0)).toBe(500);
    expect(takeFromBucket(b, 500, 5, 0)).toBe(0);
    expect(b.tokens).toBeCloseTo(0);
  });

  it('keeps headroom for higher priorities: backfill leaves half, incremental a fifth, webhook none', () => {
    const g = new MemoryRateGovernor(() => 0);
    void g.observe('k', { available: 30 }, D);
    expect(g.peekWait('k', 1, 'backfill', D)).toBeGreaterThan(0);
    expect(g.peekWait('k', 1, 'incremental', D)).toBe(0);
    void g.observe('k', { available: 10 }, D);
    expect(g.peekWait('k', 1, 'incremental', D)).toBeGreaterThan(0);
    expect(g.peekWait('k', 1, 'webhook', D)).toBe(0);
  });

  it('pauses everyone for a Retry-After', async () => {
    let now = 1000;
    const g = new MemoryRateGovernor(() => now);
    await g.observe('k', { pauseMs: 2000 }, D);
    expect(g.peekWait('k', 1, 'webhook', D)).toBe(2000);
    now += 2000;
    expect(g.peekWait('k', 1, 'webhook', D)).toBe(0);
  });

  it('peeks at a bucket without taking from it: budget left, refill, pause; null for a bucket never used', async () => {
    let now = 1000;
    const g = new MemoryRateGovernor(() => now);
    expect(await g.peek('k')).toBeNull();
    await g.acquire('k', 30, 'webhook', D);
    await g.observe('k', { pauseMs: 1500 }, D);
    expect(await g.peek('k')).toEqual({ key: 'k', capacity: 100, available: 70, refillPerSecond: 10, pausedForMs: 1500 });
    expect(await g.peek('k')).toEqual({ key: 'k', capacity: 100, available: 70, refillPerSecond: 10, pausedForMs: 1500 });
    now += 1000;
    expect(await g.peek('k')).toMatchObject({ available: 80, pausedForMs: 500 });
  });

  it('reads Shopify call-limit headers and GraphQL throttle status', () => {
    expect(shopifyCallLimitSignal('32/40')).toEqual({ capacity: 40, available: 8 });
    expect(shopifyCallLimitSignal('garbage')).toBeUndefined();
    expect(shopifyThrottleSignal({ requestedQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1700, restoreRate: 100 } }))
      .toEqual({ capacity: 2000, available: 1700, refillPerSecond: 100 });
  });
});

describe.skipIf(!REDIS_URL)('shared governor in Redis', () => {
  afterAll(() => closeRateGovernors());

  it('two processes (two connections) share one bucket', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const a = RedisRateGovernor.connect(REDIS_URL!, prefix);
    const b = RedisRateGovernor.connect(REDIS_URL!, prefix);
    try {
      const small = { capacity: 4, refillPerSecond: 0.5 };
      await a.acquire('acct', 2, 'webhook', small);
      await b.acquire('acct', 2, 'webhook', small);
      // The bucket is empty for both now: the next take must wait for the refill (~2 s for one token).
      const t0 = Date.now();
      await a.acquire('acct', 1, 'webhook', small);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
      await a.observe('acct', { pauseMs: 800, available: 4 }, small);
      const t1 = Date.now();
      await b.acquire('acct', 1, 'webhook', small);
      expect(Date.now() - t1).toBeGreaterThanOrEqual(700);
    } finally {
      await a.close();
      await b.close();
      await dropRedisPrefix(REDIS_URL!, prefix);
    }
  });

  it('peeks at the shared bucket from another process without taking from it', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const a = RedisRateGovernor.connect(REDIS_URL!, prefix);
    const b = RedisRateGovernor.connect(REDIS_URL!, prefix);
    try {
      expect(await b.peek('acct')).toBeNull();
      await a.acquire('acct', 30, 'webhook', { capacity: 40, refillPerSecond: 0.001 });
      await a.observe('acct', { pauseMs: 5000 }, { capacity: 40, refillPerSecond: 0.001 });
      const seen = await b.peek('acct');
      expect(seen).toMatchObject({ key: 'acct', capacity: 40, refillPerSecond: 0.001 });
      expect(seen!.available).toBeGreaterThanOrEqual(10);
      expect(seen!.available).toBeLessThan(10.1);
      expect(seen!.pausedForMs).toBeGreaterThan(4000);
      expect((await b.peek('acct'))!.available).toBeLessThan(10.1);
    } finally {
      await a.close();
      await b.close();
      await dropRedisPrefix(REDIS_URL!, prefix);
    }
  });

  it('getRateGovernor picks Redis when REDIS_URL is given', () => {
    expect(getRateGovernor({ redisUrl: REDIS_URL, keyPrefix: 'x' })).toBeInstanceOf(RedisRateGovernor);
    expect(getRateGovernor({})).toBeInstanceOf(MemoryRateGovernor);
  });
});
