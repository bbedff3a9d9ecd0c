import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { listConnections } from '../../connections/manage-connections';
import { AppError } from '../../errors';
import { eventsNeedingAttention, ListEventsQuery, listRawEvents, replayRawEvent } from '../../inbox/raw-event-queries';
import { Badge, Layout, Time } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, isHtmx, view } from '../middleware';

type RawEventItem = Awaited<ReturnType<typeof listRawEvents>>['items'][number];

const EventRow: FC<{ v: View; e: RawEventItem; canWrite: boolean; names?: Map<string, string>; message?: string }> = ({ v, e, canWrite, names, message }) => {
  const { t } = v.i18n;
  return (
    <tr id={`event-${e.id}`}>
      <td class="mono">{e.id}</td>
      {names && <td><a href={`/connections/${e.connectionId}`}>{names.get(e.connectionId) ?? e.connectionId.slice(0, 8)}</a></td>}
      <td><Time v={v} at={e.receivedAt} relative /><span class="sub">{v.i18n.tEnum('ingestPath', e.path)}{e.topic ? ` · ${e.topic}` : ''}</span></td>
      <td><Badge v={v} kind="eventStatus" value={e.status} /></td>
      <td class="small" style="max-width:32rem;word-break:break-word">{e.error ?? ''}{message && <div class="muted">{message}</div>}</td>
      <td>
        {canWrite && e.status !== 'pending' && (
          <button type="button" class="btn" hx-post={`/events/${e.id}/replay`} hx-target={`#event-${e.id}`} hx-swap="outerHTML">{t('events.replay')}</button>
        )}
      </td>
    </tr>
  );
};

/** Dead-lettered (failed) inbound events with a replay button each; used on /events and on a connection's page. */
export const DeadLetterTable: FC<{ v: View; items: RawEventItem[]; canWrite: boolean; names?: Map<string, string> }> = ({ v, items, canWrite, names }) => {
  const { t } = v.i18n;
  if (items.length === 0) return <p class="muted">{t('events.none')}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>{names && <th scope="col">{t('events.connection')}</th>}<th scope="col">{t('events.received')}</th>
            <th scope="col">{t('field.status')}</th><th scope="col">{t('events.error')}</th><th scope="col"><span class="skip">{t('events.actions')}</span></th>
          </tr>
        </thead>
        <tbody>{items.map((e) => <EventRow v={v} e={e} canWrite={canWrite} names={names} />)}</tbody>
      </table>
    </div>
  );
};

const STATUSES = ['failed', 'pending', 'processed', 'ignored'] as const;

export function eventRoutes(ui: Hono<UiEnv>): void {
  ui.get('/events', async (c) => {
    const ctx = c.get('ctx');
    const v = view(c);
    const { t } = v.i18n;
    const status = z.enum(STATUSES).catch('failed').parse(c.req.query('status'));
    const cursor = c.req.query('cursor');
    const query = ListEventsQuery.safeParse({ status, cursor: cursor || undefined, limit: 50 });
    const [page, conns, attention] = await Promise.all([
      listRawEvents(ctx, query.success ? query.data : { status, limit: 50 }),
      listConnections(ctx, { includeArchived: true }),
      eventsNeedingAttention(ctx),
    ]);
    const counts: Partial<Record<(typeof STATUSES)[number], number>> = attention;
    const names = new Map(conns.map((x) => [x.id, x.name]));
    const canWrite = v.principal?.role === 'admin' || v.principal?.role === 'operator';
    return c.html(
      <Layout v={v} title={t('events.title')}>
        <h1>{t('events.title')}</h1>
        <nav class="tabs" aria-label={t('events.filter')}>
          {/* Dead letters and waiting events say how many there are; processed and ignored ones are history. */}
          {STATUSES.map((s) => (
            <a href={`/events?status=${s}`} aria-current={s === status ? 'page' : undefined}>
              {v.i18n.tEnum('eventStatus', s)}{(counts[s] ?? 0) > 0 && <> <span class={`badge ${s === 'failed' ? 'tone-bad' : 'tone-neutral'}`} data-count={s}>{v.i18n.number(counts[s]!)}</span></>}
            </a>
          ))}
        </nav>
        <p class="muted small">{t('events.help')}</p>
        <DeadLetterTable v={v} items={page.items} canWrite={canWrite} names={names} />
        {page.nextCursor && <p class="pager"><span></span><a class="btn" rel="next" href={`/events?status=${status}&cursor=${page.nextCursor}`}>{t('inbox.nextPage')}</a></p>}
      </Layout>,
    );
  });

  ui.post('/events/:id/replay', async (c) => {
    assertMayWrite(c, '/api/v1/events/x/replay');
    const v = view(c);
    const id = Number(c.req.param('id'));
    const canWrite = true;
    let row: RawEventItem;
    let message: string;
    try {
      const res = await replayRawEvent(c.get('ctx'), id);
      row = res.event;
      message = res.event.status === 'processed' ? v.i18n.t('events.replayed', { count: res.orders.length }) : v.i18n.t('events.replayFailed');
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const page = await listRawEvents(c.get('ctx'), { cursor: id + 1, limit: 1 });
      if (!page.items[0] || page.items[0].id !== id) throw err;
      row = page.items[0];
      message = v.i18n.t('events.replayPending');
    }
    if (!isHtmx(c)) return c.redirect('/events', 303);
    const names = c.req.header('hx-current-url')?.includes('/events') ? new Map((await listConnections(c.get('ctx'), { includeArchived: true })).map((x) => [x.id, x.name])) : undefined;
    return c.html(<EventRow v={v} e={row} canWrite={canWrite} names={names} message={message} />);
  });
}
