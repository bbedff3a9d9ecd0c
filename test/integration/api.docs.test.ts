import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t.close());

describe('/docs', () => {
  it('serves Swagger UI with its assets from this package, never from a CDN', async () => {
    const page = await (await t.app.request('/docs')).text();
    expect(page).not.toMatch(/https?:\/\//);
    const css = page.match(/href="([^"]+swagger-ui\.css)"/)?.[1];
    const js = page.match(/src="([^"]+swagger-ui-bundle\.js)"/)?.[1];
    expect(css).toBe('/docs/assets/swagger-ui-dist/swagger-ui.css');
    const cssRes = await t.app.request(css!);
    expect(cssRes.status).toBe(200);
    expect(cssRes.headers.get('content-type')).toMatch(/text\/css/);
    const jsRes = await t.app.request(js!);
    expect(jsRes.status).toBe(200);
    expect((await jsRes.text()).length).toBeGreaterThan(100_000);
    expect((await t.app.request('/docs/assets/swagger-ui-dist/package.json')).status).toBe(404);
  });
});
