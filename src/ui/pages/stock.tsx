import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { listConnections } from '../../connections/manage-connections';
import { AppError, ValidationError } from '../../errors';
import { adjustStock } from '../../inventory/adjust-stock';
import { createListing, listListings, updateListing, type Listing } from '../../inventory/listings';
import { listMovements, listStock } from '../../inventory/query-stock';
import { stockAlerts } from '../../inventory/stock-alerts';
import { createTransfer, receiveTransfer } from '../../inventory/transfer-stock';
import { listWarehouses, type Warehouse } from '../../inventory/warehouses';
import type { StockLevel } from '../../inventory/adjust-stock';
import { actorNames } from '../../auth/actor-names';
import { Actor, Csrf, Layout, Time } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { NoticeLine, type Notice } from '../components/notice';

type Movement = Awaited<ReturnType<typeof listMovements>>['items'][number];
type Alert = Awaited<ReturnType<typeof stockAlerts>>['items'][number];


/** A verb's 4xx failure in the reader's language: which fields were wrong, or why the stock refused. */
export function failureText(v: View, err: AppError): string {
  const { t } = v.i18n;
  if (err instanceof ValidationError) return t('form.invalid', { fields: err.errors.map((e) => e.path).join(', ') });
  if (err.code === 'insufficient_stock') return t('stock.insufficient');
  if (err.status === 404) return t('form.notFound', { detail: err.message });
  return err.message;
}

const signed = (v: View, n: number) => (n > 0 ? `+${v.i18n.number(n)}` : n < 0 ? `−${v.i18n.number(-n)}` : '0');

const WarehouseSelect: FC<{ v: View; id: string; name: string; label: string; warehouses: Warehouse[]; selected?: string; any?: boolean }> = ({ v, id, name, label, warehouses, selected, any }) => (
  <div class="field">
    <label for={id}>{label}</label>
    <select id={id} name={name} required={!any}>
      {any && <option value="">{v.i18n.t('inbox.filter.any')}</option>}
      {warehouses.map((w) => <option value={w.code} selected={selected === w.code}>{`${w.code} · ${w.name}`}</option>)}
    </select>
  </div>
);

interface StockPageProps {
  v: View;
  sku?: string;
  warehouse?: string;
  /** Names of the keys and users behind the movements' actors. */
  actors: ReadonlyMap<string, string>;
  levels: StockLevel[];
  alerts: Alert[];
  listings: Listing[];
  names: Map<string, string>;
  movements: Movement[];
  nextCursor: string | null;
  /** The next page of stock levels (a catalogue larger than one page). */
  levelsCursor: string | null;
  warehouses: Warehouse[];
  /** Connections a SKU may be listed on (active or paused). */
  connections: Array<{ id: string; name: string }>;
  notice?: Notice;
}

const StockPage: FC<StockPageProps> = ({ v, sku, warehouse, levels, levelsCursor, alerts, listings, names, actors, movements, nextCursor, warehouses, connections, notice }) => {
  const { t, number } = v.i18n;
  const canWrite = v.principal?.role === 'admin' || v.principal?.role === 'operator';
  const here = new URLSearchParams({ ...(sku ? { sku } : {}), ...(warehouse ? { warehouse } : {}) });
  return (
    <Layout v={v} title={t('stock.title')}>
      <h1>{t('stock.title')}</h1>
      <NoticeLine notice={notice} />
      <form method="get" action="/stock" class="filters" role="search">
        <div class="field">
          <label for="f-sku">{t('field.sku')}</label>
          <input id="f-sku" name="sku" value={sku ?? ''} />
        </div>
        <WarehouseSelect v={v} id="f-warehouse" name="warehouse" label={t('stock.warehouse')} warehouses={warehouses} selected={warehouse} any />
        <div class="field"><button type="submit" class="btn">{t('inbox.apply')}</button> <a href="/stock">{t('inbox.clear')}</a></div>
      </form>

      <section aria-labelledby="levels-h">
        <h2 id="levels-h">{t('stock.levels')}</h2>
        {levels.length === 0 ? <p class="muted">{t('stock.noLevels')}</p> : (
          <div class="table-wrap">
            <table id="stock-levels">
              <thead>
                <tr>
                  <th scope="col">{t('field.sku')}</th><th scope="col">{t('stock.warehouse')}</th>
                  <th scope="col" class="num">{t('stock.onHand')}</th><th scope="col" class="num">{t('stock.reserved')}</th>
                  <th scope="col" class="num">{t('stock.available')}</th><th scope="col" class="num">{t('stock.incoming')}</th>
                </tr>
              </thead>
              <tbody>
                {levels.map((l) => (
                  <tr data-sku={l.sku} data-warehouse={l.warehouse}>
                    <td class="mono"><a href={`/stock?sku=${encodeURIComponent(l.sku)}`}>{l.sku}</a></td>
                    <td>{l.warehouse}</td>
                    <td class="num" data-col="onHand">{number(l.onHand)}</td>
                    <td class="num" data-col="reserved">{number(l.reserved)}</td>
                    <td class="num" data-col="available">{number(l.available)}</td>
                    <td class="num" data-col="incoming">{number(l.incoming)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {levelsCursor && (
          <p class="pager"><span></span><a class="btn" rel="next" id="levels-next" href={`/stock?${new URLSearchParams([...here, ['levels', levelsCursor]])}#levels-h`}>{t('stock.moreLevels')}</a></p>
        )}
      </section>

      {canWrite && (
        <div class="detail" style="margin-top:1rem">
          <form method="post" action="/stock/adjust" class="panel" aria-labelledby="adjust-h">
            <h2 id="adjust-h" style="margin-top:0">{t('stock.adjust')}</h2>
            <Csrf v={v} />
            {/* One key per rendered form: a double submit counts once. */}
            <input type="hidden" name="key" value={randomUUID()} />
            <div class="field"><label for="a-sku">{t('field.sku')}</label><input id="a-sku" name="sku" required value={sku ?? ''} /></div>
            <WarehouseSelect v={v} id="a-warehouse" name="warehouse" label={t('stock.warehouse')} warehouses={warehouses} selected={warehouse} />
            <div class="field">
              <label for="a-delta">{t('stock.delta')}</label>
              <input id="a-delta" name="delta" type="number" step="1" required />
              <p class="hint">{t('stock.deltaHint')}</p>
            </div>
            <div class="field">
              <label for="a-kind">{t('stock.kind')}</label>
              <select id="a-kind" name="kind" aria-describedby="a-kind-hint">
                {(['adjustment', 'receipt', 'return', 'opening'] as const).map((k) => <option value={k}>{v.i18n.tEnum('movementKind', k)}</option>)}
              </select>
              <p class="hint" id="a-kind-hint">{t('stock.kindHint')}</p>
            </div>
            <div class="field"><label for="a-reason">{t('stock.reason')}</label><input id="a-reason" name="reason" required maxlength={500} /></div>
            <button type="submit" class="btn primary">{t('stock.adjustSubmit')}</button>
          </form>
          <form method="post" action="/stock/transfer" class="panel" aria-labelledby="transfer-h">
            <h2 id="transfer-h" style="margin-top:0">{t('stock.transfer')}</h2>
            <Csrf v={v} />
            <input type="hidden" name="key" value={randomUUID()} />
            <div class="field"><label for="t-sku">{t('field.sku')}</label><input id="t-sku" name="sku" required value={sku ?? ''} /></div>
            <WarehouseSelect v={v} id="t-from" name="from" label={t('stock.from')} warehouses={warehouses} selected={warehouse} />
            {/* The destination starts on another warehouse than the source: a transfer to itself is refused. */}
            <WarehouseSelect v={v} id="t-to" name="to" label={t('stock.to')} warehouses={warehouses}
              selected={warehouses.find((w) => w.code !== (warehouse ?? warehouses[0]?.code))?.code} />
            <div class="field"><label for="t-quantity">{t('order.quantity')}</label><input id="t-quantity" name="quantity" type="number" min="1" step="1" required /></div>
            <button type="submit" class="btn primary">{t('stock.transferSubmit')}</button>
          </form>
        </div>
      )}

      <section aria-labelledby="alerts-h">
        <h2 id="alerts-h">{t('stock.alerts')}</h2>
        {alerts.length === 0 ? <p class="muted">{t('stock.noAlerts')}</p> : (
          <div class="table-wrap">
            <table id="stock-alerts">
              <thead>
                <tr>
                  <th scope="col">{t('field.sku')}</th><th scope="col">{t('stock.warehouse')}</th>
                  <th scope="col" class="num">{t('stock.available')}</th><th scope="col" class="num">{t('stock.incoming')}</th>
                  <th scope="col" class="num">{t('stock.reorderPoint')}</th><th scope="col" class="num">{t('stock.suggested')}</th>
                </tr>
              </thead>
              <tbody>
                {alerts.map((a) => (
                  <tr>
                    <td class="mono"><a href={`/stock?sku=${encodeURIComponent(a.sku)}`}>{a.sku}</a></td><td>{a.warehouse}</td>
                    <td class="num">{number(a.available)}</td><td class="num">{number(a.incoming)}</td>
                    <td class="num">{number(a.reorderPoint)}</td><td class="num">{number(a.suggestedOrderQuantity)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="listings-h" id="listings">
        <h2 id="listings-h">{t('stock.listings')}</h2>
        {listings.length === 0 ? <p class="muted">{t(sku ? 'stock.noListings' : 'stock.noListingsAtAll')}</p> : (
          <div class="table-wrap">
            <table id="stock-listings">
              <thead>
                <tr>
                  <th scope="col">{t('field.sku')}</th><th scope="col">{t('events.connection')}</th>
                  <th scope="col">{t('ui.listings.policy')}</th><th scope="col" class="num">{t('stock.lastPushed')}</th>
                  <th scope="col">{t('stock.lastPushedAt')}</th><th scope="col">{t('events.error')}</th>
                </tr>
              </thead>
              <tbody>
                {listings.map((l) => (
                  <tr data-listing={l.id} data-sku={l.sku}>
                    <td class="mono">{l.sku}</td>
                    <td><a href={`/connections/${l.connectionId}`}>{names.get(l.connectionId) ?? l.connectionId.slice(0, 8)}</a></td>
                    <td>
                      {canWrite ? (
                        <form method="post" action={`/stock/listings/${l.id}`} class="listing-form">
                          <Csrf v={v} />
                          <input type="hidden" name="back" value={sku ?? ''} />
                          <label>{t('stock.buffer')} <input name="buffer" type="number" min="0" step="1" value={l.buffer} /></label>
                          <label>{t('ui.listings.cap')} <input name="cap" type="number" min="0" step="1" value={l.cap ?? ''} placeholder={t('ui.listings.none')} /></label>
                          <label>{t('ui.listings.share')} <input name="sharePercent" type="number" min="0" max="100" step="1" value={l.sharePercent ?? ''} placeholder="100" /></label>
                          <button type="submit" class="btn">{t('connections.save')}</button>
                        </form>
                      ) : (
                        <span class="small">{t('ui.listings.policyText', { buffer: number(l.buffer), cap: l.cap === null ? '—' : number(l.cap), share: l.sharePercent ?? 100 })}</span>
                      )}
                    </td>
                    <td class="num" data-col="lastPushed">{l.lastPushedQuantity === null ? '—' : number(l.lastPushedQuantity)}</td>
                    <td>{l.lastPushedAt ? <Time v={v} at={l.lastPushedAt} relative /> : t('connections.never')}</td>
                    <td class="small tone-text-bad">{l.pushError ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canWrite && connections.length > 0 && (
          <form method="post" action="/stock/listings" class="panel listing-form" style="margin-top:.75rem" aria-labelledby="add-listing-h">
            <h3 id="add-listing-h" style="margin:0 1rem 0 0">{t('ui.listings.add')}</h3>
            <Csrf v={v} />
            <label>{t('field.sku')} <input name="sku" required value={sku ?? ''} /></label>
            <label>{t('events.connection')}{' '}
              <select name="connectionId" required>
                {connections.map((c) => <option value={c.id}>{c.name}</option>)}
              </select>
            </label>
            <label>{t('stock.buffer')} <input name="buffer" type="number" min="0" step="1" value="0" /></label>
            <label>{t('ui.listings.cap')} <input name="cap" type="number" min="0" step="1" placeholder={t('ui.listings.none')} /></label>
            <label>{t('ui.listings.share')} <input name="sharePercent" type="number" min="0" max="100" step="1" placeholder="100" /></label>
            <button type="submit" class="btn primary">{t('ui.listings.addSubmit')}</button>
          </form>
        )}
      </section>

      <section aria-labelledby="movements-h">
        <h2 id="movements-h">{t('stock.movements')}</h2>
        {movements.length === 0 ? <p class="muted">{t('stock.noMovements')}</p> : (
          <div class="table-wrap">
            <table id="stock-movements">
              <thead>
                <tr>
                  <th scope="col">{t('stock.when')}</th><th scope="col">{t('field.sku')}</th><th scope="col">{t('stock.warehouse')}</th>
                  <th scope="col">{t('stock.kind')}</th><th scope="col" class="num">{t('stock.onHand')}</th>
                  <th scope="col" class="num">{t('stock.reserved')}</th><th scope="col" class="num">{t('stock.incoming')}</th>
                  <th scope="col">{t('stock.reason')}</th><th scope="col" aria-label={t('events.actions')}></th>
                </tr>
              </thead>
              <tbody>
                {movements.map((m) => (
                  <tr data-kind={m.kind}>
                    <td><Time v={v} at={m.createdAt} relative /></td>
                    <td class="mono">{m.sku}</td>
                    <td>{m.warehouse}</td>
                    <td>{v.i18n.tEnum('movementKind', m.kind)}</td>
                    <td class="num">{signed(v, m.onHandDelta)}</td>
                    <td class="num">{signed(v, m.reservedDelta)}</td>
                    <td class="num">{signed(v, m.incomingDelta)}</td>
                    <td class="small">
                      {m.reason ?? ''}
                      {m.orderId && <a href={`/orders/${m.orderId}`}>{t('stock.order')}</a>}
                      {m.actor && <span class="sub"><Actor actor={m.actor} names={actors} /></span>}
                    </td>
                    <td>
                      {canWrite && m.kind === 'incoming' && m.transferId && (
                        <form method="post" action={`/stock/transfers/${m.transferId}/receive`}>
                          <Csrf v={v} />
                          <input type="hidden" name="sku" value={m.sku} />
                          <button type="submit" class="btn">{t('stock.receive')}</button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {nextCursor && (
          <p class="pager"><span></span><a class="btn" rel="next" href={`/stock?${new URLSearchParams([...here, ['cursor', nextCursor]])}`}>{t('inbox.nextPage')}</a></p>
        )}
      </section>
    </Layout>
  );
};

const clean = (s: string | undefined) => (s && s.trim() ? s.trim().slice(0, 200) : undefined);

async function renderStock(c: Context<UiEnv>, notice?: Notice, status: 200 | 400 | 404 | 409 = 200, over: { sku?: string; warehouse?: string } = {}) {
  const ctx = c.get('ctx');
  const sku = over.sku ?? clean(c.req.query('sku'));
  const warehouse = over.warehouse ?? clean(c.req.query('warehouse'));
  const cursor = clean(c.req.query('cursor'));
  const [levels, alerts, listings, movements, warehouses, conns] = await Promise.all([
    listStock(ctx, { sku, warehouse, cursor: clean(c.req.query('levels')), limit: 500 }),
    stockAlerts(ctx, { sku }),
    listListings(ctx, { sku }),
    listMovements(ctx, { sku, warehouse, cursor: cursor && /^\d+$/.test(cursor) ? cursor : undefined, limit: 50 }),
    listWarehouses(ctx),
    listConnections(ctx, { includeArchived: true }),
  ]);
  const names = new Map(conns.map((x) => [x.id, x.name]));
  const actors = await actorNames(ctx, movements.items.map((m) => m.actor));
  return c.html(
    <StockPage v={view(c)} actors={actors} sku={sku} warehouse={warehouse} levels={levels.items} levelsCursor={levels.nextCursor} alerts={alerts.items} listings={listings.items}
      names={names} movements={movements.items} nextCursor={movements.nextCursor} warehouses={warehouses.items}
      connections={conns.filter((x) => x.status !== 'archived' && x.type !== 'manual')} notice={notice} />,
    status,
  );
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
/** A form number: an empty or non-numeric field stays NaN so the verb names it as invalid. */
const int = (v: unknown) => (str(v).trim() === '' ? Number.NaN : Number(str(v)));

export function stockRoutes(ui: Hono<UiEnv>): void {
  ui.get('/stock', (c) => renderStock(c, noticeFromQuery(c)));

  ui.post('/stock/adjust', async (c) => {
    assertMayWrite(c, '/api/v1/stock/adjustments');
    const f = await c.req.parseBody();
    const input = { sku: str(f.sku).trim(), warehouse: str(f.warehouse), delta: int(f.delta), kind: str(f.kind) || 'adjustment', reason: str(f.reason) };
    try {
      await adjustStock(c.get('ctx'), input, str(f.key) ? `ui:${str(f.key)}` : undefined);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderStock(c, { tone: 'bad', text: failureText(view(c), err) }, err.status as 400, { sku: input.sku || undefined });
    }
    return c.redirect(`/stock?sku=${encodeURIComponent(input.sku)}&done=adjusted`, 303);
  });

  ui.post('/stock/transfer', async (c) => {
    assertMayWrite(c, '/api/v1/stock/transfers');
    const f = await c.req.parseBody();
    const input = { sku: str(f.sku).trim(), from: str(f.from), to: str(f.to), quantity: int(f.quantity) };
    try {
      await createTransfer(c.get('ctx'), input, str(f.key) ? `ui:${str(f.key)}` : undefined);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderStock(c, { tone: 'bad', text: failureText(view(c), err) }, err.status as 400, { sku: input.sku || undefined });
    }
    return c.redirect(`/stock?sku=${encodeURIComponent(input.sku)}&done=transferred`, 303);
  });

  ui.post('/stock/listings', async (c) => {
    assertMayWrite(c, '/api/v1/listings');
    const f = await c.req.parseBody();
    const input = { sku: str(f.sku).trim(), connectionId: str(f.connectionId), ...readPolicy(f) };
    try {
      await createListing(c.get('ctx'), input);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const text = err.code === 'listing_exists' ? view(c).i18n.t('ui.listings.exists') : failureText(view(c), err);
      return renderStock(c, { tone: 'bad', text }, err.status as 400, { sku: input.sku || undefined });
    }
    return c.redirect(`/stock?sku=${encodeURIComponent(input.sku)}&done=listed#listings`, 303);
  });

  ui.post('/stock/listings/:id', async (c) => {
    assertMayWrite(c, '/api/v1/listings/x');
    const f = await c.req.parseBody();
    const back = str(f.back).trim();
    try {
      await updateListing(c.get('ctx'), c.req.param('id'), readPolicy(f));
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderStock(c, { tone: 'bad', text: failureText(view(c), err) }, err.status as 400, { sku: back || undefined });
    }
    return c.redirect(`/stock?${back ? `sku=${encodeURIComponent(back)}&` : ''}done=listingSaved#listings`, 303);
  });

  ui.post('/stock/transfers/:id/receive', async (c) => {
    assertMayWrite(c, '/api/v1/stock/transfers/x/receive');
    const f = await c.req.parseBody();
    const sku = str(f.sku);
    try {
      await receiveTransfer(c.get('ctx'), c.req.param('id'));
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderStock(c, { tone: 'bad', text: err.code === 'transfer_received' ? view(c).i18n.t('stock.alreadyReceived') : failureText(view(c), err) }, err.status as 409, { sku: sku || undefined });
    }
    return c.redirect(`/stock?${sku ? `sku=${encodeURIComponent(sku)}&` : ''}done=received`, 303);
  });
}

const DONE = { adjusted: 'stock.adjusted', transferred: 'stock.transferred', received: 'stock.received', listed: 'ui.listings.added', listingSaved: 'ui.listings.saved' } as const;

/** A listing's push policy from the form: an empty cap or share means "none" (null), an empty buffer 0. */
function readPolicy(f: Record<string, unknown>) {
  const opt = (k: string) => (str(f[k]).trim() === '' ? null : int(f[k]));
  return { buffer: str(f.buffer).trim() === '' ? 0 : int(f.buffer), cap: opt('cap'), sharePercent: opt('sharePercent') };
}
function noticeFromQuery(c: Context<UiEnv>): Notice | undefined {
  const done = c.req.query('done');
  if (!done || !(done in DONE)) return undefined;
  return { tone: 'ok', text: c.get('i18n').t(DONE[done as keyof typeof DONE]) };
}
