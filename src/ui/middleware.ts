import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { principalAllowed } from '../api/auth';
import { NUL_MESSAGE, nulQueryFields } from '../api/nul-characters';
import { actorOf } from '../auth/api-keys';
import { ForbiddenError, ValidationError } from '../errors';
import { createI18n, isLocale, negotiateLocale } from '../i18n/index';
import type { UiEnv, View } from './env';
import { resolveSession } from './session/sessions';

export const SESSION_COOKIE = 'omnihub_session';
export const LOCALE_COOKIE = 'omnihub_locale';
export const LOGIN_CSRF_COOKIE = 'omnihub_login_csrf';

/** Cookies are Secure when the hub is served over https (OMNIHUB_PUBLIC_URL says so). */
export function cookieSecure(c: Context<UiEnv>): boolean {
  return c.get('ctx').config.publicUrl?.startsWith('https://') ?? false;
}

/** Only relative paths on this site are followed after login or a language switch (no open redirect). */
export function safeNext(next: string | undefined | null, fallback = '/'): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}

export const isHtmx = (c: Context) => c.req.header('hx-request') === 'true';

/**
 * Locale for this request: `?lang=` (a shared link in a language; it is kept in the cookie, so the next
 * page stays in it), else the cookie (the person's choice), else Accept-Language, else the business default.
 */
export function localeMiddleware(): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    const ctx = c.get('ctx');
    const asked = c.req.query('lang');
    if (isLocale(asked) && getCookie(c, LOCALE_COOKIE) !== asked) {
      setCookie(c, LOCALE_COOKIE, asked, { sameSite: 'Lax', secure: cookieSecure(c), path: '/', maxAge: 365 * 86400 });
    }
    const locale = negotiateLocale({
      preference: isLocale(asked) ? asked : getCookie(c, LOCALE_COOKIE),
      acceptLanguage: c.req.header('accept-language'),
      fallback: ctx.config.defaultLocale,
    });
    c.set('i18n', createI18n(locale, ctx.config.timezone, ctx.now));
    c.set('csrf', '');
    c.header('content-language', locale);
    c.header('vary', 'Cookie, Accept-Language');
    await next();
  };
}

/** Pages need a session: without one, a page goes to the login form (htmx requests get HX-Redirect). */
export function requireSession(): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const session = await resolveSession(c.get('ctx'), token);
    if (!session) {
      const back = new URL(c.req.url);
      const to = `/login?next=${encodeURIComponent(c.req.method === 'GET' && !isHtmx(c) ? `${back.pathname}${back.search}` : '/')}`;
      if (isHtmx(c)) return c.body(null, 401, { 'hx-redirect': to });
      return c.redirect(to, 303);
    }
    c.set('principal', session.principal);
    c.set('csrf', session.csrfToken);
    c.set('sessionToken', token);
    c.set('ctx', { ...c.get('ctx'), actor: actorOf(session.principal) });
    // The person's saved language comes before Accept-Language (a language cookie, set by the
    // switch or at login, still wins: it is this browser's latest choice).
    const pref = session.principal.locale;
    if (pref && isLocale(pref) && !getCookie(c, LOCALE_COOKIE) && c.get('i18n').locale !== pref) {
      const ctx = c.get('ctx');
      c.set('i18n', createI18n(pref, ctx.config.timezone, ctx.now));
      c.header('content-language', pref);
    }
    await next();
  };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The CSRF token a request carries: the htmx header, else the `_csrf` form field. */
export async function submittedCsrf(c: Context<UiEnv>): Promise<string> {
  const header = c.req.header('x-csrf-token');
  if (header) return header;
  const ct = c.req.header('content-type') ?? '';
  if (ct.includes('application/x-www-form-urlencoded') || ct.includes('multipart/form-data')) {
    const body = await c.req.parseBody({ all: true });
    const v = body._csrf;
    return typeof v === 'string' ? v : '';
  }
  return '';
}

/**
 * Two CSRF defences on every state-changing request: the Origin / Sec-Fetch-Site check of
 * hono/csrf (a browser cannot fake these) and the session's token in the form or header.
 */
export function csrfProtection(): MiddlewareHandler<UiEnv> {
  const originCheck = csrf({
    origin: (origin, c) => {
      if (origin === new URL(c.req.url).origin) return true;
      const pub = (c as Context<UiEnv>).get('ctx').config.publicUrl;
      return !!pub && origin === new URL(pub).origin;
    },
  });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return originCheck(c, async () => {
      if (!sameToken(await submittedCsrf(c), c.get('csrf'))) throw new ForbiddenError('The form has expired; reload the page and try again.');
      await next();
    });
  };
}

/** Writing (orders, connections, replays) follows the API's role rules: admins and operators. */
export function assertMayWrite(c: Context<UiEnv>, apiPath: string): void {
  const p = c.get('principal');
  if (!p || !principalAllowed(p, 'POST', apiPath)) throw new ForbiddenError(`The ${p?.role ?? 'anonymous'} role may not do this.`);
}

export function view(c: Context<UiEnv>): View {
  return { i18n: c.get('i18n'), csrf: c.get('csrf'), principal: c.get('principal'), url: new URL(c.req.url) };
}

/** A query parameter or form field holding a NUL character is a 400 naming it (the error page), not a 500. */
export function refuseNul(): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    const bad = nulQueryFields(c.req.url);
    const ct = c.req.header('content-type') ?? '';
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && (ct.includes('application/x-www-form-urlencoded') || ct.includes('multipart/form-data'))) {
      const body = await c.req.parseBody({ all: true });
      for (const [k, v] of Object.entries(body)) {
        if (k.includes('\u0000') || [v].flat().some((x) => typeof x === 'string' && x.includes('\u0000'))) bad.push(k.replace(/\u0000/g, ''));
      }
    }
    if (bad.length > 0) throw new ValidationError(bad.slice(0, 20).map((path) => ({ path, message: NUL_MESSAGE })));
    await next();
  };
}
