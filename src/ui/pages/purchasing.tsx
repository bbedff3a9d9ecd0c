import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { actorNames } from '../../auth/actor-names';
import { currencyExponent, fromMinor, MoneyFormatError, toMinor } from '../../domain/money';
import { AppError, ConflictError, ValidationError } from '../../errors';
import { listWarehouses, type Warehouse } from '../../inventory/warehouses';
import type { MessageKey } from '../../i18n/index';
import { purchaseOrderCsv, purchaseOrderPdf } from '../../purchasing/po-documents';
import { approvePurchaseOrder, cancelPurchaseOrder, closePurchaseOrder, sendPurchaseOrder } from '../../purchasing/po-transitions';
import { createPurchaseOrder, getPurchaseOrder, listPurchaseOrders, type PurchaseOrder, type PurchaseOrderEvent } from '../../purchasing/purchase-orders';
import { comparePrices, createQuote, listQuotes, type PriceOption, type Quote } from '../../purchasing/quotes';
import { receivePurchaseOrder } from '../../purchasing/receive-po';
import { draftReplenishmentOrders, replenishmentSuggestions, type Suggestion } from '../../purchasing/replenishment';
import { scorecards, type Scorecard } from '../../purchasing/scorecards';
import { listSupplierItems, upsertSupplierItem, type SupplierItem } from '../../purchasing/supplier-items';
import { createSupplier, listSuppliers, resolveSupplier, updateSupplier, type Supplier } from '../../purchasing/suppliers';
import { Actor, Csrf, Layout, Time } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import {
  ErrorSummary, Field, formErrors, formValues, PurchaseOrderFields, QuoteFields, readPurchaseOrderForm, readQuoteForm, readSupplierForm,
  readSupplierItemForm, SupplierFields, SupplierItemFields, supplierItemValues, supplierValues, type FieldErrors, type FormValues, type ReadForm,
} from './purchasing-forms';
import { failureText } from './stock';
import { NoticeLine, type Notice } from '../components/notice';

const STATUSES = ['draft', 'approved', 'sent', 'partially_received', 'received', 'closed', 'cancelled'] as const;
const statusText = (v: View, s: string) => v.i18n.t(`purchasing.status.${s}` as MessageKey);
const TONE: Record<string, string> = { draft: 'neutral', approved: 'warn', sent: 'warn', partially_received: 'warn', received: 'good', closed: 'neutral', cancelled: 'bad' };
const StatusBadge: FC<{ v: View; status: string }> = ({ v, status }) => <span class={`badge tone-${TONE[status] ?? 'neutral'}`} data-status={status}>{statusText(v, status)}</span>;
const pct = (v: View, x: number | null) => (x === null ? '—' : `${v.i18n.number(Math.round(x * 1000) / 10)}%`);
const num2 = (v: View, x: number | null) => (x === null ? '—' : v.i18n.number(Math.round(x * 100) / 100));
const canWrite = (v: View) => v.principal?.role === 'admin' || v.principal?.role === 'operator';

const Tabs: FC<{ v: View; active: 'suppliers' | 'orders' | 'suggestions' | 'compare' }> = ({ v, active }) => (
  <nav class="tabs" aria-label={v.i18n.t('purchasing.tabs')}>
    <a href="/purchasing" aria-current={active === 'suppliers' ? 'page' : undefined}>{v.i18n.t('purchasing.tab.suppliers')}</a>
    <a href="/purchasing/orders" aria-current={active === 'orders' ? 'page' : undefined}>{v.i18n.t('purchasing.tab.orders')}</a>
    <a href="/purchasing/suggestions" aria-current={active === 'suggestions' ? 'page' : undefined}>{v.i18n.t('purchasing.tab.suggestions')}</a>
    <a href="/purchasing/compare" aria-current={active === 'compare' ? 'page' : undefined}>{v.i18n.t('purchasingForms.tab.compare')}</a>
  </nav>
);


const ScoreCells: FC<{ v: View; card?: Scorecard }> = ({ v, card }) => (
  <>
    <td class="num" data-col="score">{card?.score === null || card?.score === undefined ? '—' : v.i18n.number(Math.round(card.score * 100))}</td>
    <td data-col="grade">{card?.grade ? <span class={`badge tone-${card.grade === 'A' ? 'good' : card.grade === 'D' ? 'bad' : 'warn'}`}>{card.grade}</span> : v.i18n.t('purchasing.scorecard.noData')}</td>
    <td class="num" data-col="onTime">{pct(v, card?.onTimeRate ?? null)}</td>
    <td class="num" data-col="fill">{pct(v, card?.fillRate ?? null)}</td>
    <td class="num" data-col="quality">{pct(v, card?.qualityRate ?? null)}</td>
    <td class="num" data-col="priceIndex">{num2(v, card?.priceIndex ?? null)}</td>
    <td class="num" data-col="leadTime">{card?.averageLeadTimeDays === null || card?.averageLeadTimeDays === undefined ? '—' : `${num2(v, card.averageLeadTimeDays)} ± ${num2(v, card.leadTimeStdDevDays)}`}</td>
  </>
);

const ScoreHead: FC<{ v: View }> = ({ v }) => {
  const { t } = v.i18n;
  return (
    <>
      <th scope="col" class="num">{t('purchasing.col.score')}</th><th scope="col">{t('purchasing.col.grade')}</th>
      <th scope="col" class="num">{t('purchasing.col.onTime')}</th><th scope="col" class="num">{t('purchasing.col.fill')}</th>
      <th scope="col" class="num">{t('purchasing.col.quality')}</th><th scope="col" class="num">{t('purchasing.col.priceIndex')}</th>
      <th scope="col" class="num">{t('purchasing.col.avgLeadTime')}</th>
    </>
  );
};

const SuppliersPage: FC<{ v: View; suppliers: Supplier[]; cards: Map<string, Scorecard> }> = ({ v, suppliers, cards }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={t('purchasing.title')}>
      <h1>{t('purchasing.title')}</h1>
      <Tabs v={v} active="suppliers" />
      <p class="row">
        {canWrite(v) && <a class="btn primary" href="/purchasing/suppliers/new">{t('purchasingForms.newSupplier')}</a>}
        {canWrite(v) && <a class="btn" href="/purchasing/orders/new">{t('purchasingForms.newOrder')}</a>}
        <a class="btn" href="/purchasing/compare">{t('purchasingForms.comparePrices')}</a>
      </p>
      {suppliers.length === 0 ? <p class="muted">{t('purchasing.suppliers.none')}</p> : (
        <div class="table-wrap">
          <table id="suppliers">
            <thead><tr>
              <th scope="col">{t('purchasing.col.code')}</th><th scope="col">{t('purchasing.col.name')}</th>
              <th scope="col">{t('purchasing.field.currency')}</th><th scope="col" class="num">{t('purchasing.col.leadTime')}</th>
              <ScoreHead v={v} />
            </tr></thead>
            <tbody>
              {suppliers.map((s) => (
                <tr data-supplier={s.code}>
                  <td class="mono"><a href={`/purchasing/suppliers/${encodeURIComponent(s.code)}`}>{s.code}</a></td>
                  <td>{s.name}</td><td>{s.currency}</td><td class="num">{v.i18n.number(s.leadTimeDays)}</td>
                  <ScoreCells v={v} card={cards.get(s.id)} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
};

/** Which of the supplier page's forms was posted and refused, with what the person typed. */
interface SupplierForm { which: 'edit' | 'item' | 'quote'; values: FormValues; errors: FieldErrors }

const compareHref = (sku: string, quantity: number) => `/purchasing/compare?${new URLSearchParams({ sku, quantity: String(quantity) })}`;

const SupplierPage: FC<{ v: View; s: Supplier; card: Scorecard; items: SupplierItem[]; quotes: Quote[]; orders: PurchaseOrder[]; form?: SupplierForm; itemDraft?: FormValues; notice?: Notice }> = ({ v, s, card, items, quotes, orders, form, itemDraft, notice }) => {
  const { t, number, money } = v.i18n;
  const formOf = (which: SupplierForm['which']) => (form?.which === which ? form : undefined);
  const action = `/purchasing/suppliers/${encodeURIComponent(s.code)}`;
  return (
    <Layout v={v} title={`${s.name} · ${t('purchasing.title')}`}>
      <h1>{s.name} <span class="muted mono">{s.code}</span>{!s.active && <> <span class="badge tone-neutral">{t('purchasingForms.supplier.inactive')}</span></>}</h1>
      <Tabs v={v} active="suppliers" />
      <NoticeLine notice={notice} />
      {canWrite(v) && s.active && <p class="row"><a class="btn primary" href={`/purchasing/orders/new?supplier=${encodeURIComponent(s.code)}`}>{t('purchasingForms.newOrder')}</a></p>}
      <dl class="panel">
        <dt>{t('purchasing.field.currency')}</dt><dd>{s.currency}</dd>
        <dt>{t('purchasing.field.paymentTerms')}</dt><dd>{s.paymentTerms ?? '—'}</dd>
        <dt>{t('purchasing.col.leadTime')}</dt><dd>{number(s.leadTimeDays)}</dd>
        <dt>{t('purchasing.field.edi')}</dt><dd>{s.edi ? `${s.edi.receiverQualifier}/${s.edi.receiverId}` : '—'}</dd>
        <dt>{t('purchasing.supplier.contacts')}</dt><dd>{s.contacts.map((c) => [c.name, c.email, c.phone].filter(Boolean).join(' · ')).join('; ') || '—'}</dd>
      </dl>
      {canWrite(v) && (
        <details class="panel" id="edit-supplier" open={!!formOf('edit')}>
          <summary>{t('purchasingForms.editSupplier')}</summary>
          <form method="post" action={action}>
            <Csrf v={v} />
            <ErrorSummary v={v} errors={formOf('edit')?.errors} />
            <SupplierFields v={v} mode="edit" values={formOf('edit')?.values ?? supplierValues(s)} errors={formOf('edit')?.errors} />
            <button type="submit" class="btn primary">{t('connections.save')}</button>
          </form>
        </details>
      )}
      <section aria-labelledby="card-h">
        <h2 id="card-h">{t('purchasing.scorecard.title')}</h2>
        <p class="muted">{t('purchasing.scorecard.period', { from: card.from, to: card.to, lines: card.linesDue, receipts: card.receipts })}</p>
        <div class="table-wrap"><table id="scorecard"><thead><tr><ScoreHead v={v} /></tr></thead><tbody><tr><ScoreCells v={v} card={card} /></tr></tbody></table></div>
      </section>
      <section aria-labelledby="items-h">
        <h2 id="items-h">{t('purchasing.supplier.items')}</h2>
        <div class="table-wrap"><table id="supplier-items">
          <thead><tr>
            <th scope="col">{t('field.sku')}</th><th scope="col">{t('purchasing.col.supplierSku')}</th><th scope="col">{t('purchasing.col.priceBreaks')}</th>
            <th scope="col" class="num">{t('purchasing.col.moq')}</th><th scope="col" class="num">{t('purchasing.col.packSize')}</th><th scope="col" class="num">{t('purchasing.col.leadTime')}</th>
            <th scope="col"><span class="sr-only">{t('purchasingForms.item.actions')}</span></th>
          </tr></thead>
          <tbody>{items.map((i) => (
            <tr data-sku={i.sku}>
              <td class="mono">{i.sku}{i.preferred && <> <span class="badge tone-good">{t('purchasingForms.item.preferredBadge')}</span></>}</td><td class="mono">{i.supplierSku ?? '—'}</td>
              <td data-col="breaks">{i.priceBreaks.map((b) => `≥${number(b.minQuantity)}: ${money(b.unitCostMinor, i.currency)}`).join(' · ')}</td>
              <td class="num">{number(i.moq)}</td><td class="num">{number(i.packSize)}</td>
              <td class="num">{number(i.effectiveLeadTimeDays)}{i.observedLeadTimeDays !== null ? ` (${num2(v, i.observedLeadTimeDays)} ± ${num2(v, i.observedLeadTimeSigma)})` : ''}</td>
              <td><span class="row">
                <a href={compareHref(i.sku, i.moq)} aria-label={t('purchasingForms.item.compareSku', { sku: i.sku })}>{t('purchasingForms.comparePrices')}</a>
                {canWrite(v) && <a href={`${action}?item=${encodeURIComponent(i.sku)}#item-form`} aria-label={t('purchasingForms.item.editSku', { sku: i.sku })}>{t('purchasingForms.item.edit')}</a>}
              </span></td>
            </tr>
          ))}</tbody>
        </table></div>
        {canWrite(v) && (
          <details class="panel" id="item-form" open={!!formOf('item') || !!itemDraft}>
            <summary>{t('purchasingForms.item.title')}</summary>
            <form method="post" action={`${action}/items`}>
              <Csrf v={v} />
              <p class="hint">{t('purchasingForms.item.intro')}</p>
              <ErrorSummary v={v} errors={formOf('item')?.errors} />
              <SupplierItemFields v={v} s={s} values={formOf('item')?.values ?? itemDraft ?? {}} errors={formOf('item')?.errors} />
              <button type="submit" class="btn primary">{t('purchasingForms.item.submit')}</button>
            </form>
          </details>
        )}
      </section>
      {(quotes.length > 0 || canWrite(v)) && (
        <section aria-labelledby="quotes-h">
          <h2 id="quotes-h">{t('purchasing.supplier.quotes')}</h2>
          {quotes.length > 0 && <div class="table-wrap"><table id="quotes">
            <thead><tr><th scope="col">{t('field.sku')}</th><th scope="col" class="num">{t('purchasing.col.quantity')}</th><th scope="col" class="num">{t('purchasing.col.unitCost')}</th><th scope="col">{t('purchasing.col.validUntil')}</th></tr></thead>
            <tbody>{quotes.map((q) => <tr data-sku={q.sku}><td class="mono">{q.sku}</td><td class="num">{number(q.quantity)}</td><td class="num">{money(q.unitCostMinor, q.currency)}</td><td>{q.validUntil}</td></tr>)}</tbody>
          </table></div>}
          {canWrite(v) && (
            <details class="panel" id="quote-form" open={!!formOf('quote')}>
              <summary>{t('purchasingForms.quote.title')}</summary>
              <form method="post" action={`${action}/quotes`}>
                <Csrf v={v} />
                <ErrorSummary v={v} errors={formOf('quote')?.errors} />
                <QuoteFields v={v} s={s} values={formOf('quote')?.values ?? {}} errors={formOf('quote')?.errors} />
                <button type="submit" class="btn primary">{t('purchasingForms.quote.submit')}</button>
              </form>
            </details>
          )}
        </section>
      )}
      <section aria-labelledby="orders-h">
        <h2 id="orders-h">{t('purchasing.supplier.orders')}</h2>
        <OrdersTable v={v} orders={orders} />
      </section>
    </Layout>
  );
};

const NewSupplierPage: FC<{ v: View; values: FormValues; errors?: FieldErrors; notice?: Notice }> = ({ v, values, errors, notice }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={`${t('purchasingForms.newSupplier')} · ${t('purchasing.title')}`}>
      <h1>{t('purchasingForms.newSupplier')}</h1>
      <Tabs v={v} active="suppliers" />
      <NoticeLine notice={notice} />
      {canWrite(v) ? (
        <form method="post" action="/purchasing/suppliers" class="panel" aria-labelledby="new-supplier-h">
          <h2 id="new-supplier-h" class="sr-only">{t('purchasingForms.newSupplier')}</h2>
          <Csrf v={v} />
          <ErrorSummary v={v} errors={errors} />
          <SupplierFields v={v} mode="create" values={values} errors={errors} />
          <button type="submit" class="btn primary">{t('purchasingForms.createSupplier')}</button>
        </form>
      ) : <p class="muted">{t('common.readOnly')}</p>}
    </Layout>
  );
};

const NewOrderPage: FC<{ v: View; suppliers: Supplier[]; warehouses: Warehouse[]; skus: string[]; values: FormValues; errors?: FieldErrors; notice?: Notice }> = ({ v, suppliers, warehouses, skus, values, errors, notice }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={`${t('purchasingForms.newOrder')} · ${t('purchasing.title')}`}>
      <h1>{t('purchasingForms.newOrder')}</h1>
      <Tabs v={v} active="orders" />
      <NoticeLine notice={notice} />
      {!canWrite(v) ? <p class="muted">{t('common.readOnly')}</p>
        : suppliers.length === 0 ? <p class="notice info">{t('purchasingForms.po.noSuppliers')} <a href="/purchasing/suppliers/new">{t('purchasingForms.newSupplier')}</a></p>
        : (
          <form method="post" action="/purchasing/orders" class="panel">
            <Csrf v={v} />
            <p class="hint">{t('purchasingForms.po.intro')}</p>
            <ErrorSummary v={v} errors={errors} />
            <PurchaseOrderFields v={v} suppliers={suppliers} warehouses={warehouses} skus={skus} values={values} errors={errors} />
            <button type="submit" class="btn primary">{t('purchasingForms.po.create')}</button>
          </form>
        )}
    </Layout>
  );
};

const ComparePage: FC<{ v: View; values: FormValues; errors?: FieldErrors; result?: { sku: string; quantity: number; options: PriceOption[] } }> = ({ v, values, errors, result }) => {
  const { t, number, money } = v.i18n;
  const currencies = new Set(result?.options.map((o) => o.currency));
  return (
    <Layout v={v} title={`${t('purchasingForms.compare.title')} · ${t('purchasing.title')}`}>
      <h1>{t('purchasingForms.compare.title')}</h1>
      <Tabs v={v} active="compare" />
      <p class="muted">{t('purchasingForms.compare.intro')}</p>
      <form method="get" action="/purchasing/compare" class="filters" role="search">
        <Field id="cmp-sku" name="sku" label={t('field.sku')} values={values} errors={errors} required attrs={{ maxlength: 200, autocomplete: 'off' }} />
        <Field id="cmp-qty" name="quantity" type="number" label={t('purchasing.col.quantity')} values={values} errors={errors} required attrs={{ min: 1, step: 1, inputmode: 'numeric' }} />
        <div class="field"><button type="submit" class="btn">{t('purchasingForms.compare.submit')}</button></div>
      </form>
      {result && (result.options.length === 0 ? <p class="muted" id="compare-none">{t('purchasingForms.compare.none', { sku: result.sku })}</p> : (
        <>
          {currencies.size > 1 && <p class="notice info">{t('purchasingForms.compare.currencies')}</p>}
          <div class="table-wrap"><table id="price-compare">
            <caption class="sr-only">{t('purchasingForms.compare.caption', { sku: result.sku, quantity: result.quantity })}</caption>
            <thead><tr>
              <th scope="col">{t('purchasing.field.supplier')}</th><th scope="col">{t('purchasingForms.compare.source')}</th>
              <th scope="col" class="num">{t('purchasing.col.unitCost')}</th><th scope="col" class="num">{t('purchasingForms.compare.orderQuantity')}</th>
              <th scope="col" class="num">{t('purchasing.col.total')}</th><th scope="col" class="num">{t('purchasing.col.moq')}</th><th scope="col" class="num">{t('purchasing.col.packSize')}</th>
              <th scope="col" class="num">{t('purchasing.col.leadTime')}</th><th scope="col" class="num">{t('purchasing.col.score')}</th><th scope="col">{t('purchasing.col.grade')}</th>
              {canWrite(v) && <th scope="col"><span class="sr-only">{t('purchasingForms.newOrder')}</span></th>}
            </tr></thead>
            <tbody>{result.options.map((o) => (
              <tr data-supplier={o.supplierCode} data-best={o.cheapest ? 'true' : undefined}>
                <th scope="row"><a href={`/purchasing/suppliers/${encodeURIComponent(o.supplierCode)}`}>{o.supplierName}</a> <span class="muted mono">{o.supplierCode}</span>
                  {o.cheapest && <> <span class="badge tone-good" data-col="best">{t('purchasingForms.compare.best')}</span></>}</th>
                <td>{o.source === 'quote' ? t('purchasingForms.compare.quoteUntil', { date: o.validUntil ?? '' }) : t('purchasingForms.compare.priceBreak')}</td>
                <td class="num" data-col="unitCost">{money(o.unitCostMinor, o.currency)}</td>
                <td class="num">{number(o.orderQuantity)}</td><td class="num" data-col="total">{money(o.totalMinor, o.currency)}</td>
                <td class="num">{number(o.moq)}</td><td class="num">{number(o.packSize)}</td><td class="num">{number(o.leadTimeDays)}</td>
                <td class="num">{o.score === null ? '—' : number(Math.round(o.score * 100))}</td>
                <td>{o.grade ? <span class={`badge tone-${o.grade === 'A' ? 'good' : o.grade === 'D' ? 'bad' : 'warn'}`}>{o.grade}</span> : t('purchasing.scorecard.noData')}</td>
                {canWrite(v) && <td><a href={`/purchasing/orders/new?${new URLSearchParams({ supplier: o.supplierCode, sku: result.sku, quantity: String(o.orderQuantity) })}`}
                  aria-label={t('purchasingForms.compare.orderFrom', { supplier: o.supplierName })}>{t('purchasingForms.compare.order')}</a></td>}
              </tr>
            ))}</tbody>
          </table></div>
        </>
      ))}
    </Layout>
  );
};

const OrdersTable: FC<{ v: View; orders: PurchaseOrder[] }> = ({ v, orders }) => {
  const { t, money } = v.i18n;
  if (orders.length === 0) return <p class="muted">{t('purchasing.orders.none')}</p>;
  return (
    <div class="table-wrap"><table id="purchase-orders">
      <thead><tr>
        <th scope="col">{t('purchasing.field.number')}</th><th scope="col">{t('purchasing.field.supplier')}</th><th scope="col">{t('purchasing.field.status')}</th>
        <th scope="col" class="num">{t('purchasing.col.total')}</th><th scope="col">{t('purchasing.col.expectedDate')}</th><th scope="col">{t('purchasing.field.created')}</th>
      </tr></thead>
      <tbody>{orders.map((o) => (
        <tr data-po={o.number}>
          <td class="mono"><a href={`/purchasing/orders/${o.id}`}>{o.number}</a></td>
          <td>{o.supplierName}</td>
          <td><span class="badges"><StatusBadge v={v} status={o.status} />{o.overdue && <span class="badge tone-bad" data-overdue="true">{t('purchasing.overdue')}</span>}</span></td>
          <td class="num">{money(o.totalMinor, o.currency)}</td>
          <td>{o.lines.map((l) => l.expectedDate).sort()[0] ?? '—'}</td>
          <td><Time v={v} at={o.createdAt} relative /></td>
        </tr>
      ))}</tbody>
    </table></div>
  );
};

const OrdersPage: FC<{ v: View; orders: PurchaseOrder[]; status?: string; overdue: boolean; nextCursor: string | null }> = ({ v, orders, status, overdue, nextCursor }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={`${t('purchasing.tab.orders')} · ${t('purchasing.title')}`}>
      <h1>{t('purchasing.tab.orders')}</h1>
      <Tabs v={v} active="orders" />
      {canWrite(v) && <p class="row"><a class="btn primary" href="/purchasing/orders/new">{t('purchasingForms.newOrder')}</a></p>}
      <form method="get" action="/purchasing/orders" class="filters" role="search">
        <div class="field">
          <label for="f-status">{t('purchasing.field.status')}</label>
          <select id="f-status" name="status">
            <option value="">{t('purchasing.orders.anyStatus')}</option>
            {STATUSES.map((s) => <option value={s} selected={status === s}>{statusText(v, s)}</option>)}
          </select>
        </div>
        <div class="field"><label><input type="checkbox" name="overdue" value="true" checked={overdue} /> {t('purchasing.orders.overdueOnly')}</label></div>
        <div class="field"><button type="submit" class="btn">{t('purchasing.orders.filter')}</button></div>
      </form>
      <OrdersTable v={v} orders={orders} />
      {nextCursor && (
        <p class="pager"><span></span><a class="btn" rel="next" id="orders-next"
          href={`/purchasing/orders?${new URLSearchParams({ ...(status ? { status } : {}), ...(overdue ? { overdue: 'true' } : {}), cursor: nextCursor })}`}>{t('inbox.nextPage')}</a></p>
      )}
    </Layout>
  );
};

const ActionButton: FC<{ v: View; id: string; action: string; label: string; primary?: boolean }> = ({ v, id, action, label, primary }) => (
  <form method="post" action={`/purchasing/orders/${id}/${action}`} style="display:inline">
    <Csrf v={v} />
    <button type="submit" class={primary ? 'btn primary' : 'btn'}>{label}</button>
  </form>
);

const OrderPage: FC<{ v: View; po: PurchaseOrder & { timeline: PurchaseOrderEvent[] }; contact: string; actors: ReadonlyMap<string, string>; notice?: Notice }> = ({ v, po, contact, actors, notice }) => {
  const { t, number, money } = v.i18n;
  const receivable = po.status === 'sent' || po.status === 'partially_received';
  const lang = v.i18n.locale;
  return (
    <Layout v={v} title={t('purchasing.order.title', { number: po.number })}>
      <h1>{t('purchasing.order.title', { number: po.number })} <StatusBadge v={v} status={po.status} />{po.overdue && <span class="badge tone-bad" data-overdue="true">{t('purchasing.overdue')}</span>}</h1>
      <Tabs v={v} active="orders" />
      <NoticeLine notice={notice} />
      <dl class="panel kv">
        <dt>{t('purchasing.field.supplier')}</dt><dd><a href={`/purchasing/suppliers/${encodeURIComponent(po.supplierCode)}`}>{po.supplierName}</a></dd>
        <dt>{t('purchasing.field.contact')}</dt><dd>{contact || '—'}</dd>
        <dt>{t('purchasing.field.currency')}</dt><dd>{po.currency}</dd>
        <dt>{t('purchasing.field.source')}</dt><dd>{po.source}</dd>
        <dt>{t('purchasing.field.created')}</dt><dd><Time v={v} at={po.createdAt} /></dd>
        <dt>{t('purchasing.col.total')}</dt><dd data-col="total">{money(po.totalMinor, po.currency)}</dd>
      </dl>
      {/* A div, not a p: the action forms inside a p would close it, breaking the row. */}
      <div class="row" style="margin:1rem 0">
        <a class="btn" href={`/purchasing/orders/${po.id}/pdf?lang=${lang}`}>{t('purchasing.action.pdf')}</a>{' '}
        <a class="btn" href={`/purchasing/orders/${po.id}/csv?lang=${lang}`}>{t('purchasing.action.csv')}</a>{' '}
        {canWrite(v) && po.status === 'draft' && <ActionButton v={v} id={po.id} action="approve" label={t('purchasing.action.approve')} />}{' '}
        {canWrite(v) && (po.status === 'draft' || po.status === 'approved') && <ActionButton v={v} id={po.id} action="send" label={t('purchasing.action.send')} primary />}{' '}
        {canWrite(v) && ['draft', 'approved', 'sent'].includes(po.status) && <ActionButton v={v} id={po.id} action="cancel" label={t('purchasing.action.cancel')} />}{' '}
        {canWrite(v) && ['sent', 'partially_received', 'received'].includes(po.status) && <ActionButton v={v} id={po.id} action="close" label={t('purchasing.action.close')} />}
      </div>
      <form method="post" action={`/purchasing/orders/${po.id}/receive`} aria-labelledby="lines-h">
        <h2 id="lines-h">{receivable && canWrite(v) ? t('purchasing.receive.title') : t('purchasing.col.line')}</h2>
        <Csrf v={v} />
        <div class="table-wrap"><table id="po-lines">
          <thead><tr>
            <th scope="col">{t('purchasing.col.line')}</th><th scope="col">{t('field.sku')}</th><th scope="col">{t('purchasing.col.description')}</th>
            <th scope="col" class="num">{t('purchasing.col.quantity')}</th><th scope="col" class="num">{t('purchasing.col.unitCost')}</th><th scope="col" class="num">{t('purchasing.col.amount')}</th>
            <th scope="col">{t('purchasing.col.expectedDate')}</th><th scope="col">{t('purchasing.col.warehouse')}</th>
            <th scope="col" class="num">{t('purchasing.col.accepted')}</th><th scope="col" class="num">{t('purchasing.col.rejected')}</th><th scope="col" class="num">{t('purchasing.col.outstanding')}</th>
            <th scope="col">{t('purchasing.col.ack')}</th><th scope="col" class="num">{t('purchasing.col.shipped')}</th>
          </tr></thead>
          <tbody>{po.lines.map((l) => (
            <tr data-line={l.lineNo}>
              <td>{l.lineNo}</td><td class="mono">{l.sku}{l.supplierSku ? <span class="muted"> / {l.supplierSku}</span> : null}</td>
              <td class="muted reason">{l.reason ?? ''}</td>
              <td class="num">{number(l.quantity)}</td><td class="num">{money(l.unitCostMinor, po.currency)}</td><td class="num">{money(l.amountMinor, po.currency)}</td>
              <td class="nowrap">{l.expectedDate}{l.overdue && <> <span class="badge tone-bad">{t('purchasing.overdue')}</span></>}</td><td>{l.warehouse}</td>
              <td class="num" data-col="accepted">{receivable && canWrite(v) && l.outstandingQuantity > 0
                ? <input aria-label={`${t('purchasing.col.accepted')} ${l.sku}`} name={`accepted_${l.lineNo}`} type="number" min="0" max={l.outstandingQuantity} step="1" value="0" style="width:6rem" />
                : number(l.acceptedQuantity)}</td>
              <td class="num" data-col="rejected">{receivable && canWrite(v) && l.outstandingQuantity > 0
                ? <input aria-label={`${t('purchasing.col.rejected')} ${l.sku}`} name={`rejected_${l.lineNo}`} type="number" min="0" max={l.outstandingQuantity} step="1" value="0" style="width:6rem" />
                : number(l.rejectedQuantity)}</td>
              <td class="num" data-col="outstanding">{number(l.outstandingQuantity)}</td>
              <td>{l.ackStatus ? `${l.ackStatus}${l.ackQuantity !== null ? ` (${number(l.ackQuantity)})` : ''}` : '—'}</td>
              <td class="num">{number(l.shippedQuantity)}</td>
            </tr>
          ))}</tbody>
        </table></div>
        {receivable && canWrite(v) && (
          <div class="panel filters" style="margin-top:.75rem">
            <div class="field"><label for="r-freight">{t('purchasing.receive.freight', { currency: po.currency })}</label><input id="r-freight" name="freight" inputmode="decimal" autocomplete="off" placeholder={fromMinor(0, po.currency)} /></div>
            <div class="field"><label for="r-duty">{t('purchasing.receive.duty', { currency: po.currency })}</label><input id="r-duty" name="duty" inputmode="decimal" autocomplete="off" placeholder={fromMinor(0, po.currency)} /></div>
            <div class="field">
              <label for="r-basis">{t('purchasing.receive.basis')}</label>
              <select id="r-basis" name="basis"><option value="value">{t('purchasing.receive.basisValue')}</option><option value="quantity">{t('purchasing.receive.basisQuantity')}</option></select>
            </div>
            <div class="field"><button type="submit" class="btn primary">{t('purchasing.receive.submit')}</button></div>
          </div>
        )}
      </form>
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t('purchasing.timeline')}</h2>
        <ol class="timeline" id="po-timeline">
          {po.timeline.map((e) => <li data-kind={e.kind}><Time v={v} at={e.at} /> — {e.message} <span class="muted">{e.actor ? <Actor actor={e.actor} names={actors} /> : ''}</span></li>)}
        </ol>
      </section>
    </Layout>
  );
};

const SuggestionsPage: FC<{ v: View; days: number; suggestions: Suggestion[]; unsupplied: Array<{ sku: string; warehouse: string; need: number }>; notice?: Notice }> = ({ v, days, suggestions, unsupplied, notice }) => {
  const { t, number, money } = v.i18n;
  return (
    <Layout v={v} title={`${t('purchasing.tab.suggestions')} · ${t('purchasing.title')}`}>
      <h1>{t('purchasing.tab.suggestions')}</h1>
      <Tabs v={v} active="suggestions" />
      <NoticeLine notice={notice} />
      <p class="muted">{t('purchasing.suggestions.intro', { days })}</p>
      {suggestions.length === 0 ? <p class="muted">{t('purchasing.suggestions.none')}</p> : suggestions.map((s) => (
        <section data-supplier={s.supplierCode}>
          <h2>{s.supplierName} <span class="muted mono">{s.supplierCode}</span> {s.grade && <span class="badge">{t('purchasing.col.grade')} {s.grade}</span>} <span class="muted">{money(s.totalMinor, s.currency)}</span></h2>
          <div class="table-wrap"><table>
            <thead><tr><th scope="col">{t('field.sku')}</th><th scope="col">{t('purchasing.col.warehouse')}</th><th scope="col" class="num">{t('purchasing.col.quantity')}</th>
              <th scope="col" class="num">{t('purchasing.col.unitCost')}</th><th scope="col">{t('purchasing.col.reason')}</th></tr></thead>
            <tbody>{s.lines.map((l) => (
              <tr data-sku={l.sku}><td class="mono">{l.sku}</td><td>{l.warehouse}</td><td class="num" data-col="quantity">{number(l.quantity)}</td>
                <td class="num">{money(l.unitCostMinor, s.currency)}</td><td class="muted">{l.reason}</td></tr>
            ))}</tbody>
          </table></div>
        </section>
      ))}
      {unsupplied.length > 0 && <p class="notice info">{t('purchasing.suggestions.unsupplied')} {unsupplied.map((u) => `${u.sku} @ ${u.warehouse} (${number(u.need)})`).join(', ')}</p>}
      {canWrite(v) && suggestions.length > 0 && (
        <form method="post" action="/purchasing/suggestions/draft"><Csrf v={v} /><button type="submit" class="btn primary">{t('purchasing.suggestions.create')}</button></form>
      )}
    </Layout>
  );
};

const str = (x: unknown) => (typeof x === 'string' ? x : '');
const intOf = (x: unknown) => (str(x).trim() === '' ? 0 : Number(str(x)));

async function renderOrder(c: Context<UiEnv>, id: string, notice?: Notice, status: 200 | 400 | 404 | 409 = 200) {
  const po = await getPurchaseOrder(c.get('ctx'), id);
  const sup = await resolveSupplier(c.get('ctx'), po.supplierId);
  const contact = sup.contacts[0] ? [sup.contacts[0].name, sup.contacts[0].email, sup.contacts[0].phone].filter(Boolean).join(' · ') : '';
  const actors = await actorNames(c.get('ctx'), po.timeline.map((e) => e.actor));
  return c.html(<OrderPage v={view(c)} po={po} contact={contact} actors={actors} notice={notice} />, status);
}

type ErrorStatus = 400 | 404 | 409 | 422;

/**
 * A form the verb refused: its field messages (400 for invalid values, 422 for an unknown product,
 * supplier or warehouse), else a notice. A server error is not the form's fault and is rethrown.
 */
function refusal(c: Context<UiEnv>, err: unknown, values: FormValues, read: ReadForm, opts: { currency?: string; skuField?: string } = {}): { errors?: FieldErrors; notice?: Notice; status: ErrorStatus } {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  const v = view(c);
  const errors = formErrors(v, err, values, read.rows, opts);
  if (errors) return { errors, status: err instanceof ValidationError ? 400 : 422 };
  return { notice: { tone: 'bad', text: failureText(v, err) }, status: (err.status === 409 ? 409 : err.status === 404 ? 404 : 400) };
}

async function renderSupplier(c: Context<UiEnv>, code: string, opts: { form?: SupplierForm; notice?: Notice } = {}, status: 200 | ErrorStatus = 200) {
  const ctx = c.get('ctx');
  const s = await resolveSupplier(ctx, code);
  const [card, items, quotes, orders] = await Promise.all([
    scorecards(ctx, [s.id]), listSupplierItems(ctx, { supplier: s.id }), listQuotes(ctx, { supplier: s.id, valid: 'true' }), listPurchaseOrders(ctx, { supplier: s.id, limit: 20 }),
  ]);
  const asked = c.req.query('item');
  const item = asked ? items.items.find((i) => i.sku === asked) : undefined;
  return c.html(<SupplierPage v={view(c)} s={s} card={card.get(s.id)!} items={items.items} quotes={quotes.items} orders={orders.items}
    form={opts.form} notice={opts.notice} itemDraft={item ? supplierItemValues(item) : undefined} />, status);
}

async function renderNewOrder(c: Context<UiEnv>, values: FormValues, refused: { errors?: FieldErrors; notice?: Notice } = {}, status: 200 | ErrorStatus = 200) {
  const ctx = c.get('ctx');
  const [sups, whs] = await Promise.all([listSuppliers(ctx, { active: 'true' }), listWarehouses(ctx)]);
  const active = whs.items.filter((w) => w.active);
  const sup = sups.items.find((s) => s.code === values.supplier);
  const skus = sup ? (await listSupplierItems(ctx, { supplier: sup.id })).items.filter((i) => i.active).map((i) => i.sku) : [];
  // One warehouse: nothing to choose.
  const filled = active.length === 1 && values.warehouse === undefined ? { ...values, warehouse: active[0]!.code } : values;
  return c.html(<NewOrderPage v={view(c)} suppliers={sups.items} warehouses={active} skus={skus} values={filled} errors={refused.errors} notice={refused.notice} />, status);
}

export function purchasingRoutes(ui: Hono<UiEnv>): void {
  // Before the `:code` and `:id` routes, which would take "new" for a code.
  ui.get('/purchasing/suppliers/new', (c) => c.html(<NewSupplierPage v={view(c)} values={{}} />));
  ui.post('/purchasing/suppliers', async (c) => {
    assertMayWrite(c, '/api/v1/suppliers');
    const values = formValues(await c.req.parseBody());
    const read = readSupplierForm(values, 'create');
    try {
      const s = await createSupplier(c.get('ctx'), read.input);
      return c.redirect(`/purchasing/suppliers/${encodeURIComponent(s.code)}?done=created`, 303);
    } catch (err) {
      if (err instanceof ConflictError && err.code === 'supplier_exists') {
        return c.html(<NewSupplierPage v={view(c)} values={values} errors={{ code: view(c).i18n.t('purchasingForms.error.codeTaken', { code: String(read.input.code) }) }} />, 409);
      }
      const r = refusal(c, err, values, read);
      return c.html(<NewSupplierPage v={view(c)} values={values} errors={r.errors} notice={r.notice} />, r.status);
    }
  });
  ui.get('/purchasing/orders/new', (c) => {
    const q = c.req.query();
    const values: FormValues = {};
    if (q.supplier) values.supplier = q.supplier;
    if (q.sku) values['lines.0.sku'] = q.sku;
    if (q.quantity) values['lines.0.quantity'] = q.quantity;
    return renderNewOrder(c, values);
  });
  ui.post('/purchasing/orders', async (c) => {
    assertMayWrite(c, '/api/v1/purchase-orders');
    const ctx = c.get('ctx');
    const values = formValues(await c.req.parseBody());
    const suppliers = (await listSuppliers(ctx)).items;
    const read = readPurchaseOrderForm(values, suppliers);
    try {
      const po = await createPurchaseOrder(ctx, read.input);
      return c.redirect(`/purchasing/orders/${po.id}?done=created`, 303);
    } catch (err) {
      const r = refusal(c, err, values, read, { currency: suppliers.find((x) => x.code === read.input.supplier)?.currency });
      return renderNewOrder(c, values, r, r.status);
    }
  });
  ui.get('/purchasing/compare', async (c) => {
    const sku = (c.req.query('sku') ?? '').trim();
    const values: FormValues = { sku, quantity: (c.req.query('quantity') ?? '').trim() || '1' };
    if (!sku) return c.html(<ComparePage v={view(c)} values={values} />);
    try {
      const result = await comparePrices(c.get('ctx'), { sku, quantity: values.quantity });
      return c.html(<ComparePage v={view(c)} values={values} result={result} />);
    } catch (err) {
      const r = refusal(c, err, values, { input: {}, rows: {} });
      return c.html(<ComparePage v={view(c)} values={values} errors={r.errors} />, r.status);
    }
  });

  ui.get('/purchasing', async (c) => {
    const ctx = c.get('ctx');
    const { items } = await listSuppliers(ctx);
    const cards = await scorecards(ctx, items.map((s) => s.id));
    return c.html(<SuppliersPage v={view(c)} suppliers={items} cards={cards} />);
  });
  ui.get('/purchasing/suppliers/:code', (c) => {
    const done = c.req.query('done');
    const t = c.get('i18n').t;
    const texts: Record<string, string> = {
      created: t('purchasingForms.supplier.created'), saved: t('purchasingForms.supplier.saved'),
      item: t('purchasingForms.item.saved', { sku: c.req.query('sku') ?? '' }), quote: t('purchasingForms.quote.saved'),
    };
    return renderSupplier(c, c.req.param('code'), { notice: done && texts[done] ? { tone: 'ok', text: texts[done] } : undefined });
  });
  ui.post('/purchasing/suppliers/:code', async (c) => {
    assertMayWrite(c, '/api/v1/suppliers/x');
    const code = c.req.param('code');
    const values = formValues(await c.req.parseBody());
    const read = readSupplierForm(values, 'edit');
    try {
      const s = await updateSupplier(c.get('ctx'), code, read.input);
      return c.redirect(`/purchasing/suppliers/${encodeURIComponent(s.code)}?done=saved`, 303);
    } catch (err) {
      const r = refusal(c, err, values, read);
      const s = await resolveSupplier(c.get('ctx'), code);
      return renderSupplier(c, code, { form: { which: 'edit', values: { ...values, currency: s.currency }, errors: r.errors ?? {} }, notice: r.notice }, r.status);
    }
  });
  ui.post('/purchasing/suppliers/:code/items', async (c) => {
    assertMayWrite(c, '/api/v1/supplier-items');
    const ctx = c.get('ctx');
    const s = await resolveSupplier(ctx, c.req.param('code'));
    const values = formValues(await c.req.parseBody());
    const read = readSupplierItemForm(values, s);
    try {
      const item = await upsertSupplierItem(ctx, read.input);
      return c.redirect(`/purchasing/suppliers/${encodeURIComponent(s.code)}?${new URLSearchParams({ done: 'item', sku: item.sku })}#supplier-items`, 303);
    } catch (err) {
      const r = refusal(c, err, values, read, { currency: s.currency, skuField: 'sku' });
      return renderSupplier(c, s.code, { form: { which: 'item', values, errors: r.errors ?? {} }, notice: r.notice }, r.status);
    }
  });
  ui.post('/purchasing/suppliers/:code/quotes', async (c) => {
    assertMayWrite(c, '/api/v1/supplier-quotes');
    const ctx = c.get('ctx');
    const s = await resolveSupplier(ctx, c.req.param('code'));
    const values = formValues(await c.req.parseBody());
    const read = readQuoteForm(values, s);
    try {
      await createQuote(ctx, read.input);
      return c.redirect(`/purchasing/suppliers/${encodeURIComponent(s.code)}?done=quote#quotes-h`, 303);
    } catch (err) {
      const r = refusal(c, err, values, read, { currency: s.currency, skuField: 'sku' });
      return renderSupplier(c, s.code, { form: { which: 'quote', values, errors: r.errors ?? {} }, notice: r.notice }, r.status);
    }
  });
  ui.get('/purchasing/orders', async (c) => {
    const status = str(c.req.query('status')) || undefined;
    const overdue = c.req.query('overdue') === 'true';
    const cursor = /^\d{1,18}$/.test(c.req.query('cursor') ?? '') ? c.req.query('cursor') : undefined;
    const { items, nextCursor } = await listPurchaseOrders(c.get('ctx'), { status: STATUSES.includes(status as never) ? status : undefined, overdue: overdue ? 'true' : undefined, cursor });
    return c.html(<OrdersPage v={view(c)} orders={items} status={status} overdue={overdue} nextCursor={nextCursor} />);
  });
  ui.get('/purchasing/orders/:id', (c) => {
    const done = c.req.query('done');
    const v = view(c);
    const notice: Notice | undefined = done === 'received' ? { tone: 'ok', text: v.i18n.t('purchasing.notice.received') }
      : done === 'created' ? { tone: 'ok', text: v.i18n.t('purchasingForms.po.created') }
      : done && STATUSES.includes(done as never) ? { tone: 'ok', text: v.i18n.t('purchasing.notice.status', { status: statusText(v, done) }) } : undefined;
    return renderOrder(c, c.req.param('id'), notice);
  });
  ui.get('/purchasing/orders/:id/pdf', async (c) => {
    const d = await purchaseOrderPdf(c.get('ctx'), c.req.param('id'), c.get('i18n').locale);
    return c.body(new Uint8Array(d.bytes), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${d.filename}"` });
  });
  ui.get('/purchasing/orders/:id/csv', async (c) => {
    const d = await purchaseOrderCsv(c.get('ctx'), c.req.param('id'), c.get('i18n').locale);
    return c.body(d.text, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${d.filename}"` });
  });
  const actions = { approve: approvePurchaseOrder, send: sendPurchaseOrder, cancel: cancelPurchaseOrder, close: closePurchaseOrder } as const;
  for (const [name, verb] of Object.entries(actions)) {
    ui.post(`/purchasing/orders/:id/${name}`, async (c) => {
      assertMayWrite(c, `/api/v1/purchase-orders/x/${name}`);
      const id = c.req.param('id')!;
      try {
        const po = await verb(c.get('ctx'), id);
        return c.redirect(`/purchasing/orders/${po.id}?done=${po.status}`, 303);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return renderOrder(c, id, { tone: 'bad', text: err.status === 409 ? err.message : failureText(view(c), err) }, err.status as 409);
      }
    });
  }
  ui.post('/purchasing/orders/:id/receive', async (c) => {
    assertMayWrite(c, '/api/v1/purchase-orders/x/receive');
    const id = c.req.param('id');
    const f = await c.req.parseBody();
    const lines = Object.keys(f).filter((k) => k.startsWith('accepted_') || k.startsWith('rejected_'))
      .map((k) => Number(k.split('_')[1])).filter((n, i, a) => Number.isInteger(n) && a.indexOf(n) === i)
      .map((lineNo) => ({ lineNo, accepted: intOf(f[`accepted_${lineNo}`]), rejected: intOf(f[`rejected_${lineNo}`]) }))
      .filter((l) => l.accepted !== 0 || l.rejected !== 0);
    if (lines.length === 0) return renderOrder(c, id, { tone: 'bad', text: view(c).i18n.t('purchasing.receive.nothing') }, 400);
    // Freight and duty are typed as amounts of the PO's currency ("12.50"), not in minor units.
    const po = await getPurchaseOrder(c.get('ctx'), id);
    const landedCosts: Array<{ kind: string; amountMinor: number }> = [];
    for (const kind of ['freight', 'duty'] as const) {
      const text = str(f[kind]).trim();
      if (text === '') continue;
      let amountMinor: number;
      try {
        amountMinor = toMinor(text, po.currency);
      } catch (err) {
        if (!(err instanceof MoneyFormatError)) throw err;
        amountMinor = Number.NaN;
      }
      if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
        const { t } = view(c).i18n;
        const hint = t('purchasingForms.error.money', { decimals: currencyExponent(po.currency), example: fromMinor(1250, po.currency) });
        return renderOrder(c, id, { tone: 'bad', text: `${t(`purchasing.receive.${kind}`, { currency: po.currency })}: ${hint}` }, 400);
      }
      if (amountMinor !== 0) landedCosts.push({ kind, amountMinor });
    }
    try {
      await receivePurchaseOrder(c.get('ctx'), id, { lines, landedCosts, landedCostBasis: str(f.basis) || 'value' });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderOrder(c, id, { tone: 'bad', text: err.status === 409 ? err.message : failureText(view(c), err) }, err.status as 400);
    }
    return c.redirect(`/purchasing/orders/${id}?done=received`, 303);
  });
  const renderSuggestions = async (c: Context<UiEnv>, notice?: Notice) => {
    const s = await replenishmentSuggestions(c.get('ctx'));
    return c.html(<SuggestionsPage v={view(c)} days={s.reviewPeriodDays} suggestions={s.suggestions} unsupplied={s.unsupplied} notice={notice} />);
  };
  ui.get('/purchasing/suggestions', (c) => {
    const n = c.req.query('drafted');
    return renderSuggestions(c, n !== undefined && /^\d+$/.test(n) ? { tone: 'ok', text: view(c).i18n.t('purchasing.notice.drafted', { count: Number(n) }) } : undefined);
  });
  ui.post('/purchasing/suggestions/draft', async (c) => {
    assertMayWrite(c, '/api/v1/replenishment/suggestions/draft');
    const r = await draftReplenishmentOrders(c.get('ctx'));
    return c.redirect(`/purchasing/suggestions?drafted=${r.created.length}`, 303);
  });
}
