import { Redis } from 'ioredis';

/** What a take answers: allowed, or refused with how long until a token is back. */
export interface RateDecision {
  ok: boolean;
  retryAfterMs: number;
  remaining: number;
}

export interface BucketSpec {
  /** Tokens the bucket holds when full (the burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSec: number;
}

/** Token buckets by key. In memory for one process; on Redis so every hub process shares the buckets. */
export interface RateLimiter {
  take(key: string, spec: BucketSpec, cost?: number): Promise<RateDecision>;
  /** Forgets a bucket (a successful login clears the account's failures). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

function decide(tokens: number, spec: BucketSpec, cost: number): RateDecision {
  if (tokens >= cost) return { ok: true, retryAfterMs: 0, remaining: Math.floor(tokens - cost) };
  return { ok: false, retryAfterMs: Math.ceil(((cost - tokens) / spec.refillPerSec) * 1000), remaining: 0 };
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, spec: BucketSpec, cost = 1): Promise<RateDecision> {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: spec.capacity, at: t };
    const tokens = Math.min(spec.capacity, b.tokens + ((t - b.at) / 1000) * spec.refillPerSec);
    const d = decide(tokens, spec, cost);
    this.buckets.set(key, { tokens: d.ok ? tokens - cost : tokens, at: t });
    // A full bucket carries no information: keep the map small.
    if (this.buckets.size > 100_000) {
      for (const [k, v] of this.buckets) if (v.tokens + ((t - v.at) / 1000) * spec.refillPerSec >= spec.capacity) this.buckets.delete(k);
    }
    return d;
  }

  async reset(key: string): Promise<void> {
    this.buckets.delete(key);
  }

  async close(): Promise<void> {}
}

/**
 * The same bucket in one Lua script (atomic on the Redis server, clock from Redis `TIME` so the
 * processes' clocks do not matter). The key expires once the bucket would be full again.
 */
const TAKE = `
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil then tokens = cap; at = now end
tokens = math.min(cap, tokens + ((now - at) / 1000) * rate)
local ok = 0
if tokens >= cost then tokens = tokens - cost; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(((cap - tokens) / rate) * 1000) + 1000)
return {ok, tostring(tokens)}
`;

export class RedisRateLimiter implements RateLimiter {
  private readonly client: Redis;
  private warned = 0;
  constructor(url: string, private readonly prefix: string, private readonly onError: (err: Error) => void = () => {}) {
    this.client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    this.client.on('error', () => {});
    this.client.on('ready', () => {
      this.everReady = true;
    });
  }

  private everReady = false;

  /**
   * Right after start the connection may still be opening: wait for it briefly rather than fail open.
   * Once it has been up, an outage fails open at once (no second of latency on every request).
   */
  private async connected(): Promise<void> {
    if (this.client.status === 'ready' || this.everReady) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async take(key: string, spec: BucketSpec, cost = 1): Promise<RateDecision> {
    try {
      await this.connected();
      const [ok, tokensText] = (await this.client.eval(TAKE, 1, `${this.prefix}:rl:${key}`, spec.capacity, spec.refillPerSec, cost)) as [number, string];
      const tokens = Number(tokensText);
      if (ok === 1) return { ok: true, retryAfterMs: 0, remaining: Math.floor(tokens) };
      return decide(tokens, spec, cost);
    } catch (err) {
      // Redis down: let the request through rather than refuse everyone (the API answers 503 on its own
      // when the queue is needed). Logged at most once a minute.
      if (Date.now() - this.warned > 60_000) {
        this.warned = Date.now();
        this.onError(err as Error);
      }
      return { ok: true, retryAfterMs: 0, remaining: spec.capacity };
    }
  }

  async reset(key: string): Promise<void> {
    await this.client.del(`${this.prefix}:rl:${key}`).catch(() => {});
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
