import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { listConnections } from '../../connections/manage-connections';
import { allocationStatuses, financialStatuses, fulfillmentStatuses, orderExceptions, orderStatuses } from '../../domain/order';
import { AppError } from '../../errors';
import { countOrders, invalidateOrderCounts, type OrderCounts } from '../../inbox/count-orders';
import { csvCell } from '../../exports/csv';
import { getOrder } from '../../inbox/get-order';
import { listOrders, type OrderSummary } from '../../inbox/list-orders';
import { applyOrderAction, type OrderAction } from '../../inbox/order-actions';
import { bulkReview } from './review-bulk';
import { Badge, Csrf, Layout, Time } from '../components/layout';
import type { UiEnv, View } from '../env';
import { dropUnknownWarehouse, inboxHref, parseInboxState, type InboxParam, type InboxState } from '../inbox-query';
import { listWarehouses } from '../../inventory/warehouses';
import { assertMayWrite, isHtmx, view } from '../middleware';
import { deleteView, listViews, saveView } from '../saved-views/saved-views';

/** Exception tabs: each is a view of the inbox (one filter), as people triage by problem. */
const TABS: Array<{ id: string; label: Parameters<View['i18n']['t']>[0]; set: Partial<Record<InboxParam, string>> }> = [
  { id: 'all', label: 'inbox.tab.all', set: {} },
  { id: 'unknown_sku', label: 'exception.unknown_sku', set: { exception: 'unknown_sku' } },
  { id: 'backordered', label: 'allocationStatus.backordered', set: { allocationStatus: 'backordered' } },
  { id: 'unpaid', label: 'exception.unpaid', set: { exception: 'unpaid' } },
  { id: 'on_hold', label: 'status.on_hold', set: { status: 'on_hold' } },
  { id: 'sync_failed', label: 'exception.sync_failed', set: { exception: 'sync_failed' } },
  { id: 'reconciliation_break', label: 'exception.reconciliation_break', set: { exception: 'reconciliation_break' } },
];
const TAB_KEYS: InboxParam[] = ['exception', 'allocationStatus', 'status'];

function activeTab(values: InboxState['values']): string | undefined {
  for (const tab of TABS) {
    if (TAB_KEYS.every((k) => (tab.set[k] ?? undefined) === (values[k] ?? undefined))) return tab.id;
  }
  return undefined;
}

const Select: FC<{ v: View; name: InboxParam; label: string; options: readonly string[]; value?: string; prefix: string }> = ({ v, name, label, options, value, prefix }) => (
  <div>
    <label for={`f-${name}`}>{label}</label>
    <select id={`f-${name}`} name={name}>
      <option value="">{v.i18n.t('inbox.filter.any')}</option>
      {options.map((o) => (
        <option value={o} selected={o === value}>{v.i18n.tEnum(prefix, o)}</option>
      ))}
    </select>
  </div>
);

const OrderRow: FC<{ v: View; o: OrderSummary }> = ({ v, o }) => {
  const { t, money } = v.i18n;
  const skus = o.skus.slice(0, 3).join(', ') + (o.skus.length > 3 ? ' …' : '');
  return (
    <tr>
      <td><input type="checkbox" name="ids" value={o.id} aria-label={t('inbox.selectOrder', { number: o.number })} /></td>
      <td>
        <a class="order-no" href={`/orders/${o.id}`}>{o.number}</a>
        <span class="sub mono">{o.externalId}</span>
      </td>
      <td class="nowrap">{v.i18n.tEnum('channel', o.channel)}</td>
      <td>
        <Time v={v} at={o.placedAt} relative />
        <span class="sub">{t('inbox.imported')} <Time v={v} at={o.createdAt} relative /></span>
      </td>
      <td class="cust">
        {o.customerName ?? <span class="muted">—</span>}
        <span class="sub">{[o.customerEmail, o.shipCountry].filter(Boolean).join(' · ')}</span>
      </td>
      <td class="col-opt">
        {t('inbox.items', { count: o.itemCount })}
        <span class="sub mono">{skus}</span>
      </td>
      <td class="num" data-currency={o.currency}>{money(o.totalMinor, o.currency)}</td>
      <td class="status-cell">
        <div class="badges">
          {o.status !== 'open' && <Badge v={v} kind="status" value={o.status} />}
          <Badge v={v} kind="financialStatus" value={o.financialStatus} />
          <Badge v={v} kind="fulfillmentStatus" value={o.fulfillmentStatus} />
          <Badge v={v} kind="allocationStatus" value={o.allocationStatus} />
        </div>
      </td>
      <td>
        <div class="badges">{o.exceptions.map((e) => <Badge v={v} kind="exception" value={e} />)}</div>
      </td>
    </tr>
  );
};

/** The table part of the inbox: what the filter form swaps in, without waiting for counts. */
const Results: FC<{ v: View; state: InboxState; items: OrderSummary[]; nextCursor: string | null }> = ({ v, state, items, nextCursor }) => {
  const { t } = v.i18n;
  const newest = items.reduce((m, o) => (o.createdAt > m ? o.createdAt : m), '');
  const filterQs = inboxHref(state.values, {}, '');
  const canWrite = v.principal?.role === 'admin' || v.principal?.role === 'operator';
  return (
    <div id="results-inner">
      {!state.cursor && (
        <div
          id="new-orders"
          hx-get={`/ui/inbox/new${inboxHref(state.values, { cursor: undefined }, '')}${filterQs ? '&' : '?'}since=${encodeURIComponent(newest || new Date(0).toISOString())}`}
          hx-trigger="every 5s"
          hx-swap="innerHTML"
          aria-live="polite"
        ></div>
      )}
      {state.invalid.length > 0 && <p class="notice bad" role="alert">{t('inbox.invalidFilters', { fields: state.invalid.join(', ') })}</p>}
      <form data-bulk id="bulk" hx-post="/ui/orders/bulk" hx-target="#bulk-result" hx-swap="innerHTML">
        <div class="table-wrap">
          <div class="bulkbar">
            <span data-selected-count data-template={t('inbox.selected', { n: '{n}' })} aria-live="polite"></span>
            {canWrite && (
              <>
                <button type="submit" class="btn" name="action" value="hold" data-needs-selection disabled>{t('action.hold')}</button>
                <button type="submit" class="btn" name="action" value="release" data-needs-selection disabled>{t('action.release')}</button>
                <button type="submit" class="btn danger" name="action" value="cancel" data-needs-selection disabled hx-confirm={t('inbox.confirmCancel')}>{t('action.cancel')}</button>
                <button type="submit" class="btn" name="action" value="approve" data-needs-selection disabled>{t('review.approve')}</button>
                <button type="submit" class="btn danger" name="action" value="reject" data-needs-selection disabled hx-prompt={t('review.rejectReason')}>{t('review.reject')}</button>
              </>
            )}
            <span class="spacer"></span>
            <a class="btn" href={`/orders/export.csv${filterQs}`} download>{t('inbox.exportCsv')}</a>
          </div>
          {items.length === 0 ? (
            <p class="empty">{t('inbox.empty')}</p>
          ) : (
            <table>
              <caption class="skip">{t('inbox.title')}</caption>
              <thead>
                <tr>
                  <th scope="col"><input type="checkbox" data-select-all aria-label={t('inbox.selectAll')} /></th>
                  <th scope="col">{t('inbox.col.order')}</th>
                  <th scope="col">{t('inbox.col.channel')}</th>
                  <th scope="col">{t('inbox.col.placed')}</th>
                  <th scope="col">{t('inbox.col.customer')}</th>
                  <th scope="col" class="col-opt">{t('inbox.col.items')}</th>
                  <th scope="col" class="num">{t('inbox.col.total')}</th>
                  <th scope="col">{t('inbox.col.status')}</th>
                  <th scope="col">{t('inbox.col.exceptions')}</th>
                </tr>
              </thead>
              <tbody>{items.map((o) => <OrderRow v={v} o={o} />)}</tbody>
            </table>
          )}
        </div>
      </form>
      <nav class="pager" aria-label={t('inbox.pagination')}>
        {state.cursor ? (
          <a href={inboxHref(state.values)} hx-get={inboxHref(state.values)} hx-target="#results" hx-push-url="true">{t('inbox.firstPage')}</a>
        ) : <span></span>}
        {nextCursor && (
          <a class="btn" rel="next" href={inboxHref(state.values, { cursor: nextCursor })} hx-get={inboxHref(state.values, { cursor: nextCursor })} hx-target="#results" hx-push-url="true">
            {t('inbox.nextPage')}
          </a>
        )}
      </nav>
    </div>
  );
};

const CountList: FC<{ v: View; title: string; param: InboxParam; prefix: string; counts: Record<string, number>; order: readonly string[]; values: InboxState['values'] }> = ({ v, title, param, prefix, counts, order, values }) => {
  const keys = [...order.filter((k) => counts[k] !== undefined), ...Object.keys(counts).filter((k) => !order.includes(k)).sort()];
  if (keys.length === 0) return <></>;
  return (
    <>
      <h2>{title}</h2>
      <ul class="counts">
        {keys.map((k) => (
          <li>
            <a href={inboxHref({}, { [param]: k })} aria-current={values[param] === k ? 'true' : undefined}>
              <span>{v.i18n.tEnum(prefix, k)}</span>
              <span class="n">{v.i18n.number(counts[k] ?? 0)}</span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
};

const Counts: FC<{ v: View; counts: OrderCounts; values: InboxState['values'] }> = ({ v, counts, values }) => (
  <div id="counts-inner">
    <ul class="counts">
      <li><a href="/" aria-current={Object.keys(values).length === 0 ? 'true' : undefined}><span>{v.i18n.t('inbox.allOrders')}</span><span class="n">{v.i18n.number(counts.total)}</span></a></li>
    </ul>
    <CountList v={v} title={v.i18n.t('field.status')} param="status" prefix="status" counts={counts.status} order={orderStatuses} values={values} />
    <CountList v={v} title={v.i18n.t('field.allocationStatus')} param="allocationStatus" prefix="allocationStatus" counts={counts.allocationStatus} order={allocationStatuses} values={values} />
    <CountList v={v} title={v.i18n.t('field.exception')} param="exception" prefix="exception" counts={counts.exception} order={orderExceptions} values={values} />
    <CountList v={v} title={v.i18n.t('field.channel')} param="channel" prefix="channel" counts={counts.channel} order={[]} values={values} />
  </div>
);

const SavedViews: FC<{ v: View; views: Array<{ id: string; name: string; query: string }>; currentQuery: string }> = ({ v, views, currentQuery }) => {
  const { t } = v.i18n;
  return (
    <section id="saved-views" class="panel" aria-labelledby="saved-views-h">
      <h2 id="saved-views-h">{t('views.title')}</h2>
      {views.length === 0 ? <p class="muted small">{t('views.none')}</p> : (
        <ul class="counts saved-views">
          {views.map((sv) => (
            <li>
              <a href={sv.query ? `/?${sv.query}` : '/'}>{sv.name}</a>
              <button type="button" hx-post={`/ui/views/${sv.id}/delete`} hx-target="#saved-views" hx-swap="outerHTML" aria-label={t('views.delete', { name: sv.name })} title={t('views.delete', { name: sv.name })}>×</button>
            </li>
          ))}
        </ul>
      )}
      <form hx-post="/ui/views" hx-target="#saved-views" hx-swap="outerHTML" class="row" style="margin-top:.5rem">
        <input type="hidden" name="query" value={currentQuery} />
        <label for="view-name" class="skip">{t('views.name')}</label>
        <input id="view-name" name="name" required maxlength={100} placeholder={t('views.name')} style="flex:1" />
        <button type="submit" class="btn">{t('views.save')}</button>
      </form>
    </section>
  );
};

const InboxPage: FC<{ v: View; state: InboxState; items: OrderSummary[]; nextCursor: string | null; channels: string[]; warehouses: string[]; views: Array<{ id: string; name: string; query: string }> }> = ({ v, state, items, nextCursor, channels, warehouses, views }) => {
  const { t } = v.i18n;
  const vals = state.values;
  const tab = activeTab(vals);
  return (
    <Layout v={v} title={t('inbox.title')}>
      <div class="inbox">
        <aside class="sidebar" aria-label={t('inbox.sidebar')}>
          <section class="panel" aria-label={t('inbox.counts')}>
            {/* Loaded by its own request so the table never waits for counting. */}
            <div id="counts" hx-get={`/ui/inbox/counts${inboxHref(vals, {}, '')}`} hx-trigger="load, every 30s, htmx:afterSettle from:#results" hx-swap="innerHTML">
              <p class="muted small">{t('common.loading')}</p>
            </div>
          </section>
          <SavedViews v={v} views={views} currentQuery={inboxHref(vals, {}, '').replace(/^\?/, '')} />
        </aside>
        <div>
          <div class="row">
            <h1>{t('inbox.title')}</h1>
            <span class="spacer"></span>
            <a class="btn" href="/dashboard">{t('nav.dashboard')}</a>
          </div>
          <nav class="tabs" aria-label={t('inbox.exceptionTabs')}>
            {TABS.map((tb) => (
              <a href={inboxHref({ ...vals, status: undefined, exception: undefined, allocationStatus: undefined, ...tb.set })} aria-current={tab === tb.id ? 'page' : undefined}>{t(tb.label)}</a>
            ))}
          </nav>
          <form
            id="filters"
            class="filters panel"
            method="get"
            action="/"
            role="search"
            hx-get="/"
            hx-target="#results"
            hx-push-url="true"
            hx-sync="this:replace"
            hx-trigger="submit, change, keyup changed delay:350ms from:#q, inbox-refresh from:body"
            hx-indicator="#results"
            data-omit-empty
          >
            <div class="search">
              <label for="q">{t('inbox.search')}</label>
              <input id="q" name="q" type="search" value={vals.q ?? ''} placeholder={t('inbox.searchPlaceholder')} autocomplete="off" />
            </div>
            <div>
              <label for="f-channel">{t('field.channel')}</label>
              <select id="f-channel" name="channel">
                <option value="">{t('inbox.filter.any')}</option>
                {channels.map((ch) => <option value={ch} selected={vals.channel === ch}>{v.i18n.tEnum('channel', ch)}</option>)}
              </select>
            </div>
            <Select v={v} name="status" label={t('field.status')} options={orderStatuses} value={vals.status} prefix="status" />
            <Select v={v} name="financialStatus" label={t('field.financialStatus')} options={financialStatuses} value={vals.financialStatus} prefix="financialStatus" />
            <Select v={v} name="fulfillmentStatus" label={t('field.fulfillmentStatus')} options={fulfillmentStatuses} value={vals.fulfillmentStatus} prefix="fulfillmentStatus" />
            <Select v={v} name="allocationStatus" label={t('field.allocationStatus')} options={allocationStatuses} value={vals.allocationStatus} prefix="allocationStatus" />
            <Select v={v} name="exception" label={t('field.exception')} options={orderExceptions} value={vals.exception} prefix="exception" />
            <div>
              <label for="f-sku">{t('field.sku')}</label>
              <input id="f-sku" name="sku" value={vals.sku ?? ''} autocomplete="off" />
            </div>
            <div>
              <label for="f-warehouse">{t('stock.warehouse')}</label>
              <select id="f-warehouse" name="warehouse">
                <option value="">{t('inbox.filter.any')}</option>
                {warehouses.map((w) => <option value={w} selected={vals.warehouse === w}>{w}</option>)}
              </select>
            </div>
            <div>
              <label for="f-from">{t('inbox.placedFrom')}</label>
              <input id="f-from" name="from" type="date" value={vals.from ?? ''} />
            </div>
            <div>
              <label for="f-to">{t('inbox.placedTo')}</label>
              <input id="f-to" name="to" type="date" value={vals.to ?? ''} />
            </div>
            <div class="row">
              <button type="submit" class="btn primary">{t('inbox.apply')}</button>
              <a href="/" class="btn">{t('inbox.clear')}</a>
            </div>
          </form>
          <div id="bulk-result" aria-live="polite"></div>
          <div id="results" class="busy">
            <Results v={v} state={state} items={items} nextCursor={nextCursor} />
          </div>
        </div>
      </div>
    </Layout>
  );
};

const EXPORT_MAX_ROWS = 100_000;

/** The view in the URL, with a warehouse code that names no warehouse dropped (and reported). */
async function inboxState(c: Context<UiEnv>, limit = 50): Promise<InboxState & { warehouses: string[] }> {
  const state = parseInboxState(new URL(c.req.url).searchParams, c.get('ctx').config.timezone, limit);
  const warehouses = (await listWarehouses(c.get('ctx'))).items.map((w) => w.code);
  return { ...dropUnknownWarehouse(state, warehouses), warehouses };
}

export function inboxRoutes(ui: Hono<UiEnv>): void {
  ui.get('/', async (c) => {
    const ctx = c.get('ctx');
    const v = view(c);
    const state = await inboxState(c);
    const page = await listOrders(ctx, state.query);
    // The filter form, the pager and the refresh swap the table only.
    if (isHtmx(c) && c.req.header('hx-target') === 'results') {
      return c.html(<Results v={v} state={state} items={page.items} nextCursor={page.nextCursor} />);
    }
    const [conns, views] = await Promise.all([listConnections(ctx), listViews(ctx, v.principal!.keyId)]);
    const channels = [...new Set(conns.map((x) => x.channel).concat(state.values.channel ? [state.values.channel] : []))].sort();
    return c.html(<InboxPage v={v} state={state} items={page.items} nextCursor={page.nextCursor} channels={channels} warehouses={state.warehouses} views={views} />);
  });

  ui.get('/ui/inbox/counts', async (c) => {
    const counts = await countOrders(c.get('ctx'));
    return c.html(<Counts v={view(c)} counts={counts} values={(await inboxState(c)).values} />);
  });

  // "N new orders" banner, polled by the table: counts the first page's orders imported since the newest shown.
  ui.get('/ui/inbox/new', async (c) => {
    const since = c.req.query('since') ?? '';
    if (Number.isNaN(Date.parse(since))) return c.body('');
    const state = await inboxState(c);
    const page = await listOrders(c.get('ctx'), { ...state.query, cursor: undefined, limit: 50 });
    const n = page.items.filter((o) => o.createdAt > new Date(since).toISOString()).length;
    if (n === 0) return c.body('');
    const { t } = c.get('i18n');
    return c.html(
      <button type="button" class="new-orders" hx-get={inboxHref(state.values)} hx-target="#results" hx-push-url="true">
        {t('inbox.newOrders', { count: n })}
      </button>,
    );
  });

  ui.post('/ui/orders/bulk', async (c) => {
    assertMayWrite(c, '/api/v1/orders/x/hold');
    const ctx = c.get('ctx');
    const { t } = c.get('i18n');
    const body = await c.req.parseBody({ all: true });
    const action = String(body.action ?? '');
    const ids = ([] as unknown[]).concat(body.ids ?? []).filter((x): x is string => typeof x === 'string').slice(0, 500);
    if (!['hold', 'release', 'cancel', 'approve', 'reject'].includes(action) || ids.length === 0) {
      return c.html(<p class="notice bad" role="alert">{t('bulk.nothingSelected')}</p>);
    }
    if (action === 'approve' || action === 'reject') return c.html(await bulkReview(c, action, ids));
    const failed: Array<{ id: string; number: string; reason: string }> = [];
    let ok = 0;
    // One by one: each action is its own guarded update, so one order in the wrong state fails alone.
    for (const id of ids) {
      try {
        await applyOrderAction(ctx, id, action as OrderAction, {});
        ok++;
      } catch (err) {
        const number = await getOrder(ctx, id).then((o) => o.number, () => id);
        const code = err instanceof AppError ? err.code : 'internal';
        const status = err instanceof AppError ? String(err.details?.status ?? '') : '';
        failed.push({ id, number, reason: code === 'invalid_order_state' ? t('bulk.wrongState', { status: c.get('i18n').tEnum('status', status) }) : t('bulk.failedGeneric') });
      }
    }
    if (ok > 0) invalidateOrderCounts(ctx);
    c.header('hx-trigger', 'inbox-refresh');
    return c.html(
      <div class={`notice ${failed.length ? 'bad' : 'ok'}`} role="status">
        {t('bulk.done', { ok, action: t(`action.${action as OrderAction}`) })}
        {failed.length > 0 && (
          <>
            {' '}{t('bulk.failed', { count: failed.length })}
            <ul>
              {failed.map((f) => <li><a href={`/orders/${f.id}`}>{f.number}</a>: {f.reason}</li>)}
            </ul>
          </>
        )}
      </div>,
    );
  });

  ui.get('/orders/export.csv', async (c) => {
    const ctx = c.get('ctx');
    const i18n = c.get('i18n');
    const { t } = i18n;
    const state = await inboxState(c, 200);
    const header = [
      t('csv.number'), t('csv.externalId'), t('csv.channel'), t('csv.placedAt'), t('csv.customer'), t('csv.email'),
      t('csv.country'), t('csv.items'), t('csv.skus'), t('csv.total'), t('csv.currency'), t('csv.status'),
      t('csv.financialStatus'), t('csv.fulfillmentStatus'), t('csv.allocationStatus'), t('csv.exceptions'),
    ];
    const { fromMinor } = await import('../../domain/money');
    const fmtDate = new Intl.DateTimeFormat('sv-SE', { timeZone: ctx.config.timezone, dateStyle: 'short', timeStyle: 'short' });
    const enc = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          // The BOM makes Excel and Numbers read the file as UTF-8, so Chinese text survives.
          controller.enqueue(enc.encode(`\uFEFF${header.map(csvCell).join(',')}\r\n`));
          let cursor: string | undefined;
          let rows = 0;
          do {
            const page = await listOrders(ctx, { ...state.query, cursor, limit: 200 });
            const lines = page.items.map((o) => [
              o.number, o.externalId, i18n.tEnum('channel', o.channel), fmtDate.format(new Date(o.placedAt)), o.customerName, o.customerEmail,
              o.shipCountry, o.itemCount, o.skus.join(' '), fromMinor(o.totalMinor, o.currency), o.currency,
              i18n.tEnum('status', o.status), i18n.tEnum('financialStatus', o.financialStatus), i18n.tEnum('fulfillmentStatus', o.fulfillmentStatus),
              i18n.tEnum('allocationStatus', o.allocationStatus), o.exceptions.map((e) => i18n.tEnum('exception', e)).join(' '),
            ].map(csvCell).join(','));
            if (lines.length) controller.enqueue(enc.encode(`${lines.join('\r\n')}\r\n`));
            rows += page.items.length;
            cursor = page.nextCursor ?? undefined;
          } while (cursor && rows < EXPORT_MAX_ROWS);
          controller.close();
        } catch (err) {
          ctx.log.error({ err }, 'csv export failed');
          controller.error(err);
        }
      },
    });
    const day = new Date().toISOString().slice(0, 10);
    return c.body(stream, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="orders-${day}.csv"`,
    });
  });

  ui.post('/ui/views', async (c) => {
    const ctx = c.get('ctx');
    const v = view(c);
    const body = await c.req.parseBody();
    await saveView(ctx, v.principal!.keyId, { name: body.name, query: body.query ?? '' });
    const query = typeof body.query === 'string' ? body.query : '';
    return c.html(<SavedViews v={v} views={await listViews(ctx, v.principal!.keyId)} currentQuery={query} />);
  });

  ui.post('/ui/views/:id/delete', async (c) => {
    const ctx = c.get('ctx');
    const v = view(c);
    await deleteView(ctx, v.principal!.keyId, c.req.param('id'));
    const current = new URL(c.req.header('hx-current-url') ?? c.req.url).search.replace(/^\?/, '');
    return c.html(<SavedViews v={v} views={await listViews(ctx, v.principal!.keyId)} currentQuery={current} />);
  });
}
