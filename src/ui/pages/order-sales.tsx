import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { Ctx } from '../../context';
import { AppError } from '../../errors';
import type { OrderDetail } from '../../inbox/get-order';
import { invalidateOrderCounts } from '../../inbox/count-orders';
import { listWarehouses } from '../../inventory/warehouses';
import { approveOrders, rejectOrders } from '../../sales/review-orders';
import { cancelReturn, closeReturn, createReturn, listReturns, receiveReturn, returnConditions, type OrderReturn } from '../../sales/returns';
import { Badge, Csrf, Time } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite } from '../middleware';

type TimelineEntry = OrderDetail['timeline'][number];

/** Timeline entries of review and returns in the reader's language (undefined for other kinds). */
export function salesTimelineText(v: View, o: OrderDetail, e: TimelineEntry): string | undefined {
  const { t, tEnum } = v.i18n;
  const d = (e.data ?? {}) as { reasons?: string[]; reason?: string; lines?: Array<{ sku: string; quantity: number; condition?: string }>; warehouse?: string; refundMinor?: number };
  const lines = () => (d.lines ?? []).map((l) => `${l.quantity} × ${l.sku}${l.condition ? ` (${tEnum('returnCondition', l.condition)})` : ''}`).join(', ');
  switch (e.kind) {
    case 'review_hold': return t('timeline.reviewHold', { reasons: (d.reasons ?? []).map((r) => tEnum('reviewRule', r)).join(', ') });
    case 'review_approved': return t('timeline.reviewApproved');
    case 'review_rejected': return t('timeline.reviewRejected', { reason: d.reason ?? '' });
    case 'return_requested': return t('timeline.returnRequested', { lines: lines() });
    case 'return_received': return t('timeline.returnReceived', { warehouse: d.warehouse ?? '', lines: lines() });
    case 'return_closed': return t('timeline.returnClosed', { amount: v.i18n.money(Number(d.refundMinor ?? 0), o.currency) });
    case 'return_cancelled': return t('timeline.returnCancelled');
    default: return undefined;
  }
}

export interface OrderSalesData {
  returns: OrderReturn[];
  warehouses: Array<{ id: string; code: string; name: string }>;
}

export async function loadOrderSales(ctx: Ctx, orderId: string): Promise<OrderSalesData> {
  const [returns, wh] = [await listReturns(ctx, { orderId }), await listWarehouses(ctx)];
  return { returns, warehouses: wh.items.filter((w) => w.active).map((w) => ({ id: w.id, code: w.code, name: w.name })) };
}

/** The review decision box (when the order is held) and the returns panel of the order page. */
export const OrderSalesPanel: FC<{ v: View; o: OrderDetail; data: OrderSalesData; canWrite: boolean }> = ({ v, o, data, canWrite }) => {
  const { t, tEnum, money, number } = v.i18n;
  const hold = [...o.timeline].reverse().find((e) => e.kind === 'review_hold');
  const reasons = ((hold?.data ?? {}) as { reasons?: string[] }).reasons ?? [];
  const returnable = o.lines.filter((l) => l.sku);
  return (
    <>
      {o.allocationStatus === 'review' && (
        <section class="panel" aria-labelledby="review-h" style="margin-top:1rem" id="review">
          <h2 id="review-h" style="margin-top:0">{t('review.held', { reasons: reasons.map((r) => tEnum('reviewRule', r)).join(', ') })}</h2>
          {canWrite && (
            <div class="row">
              <form method="post" action={`/orders/${o.id}/review/approve`}>
                <Csrf v={v} />
                <button type="submit" class="btn">{t('review.approve')}</button>
              </form>
              <form method="post" action={`/orders/${o.id}/review/reject`} class="row">
                <Csrf v={v} />
                <label>{t('review.rejectReason')} <input name="reason" required maxlength={500} /></label>
                <button type="submit" class="btn danger">{t('review.reject')}</button>
              </form>
            </div>
          )}
        </section>
      )}
      <section class="panel" aria-labelledby="returns-h" style="margin-top:1rem" id="returns">
        <h2 id="returns-h" style="margin-top:0">{t('returns.title')}</h2>
        {data.returns.length === 0 ? <p class="muted">{t('returns.none')}</p> : (
          <div class="table-wrap" style="border:0">
            <table>
              <tbody>
                {data.returns.map((r) => (
                  <tr data-return={r.id}>
                    <td><Time v={v} at={r.createdAt} /></td>
                    <td><Badge v={v} kind="returnStatus" value={r.status} /></td>
                    <td>
                      {r.lines.map((l) => (
                        <div>{number(l.quantity)} × <span class="mono">{l.sku}</span>{l.condition ? ` · ${tEnum('returnCondition', l.condition)}` : ''}</div>
                      ))}
                      {r.warehouse && <div class="sub">{t('returns.warehouse')}: {r.warehouse}</div>}
                    </td>
                    <td class="num">{t('returns.refund')}: {money(r.refundMinor, r.currency)}</td>
                    <td>
                      {canWrite && r.status === 'requested' && (
                        <>
                          <form method="post" action={`/orders/${o.id}/returns/${r.id}/receive`} class="row">
                            <Csrf v={v} />
                            <label>{t('returns.warehouse')} <select name="warehouse">{data.warehouses.map((w) => <option value={w.code}>{w.code} · {w.name}</option>)}</select></label>
                            <label>{t('returns.condition')} <select name="condition">{returnConditions.map((c) => <option value={c}>{tEnum('returnCondition', c)}</option>)}</select></label>
                            <button type="submit" class="btn">{t('returns.receive')}</button>
                          </form>
                          <form method="post" action={`/orders/${o.id}/returns/${r.id}/cancel`}>
                            <Csrf v={v} />
                            <button type="submit" class="btn danger">{t('returns.cancel')}</button>
                          </form>
                        </>
                      )}
                      {canWrite && r.status === 'received' && (
                        <form method="post" action={`/orders/${o.id}/returns/${r.id}/close`}>
                          <Csrf v={v} />
                          <button type="submit" class="btn">{t('returns.close')}</button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canWrite && o.status !== 'cancelled' && returnable.length > 0 && (
          <details>
            <summary>{t('returns.create')}</summary>
            <form method="post" action={`/orders/${o.id}/returns`}>
              <Csrf v={v} />
              <table>
                <tbody>
                  {returnable.map((l) => (
                    <tr>
                      <td class="mono">{l.sku}</td>
                      <td>{l.title}</td>
                      <td><label>{t('returns.quantity')} <input type="number" name={`qty.${l.sku}`} min={0} max={l.quantity} value="0" /></label></td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <label>{t('returns.reason')} <input name="reason" maxlength={500} /></label>
              <button type="submit" class="btn">{t('returns.create')}</button>
            </form>
          </details>
        )}
      </section>
    </>
  );
};

/** Form posts of the order page's review box and returns panel; each redirects back to the order. */
export function orderSalesRoutes(ui: Hono<UiEnv>): void {
  const back = (id: string, anchor: string) => `/orders/${id}#${anchor}`;

  ui.post('/orders/:id/review/:decision{approve|reject}', async (c) => {
    assertMayWrite(c, '/api/v1/orders/x/approve');
    const id = c.req.param('id');
    const body = await c.req.parseBody();
    const reason = typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim() : undefined;
    const ctx = c.get('ctx');
    if (c.req.param('decision') === 'approve') await approveOrders(ctx, { ids: [id], reason });
    else await rejectOrders(ctx, { ids: [id], reason });
    invalidateOrderCounts(ctx);
    return c.redirect(back(id, 'review'), 303);
  });

  ui.post('/orders/:id/returns', async (c) => {
    assertMayWrite(c, '/api/v1/orders/x/returns');
    const id = c.req.param('id');
    const body = await c.req.parseBody();
    const lines = Object.entries(body)
      .filter(([k, val]) => k.startsWith('qty.') && typeof val === 'string' && Number(val) > 0)
      .map(([k, val]) => ({ sku: k.slice(4), quantity: Number(val) }));
    if (lines.length === 0) throw new AppError('nothing_selected', c.get('i18n').t('returns.nothingSelected'), { status: 400 });
    const reason = typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim() : undefined;
    await createReturn(c.get('ctx'), id, { lines, reason });
    return c.redirect(back(id, 'returns'), 303);
  });

  ui.post('/orders/:id/returns/:rid/:step{receive|close|cancel}', async (c) => {
    assertMayWrite(c, '/api/v1/returns/x/receive');
    const { id, rid, step } = c.req.param();
    const body = await c.req.parseBody();
    const ctx = c.get('ctx');
    if (step === 'receive') await receiveReturn(ctx, rid, { warehouse: String(body.warehouse ?? ''), condition: String(body.condition ?? 'restock') });
    else if (step === 'close') await closeReturn(ctx, rid, {});
    else await cancelReturn(ctx, rid);
    return c.redirect(back(id, 'returns'), 303);
  });
}
