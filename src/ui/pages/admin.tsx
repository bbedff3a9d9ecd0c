import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { setCookie } from 'hono/cookie';
import { z } from 'zod';
import { ListAuditQuery, listAudit } from '../../audit/record-audit';
import { actorNames } from '../../auth/actor-names';
import { listUsers, setUserLocale } from '../../auth/users';
import { ForbiddenError } from '../../errors';
import { isLocale, localeNames, locales } from '../../i18n/index';
import { embeddedJobCounts, listFailedJobs, retryFailedJob } from '../../queue/embedded-jobs';
import { Csrf, Layout, Time } from '../components/layout';
import type { UiEnv, View } from '../env';
import { cookieSecure, isHtmx, LOCALE_COOKIE, view } from '../middleware';

/** Admin screens are for the admin role (an unscoped key, or a user). */
function assertAdmin(c: Context<UiEnv>): void {
  const p = c.get('principal');
  if (!p || p.role !== 'admin' || p.scopes) throw new ForbiddenError('These screens are for admins.');
}

const AdminTabs: FC<{ v: View; active: string }> = ({ v, active }) => {
  const { t } = v.i18n;
  const tabs = [['/admin/audit', t('admin.audit')], ['/admin/queues', t('admin.queues')], ['/admin/users', t('admin.users')]] as const;
  return (
    <nav class="tabs" aria-label={t('nav.admin')}>
      {tabs.map(([href, label]) => <a href={href} aria-current={active === href ? 'page' : undefined}>{label}</a>)}
    </nav>
  );
};

const AUDIT_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const AUDIT_STATUS = ['2xx', '3xx', '4xx', '5xx'] as const;

/** yyyy-mm-dd from a date input, as the start (or end) of that day in UTC. */
const dayBound = (d: string | undefined, end: boolean) =>
  d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : undefined;

export function adminRoutes(ui: Hono<UiEnv>): void {
  ui.get('/admin', (c) => c.redirect('/admin/audit', 303));

  ui.get('/admin/audit', async (c) => {
    assertAdmin(c);
    const v = view(c);
    const { t } = v.i18n;
    const raw = c.req.query();
    const filters = {
      actor: raw.actor?.trim() || undefined,
      method: z.enum(AUDIT_METHODS).optional().catch(undefined).parse(raw.method || undefined),
      path: raw.path?.trim() || undefined,
      status: z.enum(AUDIT_STATUS).optional().catch(undefined).parse(raw.status || undefined),
      from: dayBound(raw.from, false),
      to: dayBound(raw.to, true),
      cursor: raw.cursor || undefined,
    };
    const parsed = ListAuditQuery.safeParse({ ...filters, limit: 50 });
    const page = await listAudit(c.get('ctx'), parsed.success ? parsed.data : ListAuditQuery.parse({ limit: 50 }));
    const names = await actorNames(c.get('ctx'), page.items.map((e) => e.actor));
    const more = new URLSearchParams(Object.entries({ ...raw, cursor: page.nextCursor ?? '' }).filter(([, x]) => x) as Array<[string, string]>);
    return c.html(
      <Layout v={v} title={t('admin.audit')}>
        <h1>{t('admin.audit')}</h1>
        <AdminTabs v={v} active="/admin/audit" />
        <form method="get" action="/admin/audit" class="filters panel row">
          <div class="field"><label for="a-actor">{t('audit.actor')}</label><input id="a-actor" name="actor" value={raw.actor ?? ''} placeholder="key:… / user:…" /></div>
          <div class="field"><label for="a-method">{t('audit.method')}</label>
            <select id="a-method" name="method">
              <option value="">{t('audit.any')}</option>
              {AUDIT_METHODS.map((m) => <option value={m} selected={filters.method === m}>{m}</option>)}
            </select>
          </div>
          <div class="field"><label for="a-path">{t('audit.path')}</label><input id="a-path" name="path" value={raw.path ?? ''} /></div>
          <div class="field"><label for="a-status">{t('audit.status')}</label>
            <select id="a-status" name="status">
              <option value="">{t('audit.any')}</option>
              {AUDIT_STATUS.map((s) => <option value={s} selected={filters.status === s}>{s}</option>)}
            </select>
          </div>
          <div class="field"><label for="a-from">{t('audit.from')}</label><input id="a-from" name="from" type="date" value={raw.from ?? ''} /></div>
          <div class="field"><label for="a-to">{t('audit.to')}</label><input id="a-to" name="to" type="date" value={raw.to ?? ''} /></div>
          <button type="submit" class="btn">{t('audit.filter')}</button>
        </form>
        {page.items.length === 0 ? <p class="muted">{t('audit.none')}</p> : (
          <div class="table-wrap">
            <table id="audit">
              <thead><tr>
                <th scope="col">{t('audit.at')}</th><th scope="col">{t('audit.actor')}</th><th scope="col">{t('audit.method')}</th>
                <th scope="col">{t('audit.path')}</th><th scope="col">{t('audit.status')}</th>
              </tr></thead>
              <tbody>
                {page.items.map((e) => (
                  <tr>
                    <td><Time v={v} at={e.at} /></td>
                    <td data-col="actor"><a href={`/admin/audit?actor=${encodeURIComponent(e.actor)}`}>{names.get(e.actor) ?? e.actor}</a>{names.has(e.actor) && <span class="sub mono">{e.actor}</span>}</td>
                    <td class="mono">{e.method}</td>
                    <td class="mono" style="word-break:break-all">{e.path}
                      {e.details ? <details><summary class="small">{t('audit.details')}</summary><pre class="small">{JSON.stringify(e.details, null, 2)}</pre></details> : null}
                    </td>
                    <td class="mono">{e.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {page.nextCursor && <p><a href={`/admin/audit?${more.toString()}`}>{t('audit.older')}</a></p>}
      </Layout>,
    );
  });

  // Embedded queue only: with Redis, Bull Board answers this address before the UI (src/api/queue-board.ts).
  ui.get('/admin/queues', async (c) => {
    assertAdmin(c);
    const v = view(c);
    const { t } = v.i18n;
    const ctx = c.get('ctx');
    const [counts, failed] = await Promise.all([embeddedJobCounts(ctx), listFailedJobs(ctx)]);
    return c.html(
      <Layout v={v} title={t('admin.queues')}>
        <h1>{t('admin.queues')}</h1>
        <AdminTabs v={v} active="/admin/queues" />
        {counts.length === 0 ? <p class="muted">{t('queues.empty')}</p> : (
          <div class="table-wrap">
            <table id="queue-counts">
              <thead><tr>
                <th scope="col">{t('queues.name')}</th><th scope="col">{t('queues.waiting')}</th><th scope="col">{t('queues.delayed')}</th>
                <th scope="col">{t('queues.active')}</th><th scope="col">{t('queues.failed')}</th>
              </tr></thead>
              <tbody>{counts.map((r) => (
                <tr><td class="mono">{r.name}</td><td>{r.waiting}</td><td>{r.delayed}</td><td>{r.active}</td><td>{r.failed}</td></tr>
              ))}</tbody>
            </table>
          </div>
        )}
        <h2>{t('queues.failedJobs')}</h2>
        {failed.length === 0 ? <p class="muted">{t('queues.noFailed')}</p> : (
          <div class="table-wrap">
            <table id="failed-jobs">
              <thead><tr>
                <th scope="col">#</th><th scope="col">{t('queues.name')}</th><th scope="col">{t('queues.attempts')}</th>
                <th scope="col">{t('queues.error')}</th><th scope="col"><span class="skip">{t('queues.retry')}</span></th>
              </tr></thead>
              <tbody>{failed.map((j) => (
                <tr id={`job-${j.id}`}>
                  <td class="mono">{j.id}</td><td class="mono">{j.name}</td><td>{j.attempts}/{j.maxAttempts}</td>
                  <td class="small" style="max-width:32rem;word-break:break-word">{j.error}</td>
                  <td>
                    <form method="post" action={`/admin/queues/jobs/${j.id}/retry`} hx-post={`/admin/queues/jobs/${j.id}/retry`} hx-target={`#job-${j.id}`} hx-swap="outerHTML">
                      <Csrf v={v} />
                      <button type="submit" class="btn">{t('queues.retry')}</button>
                    </form>
                  </td>
                </tr>
              ))}</tbody>
            </table>
          </div>
        )}
      </Layout>,
    );
  });

  ui.post('/admin/queues/jobs/:id/retry', async (c) => {
    assertAdmin(c);
    const id = z.coerce.number().int().positive().catch(0).parse(c.req.param('id'));
    await retryFailedJob(c.get('ctx'), id);
    if (isHtmx(c)) return c.html(<tr id={`job-${id}`}><td colspan={5} class="notice good">{view(c).i18n.t('queues.retried')}</td></tr>);
    return c.redirect('/admin/queues', 303);
  });

  ui.get('/admin/users', async (c) => {
    assertAdmin(c);
    const v = view(c);
    const { t } = v.i18n;
    const items = await listUsers(c.get('ctx'));
    return c.html(
      <Layout v={v} title={t('admin.users')}>
        <h1>{t('admin.users')}</h1>
        <AdminTabs v={v} active="/admin/users" />
        <p class="hint">{t('users.cliHint')}</p>
        <div class="table-wrap">
          <table id="users">
            <thead><tr>
              <th scope="col">{t('users.email')}</th><th scope="col">{t('users.name')}</th><th scope="col">{t('profile.role')}</th>
              <th scope="col">{t('profile.language')}</th><th scope="col">{t('users.state')}</th><th scope="col">{t('users.lastLogin')}</th>
            </tr></thead>
            <tbody>{items.map((u) => (
              <tr>
                <td>{u.email}</td><td>{u.name}</td><td>{u.role}</td><td>{u.locale ? localeNames[u.locale as keyof typeof localeNames] : '—'}</td>
                <td>{u.disabled ? t('users.disabled') : t('users.active')}</td>
                <td>{u.lastLoginAt ? <Time v={v} at={u.lastLoginAt} relative /> : t('users.never')}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      </Layout>,
    );
  });
}

const ProfilePage: FC<{ v: View; saved?: boolean }> = ({ v, saved }) => {
  const { t } = v.i18n;
  const p = v.principal!;
  return (
    <Layout v={v} title={t('profile.title')}>
      <h1>{t('profile.title')}</h1>
      <form method="post" action="/profile" class="panel" id="profile">
        <Csrf v={v} />
        {saved && <p class="notice good" role="status">{t('profile.saved')}</p>}
        <p>{p.name} · {t('profile.role')}: {p.role}</p>
        {!p.userId && <p class="hint">{t('profile.keyNote')}</p>}
        <div class="field">
          <label for="locale">{t('profile.language')}</label>
          <select id="locale" name="locale">
            {p.userId && <option value="" selected={!p.locale}>{t('profile.languageBrowser')}</option>}
            {locales.map((l) => <option value={l} lang={l} selected={(p.userId ? p.locale : v.i18n.locale) === l}>{localeNames[l]}</option>)}
          </select>
        </div>
        <button type="submit" class="btn primary">{t('profile.save')}</button>
      </form>
    </Layout>
  );
};

/** The signed-in person's profile: their UI language (stored on the user; a key session keeps it in the cookie). */
export function profileRoutes(ui: Hono<UiEnv>): void {
  ui.get('/profile', (c) => c.html(<ProfilePage v={view(c)} saved={c.req.query('saved') === '1'} />));

  ui.post('/profile', async (c) => {
    const body = await c.req.parseBody();
    const chosen = typeof body.locale === 'string' && isLocale(body.locale) ? body.locale : null;
    const p = c.get('principal')!;
    if (p.userId) await setUserLocale(c.get('ctx'), p.userId, { locale: chosen });
    if (chosen) setCookie(c, LOCALE_COOKIE, chosen, { sameSite: 'Lax', secure: cookieSecure(c), path: '/', maxAge: 365 * 86400 });
    else setCookie(c, LOCALE_COOKIE, '', { path: '/', maxAge: 0 });
    return c.redirect('/profile?saved=1', 303);
  });
}
