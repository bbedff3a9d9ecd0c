import { describe, expect, it } from 'vitest';
import { dropRedisPrefix } from '../../src/queue/drop-redis-prefix';
import { TokenCache } from './oauth';

describe('token cache', () => {
  it('refreshes once for many concurrent callers and caches until expiry', async () => {
    let now = 0;
    const cache = new TokenCache({ clock: () => now, skewMs: 1000 });
    let calls = 0;
    const refresh = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { accessToken: `tok${calls}`, expiresInSeconds: 10 };
    };
    const got = await Promise.all(Array.from({ length: 20 }, () => cache.get('a', refresh)));
    expect(new Set(got)).toEqual(new Set(['tok1']));
    expect(calls).toBe(1);
    now = 8_000;
    expect(await cache.get('a', refresh)).toBe('tok1');
    now = 9_500; // within the skew of expiry
    expect(await cache.get('a', refresh)).toBe('tok2');
    expect(calls).toBe(2);
  });

  it('a failed refresh is not cached and the next caller tries again', async () => {
    const cache = new TokenCache();
    let n = 0;
    const refresh = async () => {
      if (++n === 1) throw new Error('down');
      return { accessToken: 'ok' };
    };
    await expect(cache.get('b', refresh)).rejects.toThrow('down');
    expect(await cache.get('b', refresh)).toBe('ok');
  });

  it('invalidate drops only the token that was refused', async () => {
    const cache = new TokenCache();
    await cache.get('c', async () => ({ accessToken: 'one' }));
    cache.invalidate('c', 'other');
    expect(await cache.get('c', async () => ({ accessToken: 'two' }))).toBe('one');
    cache.invalidate('c', 'one');
    expect(await cache.get('c', async () => ({ accessToken: 'two' }))).toBe('two');
  });
});

describe.skipIf(!process.env.REDIS_URL)('token cache shared through Redis', () => {
  it('two processes needing a token at the same moment refresh it once', async () => {
    const { SharedTokenStore } = await import('./oauth');
    const prefix = `t${Math.random().toString(36).slice(2, 10)}`;
    const a = SharedTokenStore.connect(process.env.REDIS_URL!, prefix);
    const b = SharedTokenStore.connect(process.env.REDIS_URL!, prefix);
    try {
      const cacheA = new TokenCache({ shared: a });
      const cacheB = new TokenCache({ shared: b });
      let calls = 0;
      const refresh = async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 100));
        return { accessToken: `shared${calls}`, expiresInSeconds: 3600 };
      };
      const got = await Promise.all([cacheA.get('acct', refresh), cacheB.get('acct', refresh), cacheA.get('acct', refresh), cacheB.get('acct', refresh)]);
      expect(calls).toBe(1);
      expect(new Set(got)).toEqual(new Set(['shared1']));
      // A refused token is dropped everywhere; the next caller refreshes once more.
      cacheA.invalidate('acct', 'shared1');
      await new Promise((r) => setTimeout(r, 50));
      expect(await cacheB.get('acct', refresh)).toBe('shared1'); // B's local copy is still valid for B
      expect(await cacheA.get('acct', refresh)).toBe('shared2');
      expect(calls).toBe(2);
    } finally {
      await a.close();
      await b.close();
      await dropRedisPrefix(process.env.REDIS_URL!, prefix);
    }
  });
});
