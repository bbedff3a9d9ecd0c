import type { Child, FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { localeNames, locales } from '../../i18n/index';
import type { View } from '../env';
import { activeNav, navItems } from '../nav';
import { ASSET_VERSION } from '../assets';

/** Hidden CSRF field for plain (non-htmx) forms. */
export const Csrf: FC<{ v: View }> = ({ v }) => <input type="hidden" name="_csrf" value={v.csrf} />;

/** Switches language with a plain link (works on every page, also before login), back to where the person was. */
export const LanguageSwitch: FC<{ v: View }> = ({ v }) => {
  // Without `lang`: a `?lang=` left in the way back would switch the language back again.
  const q = new URLSearchParams(v.url.search);
  q.delete('lang');
  const back = `${v.url.pathname}${q.size ? `?${q}` : ''}`;
  return (
    <nav class="lang" aria-label={v.i18n.t('layout.language')}>
      {locales.map((l) => (
        <a href={`/ui/locale/${l}?next=${encodeURIComponent(back)}`} hreflang={l} lang={l} aria-current={l === v.i18n.locale ? 'true' : undefined}>
          {localeNames[l]}
        </a>
      ))}
    </nav>
  );
};

export const Layout: FC<{ v: View; title: string; children?: Child; bare?: boolean }> = ({ v, title, children, bare }) => {
  const { t } = v.i18n;
  const active = activeNav(v.url.pathname);
  return (
    <>
    {raw('<!doctype html>')}
    <html lang={v.i18n.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"historyCacheSize":0}' />
        <title>{`${title} · omnihub`}</title>
        <link rel="icon" type="image/svg+xml" href={`/ui/assets/favicon.svg?v=${ASSET_VERSION}`} />
        <link rel="stylesheet" href={`/ui/assets/app.css?v=${ASSET_VERSION}`} />
        <script src={`/ui/assets/htmx.min.js?v=${ASSET_VERSION}`} defer></script>
        <script src={`/ui/assets/app.js?v=${ASSET_VERSION}`} defer></script>
      </head>
      <body hx-headers={v.csrf ? JSON.stringify({ 'x-csrf-token': v.csrf }) : undefined}>
        <a class="skip" href="#main">{t('layout.skipToContent')}</a>
        <header class="top">
          <a class="brand" href="/">omnihub</a>
          {!bare && (
            <nav class="main-nav" aria-label={t('layout.mainNav')}>
              <ul>
                {navItems().filter((n) => !n.adminOnly || (v.principal?.role === 'admin' && !v.principal.scopes)).map((n) => (
                  <li>
                    <a href={n.href} aria-current={active === n.href ? 'page' : undefined}>{t(n.label)}</a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          <div class="top-right">
            <LanguageSwitch v={v} />
            {v.principal && (
              <form method="post" action="/logout" class="logout">
                <Csrf v={v} />
                <a class="who" href="/profile" title={`${v.i18n.t('layout.profile')} (${v.principal.role})`}>{v.principal.name}</a>
                <button type="submit" class="link">{t('layout.logout')}</button>
              </form>
            )}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          <div id="flash" aria-live="assertive"></div>
          {children}
        </main>
      </body>
    </html>
    </>
  );
};

/** A status badge; the tone follows the value (good / warn / bad / neutral). */
export const Badge: FC<{ v: View; kind: string; value: string }> = ({ v, kind, value }) => (
  <span class={`badge tone-${tone(kind, value)}`} title={v.i18n.tEnum('field', kind)}>
    {v.i18n.tEnum(kind, value)}
  </span>
);

const GOOD = new Set(['paid', 'allocated', 'fulfilled', 'active', 'processed', 'completed', 'succeeded', 'not_required', 'clean', 'resolved', 'accepted']);
const WARN = new Set(['pending', 'partial', 'partially_paid', 'authorized', 'on_hold', 'paused', 'partially_refunded', 'queued', 'running', 'unfulfilled']);
const BAD = new Set(['backordered', 'cancelled', 'voided', 'refunded', 'error', 'failed', 'returned', 'not_reconcilable']);
function tone(kind: string, value: string): string {
  if (kind === 'exception') return 'bad';
  if (GOOD.has(value)) return 'good';
  if (BAD.has(value)) return 'bad';
  if (WARN.has(value)) return 'warn';
  return 'neutral';
}

/** A time shown relative ("3 minutes ago") with the exact local time on hover and for machines. */
/** Who acted, by name when `actorNames` knows them (the raw `key:…`/`user:…` id stays as the tooltip). */
export const Actor: FC<{ actor: string; names: ReadonlyMap<string, string> }> = ({ actor, names }) => {
  const name = names.get(actor);
  return name ? <span class="actor" title={actor}>{name}</span> : <>{actor}</>;
};

export const Time: FC<{ v: View; at: string; relative?: boolean }> = ({ v, at, relative }) => (
  <time datetime={at} title={v.i18n.dateTime(at)}>{relative ? v.i18n.relative(at) : v.i18n.dateTime(at)}</time>
);
