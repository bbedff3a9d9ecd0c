import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullPayouts } from '../../src/finance/pull-payouts';
import { createTestHub, type TestHub } from '../helpers/hub';
import { useMswServer } from '../helpers/msw';
import { amazonSettlement } from './amazon-settlement.sample';

/**
 * Amazon settlement reports fetched through the SP-API Reports API (2021-06-30): getReports for
 * GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2 (two pages), getReportDocument, then the presigned URL
 * (one document gzip-compressed, one plain). msw plays Amazon.
 */
const BASE = 'https://sp-reports.amazon.test';
const reportQueries: URLSearchParams[] = [];
let downloads = 0;
const DOCS: Record<string, { text: string; gzip: boolean }> = {
  'DOC-A': { text: amazonSettlement('70000000001', '114-7000000-0000001', '114-7000000-0000002'), gzip: true },
  'DOC-B': { text: amazonSettlement('70000000002', '114-7000000-0000003', '114-7000000-0000004'), gzip: false },
};

useMswServer(
  http.post(`${BASE}/auth/o2/token`, () => HttpResponse.json({ access_token: 'Atza|reports', expires_in: 3600 })),
  http.get(`${BASE}/reports/2021-06-30/reports`, ({ request }) => {
    expect(request.headers.get('x-amz-access-token')).toBe('Atza|reports');
    const q = new URL(request.url).searchParams;
    reportQueries.push(q);
    if (q.get('nextToken') === 'page-2') {
      return HttpResponse.json({ reports: [{ reportId: 'R2', reportType: 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2', processingStatus: 'DONE', reportDocumentId: 'DOC-B', createdTime: '2026-03-30T00:00:00Z' }] });
    }
    return HttpResponse.json({
      reports: [
        { reportId: 'R1', reportType: 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2', processingStatus: 'DONE', reportDocumentId: 'DOC-A', createdTime: '2026-03-16T00:00:00Z' },
      ],
      nextToken: 'page-2',
    });
  }),
  http.get(`${BASE}/reports/2021-06-30/documents/:id`, ({ params }) => {
    const id = String(params.id);
    return HttpResponse.json({ reportDocumentId: id, url: `${BASE}/presigned/${id}?X-Amz-Signature=abc`, ...(DOCS[id]!.gzip ? { compressionAlgorithm: 'GZIP' } : {}) });
  }),
  http.get(`${BASE}/presigned/:id`, ({ request, params }) => {
    // A presigned S3 URL: no SP-API token goes there.
    expect(request.headers.get('x-amz-access-token')).toBeNull();
    downloads++;
    const d = DOCS[String(params.id)]!;
    return new HttpResponse(d.gzip ? gzipSync(Buffer.from(d.text)) : d.text, { headers: { 'content-type': 'application/octet-stream' } });
  }),
);

let t: TestHub;
let conn: string;

beforeAll(async () => {
  t = await createTestHub({ queue: 'embedded' });
  const res = await t.api('POST', '/api/v1/connections', {
    type: 'amazon', name: 'Amazon settlements',
    config: {
      sellerId: 'SELLER-REPORTS', marketplaceIds: ['ATVPDKIKX0DER'], region: 'na', lwaClientId: 'amzn1.application-oa2-client.reports',
      lwaClientSecret: 'lwa-secret', refreshToken: 'Atzr|reports-refresh', baseUrl: BASE, pollIntervalSeconds: 0,
    },
  });
  expect(res.status).toBe(201);
  conn = res.body.id;
});
afterAll(() => t?.close());

describe('Amazon settlement reports through the Reports API', () => {
  it('lists settlement reports page by page, downloads each document (gzip or not) and stores each settlement as a payout', async () => {
    const r = await pullPayouts(t.hub.ctx, { connectionId: conn, since: '2026-03-01T00:00:00Z' });
    expect(r).toEqual({ payouts: 2, changed: 2 });
    expect(reportQueries[0]!.get('reportTypes')).toBe('GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2');
    expect(reportQueries[0]!.get('processingStatuses')).toBe('DONE');
    expect(reportQueries[0]!.get('createdSince')).toBe('2026-03-01T00:00:00Z');
    // The second page is asked with nextToken alone, as Amazon requires.
    expect([...reportQueries[1]!.keys()]).toEqual(['nextToken']);
    const payouts = (await t.hub.ctx.db.execute(sql`
      select p.external_id, p.amount_minor, p.currency, p.source, count(l.id)::int as lines
      from payouts p left join payout_lines l on l.payout_id = p.id group by p.id order by p.external_id`)).rows;
    expect(payouts).toEqual([
      { external_id: '70000000001', amount_minor: 1023, currency: 'USD', source: 'amazon_settlement', lines: expect.any(Number) },
      { external_id: '70000000002', amount_minor: 1023, currency: 'USD', source: 'amazon_settlement', lines: expect.any(Number) },
    ]);
    expect((payouts[0] as { lines: number }).lines).toBeGreaterThan(0);
  });

  it('a second pull finds the same settlements and changes nothing', async () => {
    const before = downloads;
    const r = await pullPayouts(t.hub.ctx, { connectionId: conn, since: '2026-03-01T00:00:00Z' });
    expect(r).toEqual({ payouts: 2, changed: 0 });
    expect(downloads).toBe(before + 2);
    expect(Number(((await t.hub.ctx.db.execute(sql`select count(*)::int as n from payouts`)).rows[0] as { n: number }).n)).toBe(2);
  });
});
