import type { Context } from 'hono';
import { localizeProblem, type Problem } from '../../api/problem';
import { createI18n } from '../../i18n/index';
import { Layout } from '../components/layout';
import type { UiEnv } from '../env';
import { view } from '../middleware';

/** Errors on UI routes render as a page (or an htmx fragment) in the reader's language, never as JSON. */
export function renderError(c: Context<UiEnv>, err: unknown, p: Problem, fragment: boolean): Response | Promise<Response> {
  const ctx = c.get('ctx');
  if (p.status >= 500) ctx.log.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'ui request failed');
  if (!c.get('i18n')) c.set('i18n', createI18n(ctx.config.defaultLocale, ctx.config.timezone));
  if (c.get('csrf') === undefined) c.set('csrf', '');
  const v = view(c);
  const { t } = v.i18n;
  const title = p.status === 404 ? t('error.notFound') : p.status === 403 ? t('error.forbidden') : p.status >= 500 ? t('error.server') : t('error.badRequest');
  // The same stable codes as the API; the detail in the reader's language where the catalogue has one.
  const detail = p.status >= 500 ? t('error.serverDetail', { requestId: c.get('requestId') ?? '' }) : localizeProblem(p, v.i18n.locale).detail;
  const status = p.status as 400;
  if (fragment) {
    // htmx swaps only 2xx by default; the message goes to the page's live region as an error notice.
    c.header('hx-retarget', '#flash');
    c.header('hx-reswap', 'innerHTML');
    return c.html(<p class="notice bad" role="alert">{title}: {detail}</p>, 200);
  }
  return c.html(
    <Layout v={v} title={title}>
      <h1>{title}</h1>
      <p class="notice bad" role="alert">{detail}</p>
      {/* Which fields, as the API names them: "the request is not valid" alone leaves the reader guessing. */}
      {p.status < 500 && p.errors && p.errors.length > 0 && (
        <ul id="problem-fields">{p.errors.slice(0, 20).map((e) => <li><code>{e.path}</code>{`: ${e.message}`}</li>)}</ul>
      )}
      <p><a href="/">{t('order.backToInbox')}</a></p>
    </Layout>,
    status,
  );
}
