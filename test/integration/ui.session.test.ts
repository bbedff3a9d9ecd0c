import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys';
import { createUiHub, cookiesOf, type UiHub } from './ui.support';

let t: UiHub;
beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
});
afterAll(() => t.close());

describe('UI login, session and CSRF', () => {
  it('sends pages to the login form and keeps the way back', async () => {
    const res = await t.page('GET', '/connections?x=1');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fconnections%3Fx%3D1');
    const htmx = await t.page('GET', '/ui/inbox/counts', { headers: { 'hx-request': 'true' } });
    expect(htmx.status).toBe(401);
    expect(htmx.headers.get('hx-redirect')).toMatch(/^\/login/);
  });

  it('serves the page icon the layout links, without a login', async () => {
    const body = await (await t.page('GET', '/login')).text();
    const href = /<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/.exec(body)?.[1];
    expect(href).toMatch(/^\/ui\/assets\/favicon\.svg\?v=/);
    const icon = await t.page('GET', href!);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toContain('<svg');
  });

  it('answers an unknown screen with a page in the reader\'s language; unknown API paths stay JSON', async () => {
    const { cookie } = await t.login();
    const page = await t.page('GET', '/purchasing/no-such-tab', { cookie });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<h1>Not found</h1>');
    expect(html).toContain('/purchasing/no-such-tab');
    expect(html).toContain('<nav class="main-nav"');
    const api = await t.page('GET', '/api/v1/no-such-thing', { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    // Signed out, the screen asks for the login first (it does not say what exists).
    expect((await t.page('GET', '/purchasing/no-such-tab')).status).toBe(303);
  });

  it('does not touch API, webhook or docs routes', async () => {
    const api = await t.page('GET', '/api/v1/orders');
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.page('GET', '/health')).status).toBe(200);
  });

  it('rejects a wrong key and a login post without the form token', async () => {
    const get = await t.page('GET', '/login');
    const pre = cookiesOf(get);
    const token = /name="_csrf" value="([^"]+)"/.exec(await get.text())![1]!;
    const wrong = await t.page('POST', '/login', { cookie: pre, form: { _csrf: token, key: 'wrong-key-wrong-key-wrong' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That key is unknown');
    const noToken = await t.page('POST', '/login', { cookie: pre, form: { key: t.adminKey } });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.getSetCookie().some((c) => c.startsWith('omnihub_session='))).toBe(false);
    const crossSite = await t.page('POST', '/login', { cookie: pre, form: { _csrf: token, key: t.adminKey }, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
  });

  it('logs in with a key: HttpOnly, SameSite=Lax session cookie (not Secure over http), open redirect refused', async () => {
    const get = await t.page('GET', '/login?next=//evil.example/x');
    const body = await get.text();
    expect(body).toContain('name="next" value="/"');
    const token = /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
    const res = await t.page('POST', '/login', { cookie: cookiesOf(get), form: { _csrf: token, key: t.adminKey, next: '//evil.example/x' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const session = res.headers.getSetCookie().find((c) => c.startsWith('omnihub_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i);
    // The cookie holds a random token, not the key.
    expect(session).not.toContain(t.adminKey);
  });

  it('marks cookies Secure when the public URL is https', async () => {
    const s = await createUiHub({ queue: 'embedded', env: { OMNIHUB_PUBLIC_URL: 'https://hub.example.com' } });
    try {
      const get = await s.page('GET', '/login');
      expect(get.headers.getSetCookie()[0]).toMatch(/Secure/);
      const token = /name="_csrf" value="([^"]+)"/.exec(await get.text())![1]!;
      const res = await s.page('POST', '/login', { cookie: cookiesOf(get), form: { _csrf: token, key: s.adminKey }, headers: { origin: 'https://hub.example.com' } });
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('omnihub_session='))).toMatch(/Secure/);
    } finally {
      await s.close();
    }
  });

  it('requires the session CSRF token and a same-origin request on every write', async () => {
    const { cookie, csrf } = await t.login();
    expect(csrf).toMatch(/^[\w-]{20,}$/);
    const noToken = await t.page('POST', '/ui/views', { cookie, form: { name: 'x', query: '' } });
    expect(noToken.status).toBe(403);
    const crossOrigin = await t.page('POST', '/ui/views', { cookie, form: { name: 'x', query: '', _csrf: csrf }, headers: { origin: 'https://evil.example' } });
    expect(crossOrigin.status).toBe(403);
    const viaHeader = await t.page('POST', '/ui/views', { cookie, form: { name: 'Paid', query: 'financialStatus=paid' }, headers: { 'x-csrf-token': csrf, 'hx-request': 'true' } });
    expect(viaHeader.status).toBe(200);
    expect(await viaHeader.text()).toContain('href="/?financialStatus=paid"');
  });

  it('logout ends the session on the server, so a copied cookie stops working', async () => {
    const { cookie, csrf } = await t.login();
    expect((await t.page('GET', '/', { cookie })).status).toBe(200);
    const out = await t.page('POST', '/logout', { cookie, form: { _csrf: csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/login');
    expect((await t.page('GET', '/', { cookie })).status).toBe(303);
  });

  it('revoking the key ends its sessions; a viewer may read but not write', async () => {
    const viewer = await createApiKey(t.hub.ctx, { name: 'Viewer Vera', role: 'viewer' });
    const { cookie, csrf } = await t.login(viewer.key);
    const home = await t.page('GET', '/', { cookie });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Viewer Vera');
    expect(html).not.toContain('name="action" value="hold"');
    const write = await t.page('POST', '/ui/orders/bulk', { cookie, form: { _csrf: csrf, action: 'hold', ids: '00000000-0000-4000-8000-000000000009' } });
    expect(write.status).toBe(403);
    await revokeApiKey(t.hub.ctx, viewer.id);
    expect((await t.page('GET', '/', { cookie })).status).toBe(303);
  });

  it('chooses the language from the cookie, then Accept-Language, then the default', async () => {
    const { cookie } = await t.login();
    const byHeader = await t.page('GET', '/', { cookie, headers: { 'accept-language': 'zh-HK,zh;q=0.9,en;q=0.5' } });
    expect(byHeader.headers.get('content-language')).toBe('zh-TW');
    expect(await byHeader.text()).toContain('<html lang="zh-TW">');
    const sw = await t.page('GET', '/ui/locale/zh-CN?next=%2F%3Fstatus%3Dopen', { cookie });
    expect(sw.status).toBe(303);
    expect(sw.headers.get('location')).toBe('/?status=open');
    const pref = cookiesOf(sw);
    const byCookie = await t.page('GET', '/', { cookie: `${cookie}; ${pref}`, headers: { 'accept-language': 'zh-TW' } });
    expect(await byCookie.text()).toContain('<h1>订单</h1>');
    const fallback = await t.page('GET', '/', { cookie, headers: { 'accept-language': 'fr-FR' } });
    expect(fallback.headers.get('content-language')).toBe('en');
    const evil = await t.page('GET', '/ui/locale/en?next=https%3A%2F%2Fevil.example', { cookie });
    expect(evil.headers.get('location')).toBe('/');
  });
});
