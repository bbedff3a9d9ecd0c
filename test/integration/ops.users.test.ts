import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys';
import { createUiHub, cookiesOf, type UiHub } from './ui.support';

let t: UiHub;
beforeAll(async () => {
  t = await createUiHub({ queue: 'embedded' });
});
afterAll(() => t.close());

/** Signs in through the form with email + password; the response and the session cookie. */
async function passwordLogin(email: string, password: string, headers: Record<string, string> = {}) {
  const get = await t.page('GET', '/login', { headers });
  const pre = cookiesOf(get);
  const token = /name="_csrf" value="([^"]+)"/.exec(await get.text())![1]!;
  const res = await t.page('POST', '/login', { cookie: pre, form: { _csrf: token, email, password, next: '/' }, headers });
  const cookie = cookiesOf(res).split('; ').filter((c) => c.startsWith('omnihub_session=')).join('; ');
  return { res, cookie, setCookies: res.headers.getSetCookie() };
}

describe('users', () => {
  it('are created by admins with a bcrypt hash (cost >= 10); a generated password is shown once', async () => {
    const created = await t.api('POST', '/api/v1/users', { email: 'Ann@Example.com', role: 'operator', name: 'Ann' });
    expect(created.status).toBe(201);
    expect(created.body.email).toBe('ann@example.com');
    expect(created.body.password).toMatch(/.{20,}/);
    const stored = await t.hub.ctx.db.execute(sql`select password_hash from users where email = 'ann@example.com'`);
    const hash = (stored.rows[0] as { password_hash: string }).password_hash;
    expect(hash).toMatch(/^\$2[aby]\$(\d\d)\$/);
    expect(Number(/^\$2[aby]\$(\d\d)\$/.exec(hash)![1])).toBeGreaterThanOrEqual(10);
    expect(hash).not.toContain(created.body.password);

    const list = await t.api('GET', '/api/v1/users');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(created.body.password);
    expect(JSON.stringify(list.body)).not.toContain('password');

    const dup = await t.api('POST', '/api/v1/users', { email: 'ann@example.com', role: 'viewer', password: 'another-long-password' });
    expect(dup.status).toBe(409);
    const bad = await t.api('POST', '/api/v1/users', { email: 'not-an-email', role: 'boss' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'role']);

    const { key } = await createApiKey(t.hub.ctx, { name: 'op', role: 'operator' });
    const asOperator = await t.app.request('/api/v1/users', { headers: { authorization: `Bearer ${key}` } });
    expect(asOperator.status).toBe(403);
  });

  it('sign in to the UI with email + password; a wrong password or a disabled user is refused', async () => {
    const created = await t.api('POST', '/api/v1/users', { email: 'bo@example.com', role: 'viewer', password: 'correct horse battery' });
    const wrong = await passwordLogin('bo@example.com', 'wrong horse battery');
    expect(wrong.res.status).toBe(401);
    expect(wrong.cookie).toBe('');
    const ok = await passwordLogin('BO@example.com', 'correct horse battery');
    expect(ok.res.status).toBe(303);
    expect(ok.cookie).toMatch(/^omnihub_session=/);
    const home = await t.page('GET', '/', { cookie: ok.cookie });
    expect(home.status).toBe(200);
    // The viewer sees no admin entry in the navigation, and the admin pages refuse them.
    expect(await home.text()).not.toContain('href="/admin"');
    expect((await t.page('GET', '/admin/audit', { cookie: ok.cookie })).status).toBe(403);

    // What a user does is audited under their user id.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await t.page('GET', '/profile', { cookie: ok.cookie })).text())![1]!;
    expect((await t.page('POST', '/profile', { cookie: ok.cookie, form: { _csrf: csrf, locale: 'zh-TW' } })).status).toBe(303);
    const audit = await t.api('GET', `/api/v1/audit?actor=user:${created.body.id}`);
    expect(audit.body.items.map((e: { path: string }) => e.path)).toContain('/profile');

    expect((await t.api('DELETE', `/api/v1/users/${created.body.id}`)).status).toBe(204);
    const after = await t.page('GET', '/', { cookie: ok.cookie });
    expect(after.status).toBe(303);
    expect((await passwordLogin('bo@example.com', 'correct horse battery')).res.status).toBe(401);
    expect((await t.api('DELETE', `/api/v1/users/${created.body.id}`)).status).toBe(404);

    // Re-enabled, then a new password: the session opened with the old one ends, the old password fails.
    expect((await t.api('PATCH', `/api/v1/users/${created.body.id}`, { enabled: true })).body.disabled).toBe(false);
    const again = await passwordLogin('bo@example.com', 'correct horse battery');
    expect(again.res.status).toBe(303);
    expect((await t.api('PATCH', `/api/v1/users/${created.body.id}`, { password: 'a brand new password' })).status).toBe(200);
    expect((await t.page('GET', '/', { cookie: again.cookie })).status).toBe(303);
    expect((await passwordLogin('bo@example.com', 'correct horse battery')).res.status).toBe(401);
    expect((await passwordLogin('bo@example.com', 'a brand new password')).res.status).toBe(303);
    expect((await t.api('PATCH', `/api/v1/users/${created.body.id}`, { password: 'short' })).status).toBe(400);
    expect((await t.api('PATCH', `/api/v1/users/${created.body.id}`, {})).status).toBe(400);
  });

  it('use the language picked on the profile before Accept-Language; the cookie still follows the switch', async () => {
    await t.api('POST', '/api/v1/users', { email: 'cy@example.com', role: 'viewer', password: 'a long enough password' });
    const zhBrowser = { 'accept-language': 'zh-CN,zh;q=0.9' };
    const first = await passwordLogin('cy@example.com', 'a long enough password', zhBrowser);
    // No preference yet: the browser's language.
    const before = await t.page('GET', '/profile', { cookie: first.cookie, headers: zhBrowser });
    expect(before.headers.get('content-language')).toBe('zh-CN');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await before.text())![1]!;
    const saved = await t.page('POST', '/profile', { cookie: first.cookie, headers: zhBrowser, form: { _csrf: csrf, locale: 'zh-TW' } });
    expect(saved.status).toBe(303);
    const stored = await t.hub.ctx.db.execute(sql`select locale from users where email = 'cy@example.com'`);
    expect((stored.rows[0] as { locale: string }).locale).toBe('zh-TW');

    // Another browser (no language cookie), Accept-Language zh-CN: the saved zh-TW wins, at login and after.
    const second = await passwordLogin('cy@example.com', 'a long enough password', zhBrowser);
    expect(second.setCookies.some((c) => c.startsWith('omnihub_locale=zh-TW'))).toBe(true);
    const page = await t.page('GET', '/', { cookie: second.cookie, headers: zhBrowser });
    expect(page.headers.get('content-language')).toBe('zh-TW');
    expect(await page.text()).toContain('<html lang="zh-TW"');
    // Even without the cookie the login set, the stored preference comes before Accept-Language.
    const noCookie = await t.page('GET', '/', { cookie: second.cookie, headers: { 'accept-language': 'en' } });
    expect(noCookie.headers.get('content-language')).toBe('zh-TW');
    // The language switch (cookie) still works for this browser.
    const switched = await t.page('GET', '/', { cookie: `${second.cookie}; omnihub_locale=en`, headers: zhBrowser });
    expect(switched.headers.get('content-language')).toBe('en');
  });
});

describe('admin screens', () => {
  it('list the audit log with filters, for admins', async () => {
    await t.api('POST', '/api/v1/warehouses', { code: 'AUD-1', name: 'Audited warehouse' });
    await t.api('POST', '/api/v1/warehouses', { code: '', name: '' });
    const { cookie } = await t.login();
    const all = await (await t.page('GET', '/admin/audit', { cookie })).text();
    expect(all).toContain('/api/v1/warehouses');
    expect(all).toContain('/api/v1/users');
    // Who is named: the key's name, with its id beneath; the sign-in itself is the key's, not "anonymous".
    const api = await t.api('GET', '/api/v1/audit?method=POST&path=login');
    const login = api.body.items[0] as { actor: string };
    expect(login.actor).toMatch(/^key:[0-9a-f-]{36}$/);
    const [key] = (await t.hub.ctx.db.execute(sql`select name from api_keys where id = ${login.actor.slice(4)}`)).rows as Array<{ name: string }>;
    expect(all).toContain(`<td data-col="actor"><a href="/admin/audit?actor=${encodeURIComponent(login.actor)}">${key!.name}</a><span class="sub mono">${login.actor}</span></td>`);
    const only4xx = await (await t.page('GET', '/admin/audit?path=warehouses&status=4xx', { cookie })).text();
    const rows = [...only4xx.matchAll(/<td class="mono">(\d{3})<\/td>/g)].map((m) => Number(m[1]));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((s) => s >= 400 && s < 500)).toBe(true);
    expect(only4xx).not.toContain('/api/v1/users');
    // The same filters on the API.
    const filtered = await t.api('GET', '/api/v1/audit?method=POST&path=WAREHOUSES&status=2xx');
    expect(filtered.body.items.length).toBeGreaterThan(0);
    expect(filtered.body.items.every((e: { path: string; status: number }) => e.path === '/api/v1/warehouses' && e.status < 300)).toBe(true);
  });

  it('show the embedded queue per job name and state, failed jobs with their error, and retry them', async () => {
    await t.hub.ctx.db.execute(sql`insert into queue_jobs (name, payload, status, attempts, max_attempts, last_error)
      values ('inbox.sweep', '{}', 'failed', 3, 3, 'boom: the test made this fail'), ('inbox.sweep', '{}', 'waiting', 0, 3, null)`);
    const { cookie, csrf } = await t.login();
    const page = await (await t.page('GET', '/admin/queues', { cookie })).text();
    expect(page).toMatch(/<td class="mono">inbox\.sweep<\/td><td>\d+<\/td><td>\d+<\/td><td>\d+<\/td><td>1<\/td>/);
    expect(page).toContain('boom: the test made this fail');
    const id = /id="job-(\d+)"/.exec(page)![1]!;
    const retried = await t.page('POST', `/admin/queues/jobs/${id}/retry`, { cookie, form: { _csrf: csrf } });
    expect(retried.status).toBe(303);
    const row = await t.hub.ctx.db.execute(sql`select status, attempts, last_error from queue_jobs where id = ${Number(id)}`);
    expect(row.rows[0]).toMatchObject({ status: 'waiting', attempts: 0, last_error: null });
    // Twice: the job is no longer failed, so nothing happens.
    expect((await t.page('POST', `/admin/queues/jobs/${id}/retry`, { cookie, form: { _csrf: csrf } })).status).toBe(404);
    // Without the form token: refused.
    expect((await t.page('POST', `/admin/queues/jobs/${id}/retry`, { cookie, form: {} })).status).toBe(403);
  });
});
