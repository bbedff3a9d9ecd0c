import { Redis } from 'ioredis';

/**
 * Deletes every Redis key under a prefix (a hub's queues and rate-limit buckets all start with its
 * queue prefix). For disposable hubs: tests and benchmarks remove what they made, as they drop their
 * databases. Never for a prefix in use.
 */
export async function dropRedisPrefix(url: string, prefix: string): Promise<number> {
  if (prefix.length < 3) throw new Error(`refusing to drop the short Redis prefix "${prefix}"`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let dropped = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) dropped += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return dropped;
}
