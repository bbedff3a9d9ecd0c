import { Redis } from 'ioredis';

/**
 * Who is asking. Lower-priority callers must leave headroom in the bucket, so a webhook-triggered
 * fetch still finds tokens while a backfill is running: webhook > incremental > backfill.
 */
export type RatePriority = 'webhook' | 'incremental' | 'backfill';

/** Share of the bucket each priority must leave untouched for the ones above it. */
export const PRIORITY_RESERVE: Record<RatePriority, number> = { webhook: 0, incremental: 0.2, backfill: 0.5 };

/** What a platform told us about the account's budget. Absolute values replace our estimate (the platform is the truth). */
export interface RateSignal {
  /** Bucket size (Shopify GraphQL `maximumAvailable`, REST call-limit denominator). */
  capacity?: number;
  /** Tokens left now (`currentlyAvailable`, or limit − used). */
  available?: number;
  /** Tokens restored per second (`restoreRate`). */
  refillPerSecond?: number;
  /** Nobody may call before this many ms from now (Retry-After, a THROTTLED answer). */
  pauseMs?: number;
}

export interface BucketDefaults {
  capacity: number;
  refillPerSecond: number;
}

/** A bucket as it stands now (refilled to this moment), for health pages; nothing is taken. */
export interface RateBucketState {
  key: string;
  capacity: number;
  available: number;
  refillPerSecond: number;
  /** Ms until anyone may call again because the platform said wait (Retry-After, THROTTLED); 0 = not paused. */
  pausedForMs: number;
}

/** Token bucket per channel account. `acquire` resolves when `cost` tokens were taken. */
export interface RateGovernor {
  acquire(key: string, cost: number, priority: RatePriority, defaults: BucketDefaults, signal?: AbortSignal): Promise<void>;
  observe(key: string, signal: RateSignal, defaults: BucketDefaults): Promise<void>;
  /** The bucket's state now, or null when no call has used it (in this process, or in Redis within the hour). */
  peek(key: string): Promise<RateBucketState | null>;
}

function stateOf(key: string, b: Bucket, now: number): RateBucketState {
  const available = Math.min(b.capacity, b.tokens + ((now - b.ts) * b.rate) / 1000);
  return { key, capacity: b.capacity, available: Math.floor(available * 100) / 100, refillPerSecond: b.rate, pausedForMs: Math.max(0, b.pauseUntil - now) };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

interface Bucket {
  tokens: number;
  ts: number;
  capacity: number;
  rate: number;
  pauseUntil: number;
}

/**
 * The bucket arithmetic, shared by the in-memory governor and (as Lua) the Redis one: refill by
 * elapsed time, refuse while paused, and let a caller take tokens only when `cost + reserve` is there.
 * Returns the ms to wait (0 = taken).
 */
export function takeFromBucket(b: Bucket, now: number, cost: number, reserveShare: number): number {
  b.tokens = Math.min(b.capacity, b.tokens + ((now - b.ts) * b.rate) / 1000);
  b.ts = now;
  if (now < b.pauseUntil) return b.pauseUntil - now;
  const c = Math.min(cost, b.capacity);
  const need = Math.min(b.capacity, c + reserveShare * b.capacity);
  if (b.tokens >= need) {
    b.tokens -= c;
    return 0;
  }
  return Math.max(1, Math.ceil(((need - b.tokens) * 1000) / Math.max(b.rate, 0.001)));
}

export function applySignal(b: Bucket, now: number, s: RateSignal): void {
  b.tokens = Math.min(b.capacity, b.tokens + ((now - b.ts) * b.rate) / 1000);
  b.ts = now;
  if (s.capacity !== undefined && s.capacity > 0) b.capacity = s.capacity;
  if (s.refillPerSecond !== undefined && s.refillPerSecond > 0) b.rate = s.refillPerSecond;
  if (s.available !== undefined) b.tokens = Math.max(0, Math.min(b.capacity, s.available));
  if (s.pauseMs !== undefined && s.pauseMs > 0) b.pauseUntil = Math.max(b.pauseUntil, now + s.pauseMs);
}

/** One process: buckets in a Map. Waiters poll the bucket at the wait it computes (capped, so signals are seen soon). */
export class MemoryRateGovernor implements RateGovernor {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly clock: () => number = Date.now) {}

  private bucket(key: string, d: BucketDefaults): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: d.capacity, ts: this.clock(), capacity: d.capacity, rate: d.refillPerSecond, pauseUntil: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Ms the caller would wait now (0 = it would be served); for tests and metrics. */
  peekWait(key: string, cost: number, priority: RatePriority, d: BucketDefaults): number {
    const b = { ...this.bucket(key, d) };
    return takeFromBucket(b, this.clock(), cost, PRIORITY_RESERVE[priority]);
  }

  async acquire(key: string, cost: number, priority: RatePriority, d: BucketDefaults, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = takeFromBucket(this.bucket(key, d), this.clock(), cost, PRIORITY_RESERVE[priority]);
      if (wait === 0) return;
      await sleep(Math.min(wait, 1000), signal);
    }
  }

  async observe(key: string, s: RateSignal, d: BucketDefaults): Promise<void> {
    applySignal(this.bucket(key, d), this.clock(), s);
  }

  async peek(key: string): Promise<RateBucketState | null> {
    const b = this.buckets.get(key);
    return b ? stateOf(key, b, this.clock()) : null;
  }
}

// Same arithmetic as takeFromBucket/applySignal, atomically in Redis, on Redis' clock so that workers
// on different machines agree on "now".
const LOAD = `
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'cap', 'rate', 'pause')
local cap = tonumber(h[3]) or tonumber(ARGV[1])
local rate = tonumber(h[4]) or tonumber(ARGV[2])
local tokens = tonumber(h[1]) or cap
local ts = tonumber(h[2]) or now
local pause = tonumber(h[5]) or 0
tokens = math.min(cap, tokens + (now - ts) * rate / 1000)
`;
const SAVE = `
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now), 'cap', tostring(cap), 'rate', tostring(rate), 'pause', tostring(pause))
redis.call('PEXPIRE', KEYS[1], 3600000)
`;
const TAKE_LUA = `${LOAD}
local cost = math.min(tonumber(ARGV[3]), cap)
local need = math.min(cap, cost + tonumber(ARGV[4]) * cap)
local wait = 0
if now < pause then
  wait = pause - now
elseif tokens >= need then
  tokens = tokens - cost
else
  wait = math.max(1, math.ceil((need - tokens) * 1000 / math.max(rate, 0.001)))
end
${SAVE}
return wait`;
const OBSERVE_LUA = `${LOAD}
if ARGV[3] ~= '' and tonumber(ARGV[3]) > 0 then cap = tonumber(ARGV[3]) end
if ARGV[5] ~= '' and tonumber(ARGV[5]) > 0 then rate = tonumber(ARGV[5]) end
if ARGV[4] ~= '' then tokens = math.max(0, math.min(cap, tonumber(ARGV[4]))) end
if ARGV[6] ~= '' and tonumber(ARGV[6]) > 0 then pause = math.max(pause, now + tonumber(ARGV[6])) end
${SAVE}
return 1`;

const PEEK_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
${LOAD}
return {tostring(cap), tostring(tokens), tostring(rate), tostring(math.max(0, pause - now))}`;

type GovernorRedis = Redis & {
  omnihubRatePeek(key: string, cap: number, rate: number): Promise<[string, string, string, string] | null>;
  omnihubRateTake(key: string, cap: number, rate: number, cost: number, reserve: number): Promise<number>;
  omnihubRateObserve(key: string, cap: number, rate: number, sCap: string, sAvail: string, sRate: string, sPause: string): Promise<number>;
};

/** All worker processes share one bucket per account: the state lives in a Redis hash, changed only by Lua scripts. */
export class RedisRateGovernor implements RateGovernor {
  constructor(private readonly redis: GovernorRedis, private readonly prefix: string) {}

  static connect(url: string, prefix: string): RedisRateGovernor {
    const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false }) as GovernorRedis;
    redis.defineCommand('omnihubRateTake', { numberOfKeys: 1, lua: TAKE_LUA });
    redis.defineCommand('omnihubRateObserve', { numberOfKeys: 1, lua: OBSERVE_LUA });
    redis.defineCommand('omnihubRatePeek', { numberOfKeys: 1, lua: PEEK_LUA });
    return new RedisRateGovernor(redis, prefix);
  }

  private k(key: string) {
    return `${this.prefix}:rate:${key}`;
  }

  async acquire(key: string, cost: number, priority: RatePriority, d: BucketDefaults, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = Number(await this.redis.omnihubRateTake(this.k(key), d.capacity, d.refillPerSecond, cost, PRIORITY_RESERVE[priority]));
      if (wait === 0) return;
      await sleep(Math.min(wait, 1000), signal);
    }
  }

  async observe(key: string, s: RateSignal, d: BucketDefaults): Promise<void> {
    const str = (v: number | undefined) => (v === undefined ? '' : String(v));
    await this.redis.omnihubRateObserve(this.k(key), d.capacity, d.refillPerSecond, str(s.capacity), str(s.available), str(s.refillPerSecond), str(s.pauseMs));
  }

  async peek(key: string): Promise<RateBucketState | null> {
    // Read-only: the script refills to Redis' "now" but does not save.
    const r = await this.redis.omnihubRatePeek(this.k(key), 0, 0);
    if (!r) return null;
    const [cap, tokens, rate, paused] = r.map(Number) as [number, number, number, number];
    return { key, capacity: cap, available: Math.floor(tokens * 100) / 100, refillPerSecond: rate, pausedForMs: Math.round(paused) };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => {});
  }
}

const memory = new MemoryRateGovernor();
const shared = new Map<string, RedisRateGovernor>();

/** The process-wide governor: Redis-backed when REDIS_URL is configured, else in memory. */
export function getRateGovernor(opts: { redisUrl?: string; keyPrefix?: string } = {}): RateGovernor {
  if (!opts.redisUrl) return memory;
  const prefix = opts.keyPrefix ?? 'omnihub';
  const id = `${opts.redisUrl}\u0000${prefix}`;
  let g = shared.get(id);
  if (!g) {
    g = RedisRateGovernor.connect(opts.redisUrl, prefix);
    shared.set(id, g);
  }
  return g;
}

/** Closes the Redis connections of the shared governors (at shutdown, in tests and benchmarks). */
export async function closeRateGovernors(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.all(all.map((g) => g.close()));
}

/** Reads Shopify's REST `X-Shopify-Shop-Api-Call-Limit: 32/40` into a signal (leaky bucket of 2 calls/s on standard plans). */
export function shopifyCallLimitSignal(header: string | null | undefined): RateSignal | undefined {
  const m = header ? /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(header) : null;
  if (!m) return undefined;
  const used = Number(m[1]);
  const max = Number(m[2]);
  return { capacity: max, available: Math.max(0, max - used) };
}

/** Reads Shopify GraphQL `extensions.cost.throttleStatus` into a signal. */
export function shopifyThrottleSignal(cost: unknown): RateSignal | undefined {
  const ts = (cost as { throttleStatus?: Record<string, unknown> } | undefined)?.throttleStatus;
  if (!ts) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { capacity: num(ts.maximumAvailable), available: num(ts.currentlyAvailable), refillPerSecond: num(ts.restoreRate) };
}
