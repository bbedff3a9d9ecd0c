import { Redis } from 'ioredis';
import type { HttpClient } from './http';

export interface IssuedToken {
  accessToken: string;
  /** Seconds until it expires; undefined = does not expire. */
  expiresInSeconds?: number;
}

interface Entry {
  token: string;
  expiresAt: number;
}

/**
 * Access tokens that expire, refreshed once however many callers need one at the same moment:
 * concurrent callers of `get` share the one refresh in flight (single flight), and the token is
 * cached until shortly before it expires. One cache per process, keyed by account.
 */
export class TokenCache {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly opts: { skewMs?: number; clock?: () => number; shared?: SharedTokenStore } = {}) {}

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  /** A valid token for `key`, calling `refresh` only when none is cached (and only once for concurrent callers). */
  async get(key: string, refresh: () => Promise<IssuedToken>): Promise<string> {
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.token;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = (async () => {
      try {
        const skew = this.opts.skewMs ?? 60_000;
        const shared = this.opts.shared;
        const t = shared ? await shared.getOrRefresh(key, refresh, skew) : await refresh();
        const life = t.expiresInSeconds === undefined ? Number.POSITIVE_INFINITY : Math.max(0, t.expiresInSeconds * 1000 - skew);
        this.cache.set(key, { token: t.accessToken, expiresAt: this.now() + life });
        return t.accessToken;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  /** Drops a token the platform refused (401), so the next `get` refreshes. Only drops it if it is still the same token. */
  invalidate(key: string, token?: string): void {
    const hit = this.cache.get(key);
    if (hit && (token === undefined || hit.token === token)) {
      this.cache.delete(key);
      void this.opts.shared?.drop(key, hit.token);
    }
  }
}

/**
 * Single flight across processes: the first worker to need a token takes a short Redis lock and
 * refreshes; the others wait for the token it stores (kept only for the token's lifetime). Access
 * tokens are short-lived; refresh tokens and client secrets never go to Redis.
 */
export class SharedTokenStore {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly lockMs = 15_000) {}

  static connect(url: string, prefix: string): SharedTokenStore {
    return new SharedTokenStore(new Redis(url, { maxRetriesPerRequest: 2 }), prefix);
  }

  private k(key: string) {
    return `${this.prefix}:token:${key}`;
  }

  async getOrRefresh(key: string, refresh: () => Promise<IssuedToken>, skewMs: number): Promise<IssuedToken> {
    const end = Date.now() + this.lockMs;
    for (;;) {
      const [value, ttl] = await Promise.all([this.redis.get(this.k(key)), this.redis.pttl(this.k(key))]);
      if (value && (ttl < 0 || ttl > skewMs)) return { accessToken: value, expiresInSeconds: ttl < 0 ? undefined : ttl / 1000 };
      const lock = await this.redis.set(`${this.k(key)}:lock`, String(process.pid), 'PX', this.lockMs, 'NX');
      if (lock === 'OK' || Date.now() > end) {
        try {
          const t = await refresh();
          if (t.expiresInSeconds === undefined) await this.redis.set(this.k(key), t.accessToken, 'PX', 24 * 3600_000);
          else if (t.expiresInSeconds * 1000 > skewMs) await this.redis.set(this.k(key), t.accessToken, 'PX', Math.floor(t.expiresInSeconds * 1000));
          return t;
        } finally {
          if (lock === 'OK') await this.redis.del(`${this.k(key)}:lock`);
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Forgets a token the platform refused, unless another worker already replaced it. */
  async drop(key: string, token: string): Promise<void> {
    if ((await this.redis.get(this.k(key))) === token) await this.redis.del(this.k(key));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => {});
  }
}

const caches = new Map<string, TokenCache>();
const stores: SharedTokenStore[] = [];

/** The process' token cache: shared through Redis when REDIS_URL is configured, in memory otherwise. */
export function getTokenCache(opts: { redisUrl?: string; keyPrefix?: string } = {}): TokenCache {
  if (!opts.redisUrl) return tokenCache;
  const id = `${opts.redisUrl}\u0000${opts.keyPrefix ?? 'omnihub'}`;
  let c = caches.get(id);
  if (!c) {
    const store = SharedTokenStore.connect(opts.redisUrl, opts.keyPrefix ?? 'omnihub');
    stores.push(store);
    c = new TokenCache({ shared: store });
    caches.set(id, c);
  }
  return c;
}

export async function closeTokenCaches(): Promise<void> {
  const all = stores.splice(0);
  caches.clear();
  await Promise.all(all.map((s) => s.close()));
}

/** The process-wide token cache the connectors share. */
export const tokenCache = new TokenCache();

/**
 * The OAuth2 `refresh_token` grant with the client's credentials in Basic auth (Xero, QuickBooks).
 * Both rotate refresh tokens: a new one is handed to `onRotate` so the caller stores it (sealed).
 */
export async function refreshTokenGrant(
  http: HttpClient,
  path: string,
  creds: { clientId: string; clientSecret: string; refreshToken: string },
  onRotate: (refreshToken: string) => Promise<void> | void,
): Promise<IssuedToken> {
  const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
  const res = await http.request({
    method: 'POST', path, headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.refreshToken }).toString(),
  });
  const t = res.json<{ access_token: string; expires_in?: number; refresh_token?: string }>();
  if (t.refresh_token && t.refresh_token !== creds.refreshToken) await onRotate(t.refresh_token);
  return { accessToken: t.access_token, expiresInSeconds: t.expires_in };
}
