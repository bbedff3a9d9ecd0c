import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { Connector } from '../../../connectors/kit/connector';
import {
  archiveConnection, createConnection, getConnection, listConnections, listSyncRuns, requestSync, updateConnection, type ConnectionView,
} from '../../connections/manage-connections';
import { connectionHealth, type ConnectionHealth } from '../../connections/connection-health';
import { ValidationError } from '../../errors';
import { zonedDayStart } from '../../i18n/format';
import { listRawEvents } from '../../inbox/raw-event-queries';
import { Badge, Csrf, Layout, Time } from '../components/layout';
import { readSchemaForm, SchemaFields, type JsonSchemaObject } from '../components/schema-form';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { DeadLetterTable } from './events';
import { accountingConnections, FinancePanel, financeFieldErrors, readFinanceForm, type FinancePanelData } from './connection-finance';
import { PAYOUT_TYPES, queuePayoutPull } from '../../finance/pull-payouts';
import { getFinanceSettings, setFinanceSettings } from '../../finance/settings';

/** Connector types people can add, with their config schema as JSON Schema (what GET /api/v1/connectors serves). */
function connectorTypes(c: Context<UiEnv>) {
  return c.get('ctx').connectorList()
    .filter((k) => k.type !== 'manual')
    .map((k: Connector<any>) => ({
      type: k.type, label: k.label, channel: k.channel, secretFields: [...k.secretFields],
      schema: z.toJSONSchema(k.configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject,
      webhooks: !!k.verifyWebhook, pull: !!k.pullOrders,
    }));
}
type ConnectorType = ReturnType<typeof connectorTypes>[number];

/** Validation errors keyed by form field (`config.x` → x, `name` → name). */
function fieldErrors(err: ValidationError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of err.errors) out[e.path.replace(/^config\./, '')] ??= e.message;
  return out;
}

/** Lag in the reader's words: "3 minutes" style from the relative formatter, amber past an hour, red past a day. */
const Lag: FC<{ v: View; h?: ConnectionHealth }> = ({ v, h }) => {
  if (!h || h.lagSeconds === null || !h.lastSyncAt) return <span class="muted">{v.i18n.t('connections.never')}</span>;
  const tone = h.lagSeconds > 86400 ? 'tone-text-bad' : h.lagSeconds > 3600 ? 'tone-text-warn' : '';
  return <time class={tone} datetime={h.lastSyncAt} title={v.i18n.dateTime(h.lastSyncAt)}>{v.i18n.relative(h.lastSyncAt)}</time>;
};

/** The newest run's state; an active backfill shows its progress (pages and orders so far). */
const RunState: FC<{ v: View; h?: ConnectionHealth }> = ({ v, h }) => {
  const { t, number } = v.i18n;
  const run = h?.activeRun ?? h?.lastRun;
  if (!run) return <span class="muted">—</span>;
  return (
    <span>
      <Badge v={v} kind="syncStatus" value={run.status} /> <span class="small">{v.i18n.tEnum('syncKind', run.kind)}</span>
      <span class="sub">{t('ui.conn.progress', { pages: run.pages, orders: run.ordersSeen })}</span>
    </span>
  );
};

const ConnectionsList: FC<{ v: View; items: ConnectionView[]; health: Map<string, ConnectionHealth>; types: ConnectorType[] }> = ({ v, items, health, types }) => {
  const { t } = v.i18n;
  const label = (type: string) => types.find((x) => x.type === type)?.label ?? type;
  return (
    <Layout v={v} title={t('connections.title')}>
      <div class="row">
        <h1>{t('connections.title')}</h1>
        <span class="spacer"></span>
        <a class="btn primary" href="/connections/new">{t('connections.add')}</a>
      </div>
      <div class="table-wrap">
        {items.length === 0 ? <p class="empty">{t('connections.empty')}</p> : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('connections.name')}</th><th scope="col">{t('connections.type')}</th>
                <th scope="col">{t('field.status')}</th><th scope="col">{t('connections.lastSync')}</th>
                <th scope="col">{t('ui.conn.lastRun')}</th><th scope="col">{t('connections.problems')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((x) => (
                <tr>
                  <td><a class="order-no" href={`/connections/${x.id}`}>{x.name}</a></td>
                  <td>{label(x.type)}</td>
                  <td><Badge v={v} kind="connectionStatus" value={x.status} /></td>
                  <td>{x.supportsPull ? <Lag v={v} h={health.get(x.id)} /> : <span class="muted">{t('ui.conn.webhooksOnly')}</span>}</td>
                  <td><RunState v={v} h={health.get(x.id)} /></td>
                  <td>
                    <Problems v={v} conn={x} h={health.get(x.id)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Layout>
  );
};

/** The rate-limit state in words, with a gauge per budget the connection's calls use. */
const RateLimit: FC<{ v: View; h?: ConnectionHealth; gauges?: boolean }> = ({ v, h, gauges }) => {
  const { t, number } = v.i18n;
  const paused = Math.max(0, ...(h?.rateBuckets ?? []).map((b) => b.pausedForMs));
  const state = h?.rateLimit ?? 'ok';
  return (
    <>
      {state === 'paused' && <><Badge v={v} kind="syncStatus" value="retrying" /> <span class="small">{t('ui.conn.paused', { seconds: Math.ceil(paused / 1000) })}</span></>}
      {state === 'throttled' && <><Badge v={v} kind="syncStatus" value="retrying" /> <span class="small">{t('ui.conn.throttled')}</span></>}
      {state === 'low' && <span class="small tone-text-warn">{t('ui.conn.rateLow')}</span>}
      {state === 'ok' && t('ui.conn.rateOk')}
      {gauges && (h?.rateBuckets ?? []).length > 0 && (
        <ul class="rate-buckets">
          {(h?.rateBuckets ?? []).map((b) => (
            <li>
              <label class="small">
                <code>{b.key}</code>{' '}
                <meter min={0} max={b.capacity} low={b.capacity / 5} optimum={b.capacity} value={b.available}>{number(Math.floor(b.available))}</meter>{' '}
                {t('ui.conn.bucket', { available: number(Math.floor(b.available)), capacity: number(b.capacity), rate: number(b.refillPerSecond) })}
              </label>
            </li>
          ))}
        </ul>
      )}
    </>
  );
};

const Problems: FC<{ v: View; conn: ConnectionView; h?: ConnectionHealth }> = ({ v, conn, h }) => {
  const { t } = v.i18n;
  const items = [
    conn.statusReason && <div class="small tone-text-bad">{conn.statusReason}</div>,
    h && h.rateLimit !== 'ok' && <div><RateLimit v={v} h={h} /></div>,
    (h?.failedRuns24h ?? 0) > 0 && <div class="small tone-text-bad">{t('ui.conn.failedRuns', { count: h?.failedRuns24h ?? 0 })}</div>,
    (h?.deadLetters ?? 0) > 0 && <div><a href={`/connections/${conn.id}#dead-letters`}>{t('connections.deadLetters', { count: h?.deadLetters ?? 0 })}</a></div>,
  ].filter(Boolean);
  return items.length ? <>{items}</> : <span class="muted">—</span>;
};

const TypeChooser: FC<{ v: View; types: ConnectorType[] }> = ({ v, types }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={t('connections.add')}>
      <p class="small"><a href="/connections">← {t('connections.title')}</a></p>
      <h1>{t('connections.chooseType')}</h1>
      <ul class="counts" style="max-width:30rem">
        {types.map((k) => (
          <li class="panel" style="margin-bottom:.5rem">
            <a href={`/connections/new?type=${encodeURIComponent(k.type)}`}><strong>{k.label}</strong></a>
            <div class="small muted">{[k.webhooks && t('connections.supportsWebhooks'), k.pull && t('connections.supportsPull')].filter(Boolean).join(' · ')}</div>
          </li>
        ))}
      </ul>
    </Layout>
  );
};

const ConnectionForm: FC<{ v: View; type: ConnectorType; action: string; name?: string; conn?: ConnectionView; errors?: Record<string, string>; values?: Record<string, unknown> }> = ({ v, type, action, name, conn, errors = {}, values }) => {
  const { t } = v.i18n;
  return (
    <form method="post" action={action} class="panel" novalidate={false}>
      <Csrf v={v} />
      <input type="hidden" name="type" value={type.type} />
      {Object.keys(errors).length > 0 && <p class="notice bad" role="alert">{t('connections.fixErrors')}</p>}
      <div class="field">
        <label for="name">{t('connections.name')} *</label>
        <input id="name" name="name" required maxlength={200} value={name ?? conn?.name ?? ''} aria-invalid={errors.name ? 'true' : undefined} />
        {errors.name && <p class="error" role="alert">{errors.name}</p>}
      </div>
      <SchemaFields v={v} connectorType={type.type} schema={type.schema} secretFields={type.secretFields} values={values ?? conn?.config} secretsSet={conn?.secretsSet} errors={errors} />
      <button type="submit" class="btn primary">{conn ? t('connections.save') : t('connections.create')}</button>
    </form>
  );
};

const NewConnection: FC<{ v: View; type: ConnectorType; errors?: Record<string, string>; name?: string; values?: Record<string, unknown> }> = ({ v, type, errors, name, values }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={t('connections.addType', { label: type.label })}>
      <p class="small"><a href="/connections/new">← {t('connections.chooseType')}</a></p>
      <h1>{t('connections.addType', { label: type.label })}</h1>
      <div style="max-width:36rem"><ConnectionForm v={v} type={type} action="/connections" errors={errors} name={name} values={values} /></div>
    </Layout>
  );
};

type SyncRun = Awaited<ReturnType<typeof listSyncRuns>>[number];
type RawEventItem = Awaited<ReturnType<typeof listRawEvents>>['items'][number];

/** The live part of a connection's health: polled by htmx every few seconds while a run is queued or running. */
export const SyncProgress: FC<{ v: View; conn: ConnectionView; h?: ConnectionHealth; runs: SyncRun[] }> = ({ v, conn, h, runs }) => {
  const { t, number } = v.i18n;
  const active = h?.activeRun;
  return (
    <div id="sync-progress" hx-get={active ? `/connections/${conn.id}/progress` : undefined} hx-trigger={active ? 'every 2s' : undefined} hx-swap="outerHTML">
      <dl class="kv">
        <dt>{t('field.status')}</dt><dd><Badge v={v} kind="connectionStatus" value={conn.status} /></dd>
        <dt>{t('connections.lastSync')}</dt><dd>{conn.supportsPull ? <Lag v={v} h={h} /> : t('ui.conn.webhooksOnly')}</dd>
        <dt>{t('ui.conn.lastRun')}</dt><dd><RunState v={v} h={h} /></dd>
        <dt>{t('ui.conn.failures24h')}</dt><dd>{number(h?.failedRuns24h ?? 0)}</dd>
        <dt>{t('ui.conn.rateLimit')}</dt><dd><RateLimit v={v} h={h} gauges /></dd>
        <dt>{t('connections.deadLettersTitle')}</dt><dd>{number(h?.deadLetters ?? 0)}</dd>
      </dl>
      {active && (
        <div class="notice info" role="status" id="backfill-progress">
          {t('ui.conn.running', { kind: v.i18n.tEnum('syncKind', active.kind), pages: active.pages, orders: active.ordersSeen })}
          {active.since && <> · {t('ui.conn.since', { date: v.i18n.date(active.since) })}</>}
          {' '}<progress class="progress" aria-label={t('ui.conn.inProgress')}></progress>
        </div>
      )}
      <h2>{t('connections.syncRuns')}</h2>
      {runs.length === 0 ? <p class="muted">{t('connections.noRuns')}</p> : (
        <div class="table-wrap">
          <table id="sync-runs">
            <thead><tr><th scope="col">{t('connections.started')}</th><th scope="col">{t('connections.kind')}</th><th scope="col">{t('field.status')}</th><th scope="col" class="num">{t('ui.conn.pages')}</th><th scope="col" class="num">{t('connections.records')}</th><th scope="col">{t('connections.error')}</th></tr></thead>
            <tbody>
              {runs.slice(0, 10).map((r) => (
                <tr data-run={r.id} data-status={r.status}>
                  <td><Time v={v} at={r.startedAt ?? r.createdAt} relative /></td>
                  <td>{v.i18n.tEnum('syncKind', r.kind)}</td>
                  <td><Badge v={v} kind="syncStatus" value={r.status} /></td>
                  <td class="num">{number(r.pages)}</td>
                  <td class="num">{number(r.ordersSeen)}</td>
                  <td class="small">{r.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
};

const ConnectionDetail: FC<{ v: View; conn: ConnectionView; type?: ConnectorType; runs: SyncRun[]; dead: RawEventItem[]; health?: ConnectionHealth; errors?: Record<string, string>; notice?: string; values?: Record<string, unknown>; finance?: FinancePanelData }> = ({ v, conn, type, runs, dead, health, errors, notice, values, finance }) => {
  const { t } = v.i18n;
  const canWrite = v.principal?.role === 'admin' || v.principal?.role === 'operator';
  return (
    <Layout v={v} title={conn.name}>
      <p class="small"><a href="/connections">← {t('connections.title')}</a></p>
      <div class="row">
        <h1>{conn.name}</h1>
        <Badge v={v} kind="connectionStatus" value={conn.status} />
        <span class="spacer"></span>
        {canWrite && conn.supportsPull && (
          <form method="post" action={`/connections/${conn.id}/sync`}><Csrf v={v} /><button class="btn primary" type="submit">{t('connections.syncNow')}</button></form>
        )}
        {canWrite && conn.status !== 'archived' && (
          <form method="post" action={`/connections/${conn.id}/status`}>
            <Csrf v={v} />
            <input type="hidden" name="status" value={conn.status === 'active' ? 'paused' : 'active'} />
            <button class="btn" type="submit">{conn.status === 'active' ? t('connections.pause') : t('connections.resume')}</button>
          </form>
        )}
      </div>
      {notice && <p class="notice ok" role="status">{notice}</p>}
      {conn.statusReason && <p class="notice bad" role="alert">{conn.statusReason}</p>}
      <div class="detail">
        <div>
          <section class="panel">
            <h2 style="margin-top:0">{t('connections.health')}</h2>
            <SyncProgress v={v} conn={conn} h={health} runs={runs} />
            {canWrite && conn.supportsPull && conn.status === 'active' && (
              <form method="post" action={`/connections/${conn.id}/backfill`} class="listing-form" style="margin-top:1rem" aria-labelledby="backfill-h">
                <h3 id="backfill-h" style="margin:0 .5rem 0 0">{t('ui.conn.backfill')}</h3>
                <Csrf v={v} />
                <label>{t('ui.conn.backfillSince')} <input type="date" name="since" required /></label>
                <button type="submit" class="btn">{t('ui.conn.startBackfill')}</button>
              </form>
            )}
            {conn.supportsWebhooks && (
              <div class="field" style="margin-top:1rem">
                <label for="webhook-url">{t('connections.webhookUrl')}</label>
                <input id="webhook-url" readonly value={new URL(conn.webhookUrl, v.url.origin).toString()} class="mono" style="width:100%" onfocus="this.select()" aria-describedby="webhook-hint" />
                <p class="hint" id="webhook-hint">{t('connections.webhookHint')}</p>
              </div>
            )}
          </section>
          {finance && <FinancePanel v={v} conn={conn} data={finance} />}
          <section class="panel" id="dead-letters" style="margin-top:1rem">
            <h2 style="margin-top:0">{t('connections.deadLettersTitle')}</h2>
            <DeadLetterTable v={v} items={dead} canWrite={canWrite} />
          </section>
        </div>
        <div>
          <h2 style="margin-top:0">{t('connections.settings')}</h2>
          {type ? (canWrite ? <ConnectionForm v={v} type={type} action={`/connections/${conn.id}`} conn={conn} errors={errors} values={values} /> : <p class="muted">{t('common.readOnly')}</p>) : <p class="muted">{conn.type}</p>}
        </div>
      </div>
    </Layout>
  );
};

type DetailExtra = { errors?: Record<string, string>; notice?: string; values?: Record<string, unknown>; financeForm?: Pick<FinancePanelData, 'errors' | 'form'> };

async function detail(c: Context<UiEnv>, id: string, extra: DetailExtra = {}, status: 200 | 400 = 200) {
  const ctx = c.get('ctx');
  const conn = await getConnection(ctx, id);
  const [runs, dead, health] = await Promise.all([listSyncRuns(ctx, id, 10), listRawEvents(ctx, { status: 'failed', connectionId: id, limit: 50 }), connectionHealth(ctx)]);
  const type = connectorTypes(c).find((x) => x.type === conn.type);
  const h = health.items.find((x) => x.connectionId === id);
  // Payments connections: their payouts, how they are pulled, reconciled and posted.
  const finance = PAYOUT_TYPES.has(conn.type)
    ? { settings: await getFinanceSettings(ctx, id), accounting: accountingConnections(await listConnections(ctx)), ...extra.financeForm }
    : undefined;
  const { financeForm: _, ...rest } = extra;
  return c.html(<ConnectionDetail v={view(c)} conn={conn} type={type} runs={runs} dead={dead.items} health={h} finance={finance} {...rest} />, status);
}

export function connectionRoutes(ui: Hono<UiEnv>): void {
  ui.get('/connections', async (c) => {
    const ctx = c.get('ctx');
    const [items, health] = await Promise.all([listConnections(ctx), connectionHealth(ctx)]);
    return c.html(<ConnectionsList v={view(c)} items={items} health={new Map(health.items.map((h) => [h.connectionId, h]))} types={connectorTypes(c)} />);
  });

  ui.get('/connections/new', (c) => {
    const types = connectorTypes(c);
    const type = types.find((x) => x.type === c.req.query('type'));
    if (!type) return c.html(<TypeChooser v={view(c)} types={types} />);
    return c.html(<NewConnection v={view(c)} type={type} />);
  });

  ui.post('/connections', async (c) => {
    assertMayWrite(c, '/api/v1/connections');
    const form = await c.req.parseBody();
    const type = connectorTypes(c).find((x) => x.type === form.type);
    if (!type) return c.redirect('/connections/new', 303);
    const config = readSchemaForm(type.schema, form);
    const name = typeof form.name === 'string' ? form.name : '';
    try {
      const created = await createConnection(c.get('ctx'), { type: type.type, name, config });
      return c.redirect(`/connections/${created.id}?created=1`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Secrets are not echoed back into the form, even after a failed attempt.
      const values = Object.fromEntries(Object.entries(config).filter(([k]) => !type.secretFields.includes(k)));
      return c.html(<NewConnection v={view(c)} type={type} errors={fieldErrors(err)} name={name} values={values} />, 400);
    }
  });

  ui.get('/connections/:id', async (c) => {
    const { t } = c.get('i18n');
    const done = (['created', 'synced', 'backfill', 'saved', 'payouts', 'finance'] as const).find((k) => c.req.query(k));
    const notice = done && t(({ created: 'connections.created', synced: 'connections.syncQueued', backfill: 'ui.conn.backfillQueued', saved: 'connections.saved', payouts: 'ui.conn.payoutsQueued', finance: 'ui.conn.financeSaved' } as const)[done]);
    return detail(c, c.req.param('id'), { notice });
  });

  ui.post('/connections/:id', async (c) => {
    assertMayWrite(c, '/api/v1/connections');
    const id = c.req.param('id');
    const conn = await getConnection(c.get('ctx'), id);
    const type = connectorTypes(c).find((x) => x.type === conn.type);
    const form = await c.req.parseBody();
    const config = type ? readSchemaForm(type.schema, form) : undefined;
    try {
      await updateConnection(c.get('ctx'), id, { name: typeof form.name === 'string' ? form.name : undefined, config });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const values = Object.fromEntries(Object.entries(config ?? {}).filter(([k]) => !type?.secretFields.includes(k)));
      return detail(c, id, { errors: fieldErrors(err), values }, 400);
    }
    return c.redirect(`/connections/${id}?saved=1`, 303);
  });

  ui.post('/connections/:id/status', async (c) => {
    assertMayWrite(c, '/api/v1/connections');
    const form = await c.req.parseBody();
    const status = form.status === 'paused' ? 'paused' : 'active';
    await updateConnection(c.get('ctx'), c.req.param('id'), { status });
    return c.redirect(`/connections/${c.req.param('id')}?saved=1`, 303);
  });

  ui.post('/connections/:id/sync', async (c) => {
    assertMayWrite(c, '/api/v1/connections');
    await requestSync(c.get('ctx'), c.req.param('id'), { kind: 'incremental' });
    return c.redirect(`/connections/${c.req.param('id')}?synced=1`, 303);
  });

  // The live health block (htmx polls it while a sync or backfill runs).
  ui.get('/connections/:id/progress', async (c) => {
    const ctx = c.get('ctx');
    const id = c.req.param('id');
    const conn = await getConnection(ctx, id);
    const [runs, health] = await Promise.all([listSyncRuns(ctx, id, 10), connectionHealth(ctx)]);
    return c.html(<SyncProgress v={view(c)} conn={conn} h={health.items.find((x) => x.connectionId === id)} runs={runs} />);
  });

  // A backfill from a calendar day in the business time zone (as POST /api/v1/connections/{id}/sync with kind=backfill).
  ui.post('/connections/:id/backfill', async (c) => {
    assertMayWrite(c, '/api/v1/connections');
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const day = typeof form.since === 'string' ? form.since.trim() : '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) {
      throw new ValidationError([{ path: 'since', message: 'a date (YYYY-MM-DD) is required' }]);
    }
    await requestSync(c.get('ctx'), id, { kind: 'backfill', since: zonedDayStart(day, c.get('ctx').config.timezone).toISOString() });
    return c.redirect(`/connections/${id}?backfill=1`, 303);
  });

  // A payout pull now (as POST /api/v1/payouts/pull).
  ui.post('/connections/:id/payouts/pull', async (c) => {
    assertMayWrite(c, '/api/v1/payouts/pull');
    const id = c.req.param('id');
    await queuePayoutPull(c.get('ctx'), { connectionId: id });
    return c.redirect(`/connections/${id}?payouts=1`, 303);
  });

  // The finance settings form (as PUT /api/v1/finance/settings/{id}); what it does not show is kept.
  ui.post('/connections/:id/finance', async (c) => {
    const ctx = c.get('ctx');
    const id = c.req.param('id');
    assertMayWrite(c, `/api/v1/finance/settings/${id}`);
    const conn = await getConnection(ctx, id);
    if (!PAYOUT_TYPES.has(conn.type)) return c.redirect(`/connections/${id}`, 303);
    const form = await c.req.parseBody({ all: true });
    try {
      const input = readFinanceForm(await getFinanceSettings(ctx, id), form, accountingConnections(await listConnections(ctx)));
      await setFinanceSettings(ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const sent = Object.fromEntries(Object.entries(form).filter(([k]) => k !== '_csrf').map(([k, x]) => [k, Array.isArray(x) ? x.map(String) : String(x)]));
      return detail(c, id, { financeForm: { errors: financeFieldErrors(err), form: sent } }, 400);
    }
    return c.redirect(`/connections/${id}?finance=1`, 303);
  });

  ui.post('/connections/:id/archive', async (c) => {
    assertMayWrite(c, '/api/v1/connections');
    await archiveConnection(c.get('ctx'), c.req.param('id'));
    return c.redirect('/connections', 303);
  });
}
