import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { Layout } from '../components/layout';
import type { UiEnv, View } from '../env';
import { cookieSecure, LOCALE_COOKIE, LOGIN_CSRF_COOKIE, safeNext, SESSION_COOKIE, view } from '../middleware';
import { createSession, endSession, openSession, resolveSession, SESSION_TTL_MS } from '../session/sessions';
import { isLocale } from '../../i18n/index';
import { clientIp, limiterOf } from '../../api/auth';
import { verifyPassword } from '../../auth/users';

const LoginPage = ({ v, next, token, failed, retryAfter, email }: { v: View; next: string; token: string; failed?: boolean; retryAfter?: number; email?: string }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={t('login.title')} bare>
      <div class="login">
        <h1>{t('login.title')}</h1>
        {retryAfter !== undefined
          ? <p class="notice bad" role="alert">{t('login.tooMany', { seconds: retryAfter })}</p>
          : failed && <p class="notice bad" role="alert">{t('login.failed')}</p>}
        <form method="post" action="/login" class="panel" id="login-password">
          <h2>{t('login.withPassword')}</h2>
          <input type="hidden" name="_csrf" value={token} />
          <input type="hidden" name="next" value={next} />
          <div class="field">
            <label for="email">{t('login.email')}</label>
            <input id="email" name="email" type="email" autocomplete="username" required value={email ?? ''} />
          </div>
          <div class="field">
            <label for="password">{t('login.password')}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <button type="submit" class="btn primary">{t('login.submitPassword')}</button>
        </form>
        <form method="post" action="/login" class="panel" id="login-key">
          <h2>{t('login.withKey')}</h2>
          <input type="hidden" name="_csrf" value={token} />
          <input type="hidden" name="next" value={next} />
          <div class="field">
            <label for="key">{t('login.apiKey')}</label>
            <input id="key" name="key" type="password" autocomplete="off" required aria-describedby="key-hint" aria-invalid={failed ? 'true' : undefined} />
            <p class="hint" id="key-hint">{t('login.hint')}</p>
          </div>
          <button type="submit" class="btn primary">{t('login.submit')}</button>
        </form>
      </div>
    </Layout>
  );
};

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Login (API key → server-side session cookie), logout, and the language switch. */
export function loginRoutes(ui: Hono<UiEnv>): void {
  ui.get('/login', async (c) => {
    // Already logged in: straight on.
    if (await resolveSession(c.get('ctx'), getCookie(c, SESSION_COOKIE))) return c.redirect(safeNext(c.req.query('next')), 303);
    // Before a session exists, a double-submit cookie stands in for the session's CSRF token.
    const token = randomBytes(18).toString('base64url');
    setCookie(c, LOGIN_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: cookieSecure(c), path: '/login', maxAge: 3600 });
    return c.html(<LoginPage v={view(c)} next={safeNext(c.req.query('next'))} token={token} />);
  });

  ui.post('/login', csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || origin === (c.get('ctx').config.publicUrl ? new URL(c.get('ctx').config.publicUrl!).origin : '') }), async (c) => {
    const body = await c.req.parseBody();
    const next = safeNext(typeof body.next === 'string' ? body.next : '/');
    const cookieToken = getCookie(c, LOGIN_CSRF_COOKIE);
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, 320) : '';
    const retry = (retryAfterMs?: number) => {
      const token = randomBytes(18).toString('base64url');
      setCookie(c, LOGIN_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: cookieSecure(c), path: '/login', maxAge: 3600 });
      if (retryAfterMs !== undefined) {
        const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
        c.header('retry-after', String(seconds));
        return c.html(<LoginPage v={view(c)} next={next} token={token} retryAfter={seconds} email={email} />, 429);
      }
      return c.html(<LoginPage v={view(c)} next={next} token={token} failed email={email} />, 401);
    };
    if (!sameToken(typeof body._csrf === 'string' ? body._csrf : undefined, cookieToken)) return retry();
    const ctx = c.get('ctx');
    // Guessing is slowed twice: per client address (any account) and per account (any address).
    // The account's bucket is emptied by failures only: a successful sign-in refills it.
    const limiter = limiterOf(ctx);
    const perIp = await limiter.take(`login:ip:${clientIp(c)}`, { capacity: ctx.config.loginBurstIp, refillPerSec: 10 / 60 });
    if (!perIp.ok) return retry(perIp.retryAfterMs);
    let created: Awaited<ReturnType<typeof openSession>> | null = null;
    if (email && typeof body.password === 'string') {
      const accountKey = `login:acct:${email}`;
      const perAccount = await limiter.take(accountKey, { capacity: ctx.config.loginBurstAccount, refillPerSec: 1 / 60 });
      if (!perAccount.ok) return retry(perAccount.retryAfterMs);
      const principal = await verifyPassword(ctx, email, body.password);
      if (principal) {
        await limiter.reset(accountKey);
        created = await openSession(ctx, principal);
        // The saved language follows the person to this browser.
        if (principal.locale && isLocale(principal.locale)) {
          setCookie(c, LOCALE_COOKIE, principal.locale, { sameSite: 'Lax', secure: cookieSecure(c), path: '/', maxAge: 365 * 86400 });
        }
      }
    } else if (typeof body.key === 'string') {
      created = await createSession(ctx, body.key);
    }
    if (!created) return retry();
    // The audit log names who signed in (a failed attempt stays `anonymous`).
    c.set('principal', created.session.principal);
    deleteCookie(c, LOGIN_CSRF_COOKIE, { path: '/login' });
    setCookie(c, SESSION_COOKIE, created.token, {
      httpOnly: true, sameSite: 'Lax', secure: cookieSecure(c), path: '/', maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.redirect(next, 303);
  });

  ui.get('/ui/locale/:locale', (c) => {
    const locale = c.req.param('locale');
    if (isLocale(locale)) {
      setCookie(c, LOCALE_COOKIE, locale, { sameSite: 'Lax', secure: cookieSecure(c), path: '/', maxAge: 365 * 86400 });
    }
    return c.redirect(safeNext(c.req.query('next')), 303);
  });
}

/** Logout: registered after the session and CSRF middleware, so it needs both like any other write. */
export function logoutRoute(ui: Hono<UiEnv>): void {
  ui.post('/logout', async (c) => {
    await endSession(c.get('ctx'), c.get('sessionToken'));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
}
