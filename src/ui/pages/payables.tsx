import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { approveBill, billPrefill, getBill, listBills, recordBill, voidBill } from '../../finance/bills';
import { payablesAging, payablesAgingCsv, payablesCalendar, payablesCalendarCsv } from '../../finance/payables-aging';
import { paySupplier } from '../../finance/supplier-payments';
import { fromMinor } from '../../domain/money';
import { AppError } from '../../errors';
import { listPurchaseOrders } from '../../purchasing/purchase-orders';
import { Csrf, Layout } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { failureText } from './stock';
import { CompareChart, ReportTabs } from './statements';
import { NoticeLine, type Notice } from '../components/notice';
import { formApplications, minorOf } from '../components/form-money';

/**
 * Payables: aged payables (table and chart), the due-date calendar, unpaid and draft bills with
 * their three-way match result, and the two forms — a bill from a received PO (prefilled from the
 * receipts) and a payment over several bills. Every write goes through the same verbs as the API.
 */

const today = () => new Date().toISOString().slice(0, 10);
const validDay = (s: string | undefined) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) ? s : undefined);
const canWrite = (v: View) => v.principal?.role === 'admin' || v.principal?.role === 'operator';
const str = (x: unknown) => (typeof x === 'string' ? x.trim() : '');
const TONE: Record<string, string> = { draft: 'neutral', open: 'warn', partially_paid: 'warn', paid: 'good', void: 'bad', matched: 'good', variance: 'bad' };

const StatusBadge: FC<{ v: View; status: string }> = ({ v, status }) =>
  <span class={`badge tone-${TONE[status] ?? 'neutral'}`} data-status={status}>{v.i18n.tEnum('billStatus', status)}</span>;
const MatchBadges: FC<{ v: View; match: string; flags: string[] }> = ({ v, match, flags }) => (
  <span class="badges" data-match={match}>
    <span class={`badge tone-${TONE[match] ?? 'neutral'}`}>{v.i18n.tEnum('matchStatus', match)}</span>
    {flags.map((f) => <span class="badge tone-warn" data-flag={f}>{v.i18n.tEnum('billFlag', f)}</span>)}
  </span>
);

const DONE: Record<string, 'payables.notice.recorded' | 'payables.notice.approved' | 'payables.notice.voided' | 'payables.notice.paid'> = {
  recorded: 'payables.notice.recorded', approved: 'payables.notice.approved', voided: 'payables.notice.voided', paid: 'payables.notice.paid',
};
const doneNotice = (c: Context<UiEnv>): Notice | undefined => {
  const k = DONE[c.req.query('done') ?? ''];
  return k ? { tone: 'ok', text: view(c).i18n.t(k) } : undefined;
};
const errorNotice = (v: View, err: unknown): Notice => {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  return { tone: 'bad', text: err.status === 409 ? err.message : failureText(v, err) };
};

async function renderMain(c: Context<UiEnv>, notice?: Notice, status: 200 | 400 | 409 = 200) {
  const v = view(c);
  const { t, money } = v.i18n;
  const ctx = c.get('ctx');
  const at = validDay(c.req.query('at')) ?? today();
  const [aging, calendar, unpaid, drafts, ...received] = await Promise.all([
    payablesAging(ctx, { at }), payablesCalendar(ctx, { at, weeks: 6 }),
    listBills(ctx, { status: 'unpaid', limit: 300 }), listBills(ctx, { status: 'draft', limit: 100 }),
    // The POs a bill can be recorded for, by status: taken from the newest POs of any status, received
    // ones behind a run of drafts and sent ones were missing from the choice.
    ...(['partially_received', 'received', 'closed'] as const).map((status) => listPurchaseOrders(ctx, { status, limit: 200 })),
  ]);
  const cur = aging.functionalCurrency;
  const receivedPos = received.flatMap((r) => r.items).sort((a, b) => (a.number < b.number ? 1 : a.number > b.number ? -1 : 0));
  const bills = [...drafts.items, ...unpaid.items];
  // One payment form per supplier and currency: a payment goes to one supplier in one currency.
  const payGroups = new Map<string, { supplier: string; name: string; currency: string; bills: typeof unpaid.items }>();
  for (const b of unpaid.items) {
    const k = `${b.supplierCode}|${b.currency}`;
    const g = payGroups.get(k) ?? { supplier: b.supplierCode ?? '', name: b.supplierName ?? '', currency: b.currency, bills: [] };
    g.bills.push(b);
    payGroups.set(k, g);
  }
  const write = canWrite(v);
  return c.html(
    <Layout v={v} title={t('payables.title')}>
      <h1>{t('payables.title')}</h1>
      <ReportTabs v={v} current="/finance/payables" />
      <NoticeLine notice={notice} />
      <form method="get" action="/finance/payables" class="row" style="margin-bottom:1rem">
        <label>{t('reports.at')} <input type="date" name="at" value={at} /></label>
        <button type="submit" class="btn">{t('inbox.apply')}</button>
        <a class="btn" href={`/finance/payables/aging.csv?at=${at}`} download>{t('payables.downloadAging')}</a>
        <a class="btn" href={`/finance/payables/calendar.csv?at=${at}`} download>{t('payables.downloadCalendar')}</a>
      </form>
      {aging.missingRates.length > 0 && <p class="notice warn" role="status">{t('reports.missingRates', { currencies: aging.missingRates.map((m) => m.currency).join(', ') })}</p>}
      {/* A chart of nothing says less than the sentence below it: drawn only when something is owed. */}
      {aging.suppliers.length > 0 && (
        <section class="panel">
          <CompareChart v={v} title={t('payables.aging')} currency={cur} items={aging.buckets.map((b) => ({ label: v.i18n.tEnum('agingBucket', b), current: aging.functionalTotals[b] }))} />
        </section>
      )}
      <h2>{t('payables.aging')}</h2>
      {aging.suppliers.length === 0 ? <p class="muted">{t('payables.nothingOwed')}</p> : (
        <div class="table-wrap">
          <table id="payables-aging">
            <thead><tr><th scope="col">{t('payables.supplier')}</th>{aging.buckets.map((b) => <th scope="col" class="num">{v.i18n.tEnum('agingBucket', b)}</th>)}<th scope="col" class="num">{t('reports.total')}</th></tr></thead>
            <tbody>
              {aging.suppliers.map((s) => (
                <tr data-supplier={s.supplierCode}><td>{s.supplierName}<span class="sub mono">{s.supplierCode}</span></td>
                  {aging.buckets.map((b) => <td class="num" data-bucket={b}>{s.buckets[b] ? money(s.buckets[b], s.currency) : ''}</td>)}
                  <td class="num">{money(s.totalMinor, s.currency)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('payables.calendar')}</h2>
      <div id="due-calendar" class="calendar">
        {calendar.groups.every((g) => g.bills.length === 0) && <p class="muted" id="nothing-due">{t('payables.nothingOwed')}</p>}
        {calendar.groups.some((g) => g.bills.length > 0) && calendar.groups.filter((g) => g.kind === 'week' || g.bills.length > 0).map((g) => (
          <section class="panel" data-group={g.kind} data-from={g.from ?? undefined}>
            <h3>
              {g.kind === 'overdue' ? t('payables.calendar.overdue') : g.kind === 'later' ? t('payables.calendar.later', { from: v.i18n.date(g.from!) }) : t('payables.calendar.week', { from: v.i18n.date(g.from!), to: v.i18n.date(g.to!) })}
              {Object.entries(g.totals).map(([c2, m]) => <span class="sub">{money(m, c2)}</span>)}
            </h3>
            {g.bills.length === 0 ? <p class="muted">{t('payables.calendar.empty')}</p> : (
              <ul>
                {g.bills.map((b) => (
                  <li data-bill={b.number}>
                    <a href={`/finance/payables/bills/${b.id}`} class="mono">{b.number}</a>{' · '}{b.supplierName}{' · '}{v.i18n.date(b.dueDate)}{' · '}{money(b.openMinor, b.currency)}
                    {g.kind === 'overdue' && <span class="sub tone-text-bad">{t('payables.daysOverdue', { days: b.daysPastDue })}</span>}
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>

      <h2>{t('payables.bills')}</h2>
      {bills.length === 0 ? <p class="muted">{t('payables.noBills')}</p> : (
        <div class="table-wrap">
          <table id="bills">
            <thead><tr>
              <th scope="col">{t('payables.bill')}</th><th scope="col">{t('payables.supplier')}</th><th scope="col">{t('payables.purchaseOrder')}</th>
              <th scope="col">{t('reports.due')}</th><th scope="col" class="num">{t('reports.total')}</th><th scope="col" class="num">{t('reports.outstanding')}</th>
              <th scope="col">{t('payables.status')}</th><th scope="col">{t('payables.match')}</th>
            </tr></thead>
            <tbody>
              {bills.map((b) => (
                <tr data-bill={b.number} class={b.status !== 'draft' && b.dueDate < at ? 'overdue' : undefined}>
                  <td><a class="mono" href={`/finance/payables/bills/${b.id}`}>{b.number}</a></td>
                  <td>{b.supplierName}</td><td class="mono">{b.purchaseOrderNumber}</td>
                  <td>{v.i18n.date(b.dueDate)}</td>
                  <td class="num">{money(b.totalMinor, b.currency)}</td><td class="num">{money(b.outstandingMinor, b.currency)}</td>
                  <td><StatusBadge v={v} status={b.status} /></td>
                  <td><MatchBadges v={v} match={b.matchStatus} flags={b.flags} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {write && (
        <>
          <h2>{t('payables.record.title')}</h2>
          {receivedPos.length === 0 ? <p class="muted">{t('payables.record.noPos')}</p> : (
            <form method="get" action="/finance/payables/bills/new" class="row" id="bill-from-po">
              <label>{t('payables.record.choosePo')}{' '}
                <select name="po" required>
                  {receivedPos.map((p) => <option value={p.id}>{`${p.number} · ${p.supplierName} · ${p.currency}`}</option>)}
                </select>
              </label>
              <button type="submit" class="btn">{t('payables.record.next')}</button>
            </form>
          )}
          <h2>{t('payables.pay.title')}</h2>
          {payGroups.size === 0 ? <p class="muted">{t('payables.noBills')}</p> : [...payGroups.values()].map((g) => (
            <details class="panel" data-pay={g.supplier}>
              <summary>{t('payables.pay.to', { supplier: g.name, currency: g.currency })}</summary>
              <form method="post" action="/finance/payables/payments">
                <Csrf v={v} />
                <input type="hidden" name="supplier" value={g.supplier} />
                <input type="hidden" name="currency" value={g.currency} />
                <div class="row">
                  <label>{t('payables.pay.reference')} <input name="reference" required maxlength={200} /></label>
                  <label>{t('payables.pay.date')} <input type="date" name="paidDate" value={at} required /></label>
                  {g.currency !== cur && <label>{t('payables.record.fxRate', { currency: cur })} <input name="fxRate" inputmode="decimal" /></label>}
                </div>
                <table>
                  <thead><tr><th scope="col">{t('payables.bill')}</th><th scope="col">{t('reports.due')}</th><th scope="col" class="num">{t('reports.outstanding')}</th><th scope="col">{t('payables.pay.amount')}</th></tr></thead>
                  <tbody>
                    {g.bills.map((b) => (
                      <tr><td class="mono">{b.number}</td><td>{v.i18n.date(b.dueDate)}</td><td class="num">{money(b.outstandingMinor, b.currency)}</td>
                        <td><input name={`apply_${b.id}`} inputmode="decimal" placeholder={fromMinor(b.outstandingMinor, b.currency)} aria-label={`${t('payables.pay.amount')} ${b.number}`} /></td></tr>
                    ))}
                  </tbody>
                </table>
                <button type="submit" class="btn primary">{t('payables.pay.submit')}</button>
              </form>
            </details>
          ))}
        </>
      )}
    </Layout>,
    status,
  );
}

async function renderNewBill(c: Context<UiEnv>, po: string, notice?: Notice, values: Record<string, string> = {}, status: 200 | 400 | 409 = 200) {
  const v = view(c);
  const { t, money } = v.i18n;
  const p = await billPrefill(c.get('ctx'), po);
  const val = (k: string, d: string) => values[k] ?? d;
  return c.html(
    <Layout v={v} title={t('payables.record.title')}>
      <h1>{t('payables.record.title')}</h1>
      <ReportTabs v={v} current="/finance/payables" />
      <NoticeLine notice={notice} />
      <p><span class="mono">{p.purchaseOrderNumber}</span>{' · '}{p.supplierName}{' · '}{p.currency}</p>
      <form method="post" action="/finance/payables/bills" id="record-bill">
        <Csrf v={v} />
        <input type="hidden" name="purchaseOrder" value={p.purchaseOrderId} />
        <div class="row">
          <label>{t('payables.record.number')} <input name="number" required maxlength={100} value={val('number', '')} /></label>
          <label>{t('payables.record.issueDate')} <input type="date" name="issueDate" required value={val('issueDate', p.issueDate)} /></label>
          <label>{t('payables.record.dueDate')} <input type="date" name="dueDate" value={val('dueDate', '')} required={p.termsDays === null} /></label>
          {p.currency !== p.functionalCurrency && <label>{t('payables.record.fxRate', { currency: p.functionalCurrency })} <input name="fxRate" inputmode="decimal" value={val('fxRate', '')} /></label>}
        </div>
        <p class="muted">{p.termsDays === null ? t('payables.record.dueRequired') : t('payables.record.dueHint', { terms: p.paymentTerms ?? '' })}</p>
        <div class="table-wrap">
          <table id="bill-lines">
            <thead><tr>
              <th scope="col">{t('payables.line.sku')}</th><th scope="col" class="num">{t('payables.line.ordered')}</th><th scope="col" class="num">{t('payables.line.received')}</th>
              <th scope="col" class="num">{t('payables.line.billed')}</th><th scope="col" class="num">{t('payables.line.poPrice')}</th>
              <th scope="col">{t('payables.line.quantity')}</th><th scope="col">{t('payables.line.price')}</th>
            </tr></thead>
            <tbody>
              {p.lines.map((l) => (
                <tr data-line={l.lineNo}>
                  <td class="mono">{l.sku}</td><td class="num">{v.i18n.number(l.ordered)}</td><td class="num">{v.i18n.number(l.received)}</td>
                  <td class="num">{v.i18n.number(l.billed)}</td><td class="num">{money(l.unitPriceMinor, p.currency)}</td>
                  <td><input name={`qty_${l.lineNo}`} type="number" min="0" step="1" value={val(`qty_${l.lineNo}`, String(l.quantity))} aria-label={`${t('payables.line.quantity')} ${l.sku}`} /></td>
                  <td><input name={`price_${l.lineNo}`} inputmode="decimal" value={val(`price_${l.lineNo}`, fromMinor(l.unitPriceMinor, p.currency))} aria-label={`${t('payables.line.price')} ${l.sku}`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <label>{t('payables.record.notes')} <input name="notes" maxlength={2000} value={val('notes', '')} /></label>
        <button type="submit" class="btn primary">{t('payables.record.submit')}</button>
      </form>
    </Layout>,
    status,
  );
}

async function renderBill(c: Context<UiEnv>, id: string, notice?: Notice, status: 200 | 400 | 409 = 200) {
  const v = view(c);
  const { t, money } = v.i18n;
  const b = await getBill(c.get('ctx'), id);
  const write = canWrite(v);
  return c.html(
    <Layout v={v} title={`${t('payables.bill')} ${b.number}`}>
      <h1>{`${t('payables.bill')} ${b.number}`}</h1>
      <ReportTabs v={v} current="/finance/payables" />
      <NoticeLine notice={notice ?? doneNotice(c)} />
      <p>
        {b.supplierName}{' · '}<span class="mono">{b.purchaseOrderNumber}</span>{' · '}<StatusBadge v={v} status={b.status} />{' '}
        <MatchBadges v={v} match={b.matchStatus} flags={[...new Set(b.lines.flatMap((l) => l.flags))].sort()} />
      </p>
      <dl class="facts">
        <dt>{t('reports.issued')}</dt><dd>{v.i18n.date(b.issueDate)}</dd>
        <dt>{t('reports.due')}</dt><dd>{v.i18n.date(b.dueDate)}</dd>
        <dt>{t('reports.total')}</dt><dd>{money(b.totalMinor, b.currency)}{b.currency !== b.functionalCurrency && <span class="sub">{money(b.functionalTotalMinor, b.functionalCurrency)}</span>}</dd>
        <dt>{t('reports.outstanding')}</dt><dd>{money(b.outstandingMinor, b.currency)}</dd>
      </dl>
      {b.approvedAt && <p class="muted" id="approval">{t('payables.approvedBy', { who: b.approvedBy ?? '', when: v.i18n.dateTime(b.approvedAt) })}{b.approvalNote ? ` · ${b.approvalNote}` : ''}</p>}
      <div class="table-wrap">
        <table id="bill-lines">
          <thead><tr>
            <th scope="col">{t('payables.line.sku')}</th><th scope="col" class="num">{t('payables.line.quantity')}</th><th scope="col" class="num">{t('payables.line.received')}</th>
            <th scope="col" class="num">{t('payables.line.price')}</th><th scope="col" class="num">{t('payables.line.poPrice')}</th>
            <th scope="col" class="num">{t('payables.line.variance')}</th><th scope="col">{t('payables.line.flags')}</th>
          </tr></thead>
          <tbody>
            {b.lines.map((l) => (
              <tr data-line={l.lineNo}>
                <td class="mono">{l.sku}</td><td class="num">{v.i18n.number(l.quantity)}</td><td class="num">{v.i18n.number(l.receivedQuantity)}</td>
                <td class="num">{money(l.unitPriceMinor, b.currency)}</td><td class="num">{money(l.poUnitPriceMinor, b.currency)}</td>
                <td class="num">{l.priceVarianceMinor ? money(l.priceVarianceMinor, b.currency) : ''}</td>
                <td><span class="badges">{l.flags.map((f) => <span class="badge tone-warn" data-flag={f}>{v.i18n.tEnum('billFlag', f)}</span>)}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {b.payments.length > 0 && (
        <>
          <h2>{t('payables.payments')}</h2>
          <ul id="bill-payments">
            {b.payments.map((p) => <li><span class="mono">{p.reference}</span>{' · '}{v.i18n.date(p.appliedDate)}{' · '}{money(p.amountMinor, b.currency)}{p.fxMinor !== 0 && <span class="sub">{`${t('payables.fx')}: ${money(p.fxMinor, b.functionalCurrency)}`}</span>}</li>)}
          </ul>
        </>
      )}
      {write && b.status === 'draft' && (
        <form method="post" action={`/finance/payables/bills/${b.id}/approve`} class="row" id="approve-bill">
          <Csrf v={v} />
          <label>{t('payables.approve.note')} <input name="note" maxlength={1000} required={b.matchStatus === 'variance'} /></label>
          <button type="submit" class="btn primary">{t('payables.approve')}</button>
        </form>
      )}
      {write && (b.status === 'draft' || (b.status === 'open' && b.paidMinor === 0)) && (
        <form method="post" action={`/finance/payables/bills/${b.id}/void`} class="row" id="void-bill">
          <Csrf v={v} />
          <label>{t('payables.void.reason')} <input name="reason" maxlength={1000} /></label>
          <button type="submit" class="btn">{t('payables.void')}</button>
        </form>
      )}
    </Layout>,
    status,
  );
}

export function payablesRoutes(ui: Hono<UiEnv>): void {
  ui.get('/finance/payables', (c) => renderMain(c, doneNotice(c)));
  ui.get('/finance/payables/aging.csv', async (c) => {
    const r = await payablesAging(c.get('ctx'), { at: validDay(c.req.query('at')) ?? today() });
    return c.body(payablesAgingCsv(r), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="payables-aging-${r.at}.csv"` });
  });
  ui.get('/finance/payables/calendar.csv', async (c) => {
    const r = await payablesCalendar(c.get('ctx'), { at: validDay(c.req.query('at')) ?? today() });
    return c.body(payablesCalendarCsv(r), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="payables-calendar-${r.at}.csv"` });
  });
  ui.get('/finance/payables/bills/new', (c) => {
    const po = c.req.query('po');
    if (!po) return c.redirect('/finance/payables', 303);
    return renderNewBill(c, po);
  });
  ui.post('/finance/payables/bills', async (c) => {
    assertMayWrite(c, '/api/v1/bills');
    const f = await c.req.parseBody();
    const po = str(f.purchaseOrder);
    const values = Object.fromEntries(Object.entries(f).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
    try {
      const currency = (await billPrefill(c.get('ctx'), po)).currency;
      const lines = Object.keys(f).filter((k) => /^qty_\d+$/.test(k)).map((k) => Number(k.slice(4)))
        .map((lineNo) => ({ lineNo, quantity: Number(str(f[`qty_${lineNo}`]) || 0), unitPriceMinor: minorOf(f[`price_${lineNo}`], currency, `lines.${lineNo}.unitPriceMinor`) }))
        .filter((l) => l.quantity !== 0);
      const r = await recordBill(c.get('ctx'), {
        purchaseOrder: po, number: str(f.number), issueDate: str(f.issueDate), dueDate: str(f.dueDate) || undefined,
        fxRate: str(f.fxRate) || undefined, notes: str(f.notes) || undefined, lines,
      });
      return c.redirect(`/finance/payables/bills/${r.bill.id}?done=recorded`, 303);
    } catch (err) {
      const n = errorNotice(view(c), err);
      return renderNewBill(c, po, n, values, (err as AppError).status === 409 ? 409 : 400);
    }
  });
  ui.get('/finance/payables/bills/:id', (c) => renderBill(c, c.req.param('id')));
  // Approve (with its note) and void (with its reason): the API's verbs; a refusal re-renders the bill.
  const billAction = (action: 'approve' | 'void', done: 'approved' | 'voided', run: (c: Context<UiEnv>, id: string, f: Record<string, unknown>) => Promise<unknown>) =>
    ui.post(`/finance/payables/bills/:id/${action}`, async (c) => {
      assertMayWrite(c, `/api/v1/bills/x/${action}`);
      const id = c.req.param('id')!;
      try {
        await run(c, id, await c.req.parseBody());
      } catch (err) {
        return renderBill(c, id, errorNotice(view(c), err), (err as AppError).status === 409 ? 409 : 400);
      }
      return c.redirect(`/finance/payables/bills/${id}?done=${done}`, 303);
    });
  billAction('approve', 'approved', (c, id, f) => approveBill(c.get('ctx'), id, { note: str(f.note) || undefined }));
  billAction('void', 'voided', (c, id, f) => voidBill(c.get('ctx'), id, { reason: str(f.reason) || undefined }));
  ui.post('/finance/payables/payments', async (c) => {
    assertMayWrite(c, '/api/v1/supplier-payments');
    const f = await c.req.parseBody();
    const currency = str(f.currency);
    try {
      const applications = formApplications(f, currency).map((a) => ({ billId: a.id, amountMinor: a.amountMinor }));
      if (applications.length === 0) return renderMain(c, { tone: 'bad', text: view(c).i18n.t('payables.pay.nothing') }, 400);
      await paySupplier(c.get('ctx'), {
        supplier: str(f.supplier), reference: str(f.reference), currency, paidDate: str(f.paidDate), fxRate: str(f.fxRate) || undefined, applications,
      });
    } catch (err) {
      return renderMain(c, errorNotice(view(c), err), (err as AppError).status === 409 ? 409 : 400);
    }
    return c.redirect('/finance/payables?done=paid', 303);
  });
}
