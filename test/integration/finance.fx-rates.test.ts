import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertExact, RateBook, rateOf } from '../../src/domain/fx-rates';
import { createTestHub, type TestHub } from '../helpers/hub';
import { recordRequests, useMswServer } from '../helpers/msw';

const server = useMswServer();
const seen = recordRequests(server);

describe('exchange rates', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub({ queue: 'embedded' });
  });
  afterAll(async () => t.close());

  it('converts exactly with each currency\'s exponent (JPY 0, KWD 3), rounding half away from zero', () => {
    expect(convertExact(10_000, 'EUR', 'JPY', rateOf('161.5'))).toBe(16_150); // 100.00 EUR → 16150 JPY
    expect(convertExact(16_150, 'JPY', 'EUR', rateOf('0.00619195'))).toBe(10_000);
    expect(convertExact(1_000, 'USD', 'KWD', rateOf('0.3075'))).toBe(3_075); // 10.00 USD → 3.075 KWD
    expect(convertExact(5, 'USD', 'EUR', rateOf('0.5'))).toBe(3); // 2.5 cents → 3
    expect(convertExact(-5, 'USD', 'EUR', rateOf('0.5'))).toBe(-3);
    // A cross rate through EUR, and the inverse, stay exact fractions.
    const book = new RateBook([{ date: '2026-01-01', base: 'EUR', quote: 'USD', rate: '1.25' }, { date: '2026-01-01', base: 'EUR', quote: 'JPY', rate: '160' }]);
    expect(convertExact(12_500, 'USD', 'JPY', book.rate('USD', 'JPY', '2026-01-05')!)).toBe(16_000);
    expect(book.rate('USD', 'JPY', '2025-12-31')).toBeUndefined();
  });

  it('imports CSV, names every bad row, and a manual override survives a later import', async () => {
    const bad = await t.api('POST', '/api/v1/fx-rates/import', 'date,base,quote,rate\n2026-01-02,EUR,USD,1.1\n2026-01-02,EUR,JPY,1e3\n2026-02-30,EUR,GBP,0.8\n', { 'content-type': 'text/csv' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(['rows.3.rate', 'rows.4.date']);
    const ok = await t.api('POST', '/api/v1/fx-rates/import', '\uFEFFdate,base,quote,rate\r\n2026-01-02,EUR,USD,1.1\r\n2026-01-02,EUR,JPY,161.25\r\n', { 'content-type': 'text/csv' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ rows: 2, stored: 2, keptManual: 0 });
    const manual = await t.api('PUT', '/api/v1/fx-rates', { date: '2026-01-02', base: 'EUR', quote: 'USD', rate: '1.0875' });
    expect(manual.status).toBe(200);
    const again = await t.api('POST', '/api/v1/fx-rates/import', 'date,base,quote,rate\n2026-01-02,EUR,USD,1.2\n', { 'content-type': 'text/csv' });
    expect(again.body).toMatchObject({ rows: 1, stored: 0, keptManual: 1 });
    const list = await t.api('GET', '/api/v1/fx-rates?base=EUR&quote=USD');
    expect(list.body.items).toEqual([expect.objectContaining({ date: '2026-01-02', rate: '1.0875', source: 'manual' })]);
    // Conversion through the API uses the override: 100.00 USD → EUR at 1/1.0875.
    const conv = await t.api('GET', '/api/v1/fx-rates/convert?amountMinor=10000&from=USD&to=EUR&date=2026-01-03');
    expect(conv.body.convertedMinor).toBe(9195); // 100 / 1.0875 = 91.954…
    const none = await t.api('GET', '/api/v1/fx-rates/convert?amountMinor=100&from=USD&to=CHF&date=2026-01-03');
    expect(none.status).toBe(422);
  });

  it('fetches from the configured provider through the HTTP client (rates read as exact text)', async () => {
    server.use(http.get('https://rates.example.test/latest', () => new HttpResponse(
      '{"base":"EUR","date":"2026-01-05","rates":{"USD":1.0931,"JPY":"162.10","KWD":0.337}}', { headers: { 'content-type': 'application/json' } })));
    const set = await t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'EUR', fxProvider: { url: 'https://rates.example.test/latest?base=EUR', format: 'json' } });
    expect(set.status).toBe(200);
    const r = await t.api('POST', '/api/v1/fx-rates/fetch');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ rows: 3, stored: 3 });
    expect(seen.some((s) => s.url.host === 'rates.example.test' && s.url.searchParams.get('base') === 'EUR')).toBe(true);
    const list = await t.api('GET', '/api/v1/fx-rates?from=2026-01-05&to=2026-01-05');
    expect(Object.fromEntries(list.body.items.map((i: any) => [i.quote, i.rate]))).toEqual({ USD: '1.0931', JPY: '162.10', KWD: '0.337' });
  });

  it('refuses a provider URL aimed at the private network (egress guard)', async () => {
    const r = await t.api('PUT', '/api/v1/finance/company', { functionalCurrency: 'EUR', fxProvider: { url: 'http://127.0.0.1:9/rates' } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('fxProvider.url');
  });

  it('pages rates newest day first, pair by pair, to the oldest (cursor → nextCursor), filtered by pair', async () => {
    const rows = ['date,base,quote,rate'];
    for (let d = 1; d <= 7; d++) for (const q of ['CHF', 'SEK']) rows.push(`2025-03-0${d},NOK,${q},0.0${d}`);
    expect((await t.api('POST', '/api/v1/fx-rates/import', `${rows.join('\n')}\n`, { 'content-type': 'text/csv' })).status).toBeLessThan(300);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.api('GET', `/api/v1/fx-rates?base=NOK&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      seen.push(...r.body.items.map((x: any) => `${x.date} ${x.base}/${x.quote}`));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(14);
    expect(seen.slice(0, 3)).toEqual(['2025-03-07 NOK/CHF', '2025-03-07 NOK/SEK', '2025-03-06 NOK/CHF']);
    expect(seen.at(-1)).toBe('2025-03-01 NOK/SEK');
    expect(new Set(seen).size).toBe(14);
    const sek = await t.api('GET', '/api/v1/fx-rates?base=NOK&quote=SEK&limit=100');
    expect(sek.body.items).toHaveLength(7);
    expect(sek.body.nextCursor).toBeNull();
    const forged = await t.api('GET', `/api/v1/fx-rates?cursor=${Buffer.from('["2025-02-30","NOK","SEK"]').toString('base64url')}`);
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].path).toBe('cursor');
  });
});
