import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { assertEgressAllowed, viaEgress } from '../../src/connections/egress-guard';
import { z } from 'zod';
import { RemoteError } from '../../src/errors';
import type { ConnectorRuntime } from '../kit/connector';
import { HttpClient, type HttpResponse } from '../kit/http';
import { tokenCache } from '../kit/oauth';
import type { RatePriority, RateSignal } from '../kit/rate-governor';

export const AmazonConfig = z.object({
  sellerId: z.string().min(1).max(64),
  marketplaceIds: z.array(z.string().min(1).max(32)).min(1).max(50),
  region: z.enum(['na', 'eu', 'fe']),
  lwaClientId: z.string().min(1),
  lwaClientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Overrides the SP-API origin and the LWA token endpoint (`<baseUrl>/auth/o2/token`): sandboxes, proxies, tests. */
  baseUrl: z.string().url().optional(),
  pollIntervalSeconds: z.number().int().min(0).max(86_400).default(300),
});
export type AmazonConfig = z.infer<typeof AmazonConfig>;

export const ORDERS_PATH = '/orders/2026-01-01/orders';
/** Data sets searchOrders returns only when asked. */
export const INCLUDED_DATA = ['BUYER', 'RECIPIENT', 'PROCEEDS', 'FULFILLMENT', 'PROMOTION', 'CANCELLATION'] as const;
/** searchOrders' documented default usage plan: 0.0056 requests/s, burst 20. */
export const SEARCH_ORDERS_BUCKET = { capacity: 20, refillPerSecond: 0.0056 };
const LWA_BUCKET = { capacity: 10, refillPerSecond: 1 };
/** Reports API 2021-06-30 usage plans: getReports 0.0222 rps (burst 10), getReportDocument 0.0167 rps (burst 15). */
const GET_REPORTS_BUCKET = { capacity: 10, refillPerSecond: 0.0222 };
const GET_REPORT_DOCUMENT_BUCKET = { capacity: 15, refillPerSecond: 0.0167 };
const REPORTS_PATH = '/reports/2021-06-30';
export const SETTLEMENT_REPORT_TYPE = 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2';

export interface SettlementReport {
  reportId: string;
  reportDocumentId: string;
  createdTime: string;
  dataStartTime?: string;
  dataEndTime?: string;
}

/** Retry tuning; tests shorten the back-off so they do not sleep for seconds. */
export const amazonHttpTuning = { minBackoffMs: 1000, maxBackoffMs: 60_000, retries: 5 };

function spApiOrigin(c: AmazonConfig): string {
  return c.baseUrl ?? `https://sellingpartnerapi-${c.region}.amazon.com`;
}
function lwaOrigin(c: AmazonConfig): string {
  return c.baseUrl ?? 'https://api.amazon.com';
}

/**
 * `x-amzn-RateLimit-Limit` is the account's rate in requests per second for the operation: the
 * bucket refills at that rate. A 429 (QuotaExceeded) means the bucket is empty now.
 */
export function amazonRateSignal(res: Pick<HttpResponse, 'status' | 'headers'>): RateSignal | undefined {
  const limit = Number(res.headers.get('x-amzn-ratelimit-limit'));
  const s: RateSignal = {};
  if (Number.isFinite(limit) && limit > 0) s.refillPerSecond = limit;
  if (res.status === 429) s.available = 0;
  return Object.keys(s).length ? s : undefined;
}

/** The cache key names the account, never the secret: a hash of the refresh token. */
function tokenKey(c: AmazonConfig): string {
  return `amazon:${lwaOrigin(c)}:${c.lwaClientId}:${createHash('sha256').update(c.refreshToken).digest('hex').slice(0, 24)}`;
}

/** SP-API budgets are per seller, region and operation; LWA's per client. */
export function amazonRateKeys(c: { region: string; sellerId: string; lwaClientId: string }) {
  const p = `amazon:${c.region}:${c.sellerId}`;
  return { searchOrders: `${p}:searchOrders`, getReports: `${p}:getReports`, getReportDocument: `${p}:getReportDocument`, lwa: `amazon-lwa:${c.lwaClientId}` };
}

/** An SP-API client for one seller account: LWA access tokens (cached, single flight) and the Orders API. */
export class AmazonClient {
  private readonly http: HttpClient;
  private readonly lwa: HttpClient;
  private readonly reports: HttpClient;
  private readonly documents: HttpClient;
  constructor(private readonly rt: ConnectorRuntime<AmazonConfig>) {
    const c = rt.config;
    const common = {
      baseUrlField: 'config.baseUrl', allowedPrivateHosts: rt.allowedPrivateHosts, redisUrl: rt.redisUrl, keyPrefix: rt.keyPrefix,
      minBackoffMs: amazonHttpTuning.minBackoffMs, maxBackoffMs: amazonHttpTuning.maxBackoffMs, retries: amazonHttpTuning.retries,
    };
    this.lwa = new HttpClient({ ...common, baseUrl: lwaOrigin(c), rateKey: amazonRateKeys(c).lwa, bucket: LWA_BUCKET, label: 'amazon-lwa' });
    this.http = new HttpClient({
      ...common,
      baseUrl: spApiOrigin(c),
      rateKey: amazonRateKeys(c).searchOrders,
      bucket: SEARCH_ORDERS_BUCKET,
      label: 'amazon',
      auth: async () => ({ 'x-amz-access-token': await this.accessToken() }),
      readSignal: amazonRateSignal,
      onUnauthorized: () => {
        tokenCache.invalidate(tokenKey(c));
        return true;
      },
    });
    const authed = {
      ...common, baseUrl: spApiOrigin(c), label: 'amazon',
      auth: async () => ({ 'x-amz-access-token': await this.accessToken() }),
      readSignal: amazonRateSignal,
      onUnauthorized: () => {
        tokenCache.invalidate(tokenKey(c));
        return true;
      },
    };
    this.reports = new HttpClient({ ...authed, rateKey: amazonRateKeys(c).getReports, bucket: GET_REPORTS_BUCKET });
    this.documents = new HttpClient({ ...authed, rateKey: amazonRateKeys(c).getReportDocument, bucket: GET_REPORT_DOCUMENT_BUCKET });
  }

  /**
   * Settlement reports Amazon generated (it schedules them itself; they cannot be requested), page by
   * page, oldest first within a page as Amazon lists them. Amazon keeps them 90 days.
   */
  async *settlementReports(createdSince: string): AsyncGenerator<SettlementReport[]> {
    let nextToken: string | null = null;
    do {
      // With nextToken, Amazon wants no other filter.
      const query: Record<string, string | number | undefined> = nextToken
        ? { nextToken }
        : { reportTypes: SETTLEMENT_REPORT_TYPE, processingStatuses: 'DONE', createdSince, pageSize: 100 };
      const res = await this.reports.request({ path: `${REPORTS_PATH}/reports`, query });
      const body = res.json<{ reports?: Array<Partial<SettlementReport> & { processingStatus?: string }>; nextToken?: string }>();
      const page = (body.reports ?? [])
        .filter((r): r is SettlementReport & { processingStatus?: string } => !!r.reportId && !!r.reportDocumentId && (r.processingStatus ?? 'DONE') === 'DONE')
        .map((r) => ({ reportId: r.reportId, reportDocumentId: r.reportDocumentId, createdTime: r.createdTime ?? '', dataStartTime: r.dataStartTime, dataEndTime: r.dataEndTime }));
      yield page;
      nextToken = body.nextToken || null;
    } while (nextToken);
  }

  /**
   * A report document's text: getReportDocument gives a presigned URL (valid 5 minutes, no SP-API
   * auth) and maybe `compressionAlgorithm: GZIP`. The URL's host is checked by the egress guard like
   * any configured base URL.
   */
  async reportDocument(reportDocumentId: string): Promise<string> {
    const res = await this.documents.request({ path: `${REPORTS_PATH}/documents/${encodeURIComponent(reportDocumentId)}` });
    const doc = res.json<{ url?: string; compressionAlgorithm?: string }>();
    if (!doc.url) throw new RemoteError('amazon: the report document has no url', { retryable: true });
    await assertEgressAllowed(doc.url, 'reportDocument.url', this.rt.allowedPrivateHosts ?? []);
    const got = await fetch(doc.url, viaEgress(this.rt.allowedPrivateHosts ?? []));
    if (!got.ok) throw new RemoteError(`amazon: downloading the report document answered ${got.status}`, { remoteStatus: got.status, retryable: got.status >= 500 || got.status === 429 });
    const bytes = Buffer.from(await got.arrayBuffer());
    return (doc.compressionAlgorithm === 'GZIP' ? gunzipSync(bytes) : bytes).toString('utf8');
  }

  /** A valid LWA access token; concurrent callers share one refresh. */
  accessToken(): Promise<string> {
    const c = this.rt.config;
    return tokenCache.get(tokenKey(c), async () => {
      const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: c.lwaClientId, client_secret: c.lwaClientSecret });
      let res: HttpResponse;
      try {
        res = await this.lwa.request({ method: 'POST', path: '/auth/o2/token', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      } catch (err) {
        // LWA answers 400 invalid_grant / invalid_client for revoked or wrong credentials: that is an
        // authorisation failure of the connection (401), not a bad request to retry.
        if (err instanceof RemoteError && err.remoteStatus !== undefined && err.remoteStatus >= 400 && err.remoteStatus < 500 && err.remoteStatus !== 429) {
          throw new RemoteError(`amazon: Login with Amazon refused the refresh token (${err.remoteStatus})`, { remoteStatus: 401, retryable: false, cause: err });
        }
        throw err;
      }
      const t = res.json<{ access_token?: string; expires_in?: number }>();
      if (!t.access_token) throw new RemoteError('amazon: Login with Amazon answered without an access token', { retryable: true });
      return { accessToken: t.access_token, expiresInSeconds: t.expires_in ?? 3600 };
    });
  }

  /** One page of searchOrders in a lastUpdated window (page size ≤ 100). */
  async searchOrders(p: { lastUpdatedAfter: string; lastUpdatedBefore: string; paginationToken?: string | null; pageSize?: number; priority?: RatePriority; signal?: AbortSignal }) {
    const res = await this.http.request({
      path: ORDERS_PATH,
      query: {
        lastUpdatedAfter: p.lastUpdatedAfter,
        lastUpdatedBefore: p.lastUpdatedBefore,
        marketplaceIds: this.rt.config.marketplaceIds.join(','),
        maxResultsPerPage: Math.min(100, Math.max(1, p.pageSize ?? 100)),
        includedData: INCLUDED_DATA.join(','),
        paginationToken: p.paginationToken ?? undefined,
      },
      priority: p.priority,
      signal: p.signal,
    });
    const body = res.json<{ orders?: unknown[]; pagination?: { nextToken?: string } }>();
    const orders = (body.orders ?? []) as Array<Record<string, unknown>>;
    return { orders, nextToken: body.pagination?.nextToken || null };
  }
}
