import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { streamCsv } from '../../exports/stream-csv';
import { rfmSegments, runNightlyRfm, segmentCounts } from '../../customers/compute-rfm';
import { exportCustomersCsv } from '../../customers/export-customers';
import { getCustomer, type CustomerProfile } from '../../customers/get-customer';
import { listCustomers, type CustomerSummary } from '../../customers/list-customers';
import { addNote, changeTags } from '../../customers/manage-customer';
import { mergeCustomers, splitCustomer } from '../../customers/merge-customers';
import { createSegment, deleteSegment, listSegments, type Segment } from '../../customers/segments';
import { completeTask, createTask, listTasks, type Task } from '../../customers/tasks';
import { AppError } from '../../errors';
import { Csrf, Layout, Time } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { failureText } from './stock';
import type { Notice } from '../components/notice';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const canWrite = (v: View) => v.principal?.role === 'admin' || v.principal?.role === 'operator';

const Ltv: FC<{ v: View; ltv: Record<string, number> }> = ({ v, ltv }) => {
  const parts = Object.entries(ltv).sort(([a], [b]) => a.localeCompare(b));
  return <>{parts.length === 0 ? '—' : parts.map(([c, m]) => v.i18n.money(m, c)).join(' · ')}</>;
};

const SegmentBadge: FC<{ v: View; segment: string | null }> = ({ v, segment }) =>
  segment ? <span class={`badge tone-${segment === 'champions' || segment === 'loyal' ? 'good' : segment === 'at_risk' ? 'warn' : segment === 'lost' ? 'bad' : 'neutral'}`}>{v.i18n.tEnum('customerSegment', segment)}</span> : <span class="muted">—</span>;

const NoticeBox: FC<{ notice?: Notice }> = ({ notice }) => (notice ? <p class={`notice ${notice.tone}`} role="status">{notice.text}</p> : null);

const CustomerTable: FC<{ v: View; items: CustomerSummary[] }> = ({ v, items }) => {
  const { t } = v.i18n;
  if (items.length === 0) return <p class="muted">{t('customers.none')}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('customers.name')}</th><th scope="col">{t('customers.contact')}</th><th scope="col">{t('customers.channels')}</th>
            <th scope="col" class="num">{t('customers.orders')}</th><th scope="col" class="num">{t('customers.ltv')}</th>
            <th scope="col">{t('customers.lastOrder')}</th><th scope="col">{t('customers.segment')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr>
              <td><a href={`/customers/${c.id}`}>{c.name ?? t('customers.unnamed')}</a>{c.company && <span class="sub">{c.company}</span>}
                {c.tags.length > 0 && <span class="badges">{c.tags.map((tag) => <span class="badge">{tag}</span>)}</span>}</td>
              <td class="small">{c.email ?? ''}{c.phone && <span class="sub mono">{c.phone}</span>}</td>
              <td class="small">{c.channels.map((ch) => v.i18n.tEnum('channel', ch)).join(', ')}</td>
              <td class="num" data-col="orderCount">{v.i18n.number(c.orderCount)}</td>
              <td class="num"><Ltv v={v} ltv={c.ltvByCurrency} /></td>
              <td>{c.lastOrderAt ? <Time v={v} at={c.lastOrderAt} relative /> : '—'}</td>
              <td><SegmentBadge v={v} segment={c.segment} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

const Tabs: FC<{ v: View; here: 'list' | 'segments' | 'tasks' }> = ({ v, here }) => (
  <nav class="tabs" aria-label={v.i18n.t('customers.title')}>
    <a href="/customers" aria-current={here === 'list' ? 'page' : undefined}>{v.i18n.t('customers.all')}</a>
    <a href="/customers/segments" aria-current={here === 'segments' ? 'page' : undefined}>{v.i18n.t('customers.segments')}</a>
    <a href="/customers/tasks" aria-current={here === 'tasks' ? 'page' : undefined}>{v.i18n.t('customers.tasks')}</a>
  </nav>
);

async function listPage(c: Context<UiEnv>) {
  const v = view(c);
  const { t } = v.i18n;
  const f = { q: c.req.query('q') || undefined, segment: c.req.query('segment') || undefined, tag: c.req.query('tag') || undefined, channel: c.req.query('channel') || undefined };
  const cursor = c.req.query('cursor') || undefined;
  const [page, saved] = await Promise.all([listCustomers(c.get('ctx'), { ...f, cursor, limit: 50 }), listSegments(c.get('ctx'))]);
  const qs = new URLSearchParams(Object.entries(f).filter(([, x]) => x) as Array<[string, string]>);
  return c.html(
    <Layout v={v} title={t('customers.title')}>
      <h1>{t('customers.title')}</h1>
      <Tabs v={v} here="list" />
      <form method="get" action="/customers" class="filters row" role="search">
        <div class="field"><label for="c-q">{t('customers.search')}</label><input id="c-q" name="q" value={f.q ?? ''} placeholder={t('customers.searchHint')} /></div>
        <div class="field">
          <label for="c-seg">{t('customers.segment')}</label>
          <select id="c-seg" name="segment">
            <option value="">{t('inbox.filter.any')}</option>
            {rfmSegments.map((s) => <option value={s} selected={f.segment === s}>{v.i18n.tEnum('customerSegment', s)}</option>)}
            {saved.items.map((s) => <option value={s.id} selected={f.segment === s.id}>{s.name}</option>)}
          </select>
        </div>
        <div class="field"><label for="c-tag">{t('customers.tag')}</label><input id="c-tag" name="tag" value={f.tag ?? ''} /></div>
        <div class="field"><label for="c-ch">{t('customers.channel')}</label><input id="c-ch" name="channel" value={f.channel ?? ''} /></div>
        <div class="field"><button type="submit" class="btn">{t('inbox.apply')}</button> <a href="/customers">{t('inbox.clear')}</a></div>
      </form>
      <p><a class="btn" href={`/customers/export.csv?${qs}`}>{t('customers.exportCsv')}</a></p>
      <CustomerTable v={v} items={page.items} />
      {page.nextCursor && <p class="pager"><span></span><a class="btn" rel="next" href={`/customers?${qs}${qs.size ? '&' : ''}cursor=${page.nextCursor}`}>{t('inbox.nextPage')}</a></p>}
    </Layout>,
  );
}

const Profile: FC<{ v: View; p: CustomerProfile; notice?: Notice }> = ({ v, p, notice }) => {
  const { t, number } = v.i18n;
  const write = canWrite(v) && p.status === 'active';
  return (
    <Layout v={v} title={p.name ?? t('customers.unnamed')}>
      <p class="small"><a href="/customers">{t('customers.back')}</a></p>
      {/* A customer not yet scored has no segment: nothing beside the name (the table's dash is for a column). */}
      <h1>{p.name ?? t('customers.unnamed')}{p.segment && <> <SegmentBadge v={v} segment={p.segment} /></>}</h1>
      <NoticeBox notice={notice} />
      {p.mergedInto && <p class="notice info">{t('customers.mergedInto')} <a href={`/customers/${p.mergedInto}`}>{p.mergedInto}</a></p>}
      <div class="detail">
        <section class="panel" aria-labelledby="contact-h">
          <h2 id="contact-h">{t('customers.contact')}</h2>
          <dl class="kv">
            <dt>{t('customers.email')}</dt><dd>{p.email ?? '—'}</dd>
            <dt>{t('customers.phone')}</dt><dd class="mono">{p.phone ?? '—'}</dd>
            <dt>{t('customers.company')}</dt><dd>{p.company ?? '—'}{p.b2b && <> <span class="badge">{t('customers.b2b')}</span></>}</dd>
            <dt>{t('customers.creditTerms')}</dt><dd>{p.creditTermsDays == null ? '—' : t('customers.days', { count: p.creditTermsDays })}</dd>
            <dt>{t('customers.creditLimit')}</dt><dd>{p.creditLimit ? v.i18n.money(p.creditLimit.amountMinor, p.creditLimit.currency) : '—'}</dd>
            <dt>{t('customers.birthday')}</dt><dd>{p.birthday ?? '—'}</dd>
          </dl>
          <h3>{t('customers.identities')}</h3>
          <ul class="small">{p.identities.map((i) => <li><span class="badge">{v.i18n.tEnum('identityKind', i.kind)}</span> <span class="mono">{i.value}</span></li>)}</ul>
          <h3>{t('customers.addresses')}</h3>
          {p.addresses.length === 0 ? <p class="muted">—</p> : <ul class="small">{p.addresses.map((a) => (
            <li>{[a.name, a.company, a.line1, a.line2, a.postalCode, a.city, a.region, typeof a.country === 'string' ? v.i18n.region(a.country) : null].filter(Boolean).join(', ')}</li>
          ))}</ul>}
        </section>
        <section class="panel" aria-labelledby="stats-h">
          <h2 id="stats-h">{t('customers.stats')}</h2>
          <dl class="kv">
            <dt>{t('customers.orders')}</dt><dd data-col="orderCount">{number(p.orderCount)}</dd>
            <dt>{t('customers.ltv')}</dt><dd><Ltv v={v} ltv={p.ltvByCurrency} /></dd>
            <dt>{t('customers.aov')}</dt><dd><Ltv v={v} ltv={p.aovByCurrency} /></dd>
            <dt>{t('customers.firstOrder')}</dt><dd>{p.firstOrderAt ? <Time v={v} at={p.firstOrderAt} /> : '—'}</dd>
            <dt>{t('customers.lastOrder')}</dt><dd>{p.lastOrderAt ? <Time v={v} at={p.lastOrderAt} /> : '—'}</dd>
            <dt>{t('customers.rfm')}</dt><dd class="mono">{p.rfm ? `R${p.rfm.r} F${p.rfm.f} M${p.rfm.m}` : '—'}</dd>
            <dt>{t('customers.returns')}</dt><dd>{number(p.returns.returns ?? p.returns.ordersWithRefundOrReturn)}</dd>
          </dl>
          <h3>{t('customers.favourites')}</h3>
          {p.favouriteSkus.length === 0 ? <p class="muted">—</p> : <ol class="small">{p.favouriteSkus.map((f) => <li><span class="mono">{f.sku}</span> {f.title} · {t('customers.units', { count: f.quantity })}</li>)}</ol>}
          <h3>{t('customers.tags')}</h3>
          <p class="badges">{p.tags.map((tag) => <span class="badge">{tag}</span>)}</p>
          {write && (
            <form method="post" action={`/customers/${p.id}/tags`} class="row">
              <Csrf v={v} />
              <div class="field"><label for="t-add">{t('customers.addTag')}</label><input id="t-add" name="add" maxlength={64} /></div>
              <div class="field"><label for="t-rm">{t('customers.removeTag')}</label><input id="t-rm" name="remove" maxlength={64} /></div>
              <div class="field"><button type="submit" class="btn">{t('customers.save')}</button></div>
            </form>
          )}
        </section>
      </div>

      <h2>{t('customers.orderHistory', { count: p.ordersTotal })}</h2>
      <form method="post" action={`/customers/${p.id}/split`}>
        {write && <Csrf v={v} />}
        <div class="table-wrap">
          <table>
            <thead><tr>{write && <th scope="col"><span class="skip">{t('customers.select')}</span></th>}<th scope="col">{t('customers.order')}</th><th scope="col">{t('customers.channel')}</th><th scope="col">{t('field.status')}</th><th scope="col" class="num">{t('customers.total')}</th><th scope="col">{t('customers.placed')}</th></tr></thead>
            <tbody>
              {p.orders.map((o) => (
                <tr>
                  {write && <td><input type="checkbox" name="orderIds" value={o.id} aria-label={o.number} /></td>}
                  <td><a href={`/orders/${o.id}`} class="order-no">{o.number}</a></td>
                  <td>{v.i18n.tEnum('channel', o.channel)}</td>
                  <td>{v.i18n.tEnum('status', o.status)} · {v.i18n.tEnum('financialStatus', o.financialStatus)}</td>
                  <td class="num">{v.i18n.money(o.totalMinor, o.currency)}</td>
                  <td><Time v={v} at={o.placedAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {write && p.orders.length > 1 && (
          <div class="row" style="margin-top:.5rem">
            <div class="field"><label for="s-name">{t('customers.splitName')}</label><input id="s-name" name="name" maxlength={300} /></div>
            <div class="field"><button type="submit" class="btn">{t('customers.split')}</button></div>
          </div>
        )}
      </form>
      {write && <p class="hint small muted">{t('customers.splitHelp')}</p>}

      <div class="detail">
        <section class="panel" aria-labelledby="notes-h">
          <h2 id="notes-h">{t('customers.notes')}</h2>
          {write && (
            <form method="post" action={`/customers/${p.id}/notes`}>
              <Csrf v={v} />
              <div class="field"><label for="n-body">{t('customers.newNote')}</label><textarea id="n-body" name="body" rows={3} required maxlength={10000}></textarea></div>
              <button type="submit" class="btn">{t('customers.addNote')}</button>
            </form>
          )}
          <ul>{p.notes.map((n) => <li><Time v={v} at={n.createdAt} relative /> <span class="sub">{n.author ?? ''}</span>{n.body}</li>)}</ul>
        </section>
        <section class="panel" aria-labelledby="tasks-h">
          <h2 id="tasks-h">{t('customers.tasks')}</h2>
          <ul>{p.tasks.map((k) => <li><span class="badge">{v.i18n.tEnum('taskKind', k.kind)}</span> {k.kind === 'manual' ? k.title : ''} · {k.dueOn} · {v.i18n.tEnum('taskStatus', k.status)}</li>)}</ul>
          {write && (
            <form method="post" action={`/customers/${p.id}/tasks`} class="row">
              <Csrf v={v} />
              <div class="field"><label for="k-title">{t('customers.taskTitle')}</label><input id="k-title" name="title" required maxlength={500} /></div>
              <div class="field"><label for="k-due">{t('customers.dueOn')}</label><input id="k-due" name="dueOn" type="date" required /></div>
              <div class="field"><button type="submit" class="btn">{t('customers.addTask')}</button></div>
            </form>
          )}
        </section>
      </div>

      <h2>{t('customers.history')}</h2>
      {p.history.length === 0 ? <p class="muted">—</p> : <ul class="small">{p.history.map((h) => (
        <li><Time v={v} at={h.createdAt} /> · {v.i18n.tEnum('mergeKind', h.kind)} · <a href={`/customers/${h.customerId === p.id ? h.otherCustomerId : h.customerId}`}>{(h.customerId === p.id ? h.otherCustomerId : h.customerId).slice(0, 8)}</a> · {t('customers.ordersMoved', { count: h.orderIds.length })}{h.reason ? ` · ${h.reason}` : ''}</li>
      ))}</ul>}
      {write && (
        <form method="post" action={`/customers/${p.id}/merge`} class="row panel">
          <Csrf v={v} />
          <div class="field"><label for="m-src">{t('customers.mergeSource')}</label><input id="m-src" name="sourceId" required pattern="[0-9a-fA-F-]{36}" /></div>
          <div class="field"><button type="submit" class="btn danger">{t('customers.merge')}</button></div>
        </form>
      )}
    </Layout>
  );
};

async function profilePage(c: Context<UiEnv>, notice?: Notice, status: 200 | 400 | 404 | 409 = 200) {
  const p = await getCustomer(c.get('ctx'), c.req.param('id')!);
  return c.html(<Profile v={view(c)} p={p} notice={notice} />, status);
}

const NoticeText: Record<string, 'customers.saved' | 'customers.merged' | 'customers.splitDone'> = { saved: 'customers.saved', merged: 'customers.merged', split: 'customers.splitDone' };

/** Runs a profile action; a 4xx shows on the profile in the reader's language, success redirects (PRG). */
async function act(c: Context<UiEnv>, apiPath: string, fn: (f: Record<string, unknown>) => Promise<string | void>, done: string) {
  assertMayWrite(c, apiPath);
  const f = await c.req.parseBody({ all: true });
  let to: string | void;
  try {
    to = await fn(f);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return profilePage(c, { tone: 'bad', text: failureText(view(c), err) }, err.status as 400);
  }
  return c.redirect(`/customers/${to ?? c.req.param('id')}?done=${done}`, 303);
}

const SegmentsPage: FC<{ v: View; counts: Array<{ segment: string; customers: number }>; saved: Segment[]; notice?: Notice; draft?: { name: string; rules: string } }> = ({ v, counts, saved, notice, draft }) => {
  const { t, number } = v.i18n;
  return (
    <Layout v={v} title={t('customers.segments')}>
      <h1>{t('customers.segments')}</h1>
      <Tabs v={v} here="segments" />
      <NoticeBox notice={notice} />
      <div class="row">
        <h2>{t('customers.rfmSegments')}</h2>
        <span class="spacer"></span>
        {canWrite(v) && (
          <form method="post" action="/customers/segments/rfm">
            <Csrf v={v} />
            <button type="submit" class="btn">{t('customers.rfmRun')}</button>
          </form>
        )}
      </div>
      <p class="muted small">{t('customers.rfmHelp')}</p>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">{t('customers.segment')}</th><th scope="col" class="num">{t('customers.count')}</th><th scope="col"><span class="skip">{t('events.actions')}</span></th></tr></thead>
          <tbody>{counts.map((s) => (
            <tr><td><SegmentBadge v={v} segment={s.segment} /></td><td class="num" data-col="customers">{number(s.customers)}</td>
              <td><a href={`/customers?segment=${s.segment}`}>{t('customers.view')}</a> · <a href={`/customers/export.csv?segment=${s.segment}`}>{t('customers.exportCsv')}</a></td></tr>
          ))}</tbody>
        </table>
      </div>
      <h2>{t('customers.savedSegments')}</h2>
      {saved.length === 0 ? <p class="muted">{t('customers.noSaved')}</p> : (
        <ul>{saved.map((s) => (
          <li>
            <a href={`/customers?segment=${s.id}`}>{s.name}</a> <span class="mono small">{JSON.stringify(s.rules)}</span> · <a href={`/customers/export.csv?segment=${s.id}`}>{t('customers.exportCsv')}</a>
            {canWrite(v) && <form method="post" action={`/customers/segments/${s.id}/delete`} style="display:inline"> <Csrf v={v} /><button type="submit" class="link">{t('customers.delete')}</button></form>}
          </li>
        ))}</ul>
      )}
      {canWrite(v) && (
        <form method="post" action="/customers/segments" class="panel">
          <Csrf v={v} />
          <div class="field"><label for="g-name">{t('customers.segmentName')}</label><input id="g-name" name="name" required maxlength={120} value={draft?.name ?? ''} /></div>
          <div class="field">
            <label for="g-rules">{t('customers.rules')}</label>
            <textarea id="g-rules" name="rules" rows={5} cols={70} class="mono" required>{draft?.rules ?? '{"match":"all","rules":[{"field":"channel","value":"square"},{"field":"ltv","op":"gt","currency":"USD","amountMinor":50000}]}'}</textarea>
            <p class="hint">{t('customers.rulesHelp')}</p>
          </div>
          <button type="submit" class="btn primary">{t('customers.saveSegment')}</button>
        </form>
      )}
    </Layout>
  );
};

async function segmentsPage(c: Context<UiEnv>, notice?: Notice, status: 200 | 400 | 409 = 200, draft?: { name: string; rules: string }) {
  const [counts, saved] = await Promise.all([segmentCounts(c.get('ctx')), listSegments(c.get('ctx'))]);
  return c.html(<SegmentsPage v={view(c)} counts={counts} saved={saved.items} notice={notice} draft={draft} />, status);
}

const TasksPage: FC<{ v: View; items: Task[]; nextCursor: string | null }> = ({ v, items, nextCursor }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={t('customers.tasks')}>
      <h1>{t('customers.tasks')}</h1>
      <Tabs v={v} here="tasks" />
      {items.length === 0 ? <p class="muted">{t('customers.noTasks')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('customers.dueOn')}</th><th scope="col">{t('customers.name')}</th><th scope="col">{t('customers.task')}</th><th scope="col"><span class="skip">{t('events.actions')}</span></th></tr></thead>
            <tbody>{items.map((k) => (
              <tr>
                <td>{k.dueOn}</td>
                <td><a href={`/customers/${k.customerId}`}>{k.customerName ?? t('customers.unnamed')}</a></td>
                <td><span class="badge">{v.i18n.tEnum('taskKind', k.kind)}</span> {k.kind === 'manual' ? k.title : ''}</td>
                <td>{canWrite(v) && <form method="post" action={`/customers/tasks/${k.id}/complete`}><Csrf v={v} /><button type="submit" class="btn">{t('customers.complete')}</button></form>}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
      {nextCursor && <p class="pager"><span></span><a class="btn" rel="next" href={`/customers/tasks?cursor=${nextCursor}`}>{t('inbox.nextPage')}</a></p>}
    </Layout>
  );
};

const list = (x: unknown): string[] => (Array.isArray(x) ? x.map(str) : x === undefined ? [] : [str(x)]).filter(Boolean);

/** Customer list with search, profile (tags, notes, tasks, merge, split), segments, and the team's follow-up tasks. */
export function customerRoutes(ui: Hono<UiEnv>): void {
  ui.get('/customers', (c) => listPage(c));
  ui.get('/customers/export.csv', async (c) => {
    const filters = { q: c.req.query('q') || undefined, segment: c.req.query('segment') || undefined, tag: c.req.query('tag') || undefined, channel: c.req.query('channel') || undefined };
    return streamCsv(c, exportCustomersCsv(c.get('ctx'), filters), 'customers.csv');
  });
  ui.get('/customers/segments', (c) => segmentsPage(c));
  ui.post('/customers/segments', async (c) => {
    assertMayWrite(c, '/api/v1/customer-segments');
    const f = await c.req.parseBody();
    const draft = { name: str(f.name), rules: str(f.rules) };
    let rules: unknown;
    try {
      rules = JSON.parse(draft.rules);
    } catch {
      return segmentsPage(c, { tone: 'bad', text: view(c).i18n.t('customers.rulesNotJson') }, 400, draft);
    }
    try {
      await createSegment(c.get('ctx'), { name: draft.name, rules });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return segmentsPage(c, { tone: 'bad', text: failureText(view(c), err) }, err.status as 400, draft);
    }
    return c.redirect('/customers/segments', 303);
  });
  // Rescores RFM now, as the daily job does (a new deployment, or one that just imported its history, need not wait a day).
  ui.post('/customers/segments/rfm', async (c) => {
    assertMayWrite(c, '/api/v1/customer-segments/rfm/compute');
    const r = await runNightlyRfm(c.get('ctx'));
    return segmentsPage(c, { tone: 'ok', text: view(c).i18n.t('customers.rfmDone', { scored: r.scored, changed: r.changed.length }) });
  });
  ui.post('/customers/segments/:id/delete', async (c) => {
    assertMayWrite(c, '/api/v1/customer-segments/x');
    await deleteSegment(c.get('ctx'), c.req.param('id'));
    return c.redirect('/customers/segments', 303);
  });
  ui.get('/customers/tasks', async (c) => {
    const page = await listTasks(c.get('ctx'), { status: 'open', cursor: c.req.query('cursor') || undefined });
    return c.html(<TasksPage v={view(c)} items={page.items} nextCursor={page.nextCursor} />);
  });
  ui.post('/customers/tasks/:id/complete', async (c) => {
    assertMayWrite(c, '/api/v1/customer-tasks/x/complete');
    await completeTask(c.get('ctx'), c.req.param('id'));
    return c.redirect('/customers/tasks', 303);
  });

  ui.get('/customers/:id', async (c) => {
    const done = c.req.query('done');
    const key = done ? NoticeText[done] : undefined;
    return profilePage(c, key ? { tone: 'ok', text: view(c).i18n.t(key) } : undefined);
  });
  ui.post('/customers/:id/tags', (c) => act(c, '/api/v1/customers/x/tags', async (f) => {
    await changeTags(c.get('ctx'), c.req.param('id'), { add: list(f.add), remove: list(f.remove) });
  }, 'saved'));
  ui.post('/customers/:id/notes', (c) => act(c, '/api/v1/customers/x/notes', async (f) => {
    await addNote(c.get('ctx'), c.req.param('id'), { body: str(f.body) });
  }, 'saved'));
  ui.post('/customers/:id/tasks', (c) => act(c, '/api/v1/customers/x/tasks', async (f) => {
    await createTask(c.get('ctx'), c.req.param('id'), { title: str(f.title), dueOn: str(f.dueOn) });
  }, 'saved'));
  ui.post('/customers/:id/merge', (c) => act(c, '/api/v1/customers/x/merge', async (f) => {
    await mergeCustomers(c.get('ctx'), c.req.param('id'), { sourceId: str(f.sourceId).trim() });
  }, 'merged'));
  ui.post('/customers/:id/split', (c) => act(c, '/api/v1/customers/x/split', async (f) => {
    const name = str(f.name).trim();
    const r = await splitCustomer(c.get('ctx'), c.req.param('id'), { orderIds: list(f.orderIds), ...(name ? { name } : {}) });
    return r.to.id;
  }, 'split'));
}
