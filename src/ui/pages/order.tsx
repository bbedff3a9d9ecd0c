import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { Address } from '../../domain/order';
import { getOrder, type OrderDetail } from '../../inbox/get-order';
import { applyOrderAction, type OrderAction } from '../../inbox/order-actions';
import { invalidateOrderCounts } from '../../inbox/count-orders';
import { getRawEvent } from '../../inbox/raw-event-queries';
import { AppError, NotFoundError } from '../../errors';
import { afterStockChange } from '../../inventory/after-stock-change';
import { allocateOrders } from '../../inventory/allocate-orders';
import { getOrderAllocation } from '../../inventory/query-stock';
import { orderBreaks } from '../../finance/order-breaks';
import { orderSettlements } from '../../finance/order-settlements';
import { actorNames } from '../../auth/actor-names';
import { Actor, Badge, Csrf, Layout, Time } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { loadOrderSales, OrderSalesPanel, salesTimelineText, type OrderSalesData } from './order-sales';

const MONEY_FIELDS: Record<string, true> = { totalMinor: true };
const ENUM_FIELDS: Record<string, string> = { status: 'status', financialStatus: 'financialStatus', fulfillmentStatus: 'fulfillmentStatus' };

/** One timeline entry in the reader's language, built from the event's data (the stored English message is the fallback). */
function timelineText(v: View, o: OrderDetail, e: OrderDetail['timeline'][number]): string {
  const { t, tEnum } = v.i18n;
  const data = (e.data ?? {}) as { paths?: string[]; changes?: Record<string, [unknown, unknown]>; reason?: string };
  const via = (data.paths ?? []).map((p) => tEnum('ingestPath', p)).join(' + ');
  const value = (field: string, x: unknown) =>
    MONEY_FIELDS[field] ? v.i18n.money(Number(x), o.currency) : ENUM_FIELDS[field] ? tEnum(ENUM_FIELDS[field]!, String(x)) : String(x);
  switch (e.kind) {
    case 'received':
      return t('timeline.received', { via });
    case 'confirmed':
      return t('timeline.confirmed', { via });
    case 'updated': {
      const changes = Object.entries(data.changes ?? {}).map(([f, [a, b]]) => `${tEnum('field', f)}: ${value(f, a)} → ${value(f, b)}`);
      return changes.length ? t('timeline.updatedWith', { via, changes: changes.join(', ') }) : t('timeline.updated', { via });
    }
    case 'hold':
    case 'release':
    case 'cancel':
      return data.reason ? t('timeline.actionWithReason', { action: t(`timeline.action.${e.kind}`), reason: data.reason }) : t(`timeline.action.${e.kind}`);
    default:
      return salesTimelineText(v, o, e) ?? e.message;
  }
}

const AddressBlock: FC<{ a: Address | null | undefined; v: View }> = ({ a, v }) => {
  if (!a) return <p class="muted">{v.i18n.t('order.noAddress')}</p>;
  const lines = [a.name, a.company, a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country ? v.i18n.region(a.country) : null, a.phone].filter(Boolean);
  return <address>{lines.map((l) => <div>{l}</div>)}</address>;
};

type Allocation = Awaited<ReturnType<typeof getOrderAllocation>>;

/** Where each line's units are reserved (or shipped from), per warehouse, and what is still backordered. */
const AllocationPanel: FC<{ v: View; o: OrderDetail; a: Allocation; canWrite: boolean }> = ({ v, o, a, canWrite }) => {
  const { t, number } = v.i18n;
  return (
    <section class="panel" aria-labelledby="alloc-h" style="margin-top:1rem" id="allocation">
      <div class="row">
        <h2 id="alloc-h" style="margin:0">{t('order.allocation')}</h2>
        <Badge v={v} kind="allocationStatus" value={a.allocationStatus} />
        <span class="spacer"></span>
        {canWrite && o.status !== 'cancelled' && (
          <form method="post" action={`/orders/${o.id}/allocate`}>
            <Csrf v={v} />
            <button type="submit" class="btn">{t('order.allocate')}</button>
          </form>
        )}
      </div>
      <div class="table-wrap" style="border:0">
        <table id="allocations">
          <thead>
            <tr>
              <th scope="col">{t('field.sku')}</th><th scope="col" class="num">{t('order.quantity')}</th>
              <th scope="col">{t('order.allocatedFrom')}</th><th scope="col" class="num">{t('allocationStatus.backordered')}</th>
            </tr>
          </thead>
          <tbody>
            {a.lines.map((l) => (
              <tr data-sku={l.sku ?? ''}>
                <td class="mono">{l.sku ? <a href={`/stock?sku=${encodeURIComponent(l.sku)}`}>{l.sku}</a> : '—'}</td>
                <td class="num">{number(l.quantity)}</td>
                <td class="allocated-from">
                  {l.allocations.length === 0 ? '—' : l.allocations.map((x) => (
                    <div data-warehouse={x.warehouse}>
                      {t('order.allocatedAt', { warehouse: x.warehouse, count: x.quantity })}
                      {x.fulfilled > 0 && <span class="sub">{t('order.shippedCount', { count: x.fulfilled })}</span>}
                    </div>
                  ))}
                </td>
                <td class="num">{number(l.backordered)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
};

type Settlement = Awaited<ReturnType<typeof orderSettlements>>['items'][number];
type OrderBreak = Awaited<ReturnType<typeof orderBreaks>>['items'][number];

/** Which payouts settled the order (charges, refunds) with their fees, and the breaks that name it. */
const SettlementPanel: FC<{ v: View; settlements: Settlement[]; breaks: OrderBreak[] }> = ({ v, settlements, breaks }) => {
  const { t, money } = v.i18n;
  return (
    <section class="panel" aria-labelledby="settled-h" style="margin-top:1rem" id="settlement">
      <h2 id="settled-h" style="margin-top:0">{t('ui.order.settlement')}</h2>
      {settlements.length === 0 ? <p class="muted">{t('ui.order.notSettled')}</p> : (
        <div class="table-wrap">
          <table id="order-settlements">
            <thead>
              <tr>
                <th scope="col">{t('finance.payout')}</th><th scope="col">{t('finance.lineType')}</th>
                <th scope="col" class="num">{t('finance.amount')}</th><th scope="col" class="num">{t('finance.fee')}</th>
                <th scope="col" class="num">{t('finance.net')}</th>
              </tr>
            </thead>
            <tbody>
              {settlements.map((s) => (
                <tr data-payout={s.payoutId}>
                  <td>
                    <a class="mono" href={`/finance/payouts/${s.payoutId}`}>{s.payoutExternalId}</a>
                    <span class="sub">{v.i18n.tEnum('payoutSource', s.source)} · {v.i18n.tEnum('payoutStatus', s.payoutStatus)}{s.arrivalDate ? ` · ${v.i18n.date(s.arrivalDate)}` : ''}</span>
                  </td>
                  <td class="mono">{s.type}<span class="sub">{s.transactionId}</span></td>
                  <td class="num">{money(s.amountMinor, s.currency)}</td>
                  <td class="num">{money(s.feeMinor, s.currency)}</td>
                  <td class="num">{money(s.netMinor, s.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {breaks.length > 0 && (
        <>
          <h3>{t('finance.breaks')}</h3>
          <ul class="plain" id="order-breaks">
            {breaks.map((b) => (
              <li data-break={b.id}>
                <Badge v={v} kind="breakStatus" value={b.status} /> {v.i18n.tEnum('breakClass', b.class)}
                {' · '}{t('finance.delta')} {money(b.deltaMinor, b.currency)}
                {b.payoutId && <> · <a href={`/finance/payouts/${b.payoutId}`}>{t('finance.payout')}</a></>}
                {b.note && <span class="sub">{b.note}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
};

interface OrderPageProps { v: View; o: OrderDetail; a: Allocation; settlements: Settlement[]; breaks: OrderBreak[]; notice?: { tone: 'ok' | 'bad'; text: string }; sales?: OrderSalesData; actors: ReadonlyMap<string, string> }
const OrderPage: FC<OrderPageProps> = ({ v, o, a, settlements, breaks, notice, sales, actors }) => {
  const { t, money } = v.i18n;
  const canWrite = v.principal?.role === 'admin' || v.principal?.role === 'operator';
  const customer = (o.customer ?? {}) as { name?: string | null; email?: string | null; phone?: string | null };
  const actions: Array<{ action: OrderAction; when: string[] }> = [
    { action: 'hold', when: ['open'] }, { action: 'release', when: ['on_hold'] }, { action: 'cancel', when: ['open', 'on_hold'] },
  ];
  return (
    <Layout v={v} title={t('order.title', { number: o.number })}>
      <p class="small"><a href="/">← {t('order.backToInbox')}</a></p>
      <div class="row">
        <h1>{t('order.title', { number: o.number })}</h1>
        <div class="badges">
          <Badge v={v} kind="status" value={o.status} />
          <Badge v={v} kind="financialStatus" value={o.financialStatus} />
          <Badge v={v} kind="fulfillmentStatus" value={o.fulfillmentStatus} />
          <Badge v={v} kind="allocationStatus" value={o.allocationStatus} />
          {o.exceptions.map((e) => <Badge v={v} kind="exception" value={e} />)}
        </div>
        <span class="spacer"></span>
        {canWrite && actions.filter((a) => a.when.includes(o.status)).map((a) => (
          <form method="post" action={`/orders/${o.id}/${a.action}`}>
            <Csrf v={v} />
            <button type="submit" class={`btn ${a.action === 'cancel' ? 'danger' : ''}`}>{t(`action.${a.action}`)}</button>
          </form>
        ))}
      </div>
      {notice && <p class={`notice ${notice.tone}`} role="status">{notice.text}</p>}
      <div class="detail">
        <div>
          <section class="panel" aria-labelledby="lines-h">
            <h2 id="lines-h" style="margin-top:0">{t('order.lines')}</h2>
            <div class="table-wrap" style="border:0">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('field.sku')}</th><th scope="col">{t('order.item')}</th>
                    <th scope="col" class="num">{t('order.quantity')}</th><th scope="col" class="num">{t('order.unitPrice')}</th>
                    <th scope="col" class="num">{t('order.lineTotal')}</th>
                  </tr>
                </thead>
                <tbody>
                  {o.lines.map((l) => (
                    <tr>
                      <td class="mono">{l.sku ?? '—'}</td>
                      <td>{l.title}</td>
                      <td class="num">{v.i18n.number(l.quantity)}</td>
                      <td class="num">{money(l.unitPriceMinor, o.currency)}</td>
                      <td class="num">{money(l.unitPriceMinor * l.quantity - l.discountMinor, o.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <table class="money" style="width:auto;margin-left:auto" aria-label={t('order.moneyBreakdown')}>
              <tbody>
                <tr><td>{t('order.subtotal')}</td><td class="num">{money(o.subtotalMinor, o.currency)}</td></tr>
                {o.discountMinor > 0 && <tr><td>{t('order.discount')}</td><td class="num">−{money(o.discountMinor, o.currency)}</td></tr>}
                <tr><td>{t('order.shipping')}</td><td class="num">{money(o.shippingMinor, o.currency)}</td></tr>
                <tr><td>{t('order.tax')}</td><td class="num">{money(o.taxMinor, o.currency)}</td></tr>
                <tr class="total"><td>{t('order.total')}</td><td class="num" data-testid="order-total">{money(o.totalMinor, o.currency)}</td></tr>
              </tbody>
            </table>
          </section>
          <AllocationPanel v={v} o={o} a={a} canWrite={canWrite} />
          {sales && <OrderSalesPanel v={v} o={o} data={sales} canWrite={canWrite} />}
          <SettlementPanel v={v} settlements={settlements} breaks={breaks} />
          <section class="panel" aria-labelledby="timeline-h" style="margin-top:1rem">
            <h2 id="timeline-h" style="margin-top:0">{t('order.timeline')}</h2>
            <ol class="timeline">
              {o.timeline.map((e) => (
                <li data-kind={e.kind}>
                  <div>{timelineText(v, o, e)}</div>
                  <div class="when"><Time v={v} at={e.at} /> {e.actor && e.actor !== 'system' ? <>· <Actor actor={e.actor} names={actors} /></> : ''}</div>
                </li>
              ))}
            </ol>
          </section>
          <section class="panel" aria-labelledby="raw-h" style="margin-top:1rem">
            <h2 id="raw-h" style="margin-top:0">{t('order.rawPayloads')}</h2>
            {o.sourceEvents.length === 0 ? <p class="muted">{t('order.noRawPayloads')}</p> : o.sourceEvents.map((r) => (
              <details>
                <summary>
                  {t('order.rawEvent', { id: r.id, path: v.i18n.tEnum('ingestPath', r.path) })} · <Time v={v} at={r.receivedAt} />{r.topic ? ` · ${r.topic}` : ''}
                </summary>
                <div hx-get={`/ui/raw-events/${r.id}`} hx-trigger="toggle from:closest details once" hx-swap="innerHTML">
                  <p class="muted small">{t('common.loading')}</p>
                </div>
              </details>
            ))}
          </section>
        </div>
        <div>
          <section class="panel">
            <h2 style="margin-top:0">{t('order.summary')}</h2>
            <dl class="kv">
              <dt>{t('field.channel')}</dt><dd>{v.i18n.tEnum('channel', o.channel)} · <a href={`/connections/${o.connectionId}`}>{t('order.connection')}</a></dd>
              <dt>{t('order.externalId')}</dt><dd class="mono">{o.externalId}</dd>
              <dt>{t('order.placedAt')}</dt><dd><Time v={v} at={o.placedAt} /></dd>
              <dt>{t('order.importedAt')}</dt><dd><Time v={v} at={o.createdAt} /></dd>
              <dt>{t('order.updatedAt')}</dt><dd><Time v={v} at={o.sourceUpdatedAt} /></dd>
              <dt>{t('order.receivedVia')}</dt><dd>{o.ingestPaths.map((p) => v.i18n.tEnum('ingestPath', p)).join(', ')}</dd>
            </dl>
          </section>
          <section class="panel" style="margin-top:1rem">
            <h2 style="margin-top:0">{t('order.customer')}</h2>
            <dl class="kv">
              <dt>{t('order.name')}</dt><dd>{customer.name ?? '—'}</dd>
              <dt>{t('order.email')}</dt><dd>{customer.email ? <a href={`mailto:${customer.email}`}>{customer.email}</a> : '—'}</dd>
              {customer.phone && <><dt>{t('order.phone')}</dt><dd>{customer.phone}</dd></>}
            </dl>
            <h2>{t('order.shippingAddress')}</h2>
            <AddressBlock a={o.shippingAddress as Address | null} v={v} />
            <h2>{t('order.billingAddress')}</h2>
            <AddressBlock a={o.billingAddress as Address | null} v={v} />
          </section>
        </div>
      </div>
    </Layout>
  );
};

export function orderRoutes(ui: Hono<UiEnv>): void {
  ui.get('/orders/:id', async (c) => {
    const ctx = c.get('ctx');
    const o = await getOrder(ctx, c.req.param('id'));
    const [a, settlements, breaks] = await Promise.all([getOrderAllocation(ctx, o.id), orderSettlements(ctx, o.id), orderBreaks(ctx, o.id)]);
    const done = c.req.query('done');
    const v = view(c);
    const notice = done && ['hold', 'release', 'cancel'].includes(done) ? { tone: 'ok' as const, text: v.i18n.t('order.actionDone', { action: v.i18n.t(`action.${done as OrderAction}`) }) }
      : done === 'allocate' ? { tone: 'ok' as const, text: v.i18n.t('order.allocateDone', { status: v.i18n.tEnum('allocationStatus', a.allocationStatus) }) } : undefined;
    const actors = await actorNames(ctx, o.timeline.map((e) => e.actor));
    return c.html(<OrderPage v={v} o={o} a={a} settlements={settlements.items} breaks={breaks.items} notice={notice} sales={await loadOrderSales(c.get('ctx'), o.id)} actors={actors} />);
  });

  // Re-runs allocation for this order now (as POST /api/v1/orders/{id}/allocate does), then queues the follow-ups.
  ui.post('/orders/:id/allocate', async (c) => {
    assertMayWrite(c, '/api/v1/orders/x/allocate');
    const ctx = c.get('ctx');
    const o = await getOrder(ctx, c.req.param('id'));
    const r = await allocateOrders(ctx, { orderIds: [o.id] });
    await afterStockChange(ctx, { freedSkus: r.releasedSkus, changedSkus: r.changedSkus });
    return c.redirect(`/orders/${o.id}?done=allocate`, 303);
  });

  ui.post('/orders/:id/:action{hold|release|cancel}', async (c) => {
    assertMayWrite(c, '/api/v1/orders/x/hold');
    const id = c.req.param('id');
    const action = c.req.param('action') as OrderAction;
    try {
      await applyOrderAction(c.get('ctx'), id, action, {});
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_order_state') throw err;
      const v = view(c);
      const o = await getOrder(c.get('ctx'), id);
      const [a, settlements, breaks] = await Promise.all([getOrderAllocation(c.get('ctx'), id), orderSettlements(c.get('ctx'), id), orderBreaks(c.get('ctx'), id)]);
      const actors = await actorNames(c.get('ctx'), o.timeline.map((e) => e.actor));
      return c.html(<OrderPage v={v} o={o} a={a} settlements={settlements.items} breaks={breaks.items} actors={actors} notice={{ tone: 'bad', text: v.i18n.t('bulk.wrongState', { status: v.i18n.tEnum('status', o.status) }) }} />, 409);
    }
    invalidateOrderCounts(c.get('ctx'));
    return c.redirect(`/orders/${id}?done=${action}`, 303);
  });

  // The stored payload, exactly as the channel sent it (pretty-printed when it is JSON).
  ui.get('/ui/raw-events/:id', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError('event', String(c.req.param('id')));
    const e = await getRawEvent(c.get('ctx'), id);
    let text = e.body ?? '';
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      /* not JSON: shown as received */
    }
    const { t } = c.get('i18n');
    return c.html(
      <>
        <p class="small muted">{t('order.deliveryId')}: <span class="mono">{e.deliveryId}</span> · {v_status(c.get('i18n'), e.status)}</p>
        <pre class="payload" tabindex={0}>{text}</pre>
      </>,
    );
  });
}

function v_status(i18n: View['i18n'], s: string): string {
  return i18n.tEnum('eventStatus', s);
}
