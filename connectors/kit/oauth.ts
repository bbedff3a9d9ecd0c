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

  constructor(private readonly opts: { skewMs?: number; clock?: () => number } = {}) {}

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
        const t = await refresh();
        const skew = this.opts.skewMs ?? 60_000;
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
    if (hit && (token === undefined || hit.token === token)) this.cache.delete(key);
  }
}

/** The process-wide token cache the connectors share. */
export const tokenCache = new TokenCache();
