import type { Context } from 'hono';
import { invalidateOrderCounts } from '../../inbox/count-orders';
import { approveOrders, rejectOrders } from '../../sales/review-orders';
import type { UiEnv } from '../env';
import { assertMayWrite } from '../middleware';

/**
 * The inbox's bulk approve / reject of orders held for review: one guarded UPDATE for all selected
 * orders; those not in review are counted, not failed. Reject takes its reason from htmx's prompt.
 */
export async function bulkReview(c: Context<UiEnv>, action: 'approve' | 'reject', ids: string[]) {
  assertMayWrite(c, '/api/v1/review/approve');
  const ctx = c.get('ctx');
  const { t } = c.get('i18n');
  const reason = (c.req.header('hx-prompt') ?? '').trim();
  if (action === 'reject' && !reason) return <p class="notice bad" role="alert">{t('review.rejectReason')}</p>;
  const r = action === 'approve' ? await approveOrders(ctx, { ids, reason: reason || undefined }) : await rejectOrders(ctx, { ids, reason });
  if (r.done.length) invalidateOrderCounts(ctx);
  c.header('hx-trigger', 'inbox-refresh');
  return (
    <div class={`notice ${r.skipped.length ? 'bad' : 'ok'}`} role="status">
      {t('review.done', { ok: r.done.length })}
      {r.skipped.length > 0 && <> {t('review.skipped', { count: r.skipped.length })}</>}
    </div>
  );
}
