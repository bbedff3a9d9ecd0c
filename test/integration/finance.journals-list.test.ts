import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJournal, type JournalInput } from '../../src/finance/post-journal';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;

const entry = (i: number, kind: JournalInput['kind'], entryDate: string): JournalInput => ({
  kind, entryDate, memo: `entry ${i}`, dedupeKey: `journals-list:${i}`,
  lines: [
    { role: 'operating_expenses', debitMinor: 100 + i, creditMinor: 0, currency: 'USD' },
    { role: 'bank', debitMinor: 0, creditMinor: 100 + i, currency: 'USD' },
  ],
});

describe('GET /api/v1/journals and the export', () => {
  // 520 entries: more than one export page (500). Every fifth is a COGS entry; dates run over January.
  const TOTAL = 520;
  beforeAll(async () => {
    t = await createTestHub();
    for (let i = 0; i < TOTAL; i++) {
      await postJournal(t.hub.ctx, entry(i, i % 5 === 0 ? 'cogs' : 'manual', `2026-01-${String(1 + (i % 31)).padStart(2, '0')}`));
    }
  }, 180_000);
  afterAll(async () => t.close());

  it('pages through every journal exactly once, in posting order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.api('GET', `/api/v1/journals?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((j: { memo: string }) => j.memo));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => `entry ${i}`));
  });

  it('pages newest first with order=desc', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.api('GET', `/api/v1/journals?order=desc&limit=300${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((j: { memo: string }) => j.memo));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => `entry ${TOTAL - 1 - i}`));
  });

  it('filters by kind and by entry date', async () => {
    const cogs = await t.api('GET', '/api/v1/journals?kind=cogs&limit=500');
    expect(cogs.body.items).toHaveLength(TOTAL / 5);
    expect(new Set(cogs.body.items.map((j: { kind: string }) => j.kind))).toEqual(new Set(['cogs']));
    const both = await t.api('GET', '/api/v1/journals?kind=cogs,manual&from=2026-01-31&to=2026-01-31&limit=500');
    // Day 31 is entry i with i % 31 = 30: 30, 61, … below 520.
    const expected = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => i % 31 === 30).map((i) => `entry ${i}`);
    expect(both.body.items.map((j: { memo: string }) => j.memo)).toEqual(expected);
    expect(both.body.nextCursor).toBeNull();
  });

  it('refuses an unknown kind, a bad date range and a forged cursor, naming the field', async () => {
    for (const [query, field] of [['kind=cogs,payroll', 'kind'], ['from=2026-02-01&to=2026-01-01', 'to'], ['from=January', 'from'], ['cursor=bm90LWEtY3Vyc29y', 'cursor']] as const) {
      const res = await t.api('GET', `/api/v1/journals?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path), query).toContain(field);
    }
  });

  it('exports every matching journal, not only the first page', async () => {
    const res = await t.app.request('/api/v1/journals/export?format=csv', { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(res.status).toBe(200);
    const rows = (await res.text()).trim().split('\n');
    expect(rows).toHaveLength(1 + TOTAL * 2); // a header, then two lines per journal
    expect(rows.at(-1)).toContain('entry 519');
    const cogs = await t.app.request('/api/v1/journals/export?format=json&kind=cogs', { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(((await cogs.json()) as { items: unknown[] }).items).toHaveLength(TOTAL / 5);
  });
});
