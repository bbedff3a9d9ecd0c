import type { Context, Hono } from 'hono';
import { everyPage } from '../../db/keyset';
import { fromMinor } from '../../domain/money';
import { AppError, ValidationError } from '../../errors';
import { getCompanySettings } from '../../finance/company-settings';
import { applyPayment, listInvoices, listPayments, receivePayment } from '../../finance/receivables';
import { Csrf, Layout } from '../components/layout';
import { formApplications, minorOf } from '../components/form-money';
import { NoticeLine, type Notice } from '../components/notice';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { failureText } from './stock';
import { ReportTabs } from './statements';

/**
 * A customer's receivables account: open invoices by currency, a payment received recorded and
 * applied to them in one form (per currency), and payments not fully applied, each applied later
 * with its own form. Every write goes through the same verbs as the API (POST /api/v1/payments,
 * POST /api/v1/payments/{id}/applications).
 */

const today = () => new Date().toISOString().slice(0, 10);
const str = (x: unknown) => (typeof x === 'string' ? x.trim() : '');
const canWrite = (v: View) => v.principal?.role === 'admin' || v.principal?.role === 'operator' || v.principal?.role === 'accountant';
const accountPath = (ref: string) => `/finance/receivables/customers/${encodeURIComponent(ref)}`;

/** The payment form's amounts per invoice, as applications. */
const applicationsOf = (f: Record<string, unknown>, currency: string) =>
  formApplications(f, currency).map((a) => ({ invoiceId: a.id, amountMinor: a.amountMinor }));

const DONE: Record<string, 'ar.notice.received' | 'ar.notice.applied'> = { received: 'ar.notice.received', applied: 'ar.notice.applied' };

async function renderAccount(c: Context<UiEnv>, ref: string, notice?: Notice, status: 200 | 400 | 409 = 200) {
  const v = view(c);
  const { t, money } = v.i18n;
  const ctx = c.get('ctx');
  const [invoices, payments, settings] = await Promise.all([
    everyPage((cursor) => listInvoices(ctx, { status: 'open', customerRef: ref, cursor, limit: 500 })),
    everyPage((cursor) => listPayments(ctx, { customerRef: ref, unapplied: 'true', cursor, limit: 500 })),
    getCompanySettings(ctx),
  ]);
  const fn = settings.functionalCurrency;
  const name = invoices.find((i) => i.customerName)?.customerName ?? ref;
  const currencies = [...new Set([...invoices.map((i) => i.currency), ...payments.map((p) => p.currency)])].sort();
  const write = canWrite(v);
  const InvoiceRows = ({ currency, prefix }: { currency: string; prefix: string }) => (
    <table>
      <thead><tr><th scope="col">{t('reports.invoice')}</th><th scope="col">{t('reports.due')}</th><th scope="col" class="num">{t('reports.outstanding')}</th>{write && <th scope="col">{t('ar.applyAmount')}</th>}</tr></thead>
      <tbody>
        {invoices.filter((i) => i.currency === currency).map((i) => (
          <tr data-invoice={i.number}><td class="mono">{i.number}</td><td>{v.i18n.date(i.dueDate)}</td><td class="num">{money(i.outstandingMinor, i.currency)}</td>
            {write && <td><input name={`apply_${i.id}`} inputmode="decimal" placeholder={fromMinor(i.outstandingMinor, i.currency)} aria-label={`${t('ar.applyAmount')} ${i.number} (${prefix})`} /></td>}</tr>
        ))}
      </tbody>
    </table>
  );
  return c.html(
    <Layout v={v} title={t('ar.account.title', { customer: name })}>
      <h1>{t('ar.account.title', { customer: name })}</h1>
      <ReportTabs v={v} current="/finance/receivables" />
      <NoticeLine notice={notice} />
      {currencies.length === 0 && <p class="muted">{t('ar.nothingOpen')}</p>}
      {currencies.map((currency) => {
        const open = invoices.filter((i) => i.currency === currency);
        const unapplied = payments.filter((p) => p.currency === currency);
        return (
          <section class="panel" data-currency={currency}>
            <h2>{t('ar.record.title', { currency })}</h2>
            {open.length === 0 ? <p class="muted">{t('ar.nothingOpen')}</p> : !write ? <InvoiceRows currency={currency} prefix="" /> : (
              <form method="post" action={`${accountPath(ref)}/payments`} id={`receive-${currency}`}>
                <Csrf v={v} />
                <input type="hidden" name="currency" value={currency} />
                <div class="row">
                  <label>{t('ar.reference')} <input name="reference" required maxlength={200} /></label>
                  <label>{t('ar.receivedDate')} <input type="date" name="receivedDate" value={today()} required /></label>
                  <label>{t('ar.amount')} <input name="amount" inputmode="decimal" required placeholder={fromMinor(open.reduce((s, i) => s + i.outstandingMinor, 0), currency)} /></label>
                  {currency !== fn && <label>{t('ar.fxRate', { currency: fn })} <input name="fxRate" inputmode="decimal" /></label>}
                </div>
                <InvoiceRows currency={currency} prefix={t('ar.submit')} />
                <button type="submit" class="btn primary">{t('ar.submit')}</button>
              </form>
            )}
            {unapplied.length > 0 && <h3>{t('ar.unapplied.title')}</h3>}
            {unapplied.map((p) => (
              <details class="panel" data-payment={p.reference} open={open.length > 0}>
                <summary>{`${p.reference} · ${v.i18n.date(p.receivedDate)} · ${money(p.amountMinor, p.currency)} · ${t('ar.unapplied.left', { amount: money(p.unappliedMinor, p.currency) })}`}</summary>
                {write && open.length > 0 && (
                  <form method="post" action={`/finance/receivables/payments/${p.id}/apply`}>
                    <Csrf v={v} />
                    <input type="hidden" name="customer" value={ref} />
                    <input type="hidden" name="currency" value={currency} />
                    <InvoiceRows currency={currency} prefix={p.reference} />
                    <button type="submit" class="btn">{t('ar.applySubmit')}</button>
                  </form>
                )}
              </details>
            ))}
          </section>
        );
      })}
    </Layout>,
    status,
  );
}

function failure(v: View, err: unknown): { notice: Notice; status: 400 | 409 } {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  const fields = err instanceof ValidationError ? ` (${err.errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ')})` : '';
  return { notice: { tone: 'bad', text: `${err.status === 409 ? err.message : failureText(v, err)}${err.status === 409 ? '' : fields}` }, status: err.status === 409 ? 409 : 400 };
}

export function receivablesRoutes(ui: Hono<UiEnv>): void {
  ui.get('/finance/receivables/customers/:ref', (c) => {
    const k = DONE[c.req.query('done') ?? ''];
    return renderAccount(c, c.req.param('ref')!, k ? { tone: 'ok', text: view(c).i18n.t(k) } : undefined);
  });
  ui.post('/finance/receivables/customers/:ref/payments', async (c) => {
    assertMayWrite(c, '/api/v1/payments');
    const ref = c.req.param('ref')!;
    const f = await c.req.parseBody();
    const currency = str(f.currency);
    try {
      const amountMinor = minorOf(f.amount, currency, 'amountMinor');
      await receivePayment(c.get('ctx'), {
        customerRef: ref, reference: str(f.reference), currency, amountMinor, receivedDate: str(f.receivedDate),
        fxRate: str(f.fxRate) || undefined, applications: applicationsOf(f, currency),
      });
    } catch (err) {
      const { notice, status } = failure(view(c), err);
      return renderAccount(c, ref, notice, status);
    }
    return c.redirect(`${accountPath(ref)}?done=received`, 303);
  });
  ui.post('/finance/receivables/payments/:id/apply', async (c) => {
    assertMayWrite(c, '/api/v1/payments/x/applications');
    const f = await c.req.parseBody();
    const ref = str(f.customer);
    try {
      const applications = applicationsOf(f, str(f.currency));
      if (applications.length === 0) return renderAccount(c, ref, { tone: 'bad', text: view(c).i18n.t('ar.nothingApplied') }, 400);
      await applyPayment(c.get('ctx'), c.req.param('id')!, { applications });
    } catch (err) {
      const { notice, status } = failure(view(c), err);
      return renderAccount(c, ref, notice, status);
    }
    return c.redirect(`${accountPath(ref)}?done=applied`, 303);
  });
}
