import pRetry, { AbortError } from 'p-retry';
import { assertEgressAllowed, egressRefusal, viaEgress } from '../../src/connections/egress-guard';
import { AppError, RemoteError } from '../../src/errors';
import { getRateGovernor, type BucketDefaults, type RateGovernor, type RatePriority, type RateSignal } from './rate-governor';

/**
 * The one HTTP client of all connectors. It goes through the global `fetch` (undici, bundled with
 * Node 20): msw intercepts exactly that, so tests stand in for platforms without a network, and an
 * unexpected call fails. Undici's own `request`/`fetch` exports bypass the interceptor.
 */

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path appended to the base URL (`/admin/api/2026-01/graphql.json`), or an absolute URL on the same origin. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
  /** Tokens this call costs in the governor's bucket (Shopify GraphQL: the requested query cost). */
  cost?: number;
  priority?: RatePriority;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

export interface HttpClientOptions {
  /** Origin (and optional path prefix) every call goes to. */
  baseUrl: string;
  /** Config field the base URL came from, named in egress errors (`config.baseUrl`). */
  baseUrlField: string;
  allowedPrivateHosts?: string[];
  /** Channel account the rate budget belongs to (`shopify:my-shop.myshopify.com`). */
  rateKey: string;
  bucket: BucketDefaults;
  governor?: RateGovernor;
  redisUrl?: string;
  keyPrefix?: string;
  /** Headers added to every call (auth); called per attempt, so a refreshed token is picked up. */
  auth?: () => Promise<Record<string, string>> | Record<string, string>;
  /** Turns a response into the platform's rate signal (call-limit headers, GraphQL cost). */
  readSignal?: (res: HttpResponse) => RateSignal | undefined;
  /**
   * Lets a connector see a 2xx answer that is really a failure (Shopify GraphQL THROTTLED with
   * HTTP 200) and throw a RemoteError for it; the client retries it when it says so.
   */
  inspect?: (res: HttpResponse) => void;
  /** Called once when a call answers 401, before the retry (OAuth: drop the cached token). */
  onUnauthorized?: () => Promise<boolean> | boolean;
  timeoutMs?: number;
  retries?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Upper bound for a single Retry-After wait; longer ones fail the call as retryable for the job queue. */
  maxRetryAfterMs?: number;
  /** Label for messages, e.g. `shopify`. */
  label: string;
}

/** Reads Retry-After: delta seconds or an HTTP date. Returns ms, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** 408, 425, 429 and 5xx may pass; everything else (401, 403, 404, 422 …) will not by repeating it. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Host checks are cached briefly: DNS answers change, so the guard runs again after the TTL. */
const egressChecked = new Map<string, number>();
const EGRESS_TTL_MS = 60_000;

export class HttpClient {
  private readonly governor: RateGovernor;
  constructor(private readonly opts: HttpClientOptions) {
    this.governor = opts.governor ?? getRateGovernor({ redisUrl: opts.redisUrl, keyPrefix: opts.keyPrefix });
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  private url(req: HttpRequest): URL {
    const base = this.opts.baseUrl.replace(/\/+$/, '');
    const url = /^https?:\/\//.test(req.path) ? new URL(req.path) : new URL(`${base}${req.path.startsWith('/') ? '' : '/'}${req.path}`);
    // An absolute URL (a `next` link) must stay on the configured origin: the guard approved only that one.
    if (url.origin !== new URL(base).origin) {
      throw new RemoteError(`${this.opts.label}: refusing to follow a link to another origin (${url.origin})`, { retryable: false });
    }
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private async checkEgress(url: URL): Promise<void> {
    const key = `${url.origin}\u0000${(this.opts.allowedPrivateHosts ?? []).join(',')}`;
    const at = egressChecked.get(key);
    if (at && Date.now() - at < EGRESS_TTL_MS) return;
    try {
      await assertEgressAllowed(url.origin, this.opts.baseUrlField, this.opts.allowedPrivateHosts ?? []);
    } catch (err) {
      // A refused address is a configuration problem: permanent, and it names the field.
      const detail = err instanceof AppError ? err.message : String(err);
      const why = (err as { errors?: Array<{ message: string }> }).errors?.[0]?.message ?? detail;
      throw new RemoteError(`${this.opts.label}: ${this.opts.baseUrlField} refused: ${why}`, { retryable: false, cause: err });
    }
    egressChecked.set(key, Date.now());
  }

  /** One logical call: governed, retried on transient failures with jittered exponential back-off, never on permanent ones. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = this.url(req);
    await this.checkEgress(url);
    const o = this.opts;
    let triedReauth = false;
    return pRetry(
      async () => {
        await this.governor.acquire(o.rateKey, req.cost ?? 1, req.priority ?? 'incremental', o.bucket, req.signal);
        try {
          return await this.attempt(url, req);
        } catch (err) {
          if (err instanceof RemoteError && err.remoteStatus === 401 && !triedReauth && o.onUnauthorized) {
            triedReauth = true;
            if (await o.onUnauthorized()) throw err; // retried once with a fresh token
          }
          if (err instanceof RemoteError && !err.retryable) throw new AbortError(err);
          throw err;
        }
      },
      {
        retries: o.retries ?? 5,
        minTimeout: o.minBackoffMs ?? 500,
        maxTimeout: o.maxBackoffMs ?? 30_000,
        factor: 2,
        randomize: true,
        signal: req.signal,
        shouldRetry: ({ error }) => !(error instanceof RemoteError) || error.retryable || error.remoteStatus === 401,
        onFailedAttempt: async ({ error }) => {
          // Retry-After pauses the whole account (every worker), not just this call.
          const wait = error instanceof RemoteError ? error.retryAfterMs : undefined;
          if (wait !== undefined && wait > 0) {
            // A wait longer than we hold a worker for fails the call as retryable: the job queue comes back later.
            if (wait > (o.maxRetryAfterMs ?? 120_000)) throw error;
            await this.governor.observe(o.rateKey, { pauseMs: wait }, o.bucket);
          }
        },
      },
    );
  }

  private async attempt(url: URL, req: HttpRequest): Promise<HttpResponse> {
    const o = this.opts;
    const headers: Record<string, string> = { accept: 'application/json', ...(await o.auth?.()), ...req.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 30_000);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      // The egress dispatcher checks the address actually dialled (a DNS answer may change after checkEgress).
      res = await fetch(url, { method: req.method ?? 'GET', headers, body, signal, redirect: 'manual', ...viaEgress(o.allowedPrivateHosts ?? []) });
      text = await res.text();
    } catch (err) {
      if (req.signal?.aborted) throw new AbortError(err instanceof Error ? err : String(err));
      const refused = egressRefusal(err);
      if (refused) throw new RemoteError(`${o.label}: ${o.baseUrlField} refused: ${refused}`, { retryable: false, cause: err });
      // Timeouts, resets, DNS hiccups: transient. The message never includes headers (tokens).
      const what = timeout.aborted ? `timed out after ${o.timeoutMs ?? 30_000} ms` : `connection failed (${(err as Error)?.cause ? String((err as { cause: { code?: string } }).cause.code ?? 'network') : 'network'})`;
      throw new RemoteError(`${o.label}: ${req.method ?? 'GET'} ${url.pathname} ${what}`, { retryable: true, cause: err });
    }
    let parsed: unknown;
    let didParse = false;
    const response: HttpResponse = {
      status: res.status,
      headers: res.headers,
      text,
      // Parsed once: the signal reader, the inspector and the caller all look at the same body.
      json: <T>() => {
        if (!didParse) {
          try {
            parsed = JSON.parse(text);
          } catch (err) {
            // An HTML page where JSON was due (REST API disabled, wrong URL, a login wall) will not change by retrying.
            throw new RemoteError(`${o.label}: ${req.method ?? 'GET'} ${url.pathname} answered ${res.status} with a body that is not JSON`, {
              remoteStatus: res.status, retryable: false, cause: err,
            });
          }
          didParse = true;
        }
        return parsed as T;
      },
    };
    let signalFromPlatform: RateSignal | undefined;
    try {
      signalFromPlatform = o.readSignal?.(response);
    } catch {
      // An unreadable body (an HTML error page) carries no signal.
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    if (signalFromPlatform) await this.governor.observe(o.rateKey, signalFromPlatform, o.bucket);
    if (res.status >= 300) {
      const transient = isTransientStatus(res.status);
      // Bodies of errors can echo request data; keep a short prefix only.
      const snippet = text.slice(0, 200).replace(/\s+/g, ' ');
      throw new RemoteError(`${o.label}: ${req.method ?? 'GET'} ${url.pathname} answered ${res.status}${snippet ? `: ${snippet}` : ''}`, {
        remoteStatus: res.status,
        retryable: transient,
        retryAfterMs: transient ? retryAfterMs : undefined,
      });
    }
    o.inspect?.(response);
    return response;
  }
}
