import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { matchBankLines, importBankStatement } from '../../finance/bank-statements';
import { bankSummary, listBankLines, matchBankLine, matchCandidates, unmatchBankLine, type BankAccountSummary, type BankLine, type MatchCandidate } from '../../finance/bank-lines';
import { AppError, ValidationError } from '../../errors';
import { Csrf, Layout } from '../components/layout';
import { NoticeLine, type Notice } from '../components/notice';
import { Pager } from '../components/pager';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { failureText } from './stock';
import { ReportTabs } from './statements';

/**
 * Bank statements: per account how much is matched (chart and table), the import form (CSV or
 * CAMT.053), and the lines newest first with what each matched. A person matches a line the rules
 * could not place (the open payouts and payments on its side, nearest amount first) and takes a
 * wrong match off. Every write goes through the same verbs as the API.
 */

const canWrite = (v: View) => v.principal?.role === 'admin' || v.principal?.role === 'operator' || v.principal?.role === 'accountant';
const str = (x: unknown) => (typeof x === 'string' ? x.trim() : '');
const COLORS = { matched: '#0f9d8a', unmatched: '#e0892b' };

/** One stacked bar per account and currency: matched lines, then unmatched. */
const MatchChart: FC<{ v: View; rows: BankAccountSummary[] }> = ({ v, rows }) => {
  const { t, number } = v.i18n;
  const W = 1200, rowH = 30, left = 260, right = 160, top = 6;
  const H = top + rows.length * rowH + 6;
  const max = Math.max(1, ...rows.map((r) => r.lines));
  const scale = (W - left - right) / max;
  return (
    <figure style="margin:0">
      <svg class="chart" id="bank-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('bank.chart')}>
        <title>{t('bank.chart')}</title>
        {rows.map((r, i) => {
          const y = top + i * rowH;
          const wm = r.matched * scale, wu = r.unmatched * scale;
          return (
            <g data-account={r.account} data-currency={r.currency}>
              <text x={left - 8} y={y + 17} text-anchor="end">{`${r.account} · ${r.currency}`}</text>
              {r.matched > 0 && <rect x={left} y={y + 4} width={Math.max(wm, 0.5)} height={16} fill={COLORS.matched}><title>{`${t('bank.matched')}: ${number(r.matched)}`}</title></rect>}
              {r.unmatched > 0 && <rect x={left + wm} y={y + 4} width={Math.max(wu, 0.5)} height={16} fill={COLORS.unmatched}><title>{`${t('bank.unmatched')}: ${number(r.unmatched)}`}</title></rect>}
              <text class="value" x={left + wm + wu + 6} y={y + 17}>{`${number(r.matched)} / ${number(r.lines)}`}</text>
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        <span><i style={`background:${COLORS.matched}`}></i>{t('bank.matched')}</span>
        <span><i style={`background:${COLORS.unmatched}`}></i>{t('bank.unmatched')}</span>
      </figcaption>
    </figure>
  );
};

const MatchCell: FC<{ v: View; line: BankLine }> = ({ v, line }) => {
  const { t, tEnum, money } = v.i18n;
  const m = line.matchedTo;
  if (!m) return line.matchRule === 'left_unmatched' ? <span class="badge tone-neutral" data-rule="left_unmatched">{tEnum('bankRule', 'left_unmatched')}</span> : <span class="badge tone-warn">{t('bank.unmatched')}</span>;
  const href = m.kind === 'payout' ? `/finance/payouts/${m.id}` : undefined;
  const diff = line.amountMinor - m.amountMinor;
  return (
    <span data-matched-kind={m.kind}>
      <span class="badge tone-good">{tEnum('matchKind', m.kind)}</span>{' '}
      {href ? <a href={href} class="mono">{m.label}</a> : <span class="mono">{m.label}</span>}
      <span class="sub">{[m.date ? v.i18n.date(m.date) : '', line.matchRule ? tEnum('bankRule', line.matchRule) : '', diff !== 0 ? t('bank.difference', { amount: money(diff, line.currency) }) : ''].filter(Boolean).join(' · ')}</span>
    </span>
  );
};

const MatchForm: FC<{ v: View; line: BankLine; candidates: MatchCandidate[]; back: string }> = ({ v, line, candidates, back }) => {
  const { t, tEnum, money } = v.i18n;
  if (candidates.length === 0) return <span class="muted">{t('bank.noCandidates', { currency: line.currency })}</span>;
  return (
    <form method="post" action={`/finance/bank/lines/${line.id}/match`} class="row" data-match-form={line.id}>
      <Csrf v={v} />
      <input type="hidden" name="back" value={back} />
      <select name="target" aria-label={t('bank.chooseTarget')} required>
        {candidates.map((c) => <option value={`${c.field}:${c.id}`}>{`${tEnum('matchKind', c.kind)} · ${c.label} · ${money(c.amountMinor, c.currency)}${c.date ? ` · ${v.i18n.date(c.date)}` : ''}`}</option>)}
      </select>
      <button type="submit" class="btn">{t('bank.match')}</button>
    </form>
  );
};

/** The filter's query string (without the cursor), kept through forms and the pager. */
function filterQuery(matched: string, account: string): string {
  const q = new URLSearchParams();
  if (matched) q.set('matched', matched);
  if (account) q.set('account', account);
  return q.toString();
}

async function renderBank(c: Context<UiEnv>, notice?: Notice, status: 200 | 400 | 409 = 200) {
  const v = view(c);
  const { t, money, number } = v.i18n;
  const ctx = c.get('ctx');
  const matched = ['true', 'false'].includes(c.req.query('matched') ?? '') ? c.req.query('matched')! : '';
  const account = str(c.req.query('account')).slice(0, 100);
  const cursor = str(c.req.query('cursor')) || undefined;
  const summary = await bankSummary(ctx);
  const page = await listBankLines(ctx, { matched: matched || undefined, account: account || undefined, cursor, limit: 100 });
  const write = canWrite(v);
  const open = page.items.filter((l) => !l.matchedTo);
  const candidates = write ? await matchCandidates(ctx, open) : new Map<string, MatchCandidate[]>();
  const filter = filterQuery(matched, account);
  const back = `/finance/bank${filter ? `?${filter}` : ''}`;
  const accounts = [...new Set(summary.map((s) => s.account))];
  return c.html(
    <Layout v={v} title={t('bank.title')}>
      <h1>{t('bank.title')}</h1>
      <ReportTabs v={v} current="/finance/bank" />
      <NoticeLine notice={notice} />
      <p>{t('bank.intro')}</p>
      {summary.length === 0 ? <p class="muted" id="no-bank-lines">{t('bank.noLines')}</p> : (
        <>
          <section class="panel"><MatchChart v={v} rows={summary} /></section>
          <h2>{t('bank.accounts')}</h2>
          <div class="table-wrap">
            <table id="bank-accounts">
              <thead><tr><th scope="col">{t('bank.account')}</th><th scope="col">{t('bank.currency')}</th><th scope="col" class="num">{t('bank.lines')}</th>
                <th scope="col" class="num">{t('bank.matched')}</th><th scope="col" class="num">{t('bank.unmatched')}</th>
                <th scope="col" class="num">{t('bank.openIn')}</th><th scope="col" class="num">{t('bank.openOut')}</th><th scope="col">{t('bank.dates')}</th></tr></thead>
              <tbody>
                {summary.map((s) => (
                  <tr data-account={s.account} data-currency={s.currency}>
                    <td class="mono"><a href={`/finance/bank?${filterQuery('false', s.account)}`}>{s.account}</a></td><td>{s.currency}</td>
                    <td class="num">{number(s.lines)}</td><td class="num" data-col="matched">{number(s.matched)}</td><td class="num" data-col="unmatched">{number(s.unmatched)}</td>
                    <td class="num" data-col="open-in">{money(s.unmatchedInMinor, s.currency)}</td><td class="num" data-col="open-out">{money(s.unmatchedOutMinor, s.currency)}</td>
                    <td>{`${v.i18n.date(s.firstDate)} – ${v.i18n.date(s.lastDate)}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {write && (
        <section class="panel">
          <h2>{t('bank.import')}</h2>
          <form method="post" action="/finance/bank/import" enctype="multipart/form-data" id="bank-import" class="row">
            <Csrf v={v} />
            <label>{t('bank.import.file')} <input type="file" name="file" accept=".csv,.xml,text/csv,application/xml" required /></label>
            <label>{t('bank.import.format')} <select name="format">
              <option value="csv">{t('bank.import.formatCsv')}</option>
              <option value="camt053">{t('bank.import.formatCamt')}</option>
            </select></label>
            <label>{t('bank.import.account')} <input name="account" maxlength={100} list="bank-accounts-list" /></label>
            <datalist id="bank-accounts-list">{accounts.map((a) => <option value={a} />)}</datalist>
            <label>{t('bank.import.currency')} <input name="currency" maxlength={3} pattern="[A-Za-z]{3}" size={4} /></label>
            <button type="submit" class="btn primary">{t('bank.import.submit')}</button>
          </form>
          {summary.length > 0 && (
            <form method="post" action="/finance/bank/match" id="bank-rematch" class="row">
              <Csrf v={v} />
              <button type="submit" class="btn">{t('bank.rematch')}</button>
              <span class="muted">{t('bank.rematch.hint')}</span>
            </form>
          )}
        </section>
      )}

      {summary.length > 0 && (
        <>
          <h2>{t('bank.lines')}</h2>
          <form method="get" action="/finance/bank" class="row" id="bank-filter">
            <select name="matched" aria-label={t('bank.filter.all')}>
              <option value="" selected={matched === ''}>{t('bank.filter.all')}</option>
              <option value="false" selected={matched === 'false'}>{t('bank.filter.unmatched')}</option>
              <option value="true" selected={matched === 'true'}>{t('bank.filter.matched')}</option>
            </select>
            <select name="account" aria-label={t('bank.account')}>
              <option value="">{t('bank.allAccounts')}</option>
              {accounts.map((a) => <option value={a} selected={a === account}>{a}</option>)}
            </select>
            <button type="submit" class="btn">{t('inbox.apply')}</button>
          </form>
          {page.items.length === 0 ? <p class="muted">{t('bank.noneHere')}</p> : (
            <div class="table-wrap">
              <table id="bank-lines">
                <thead><tr><th scope="col">{t('bank.date')}</th><th scope="col">{t('bank.account')}</th><th scope="col" class="num">{t('bank.amount')}</th>
                  <th scope="col">{t('bank.reference')}</th><th scope="col">{t('bank.description')}</th><th scope="col">{t('bank.matchedTo')}</th>{write && <th scope="col"></th>}</tr></thead>
                <tbody>
                  {page.items.map((l) => (
                    <tr data-line={l.id} data-reference={l.reference ?? ''} data-matched={l.matchedTo ? 'true' : 'false'}>
                      <td>{v.i18n.date(l.bookingDate)}</td><td class="mono">{l.account}</td><td class="num">{money(l.amountMinor, l.currency)}</td>
                      <td class="mono">{l.reference ?? ''}</td><td>{l.description ?? ''}</td>
                      <td><MatchCell v={v} line={l} /></td>
                      {write && (
                        <td>{l.matchedTo ? (
                          <form method="post" action={`/finance/bank/lines/${l.id}/unmatch`} data-unmatch-form={l.id}>
                            <Csrf v={v} /><input type="hidden" name="back" value={back} />
                            <button type="submit" class="btn">{t('bank.unmatch')}</button>
                          </form>
                        ) : <MatchForm v={v} line={l} candidates={candidates.get(l.id) ?? []} back={back} />}</td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager id="lines" first={cursor ? back : null} next={page.nextCursor ? `/finance/bank?${filter ? `${filter}&` : ''}cursor=${encodeURIComponent(page.nextCursor)}` : null}
            firstLabel={t('bank.first')} nextLabel={t('bank.next')} />
        </>
      )}
    </Layout>,
    status,
  );
}

/** A failed form: the notice names what went wrong in the reader's language. */
function failure(v: View, err: unknown): { notice: Notice; status: 400 | 409 } {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  const text = err.code === 'already_matched' ? v.i18n.t('bank.error.lineMatched') : err.code === 'target_matched' ? v.i18n.t('bank.error.targetMatched') : failureText(v, err);
  return { notice: { tone: 'bad', text }, status: err.status === 409 ? 409 : 400 };
}

/** Back to the filter the person was on (only paths of this screen). */
const backTo = (x: unknown) => {
  const s = str(x);
  return s === '/finance/bank' || s.startsWith('/finance/bank?') ? s : '/finance/bank';
};
const withDone = (path: string, done: string) => `${path}${path.includes('?') ? '&' : '?'}${done}`;

const DONE: Record<string, 'bank.notice.matched' | 'bank.notice.unmatched'> = { matched: 'bank.notice.matched', unmatched: 'bank.notice.unmatched' };

function doneNotice(c: Context<UiEnv>): Notice | undefined {
  const v = view(c);
  const done = c.req.query('done') ?? '';
  const n = (k: string) => Math.max(0, Number(c.req.query(k)) || 0);
  if (done === 'imported') return { tone: 'ok', text: v.i18n.t('bank.notice.imported', { lines: n('lines'), stored: n('stored'), skipped: n('skipped'), matched: n('matched') }) };
  if (done === 'rematched') return { tone: 'ok', text: v.i18n.t('bank.notice.rematched', { matched: n('matched') }) };
  const k = DONE[done];
  return k ? { tone: 'ok', text: v.i18n.t(k) } : undefined;
}

export function bankRoutes(ui: Hono<UiEnv>): void {
  ui.get('/finance/bank', (c) => renderBank(c, doneNotice(c)));
  ui.post('/finance/bank/import', async (c) => {
    assertMayWrite(c, '/api/v1/bank-statements/import');
    const f = await c.req.parseBody();
    const file = f.file;
    if (!(file instanceof File) || file.size === 0) return renderBank(c, { tone: 'bad', text: view(c).i18n.t('bank.import.noFile') }, 400);
    try {
      const r = await importBankStatement(c.get('ctx'), {
        format: str(f.format) || 'csv', account: str(f.account) || undefined, currency: str(f.currency).toUpperCase() || undefined,
      }, await file.text());
      return c.redirect(`/finance/bank?done=imported&lines=${r.lines}&stored=${r.stored}&skipped=${r.skipped}&matched=${r.matched}`, 303);
    } catch (err) {
      const { notice, status } = failure(view(c), err);
      // The CSV's row errors name the rows: say which, not only that some failed.
      if (err instanceof ValidationError) notice.text = `${notice.text} (${err.errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ')})`;
      return renderBank(c, notice, status);
    }
  });
  ui.post('/finance/bank/match', async (c) => {
    assertMayWrite(c, '/api/v1/bank-statements/match');
    const done = await matchBankLines(c.get('ctx'));
    return c.redirect(`/finance/bank?done=rematched&matched=${done.length}`, 303);
  });
  ui.post('/finance/bank/lines/:id/match', async (c) => {
    assertMayWrite(c, '/api/v1/bank-statements/lines/x/match');
    const f = await c.req.parseBody();
    const [field, id] = str(f.target).split(':');
    try {
      await matchBankLine(c.get('ctx'), c.req.param('id')!, field && id ? { [field]: id } : {});
    } catch (err) {
      const { notice, status } = failure(view(c), err);
      return renderBank(c, notice, status);
    }
    return c.redirect(withDone(backTo(f.back), 'done=matched'), 303);
  });
  ui.post('/finance/bank/lines/:id/unmatch', async (c) => {
    assertMayWrite(c, '/api/v1/bank-statements/lines/x/unmatch');
    const f = await c.req.parseBody();
    try {
      await unmatchBankLine(c.get('ctx'), c.req.param('id')!);
    } catch (err) {
      const { notice, status } = failure(view(c), err);
      return renderBank(c, notice, status);
    }
    return c.redirect(withDone(backTo(f.back), 'done=unmatched'), 303);
  });
}
