import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiHub, type UiHub } from './ui.support';

let t: UiHub;
beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
});
afterAll(() => t.close());

describe('API problems in the language asked for', () => {
  it('answers zh-TW with a Chinese title and detail and the same type and code', async () => {
    const en = await t.api('GET', '/api/v1/orders', undefined, { authorization: '' });
    const tw = await t.api('GET', '/api/v1/orders', undefined, { authorization: '', 'accept-language': 'zh-TW,zh;q=0.9' });
    expect(en.status).toBe(401);
    expect(tw.status).toBe(401);
    expect(en.body.title).toBe('Unauthorized');
    expect(tw.body).toMatchObject({ code: 'unauthorized', type: en.body.type, status: 401, title: '未經授權', detail: '需要有效的 API 金鑰。' });
    expect(tw.headers.get('content-language')).toBe('zh-TW');
  });

  it('keeps field paths of validation errors and localises the title in zh-CN', async () => {
    const res = await t.api('POST', '/api/v1/connections', { type: 'sandbox', name: 'x', config: { ordersPerPull: 0 } }, { 'accept-language': 'zh-CN' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.title).toBe('请求无效');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('config.ordersPerPull');
  });

  it('keeps the specific English detail when English (or nothing known) is asked for', async () => {
    const res = await t.api('GET', '/api/v1/orders/00000000-0000-4000-8000-00000000dead', undefined, { 'accept-language': 'de-DE, en;q=0.5' });
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain('00000000-0000-4000-8000-00000000dead');
    expect(res.body.title).toBe('Not found');
  });
});
