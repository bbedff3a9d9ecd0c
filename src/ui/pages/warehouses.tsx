import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { listConnections, type ConnectionView } from '../../connections/manage-connections';
import { AppError, ValidationError } from '../../errors';
import { updateWarehouse } from '../../inventory/update-warehouse';
import { createWarehouse, listWarehouses, resolveWarehouse, type Warehouse } from '../../inventory/warehouses';
import { Badge, Csrf, Layout } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { failureText } from './stock';
import { NoticeLine, type Notice } from '../components/notice';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const canWrite = (v: View) => v.principal?.role === 'admin' || v.principal?.role === 'operator';
const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

/** The warehouse form as the verbs take it: "every channel" is null, else the ticked connections. */
function readWarehouseForm(f: Record<string, unknown>): Record<string, unknown> {
  const num = (k: string) => (str(f[k]) === '' ? undefined : Number(str(f[k])));
  return {
    name: str(f.name), priority: num('priority'), region: str(f.region) || null, active: f.active === 'on',
    leadTimeDays: num('leadTimeDays'), allowedConnectionIds: f.channels === 'some' ? list(f.connectionIds) : null,
  };
}

const WarehouseFields: FC<{ v: View; w?: Partial<Warehouse>; conns: ConnectionView[]; create?: boolean }> = ({ v, w = {}, conns, create }) => {
  const { t } = v.i18n;
  const some = Array.isArray(w.allowedConnectionIds);
  const p = create ? 'nw' : 'ew';
  return (
    <>
      <div class="form-grid">
        {create && (
          <div class="field">
            <label for={`${p}-code`}>{t('ui.warehouses.code')} *</label>
            <input id={`${p}-code`} name="code" required maxlength={64} pattern="[A-Za-z0-9_.\-]+" value={w.code ?? ''} aria-describedby={`${p}-code-hint`} />
            <p class="hint" id={`${p}-code-hint`}>{t('ui.warehouses.codeHint')}</p>
          </div>
        )}
        <div class="field"><label for={`${p}-name`}>{t('connections.name')} *</label><input id={`${p}-name`} name="name" required maxlength={200} value={w.name ?? ''} /></div>
        <div class="field">
          <label for={`${p}-priority`}>{t('ui.warehouses.priority')}</label>
          <input id={`${p}-priority`} name="priority" type="number" min="0" step="1" value={w.priority ?? 100} aria-describedby={`${p}-priority-hint`} />
          <p class="hint" id={`${p}-priority-hint`}>{t('ui.warehouses.priorityHint')}</p>
        </div>
        <div class="field"><label for={`${p}-region`}>{t('ui.warehouses.region')}</label><input id={`${p}-region`} name="region" maxlength={100} value={w.region ?? ''} /></div>
        <div class="field"><label for={`${p}-lead`}>{t('ui.products.leadTime')}</label><input id={`${p}-lead`} name="leadTimeDays" type="number" min="0" max="365" step="1" value={w.leadTimeDays ?? 7} /></div>
      </div>
      <div class="checks"><label><input type="checkbox" name="active" checked={w.active ?? true} /> {t('ui.products.active')}</label></div>
      <fieldset class="checks">
        <legend>{t('ui.warehouses.fulfils')}</legend>
        <label><input type="radio" name="channels" value="all" checked={!some} /> {t('ui.warehouses.allChannels')}</label>
        <label><input type="radio" name="channels" value="some" checked={some} /> {t('ui.warehouses.onlyThese')}</label>
      </fieldset>
      <fieldset class="checks">
        <legend class="sr-only">{t('ui.warehouses.onlyThese')}</legend>
        {conns.map((c) => (
          <label><input type="checkbox" name="connectionIds" value={c.id} checked={some && (w.allowedConnectionIds ?? []).includes(c.id)} /> {c.name}</label>
        ))}
      </fieldset>
    </>
  );
};

const WarehousesPage: FC<{ v: View; items: Warehouse[]; conns: ConnectionView[]; notice?: Notice; draft?: Partial<Warehouse> }> = ({ v, items, conns, notice, draft }) => {
  const { t, number } = v.i18n;
  const names = new Map(conns.map((c) => [c.id, c.name]));
  return (
    <Layout v={v} title={t('ui.warehouses.title')}>
      <h1>{t('ui.warehouses.title')}</h1>
      <NoticeLine notice={notice} />
      <div class="table-wrap">
        {items.length === 0 ? <p class="empty">{t('ui.warehouses.empty')}</p> : (
          <table id="warehouses">
            <thead>
              <tr>
                <th scope="col">{t('ui.warehouses.code')}</th><th scope="col">{t('connections.name')}</th><th scope="col" class="num">{t('ui.warehouses.priority')}</th>
                <th scope="col">{t('ui.warehouses.region')}</th><th scope="col">{t('ui.warehouses.fulfils')}</th><th scope="col">{t('field.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr data-code={w.code}>
                  <td class="mono"><a href={`/warehouses/${encodeURIComponent(w.code)}`}>{w.code}</a></td>
                  <td>{w.name}</td>
                  <td class="num">{number(w.priority)}</td>
                  <td>{w.region ?? ''}</td>
                  <td class="small">{w.allowedConnectionIds === null ? t('ui.warehouses.allChannels') : w.allowedConnectionIds.map((id) => names.get(id) ?? id.slice(0, 8)).join(', ') || t('ui.warehouses.noChannel')}</td>
                  <td><Badge v={v} kind="activeState" value={w.active ? 'active' : 'inactive'} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {canWrite(v) && (
        <form method="post" action="/warehouses" class="panel" style="margin-top:1rem" aria-labelledby="new-wh-h">
          <h2 id="new-wh-h" style="margin-top:0">{t('ui.warehouses.new')}</h2>
          <Csrf v={v} />
          <WarehouseFields v={v} w={draft} conns={conns} create />
          <button type="submit" class="btn primary">{t('ui.warehouses.create')}</button>
        </form>
      )}
    </Layout>
  );
};

const WarehousePage: FC<{ v: View; w: Warehouse; conns: ConnectionView[]; notice?: Notice }> = ({ v, w, conns, notice }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={`${w.code} · ${w.name}`}>
      <p class="small"><a href="/warehouses">← {t('ui.warehouses.title')}</a></p>
      <div class="row">
        <h1>{`${w.code} · ${w.name}`}</h1>
        <Badge v={v} kind="activeState" value={w.active ? 'active' : 'inactive'} />
        <span class="spacer"></span>
        <a class="btn" href={`/stock?warehouse=${encodeURIComponent(w.code)}`}>{t('nav.stock')}</a>
      </div>
      <NoticeLine notice={notice} />
      {canWrite(v) ? (
        <form method="post" action={`/warehouses/${encodeURIComponent(w.code)}`} class="panel" aria-labelledby="edit-wh-h">
          <h2 id="edit-wh-h" style="margin-top:0">{t('ui.warehouses.edit')}</h2>
          <Csrf v={v} />
          <WarehouseFields v={v} w={w} conns={conns} />
          <button type="submit" class="btn primary">{t('connections.save')}</button>
        </form>
      ) : <p class="muted">{t('common.readOnly')}</p>}
    </Layout>
  );
};

async function renderList(c: Context<UiEnv>, notice?: Notice, status: 200 | 400 | 409 = 200, draft?: Partial<Warehouse>) {
  const ctx = c.get('ctx');
  const [items, conns] = await Promise.all([listWarehouses(ctx), listConnections(ctx)]);
  return c.html(<WarehousesPage v={view(c)} items={items.items} conns={conns} notice={notice} draft={draft} />, status);
}

async function renderOne(c: Context<UiEnv>, code: string, notice?: Notice, status: 200 | 400 = 200) {
  const ctx = c.get('ctx');
  const [w, conns] = await Promise.all([resolveWarehouse(ctx, code), listConnections(ctx)]);
  return c.html(<WarehousePage v={view(c)} w={w} conns={conns} notice={notice} />, status);
}

export function warehouseRoutes(ui: Hono<UiEnv>): void {
  ui.get('/warehouses', (c) => renderList(c));

  ui.post('/warehouses', async (c) => {
    assertMayWrite(c, '/api/v1/warehouses');
    const f = await c.req.parseBody({ all: true });
    const input = { code: str(f.code), ...readWarehouseForm(f) };
    try {
      const w = await createWarehouse(c.get('ctx'), input);
      return c.redirect(`/warehouses/${encodeURIComponent(w.code)}?done=created`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const v = view(c);
      const text = err.code === 'warehouse_exists' ? v.i18n.t('ui.warehouses.exists', { code: input.code }) : failureText(v, err);
      return renderList(c, { tone: 'bad', text }, err instanceof ValidationError ? 400 : 409, { code: input.code, name: str(f.name), region: str(f.region) || null });
    }
  });

  ui.get('/warehouses/:code', (c) => {
    const done = c.req.query('done');
    const t = c.get('i18n').t;
    const notice: Notice | undefined = done === 'created' ? { tone: 'ok', text: t('ui.warehouses.created') } : done === 'saved' ? { tone: 'ok', text: t('connections.saved') } : undefined;
    return renderOne(c, c.req.param('code'), notice);
  });

  ui.post('/warehouses/:code', async (c) => {
    assertMayWrite(c, '/api/v1/warehouses/x');
    const code = c.req.param('code');
    const f = await c.req.parseBody({ all: true });
    try {
      await updateWarehouse(c.get('ctx'), code, readWarehouseForm(f));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderOne(c, code, { tone: 'bad', text: failureText(view(c), err) }, 400);
    }
    return c.redirect(`/warehouses/${encodeURIComponent(code)}?done=saved`, 303);
  });
}
