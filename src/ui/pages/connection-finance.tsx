import type { FC } from 'hono/jsx';
import { principalAllowed } from '../../api/auth';
import type { ConnectionView } from '../../connections/manage-connections';
import { ValidationError } from '../../errors';
import type { FinanceSettings } from '../../finance/settings';
import { Csrf } from '../components/layout';
import type { View } from '../env';

const ACCOUNTING_TYPES: ReadonlySet<string> = new Set(['xero', 'quickbooks']);

export interface FinancePanelData {
  settings: FinanceSettings;
  /** Xero and QuickBooks connections journals can go to. */
  accounting: ConnectionView[];
  errors?: Record<string, string>;
  /** The form as sent, when it is shown again with errors. */
  form?: Record<string, string | string[]>;
}

export const accountingConnections = (all: ConnectionView[]) => all.filter((c) => ACCOUNTING_TYPES.has(c.type) && c.status !== 'archived');

/** "2.9" → 290 basis points, exactly (no float arithmetic); null for a blank field. */
export function percentToBps(text: string): number | null {
  const s = text.trim().replace(',', '.');
  if (s === '') return null;
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) throw new ValidationError([{ path: 'feePercent', message: 'a percentage with at most two decimals, such as 2.9' }]);
  const bps = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (bps > 10_000) throw new ValidationError([{ path: 'feePercent', message: 'at most 100 percent' }]);
  return bps;
}

/** 290 → "2.9". */
export const bpsToPercent = (bps: number) => `${Math.floor(bps / 100)}${bps % 100 ? `.${String(bps % 100).padStart(2, '0').replace(/0$/, '')}` : ''}`;

const int = (form: Record<string, unknown>, name: string, path: string): number => {
  const raw = typeof form[name] === 'string' ? (form[name] as string).trim() : '';
  if (!/^\d+$/.test(raw)) throw new ValidationError([{ path, message: 'a whole number, 0 or more' }]);
  return Number(raw);
};

/**
 * The finance settings the form edits, on top of the current ones (what the form does not show, such
 * as booked rates and the order connections a payout may settle, is kept as it was).
 */
export function readFinanceForm(current: FinanceSettings, form: Record<string, unknown>, accounting: ConnectionView[]): unknown {
  const bps = percentToBps(typeof form.feePercent === 'string' ? form.feePercent : '');
  const targets = ([] as unknown[]).concat(form.target ?? []).filter((x): x is string => typeof x === 'string');
  return {
    ...current,
    payoutPollSeconds: int(form, 'payoutPollSeconds', 'payoutPollSeconds'),
    settlementWindowDays: int(form, 'settlementWindowDays', 'settlementWindowDays'),
    journalMode: form.journalMode,
    rules: {
      ...current.rules,
      amountToleranceMinor: int(form, 'amountToleranceMinor', 'rules.amountToleranceMinor'),
      dateWindowDays: int(form, 'dateWindowDays', 'rules.dateWindowDays'),
      feeSchedule: bps === null ? null : {
        percentBps: bps,
        fixedMinor: int(form, 'feeFixedMinor', 'rules.feeSchedule.fixedMinor'),
        toleranceMinor: int(form, 'feeToleranceMinor', 'rules.feeSchedule.toleranceMinor'),
      },
    },
    accountingTargets: accounting.filter((a) => targets.includes(a.id)).map((a) => ({ target: a.type, connectionId: a.id })),
  };
}

/** Validation errors of the settings, keyed by the form field that holds the value. */
export function financeFieldErrors(err: ValidationError): Record<string, string> {
  const field: Record<string, string> = {
    'rules.amountToleranceMinor': 'amountToleranceMinor', 'rules.dateWindowDays': 'dateWindowDays',
    'rules.feeSchedule.percentBps': 'feePercent', 'rules.feeSchedule.fixedMinor': 'feeFixedMinor',
    'rules.feeSchedule.toleranceMinor': 'feeToleranceMinor',
  };
  const out: Record<string, string> = {};
  for (const e of err.errors) out[field[e.path] ?? e.path.split('.')[0]!] ??= e.message;
  return out;
}

/** The connection's payouts: pull now, how often, and the rules its payouts are reconciled and posted by. */
export const FinancePanel: FC<{ v: View; conn: ConnectionView; data: FinancePanelData }> = ({ v, conn, data }) => {
  const { t } = v.i18n;
  const { settings: s, errors = {}, form } = data;
  const fee = s.rules.feeSchedule;
  // Shown again after an error: what the person typed; otherwise the stored settings.
  const value = (name: string, stored: string) => (form && typeof form[name] === 'string' ? (form[name] as string) : stored);
  const canPull = principalAllowed(v.principal, 'POST', '/api/v1/payouts/pull');
  const canSave = principalAllowed(v.principal, 'PUT', `/api/v1/finance/settings/${conn.id}`);
  const targets = new Set(form ? ([] as string[]).concat(form.target ?? []) : s.accountingTargets.map((x) => x.connectionId));
  const Field: FC<{ name: string; label: string; hint?: string; stored: string; inputmode?: 'numeric' | 'decimal' }> = ({ name, label, hint, stored, inputmode = 'numeric' }) => (
    <div class="field">
      <label for={`fin-${name}`}>{label}</label>
      <input id={`fin-${name}`} name={name} inputmode={inputmode} value={value(name, stored)} disabled={!canSave}
        aria-invalid={errors[name] ? 'true' : undefined} aria-describedby={hint ? `fin-${name}-hint` : undefined} />
      {hint && <p class="hint" id={`fin-${name}-hint`}>{hint}</p>}
      {errors[name] && <p class="error" role="alert">{errors[name]}</p>}
    </div>
  );
  return (
    <section class="panel" id="payouts-panel" style="margin-top:1rem" aria-labelledby="payouts-h">
      <div class="row">
        <h2 id="payouts-h" style="margin:0">{t('ui.conn.payouts')}</h2>
        <span class="spacer"></span>
        <a href={`/finance?connectionId=${conn.id}`}>{t('ui.conn.seePayouts')}</a>
        {canPull && conn.status === 'active' && (
          <form method="post" action={`/connections/${conn.id}/payouts/pull`}><Csrf v={v} /><button class="btn" type="submit">{t('ui.conn.pullPayouts')}</button></form>
        )}
      </div>
      {Object.keys(errors).length > 0 && <p class="notice bad" role="alert">{t('connections.fixErrors')}</p>}
      <form method="post" action={`/connections/${conn.id}/finance`} id="finance-settings" novalidate>
        <Csrf v={v} />
        <Field name="payoutPollSeconds" label={t('ui.conn.payoutPoll')} hint={t('ui.conn.payoutPollHint')} stored={String(s.payoutPollSeconds)} />
        <Field name="feePercent" label={t('ui.conn.feePercent')} hint={t('ui.conn.feePercentHint')} stored={fee ? bpsToPercent(fee.percentBps) : ''} inputmode="decimal" />
        <Field name="feeFixedMinor" label={t('ui.conn.feeFixed')} hint={t('ui.conn.feeFixedHint')} stored={String(fee?.fixedMinor ?? 0)} />
        <Field name="feeToleranceMinor" label={t('ui.conn.feeTolerance')} stored={String(fee?.toleranceMinor ?? 0)} />
        <Field name="amountToleranceMinor" label={t('ui.conn.amountTolerance')} stored={String(s.rules.amountToleranceMinor)} />
        <Field name="dateWindowDays" label={t('ui.conn.dateWindow')} stored={String(s.rules.dateWindowDays)} />
        <Field name="settlementWindowDays" label={t('ui.conn.settlementWindow')} hint={t('ui.conn.settlementWindowHint')} stored={String(s.settlementWindowDays)} />
        <div class="field">
          <label for="fin-journalMode">{t('ui.conn.journalMode')}</label>
          <select id="fin-journalMode" name="journalMode" disabled={!canSave}>
            {(['summary', 'per_order'] as const).map((m) => <option value={m} selected={value('journalMode', s.journalMode) === m}>{v.i18n.tEnum('journalMode', m)}</option>)}
          </select>
        </div>
        <fieldset class="row-set">
          <legend>{t('ui.conn.accountingTargets')}</legend>
          {data.accounting.length === 0 ? <p class="hint">{t('ui.conn.noAccountingConnections')}</p> : (
            <div class="checks">
              {data.accounting.map((a) => (
                <label><input type="checkbox" name="target" value={a.id} checked={targets.has(a.id)} disabled={!canSave} /> {a.name} <span class="muted small">({v.i18n.tEnum('accountingTarget', a.type)})</span></label>
              ))}
            </div>
          )}
        </fieldset>
        {canSave && <button type="submit" class="btn primary">{t('ui.conn.saveFinance')}</button>}
      </form>
    </section>
  );
};
