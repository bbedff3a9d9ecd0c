import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { listConnections } from '../../connections/manage-connections';
import { AppError } from '../../errors';
import { getPayout } from '../../finance/get-payout';
import { JOURNAL_KINDS, listJournals, requestJournalSync } from '../../finance/journals';
import { listPayouts } from '../../finance/list-payouts';
import { reconcile } from '../../finance/reconcile-payout';
import { resolveBreak } from '../../finance/resolve-break';
import { Badge, Csrf, Layout } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { failureText } from './stock';
import { NoticeLine, type Notice } from '../components/notice';

type PayoutItem = Awaited<ReturnType<typeof listPayouts>>['items'][number];
type PayoutDetail = Awaited<ReturnType<typeof getPayout>>;
type Journal = Awaited<ReturnType<typeof listJournals>>['items'][number];
type SyncRow = { id: string; target: string; status: string; attempts: number; lastError: string | null; remoteId: string | null };

const RECONCILIATION = ['open', 'clean', 'pending', 'not_reconcilable'] as const;

/** Accountants work the finance side too (the API's role rules). */
const mayWrite = (v: View) => ['admin', 'operator', 'accountant'].includes(v.principal?.role ?? '');

const FinanceTabs: FC<{ v: View; current: 'payouts' | 'journals' }> = ({ v, current }) => (
  <nav class="tabs" aria-label={v.i18n.t('nav.finance')}>
    <a href="/finance" aria-current={current === 'payouts' ? 'page' : undefined}>{v.i18n.t('finance.payouts')}</a>
    <a href="/finance/journals" aria-current={current === 'journals' ? 'page' : undefined}>{v.i18n.t('finance.journals')}</a>
    <a href="/finance/reports">{v.i18n.t('reports.title')}</a>
  </nav>
);

const PayoutsPage: FC<{ v: View; items: PayoutItem[]; names: Map<string, string>; reconciliation?: string; connectionId?: string; nextCursor: string | null }> = ({ v, items, names, reconciliation, connectionId, nextCursor }) => {
  const { t, money } = v.i18n;
  // The view's URL: the connection filter stays across the reconciliation tabs and pages.
  const href = (q: Record<string, string | undefined>) => {
    const p = new URLSearchParams(Object.entries({ connectionId, ...q }).filter((e): e is [string, string] => !!e[1]));
    return p.size > 0 ? `/finance?${p}` : '/finance';
  };
  return (
    <Layout v={v} title={t('finance.payouts')}>
      <h1>{t('finance.payouts')}</h1>
      <FinanceTabs v={v} current="payouts" />
      {connectionId && (
        <p id="payouts-connection">{t('finance.forConnection', { name: names.get(connectionId) ?? connectionId.slice(0, 8) })} · <a href={reconciliation ? `/finance?reconciliation=${reconciliation}` : '/finance'}>{t('finance.allConnections')}</a></p>
      )}
      <nav class="tabs" aria-label={t('field.reconciliation')}>
        <a href={href({})} aria-current={!reconciliation ? 'page' : undefined}>{t('inbox.tab.all')}</a>
        {RECONCILIATION.map((r) => <a href={href({ reconciliation: r })} aria-current={r === reconciliation ? 'page' : undefined}>{v.i18n.tEnum('reconciliation', r)}</a>)}
      </nav>
      {items.length === 0 ? <p class="muted">{t('finance.noPayouts')}</p> : (
        <div class="table-wrap">
          <table id="payouts">
            <thead>
              <tr>
                <th scope="col">{t('finance.payout')}</th><th scope="col">{t('events.connection')}</th><th scope="col">{t('finance.arrival')}</th>
                <th scope="col" class="num">{t('finance.amount')}</th><th scope="col">{t('field.status')}</th>
                <th scope="col">{t('field.reconciliation')}</th><th scope="col" class="num">{t('finance.openBreaks')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr>
                  <td><a class="payout-link mono" href={`/finance/payouts/${p.id}`}>{p.externalId}</a><span class="sub">{v.i18n.tEnum('payoutSource', p.source)}</span></td>
                  <td>{names.get(p.connectionId) ?? p.connectionId.slice(0, 8)}</td>
                  <td>{p.arrivalDate ? v.i18n.date(p.arrivalDate) : '—'}</td>
                  <td class="num">{money(p.amountMinor, p.currency)}</td>
                  <td>{v.i18n.tEnum('payoutStatus', p.status)}</td>
                  <td><Badge v={v} kind="reconciliation" value={p.reconciliation} /></td>
                  <td class="num">{v.i18n.number(p.openBreaks)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <p class="pager"><span></span><a class="btn" rel="next" href={href({ reconciliation, cursor: nextCursor })}>{t('inbox.nextPage')}</a></p>
      )}
    </Layout>
  );
};

const SyncBadges: FC<{ v: View; sync: SyncRow[] }> = ({ v, sync }) => (
  <>
    {sync.length === 0 ? <span class="muted small">{v.i18n.t('finance.noSyncTargets')}</span> : sync.map((s) => (
      <span class={`badge tone-${s.status === 'synced' ? 'good' : s.status === 'failed' ? 'bad' : 'warn'}`} title={s.lastError ?? s.remoteId ?? ''}>
        {`${v.i18n.tEnum('accountingTarget', s.target)}: ${v.i18n.tEnum('journalSync', s.status)}`}
      </span>
    ))}
  </>
);

/** Sums of a payout's lines per currency (a payout's lines share its currency; a foreign one is shown apart, never added). */
function lineTotals(lines: PayoutDetail['lines']): Array<{ currency: string; amountMinor: number; feeMinor: number; netMinor: number }> {
  const by = new Map<string, { currency: string; amountMinor: number; feeMinor: number; netMinor: number }>();
  for (const l of lines) {
    const s = by.get(l.currency) ?? { currency: l.currency, amountMinor: 0, feeMinor: 0, netMinor: 0 };
    s.amountMinor += l.amountMinor;
    s.feeMinor += l.feeMinor;
    s.netMinor += l.netMinor;
    by.set(l.currency, s);
  }
  return [...by.values()];
}

const PayoutPage: FC<{ v: View; p: PayoutDetail; notice?: Notice }> = ({ v, p, notice }) => {
  const { t, money } = v.i18n;
  const canWrite = mayWrite(v);
  return (
    <Layout v={v} title={t('finance.payoutTitle', { id: p.externalId })}>
      <p class="small"><a href="/finance">← {t('finance.payouts')}</a></p>
      <div class="row">
        <h1>{t('finance.payoutTitle', { id: p.externalId })}</h1>
        <div class="badges"><Badge v={v} kind="reconciliation" value={p.reconciliation} /></div>
        <span class="spacer"></span>
        {canWrite && (
          <form method="post" action={`/finance/payouts/${p.id}/reconcile`}>
            <Csrf v={v} />
            <button type="submit" class="btn">{t('finance.reconcileNow')}</button>
          </form>
        )}
      </div>
      <NoticeLine notice={notice} />
      <dl class="kv panel">
        <dt>{t('finance.source')}</dt><dd>{v.i18n.tEnum('payoutSource', p.source)}</dd>
        <dt>{t('field.status')}</dt><dd>{v.i18n.tEnum('payoutStatus', p.status)}</dd>
        <dt>{t('finance.arrival')}</dt><dd>{p.arrivalDate ? v.i18n.date(p.arrivalDate) : '—'}</dd>
        <dt>{t('finance.amount')}</dt><dd data-testid="payout-amount">{money(p.amountMinor, p.currency)}</dd>
        {Object.keys(p.unknownTypes ?? {}).length > 0 && <><dt>{t('finance.unknownTypes')}</dt><dd class="mono">{Object.keys(p.unknownTypes).join(', ')}</dd></>}
      </dl>

      <section aria-labelledby="breaks-h">
        <h2 id="breaks-h">{t('finance.breaks')}</h2>
        {p.breaks.length === 0 ? <p class="muted">{t('finance.noBreaks')}</p> : (
          <div class="table-wrap">
            <table id="breaks">
              <thead>
                <tr>
                  <th scope="col">{t('finance.breakClass')}</th><th scope="col" class="num">{t('finance.expected')}</th>
                  <th scope="col" class="num">{t('finance.actual')}</th><th scope="col" class="num">{t('finance.delta')}</th>
                  <th scope="col">{t('field.status')}</th><th scope="col">{t('finance.note')}</th>
                </tr>
              </thead>
              <tbody>
                {p.breaks.map((b) => (
                  <tr id={`break-${b.id}`} data-status={b.status}>
                    <td>
                      {v.i18n.tEnum('breakClass', b.class)}
                      {/* What the break is about: its order (by number), else the line's reference; an internal key says nothing. */}
                      {b.orderId ? <a class="sub break-order" href={`/orders/${b.orderId}`}>{b.orderNumber ?? t('stock.order')}</a>
                        : b.key.startsWith('line:') ? <span class="sub mono">{b.key.slice(5)}</span> : null}
                    </td>
                    <td class="num">{money(b.expectedMinor, b.currency)}</td>
                    <td class="num">{money(b.actualMinor, b.currency)}</td>
                    <td class="num">{money(b.deltaMinor, b.currency)}</td>
                    <td><Badge v={v} kind="breakStatus" value={b.status} /></td>
                    <td>
                      {b.status !== 'open' ? <>{b.note}{b.resolvedBy && <span class="sub">{b.resolvedBy}</span>}</> : canWrite ? (
                        <form method="post" action={`/finance/breaks/${b.id}/resolve`} class="row">
                          <Csrf v={v} />
                          <input type="hidden" name="payoutId" value={p.id} />
                          <input id={`note-${b.id}`} name="note" aria-label={t('finance.note')} required maxlength={2000} placeholder={t('finance.notePlaceholder')} />
                          <button type="submit" name="status" value="resolved" class="btn primary">{t('finance.resolve')}</button>
                          <button type="submit" name="status" value="accepted" class="btn">{t('finance.accept')}</button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="plines-h">
        <h2 id="plines-h">{t('finance.lines')}</h2>
        {p.lines.length === 0 ? <p class="muted">{t('finance.noLines')}</p> : (
          <div class="table-wrap">
            <table id="payout-lines">
              <thead>
                <tr>
                  <th scope="col">{t('finance.lineType')}</th><th scope="col">{t('finance.reference')}</th>
                  <th scope="col" class="num">{t('finance.amount')}</th><th scope="col" class="num">{t('finance.fee')}</th>
                  <th scope="col" class="num">{t('finance.net')}</th><th scope="col">{t('finance.matchedOrder')}</th>
                </tr>
              </thead>
              <tbody>
                {p.lines.map((l) => (
                  <tr>
                    <td>{v.i18n.tEnum('lineCategory', l.category)}<span class="sub mono">{l.type}</span></td>
                    <td class="mono">{l.sourceOrderId ?? l.externalId}</td>
                    <td class="num">{money(l.amountMinor, l.currency)}</td>
                    <td class="num">{money(l.feeMinor, l.currency)}</td>
                    <td class="num">{money(l.netMinor, l.currency)}</td>
                    <td>{l.matchedOrder ? <a class="matched-order" href={`/orders/${l.matchedOrder.id}`}>{l.matchedOrder.number}</a> : <span class="muted">{t('finance.unmatched')}</span>}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                {/* What the lines add up to, per currency, and whether their net is what the payout paid. */}
                {lineTotals(p.lines).map((s) => (
                  <tr data-total={s.currency} style="font-weight:600">
                    <td colspan={2}>{t('finance.linesTotal')}</td>
                    <td class="num">{money(s.amountMinor, s.currency)}</td>
                    <td class="num">{money(s.feeMinor, s.currency)}</td>
                    <td class="num">{money(s.netMinor, s.currency)}</td>
                    <td class={s.currency !== p.currency ? 'muted' : s.netMinor === p.amountMinor ? 'sum-ok' : 'sum-off'}>
                      {s.currency !== p.currency ? '' : s.netMinor === p.amountMinor ? t('finance.linesMatchPayout')
                        : t(s.netMinor < p.amountMinor ? 'finance.linesShortOfPayout' : 'finance.linesOverPayout', { diff: money(Math.abs(s.netMinor - p.amountMinor), s.currency) })}
                    </td>
                  </tr>
                ))}
              </tfoot>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="pj-h">
        <h2 id="pj-h">{t('finance.journals')}</h2>
        {p.journals.length === 0 ? <p class="muted">{t('finance.noJournals')}</p> : (
          <p><a href={`/finance/journals?payoutId=${p.id}`}>{t('finance.journalCount', { count: p.journals.length })}</a></p>
        )}
      </section>
    </Layout>
  );
};

const JournalsPage: FC<{ v: View; items: Journal[]; payoutId?: string; kind?: string; nextCursor: string | null; notice?: Notice }> = ({ v, items, payoutId, kind, nextCursor, notice }) => {
  const { t, money } = v.i18n;
  const canWrite = mayWrite(v);
  const here = { ...(payoutId ? { payoutId } : {}), ...(kind ? { kind } : {}) };
  return (
    <Layout v={v} title={t('finance.journals')}>
      <h1>{t('finance.journals')}</h1>
      <FinanceTabs v={v} current="journals" />
      {payoutId && <p class="small"><a href={`/finance/payouts/${payoutId}`}>← {t('finance.payout')}</a> · <a href="/finance/journals">{t('inbox.clear')}</a></p>}
      <form method="get" action="/finance/journals" class="filters" role="search">
        {payoutId && <input type="hidden" name="payoutId" value={payoutId} />}
        <div class="field">
          <label for="j-kind">{t('finance.journalKind')}</label>
          <select id="j-kind" name="kind">
            <option value="">{t('finance.anyJournalKind')}</option>
            {JOURNAL_KINDS.map((k) => <option value={k} selected={kind === k}>{v.i18n.tEnum('journalKind', k)}</option>)}
          </select>
        </div>
        <div class="field"><button type="submit" class="btn">{t('inbox.apply')}</button></div>
      </form>
      <p class="hint">{t('finance.journalsNewestFirst')}</p>
      <NoticeLine notice={notice} />
      {items.length === 0 ? <p class="muted">{t('finance.noJournals')}</p> : (
        <div class="table-wrap">
          <table id="journals">
            <thead>
              <tr>
                <th scope="col">{t('finance.entryDate')}</th><th scope="col">{t('finance.memo')}</th><th scope="col">{t('field.status')}</th>
                <th scope="col" class="num">{t('finance.debits')}</th><th scope="col">{t('field.syncStatus')}</th>
                <th scope="col" aria-label={t('events.actions')}></th>
              </tr>
            </thead>
            <tbody>
              {items.map((j) => {
                const lines = j.lines as Array<{ debitMinor: number; currency: string }>;
                const sync = j.sync as SyncRow[];
                const currency = lines[0]?.currency;
                return (
                  <tr id={`journal-${j.id}`}>
                    <td>{v.i18n.date(`${j.entryDate}T12:00:00Z`)}</td>
                    <td>{j.memo}<span class="sub">{v.i18n.tEnum('journalKind', j.kind)}</span></td>
                    <td>{v.i18n.tEnum('journalStatus', j.status)}</td>
                    <td class="num">{currency ? money(lines.reduce((s, l) => s + l.debitMinor, 0), currency) : '—'}</td>
                    <td class="badges"><SyncBadges v={v} sync={sync} /></td>
                    <td>
                      {canWrite && sync.some((s) => s.status === 'failed') && (
                        <form method="post" action={`/finance/journals/${j.id}/sync`}>
                          <Csrf v={v} />
                          <button type="submit" class="btn">{t('finance.retrySync')}</button>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <p class="pager"><span></span><a class="btn" rel="next" id="journals-next"
          href={`/finance/journals?${new URLSearchParams({ ...here, cursor: nextCursor })}`}>{t('inbox.nextPage')}</a></p>
      )}
    </Layout>
  );
};

async function payoutPage(c: Context<UiEnv>, id: string, notice?: Notice, status: 200 | 400 | 404 | 409 = 200) {
  return c.html(<PayoutPage v={view(c)} p={await getPayout(c.get('ctx'), id)} notice={notice} />, status);
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function financeRoutes(ui: Hono<UiEnv>): void {
  ui.get('/finance', async (c) => {
    const ctx = c.get('ctx');
    const reconciliation = z.enum(RECONCILIATION).optional().catch(undefined).parse(c.req.query('reconciliation') || undefined);
    const connectionId = z.string().uuid().optional().catch(undefined).parse(c.req.query('connectionId') || undefined);
    const cursor = c.req.query('cursor') || undefined;
    const [page, conns] = await Promise.all([listPayouts(ctx, { reconciliation, connectionId, cursor, limit: 50 }), listConnections(ctx, { includeArchived: true })]);
    return c.html(<PayoutsPage v={view(c)} items={page.items} names={new Map(conns.map((x) => [x.id, x.name]))} reconciliation={reconciliation} connectionId={connectionId} nextCursor={page.nextCursor} />);
  });

  ui.get('/finance/payouts/:id', (c) => {
    const done = c.req.query('done');
    const { t } = c.get('i18n');
    const notice = done === 'resolved' || done === 'accepted' ? { tone: 'ok' as const, text: t(done === 'resolved' ? 'finance.resolvedDone' : 'finance.acceptedDone') }
      : done === 'reconciled' ? { tone: 'ok' as const, text: t('finance.reconciledDone') } : undefined;
    return payoutPage(c, c.req.param('id'), notice);
  });

  ui.post('/finance/payouts/:id/reconcile', async (c) => {
    assertMayWrite(c, '/api/v1/payouts/x/reconcile');
    const id = c.req.param('id');
    await reconcile(c.get('ctx'), { payoutId: id, dryRun: false });
    return c.redirect(`/finance/payouts/${id}?done=reconciled`, 303);
  });

  ui.post('/finance/breaks/:id/resolve', async (c) => {
    assertMayWrite(c, '/api/v1/discrepancies/x/resolve');
    const f = await c.req.parseBody();
    const payoutId = str(f.payoutId);
    const status = str(f.status) === 'accepted' ? 'accepted' : 'resolved';
    try {
      await resolveBreak(c.get('ctx'), c.req.param('id'), { status, note: str(f.note) });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || !payoutId) throw err;
      const v = view(c);
      const text = err.code === 'not_open' ? v.i18n.t('finance.notOpen') : err.code === 'validation_failed' ? v.i18n.t('finance.noteRequired') : failureText(v, err);
      return payoutPage(c, payoutId, { tone: 'bad', text }, err.status as 400);
    }
    return c.redirect(payoutId ? `/finance/payouts/${payoutId}?done=${status}` : '/finance', 303);
  });

  ui.get('/finance/journals', async (c) => {
    const payoutId = z.string().uuid().optional().catch(undefined).parse(c.req.query('payoutId') || undefined);
    const kind = (JOURNAL_KINDS as readonly string[]).includes(c.req.query('kind') ?? '') ? c.req.query('kind') : undefined;
    const cursor = c.req.query('cursor') || undefined;
    // Newest first: the entries a person comes to look at are the recent ones.
    const { items, nextCursor } = await listJournals(c.get('ctx'), { payoutId, kind, cursor, order: 'desc', limit: 100 });
    const notice = c.req.query('done') === 'sync' ? { tone: 'ok' as const, text: c.get('i18n').t('finance.syncQueued') } : undefined;
    return c.html(<JournalsPage v={view(c)} items={items} payoutId={payoutId} kind={kind} nextCursor={nextCursor} notice={notice} />);
  });

  ui.post('/finance/journals/:id/sync', async (c) => {
    assertMayWrite(c, '/api/v1/journals/x/sync');
    await requestJournalSync(c.get('ctx'), c.req.param('id'));
    return c.redirect('/finance/journals?done=sync', 303);
  });
}
