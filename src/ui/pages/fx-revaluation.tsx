import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { principalAllowed } from '../../api/auth';
import { listFxRevaluations, previousMonthEnd, runFxRevaluation, type FxRevaluation } from '../../finance/fx-revaluation';
import { AppError, ValidationError } from '../../errors';
import { Csrf } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { failureText } from './stock';
import { CompareChart } from './statements';
import { NoticeLine, type Notice } from '../components/notice';

const API_PATH = '/api/v1/finance/fx-revaluations';

export interface FxRevaluationState {
  runs: FxRevaluation[];
  functionalCurrency: string;
  at: string;
  notice?: Notice;
}

export async function loadFxRevaluationState(c: Context<UiEnv>, functionalCurrency: string, notice?: Notice, at?: string): Promise<FxRevaluationState> {
  const { items } = await listFxRevaluations(c.get('ctx'), { limit: 24 });
  return { runs: items, functionalCurrency, at: at ?? previousMonthEnd(c.get('ctx').now().toISOString().slice(0, 10)), notice };
}

/** The notice a redirect after a run carries (`?reval=posted|already&at=…`). */
export function fxRevaluationNotice(c: Context<UiEnv>): Notice | undefined {
  const kind = c.req.query('reval');
  const at = c.req.query('at') ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(at)) return undefined;
  const { t, date } = view(c).i18n;
  if (kind === 'posted') return { tone: 'ok', text: t('fxReval.notice.posted', { date: date(at) }) };
  if (kind === 'already') return { tone: 'ok', text: t('fxReval.notice.already', { date: date(at) }) };
  return undefined;
}

const signed = (v: View, minor: number, currency: string) => (minor > 0 ? `+${v.i18n.money(minor, currency)}` : v.i18n.money(minor, currency));

/**
 * The revaluation section of the exchange-rates screen: run one as of a date (finance roles), a chart
 * of the net unrealised result per run, and each run's documents (open amount, closing rate, carried
 * and revalued amounts, difference).
 */
export const FxRevaluationSection: FC<{ v: View; s: FxRevaluationState }> = ({ v, s }) => {
  const { t, money, date } = v.i18n;
  const cur = s.functionalCurrency;
  const write = principalAllowed(v.principal, 'POST', API_PATH);
  const chronological = [...s.runs].reverse();
  return (
    <section aria-labelledby="fx-reval-h" id="fx-revaluation">
      <h2 id="fx-reval-h">{t('fxReval.title')}</h2>
      <p class="muted">{t('fxReval.explain')}</p>
      <NoticeLine notice={s.notice} />
      {write && (
        <form method="post" action="/finance/fx-revaluations" class="panel">
          <Csrf v={v} />
          <div class="field">
            <label for="fx-reval-at">{t('fxReval.at')}</label>
            <input id="fx-reval-at" name="at" type="date" required value={s.at} />
          </div>
          <button type="submit" class="btn primary">{t('fxReval.run')}</button>
        </form>
      )}
      {s.runs.length === 0 ? <p class="muted">{t('fxReval.none')}</p> : (
        <>
          <CompareChart v={v} title={t('fxReval.chart', { currency: cur })} currency={cur}
            items={chronological.map((r) => ({ label: date(r.at), current: r.receivablesDiffMinor - r.payablesDiffMinor }))} />
          <div class="table-wrap">
            <table id="fx-revaluations">
              <thead><tr>
                <th scope="col">{t('fxReval.date')}</th><th scope="col" class="num">{t('fxReval.receivables')}</th>
                <th scope="col" class="num">{t('fxReval.payables')}</th><th scope="col" class="num">{t('fxReval.net')}</th>
                <th scope="col">{t('fxReval.journal')}</th>
              </tr></thead>
              <tbody>
                {s.runs.map((r) => (
                  <tr data-at={r.at}>
                    <td>{date(r.at)}</td>
                    <td class="num">{signed(v, r.receivablesDiffMinor, r.functionalCurrency)}</td>
                    <td class="num">{signed(v, r.payablesDiffMinor, r.functionalCurrency)}</td>
                    <td class="num" data-net={r.receivablesDiffMinor - r.payablesDiffMinor}>{signed(v, r.receivablesDiffMinor - r.payablesDiffMinor, r.functionalCurrency)}</td>
                    <td>{r.journalId ? <><span class="mono">{r.journalId.slice(0, 8)}</span><span class="sub">{t('fxReval.reversal', { date: date(r.reversalDate) })}</span></> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {s.runs.filter((r) => r.lines.length > 0).map((r) => (
            <details data-run={r.at}>
              <summary>{date(r.at)} · {t('fxReval.documents', { count: r.lines.length })}</summary>
              <div class="table-wrap">
                <table>
                  <thead><tr>
                    <th scope="col">{t('fxReval.document')}</th><th scope="col">{t('fxReval.party')}</th>
                    <th scope="col" class="num">{t('fxReval.open')}</th><th scope="col" class="num">{t('fxReval.rate')}</th>
                    <th scope="col" class="num">{t('fxReval.carrying')}</th><th scope="col" class="num">{t('fxReval.revalued')}</th>
                    <th scope="col" class="num">{t('fxReval.diff')}</th>
                  </tr></thead>
                  <tbody>
                    {r.lines.map((l) => (
                      <tr data-document={l.number}>
                        <td>{t(l.documentKind === 'bill' ? 'fxReval.kind.bill' : 'fxReval.kind.invoice')} <span class="mono">{l.number}</span></td>
                        <td>{l.party}</td>
                        <td class="num">{money(l.openMinor, l.currency)}</td>
                        <td class="num mono">{`${l.currency}/${r.functionalCurrency} ${l.rate}`}</td>
                        <td class="num">{money(l.carryingMinor, r.functionalCurrency)}</td>
                        <td class="num">{money(l.revaluedMinor, r.functionalCurrency)}</td>
                        <td class="num">{signed(v, l.diffMinor, r.functionalCurrency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          ))}
        </>
      )}
    </section>
  );
};

/**
 * POST /finance/fx-revaluations: the same verb as the API. A bad date or a missing closing rate
 * re-renders the screen with the reason (400); success redirects with a notice.
 */
export function fxRevaluationRoutes(ui: Hono<UiEnv>, render: (c: Context<UiEnv>, notice: Notice, at: string) => Promise<Response>): void {
  ui.post('/finance/fx-revaluations', async (c) => {
    assertMayWrite(c, API_PATH);
    const f = await c.req.parseBody();
    const at = typeof f.at === 'string' ? f.at : '';
    try {
      const r = await runFxRevaluation(c.get('ctx'), { at });
      return c.redirect(`/finance/fx-rates?reval=${r.created ? 'posted' : 'already'}&at=${encodeURIComponent(r.revaluation.at)}#fx-revaluation`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      // The reasons themselves (a missing closing rate names the pair to set), not only the field.
      const text = err instanceof ValidationError ? err.errors.map((e) => e.message).join('; ') : failureText(view(c), err);
      return render(c, { tone: 'bad', text }, at);
    }
  });
}
