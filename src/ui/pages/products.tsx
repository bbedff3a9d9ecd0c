import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { fromMinor, MoneyFormatError, toMinor } from '../../domain/money';
import { AppError, ValidationError } from '../../errors';
import { listListings } from '../../inventory/listings';
import { createProduct, listProducts, type Product } from '../../inventory/products';
import { stockTotals } from '../../inventory/query-stock';
import { getProduct, updateProduct } from '../../inventory/update-product';
import { Badge, Csrf, Layout } from '../components/layout';
import type { UiEnv, View } from '../env';
import { assertMayWrite, view } from '../middleware';
import { failureText } from './stock';
import { NoticeLine, type Notice } from '../components/notice';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const canWrite = (v: View) => v.principal?.role === 'admin' || v.principal?.role === 'operator';

/** The product form's fields as the verbs take them; a malformed number stays NaN so the verb names the field. */
function readProductForm(f: Record<string, unknown>): Record<string, unknown> {
  const currency = str(f.currency).toUpperCase();
  const cost = str(f.unitCost);
  let unitCostMinor: number | null = null;
  if (cost) {
    try {
      unitCostMinor = toMinor(cost, currency || 'USD');
    } catch (err) {
      if (!(err instanceof MoneyFormatError)) throw err;
      unitCostMinor = Number.NaN;
    }
  }
  const int = (k: string) => (str(f[k]) === '' ? null : Number(str(f[k])));
  return {
    title: str(f.title), barcode: str(f.barcode) || null, unitCostMinor, currency: cost ? currency || null : null,
    weightGrams: int('weightGrams'), leadTimeDays: int('leadTimeDays'), active: f.active === 'on' || f.active === 'true',
  };
}

const ProductFields: FC<{ v: View; p?: Partial<Product>; create?: boolean }> = ({ v, p = {}, create }) => {
  const { t } = v.i18n;
  const cost = p.unitCostMinor != null && p.currency ? fromMinor(p.unitCostMinor, p.currency) : '';
  return (
    <>
      <div class="form-grid">
        {create && <div class="field"><label for="p-sku">{t('field.sku')} *</label><input id="p-sku" name="sku" required maxlength={200} value={p.sku ?? ''} /></div>}
        <div class="field"><label for="p-title">{t('ui.products.productTitle')} *</label><input id="p-title" name="title" required maxlength={1000} value={p.title ?? ''} /></div>
        <div class="field"><label for="p-barcode">{t('ui.products.barcode')}</label><input id="p-barcode" name="barcode" maxlength={64} value={p.barcode ?? ''} /></div>
        <div class="field">
          <label for="p-cost">{t('ui.products.unitCost')}</label>
          <input id="p-cost" name="unitCost" inputmode="decimal" pattern="[0-9]+([.][0-9]+)?" value={cost} aria-describedby="p-cost-hint" />
          <p class="hint" id="p-cost-hint">{t('ui.products.unitCostHint')}</p>
        </div>
        <div class="field"><label for="p-currency">{t('ui.products.currency')}</label><input id="p-currency" name="currency" maxlength={3} pattern="[A-Za-z]{3}" value={p.currency ?? ''} placeholder="USD" /></div>
        <div class="field"><label for="p-weight">{t('ui.products.weight')}</label><input id="p-weight" name="weightGrams" type="number" min="0" step="1" value={p.weightGrams ?? ''} /></div>
        <div class="field"><label for="p-lead">{t('ui.products.leadTime')}</label><input id="p-lead" name="leadTimeDays" type="number" min="0" max="365" step="1" value={p.leadTimeDays ?? ''} /></div>
      </div>
      <div class="checks"><label><input type="checkbox" name="active" checked={p.active ?? true} /> {t('ui.products.active')}</label></div>
    </>
  );
};

type Totals = Awaited<ReturnType<typeof stockTotals>>;

const ProductsPage: FC<{ v: View; items: Product[]; stock: Totals; q?: string; nextCursor: string | null; notice?: Notice; draft?: Partial<Product> }> = ({ v, items, stock, q, nextCursor, notice, draft }) => {
  const { t, money, number } = v.i18n;
  return (
    <Layout v={v} title={t('ui.products.title')}>
      <h1>{t('ui.products.title')}</h1>
      <NoticeLine notice={notice} />
      <form method="get" action="/products" class="filters" role="search">
        <div class="field search"><label for="f-q">{t('ui.products.search')}</label><input id="f-q" name="q" value={q ?? ''} type="search" /></div>
        <div class="field"><button type="submit" class="btn">{t('inbox.apply')}</button> <a href="/products">{t('inbox.clear')}</a></div>
      </form>
      <div class="table-wrap">
        {items.length === 0 ? <p class="empty">{t('ui.products.empty')}</p> : (
          <table id="products">
            <thead>
              <tr>
                <th scope="col">{t('field.sku')}</th><th scope="col">{t('ui.products.productTitle')}</th><th scope="col">{t('ui.products.barcode')}</th>
                <th scope="col" class="num">{t('ui.products.unitCost')}</th><th scope="col" class="num">{t('ui.products.weight')}</th>
                <th scope="col" class="num">{t('stock.onHand')}</th><th scope="col" class="num">{t('stock.available')}</th><th scope="col">{t('field.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr data-sku={p.sku}>
                  <td class="mono"><a href={`/products/${encodeURIComponent(p.sku)}`}>{p.sku}</a></td>
                  <td>{p.title}</td>
                  <td class="mono">{p.barcode ?? ''}</td>
                  <td class="num">{p.unitCostMinor != null && p.currency ? money(p.unitCostMinor, p.currency) : '—'}</td>
                  <td class="num">{p.weightGrams != null ? t('ui.products.grams', { n: number(p.weightGrams) }) : '—'}</td>
                  {/* Over all warehouses; the stock screen has the per-warehouse split. */}
                  <td class="num" data-col="onHand">{stock.has(p.sku) ? <a href={`/stock?sku=${encodeURIComponent(p.sku)}`}>{number(stock.get(p.sku)!.onHand)}</a> : '—'}</td>
                  <td class="num" data-col="available">{stock.has(p.sku) ? number(stock.get(p.sku)!.available) : '—'}</td>
                  <td><Badge v={v} kind="activeState" value={p.active ? 'active' : 'inactive'} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {nextCursor && <p class="pager"><span></span><a class="btn" rel="next" href={`/products?${new URLSearchParams({ ...(q ? { q } : {}), cursor: nextCursor })}`}>{t('inbox.nextPage')}</a></p>}
      {canWrite(v) && (
        <form method="post" action="/products" class="panel" style="margin-top:1rem" aria-labelledby="new-product-h">
          <h2 id="new-product-h" style="margin-top:0">{t('ui.products.new')}</h2>
          <Csrf v={v} />
          <ProductFields v={v} p={draft} create />
          <button type="submit" class="btn primary">{t('ui.products.create')}</button>
        </form>
      )}
    </Layout>
  );
};

type Listing = Awaited<ReturnType<typeof listListings>>['items'][number];
const ProductPage: FC<{ v: View; p: Product; listings: Listing[]; notice?: Notice; draft?: Partial<Product> }> = ({ v, p, listings, notice, draft }) => {
  const { t } = v.i18n;
  return (
    <Layout v={v} title={`${p.sku} · ${p.title}`}>
      <p class="small"><a href="/products">← {t('ui.products.title')}</a></p>
      <div class="row">
        <h1 class="mono">{p.sku}</h1>
        <Badge v={v} kind="activeState" value={p.active ? 'active' : 'inactive'} />
        <span class="spacer"></span>
        <a class="btn" href={`/stock?sku=${encodeURIComponent(p.sku)}`}>{t('ui.products.stockAndListings', { count: listings.length })}</a>
        <a class="btn" href={`/purchasing/compare?${new URLSearchParams({ sku: p.sku, quantity: '1' })}`}>{t('purchasingForms.comparePrices')}</a>
      </div>
      <NoticeLine notice={notice} />
      {canWrite(v) ? (
        <form method="post" action={`/products/${encodeURIComponent(p.sku)}`} class="panel" aria-labelledby="edit-product-h">
          <h2 id="edit-product-h" style="margin-top:0">{t('ui.products.edit')}</h2>
          <Csrf v={v} />
          <ProductFields v={v} p={{ ...p, ...draft }} />
          <button type="submit" class="btn primary">{t('connections.save')}</button>
        </form>
      ) : <p class="muted">{t('common.readOnly')}</p>}
    </Layout>
  );
};

async function renderList(c: Context<UiEnv>, notice?: Notice, status: 200 | 400 | 409 = 200, draft?: Partial<Product>) {
  const q = str(c.req.query('q')).slice(0, 200) || undefined;
  const cursor = str(c.req.query('cursor')).slice(0, 200) || undefined;
  const res = await listProducts(c.get('ctx'), { q, cursor, limit: 50 });
  const stock = await stockTotals(c.get('ctx'), res.items.map((p) => p.sku));
  return c.html(<ProductsPage v={view(c)} items={res.items} stock={stock} q={q} nextCursor={res.nextCursor} notice={notice} draft={draft} />, status);
}

async function renderOne(c: Context<UiEnv>, sku: string, notice?: Notice, status: 200 | 400 = 200, draft?: Partial<Product>) {
  const ctx = c.get('ctx');
  const p = await getProduct(ctx, sku);
  const listings = await listListings(ctx, { sku });
  return c.html(<ProductPage v={view(c)} p={p} listings={listings.items} notice={notice} draft={draft} />, status);
}

/** A draft from the posted form, so a refused form comes back as the person typed it. */
const draftOf = (f: Record<string, unknown>): Partial<Product> => ({
  sku: str(f.sku), title: str(f.title), barcode: str(f.barcode) || null, currency: str(f.currency).toUpperCase() || null,
  active: f.active === 'on',
});

export function productRoutes(ui: Hono<UiEnv>): void {
  ui.get('/products', (c) => renderList(c, c.req.query('done') === 'created' ? { tone: 'ok', text: c.get('i18n').t('ui.products.created') } : undefined));

  ui.post('/products', async (c) => {
    assertMayWrite(c, '/api/v1/products');
    const f = await c.req.parseBody();
    const input = { sku: str(f.sku), ...readProductForm(f) };
    try {
      const p = await createProduct(c.get('ctx'), input);
      return c.redirect(`/products/${encodeURIComponent(p.sku)}?done=created`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const v = view(c);
      const text = err.code === 'product_exists' ? v.i18n.t('ui.products.exists', { sku: input.sku }) : failureText(v, err);
      return renderList(c, { tone: 'bad', text }, err instanceof ValidationError ? 400 : 409, draftOf(f));
    }
  });

  ui.get('/products/:sku', (c) => {
    const done = c.req.query('done');
    const t = c.get('i18n').t;
    const notice: Notice | undefined = done === 'created' ? { tone: 'ok', text: t('ui.products.created') } : done === 'saved' ? { tone: 'ok', text: t('connections.saved') } : undefined;
    return renderOne(c, c.req.param('sku'), notice);
  });

  ui.post('/products/:sku', async (c) => {
    assertMayWrite(c, '/api/v1/products/x');
    const sku = c.req.param('sku');
    const f = await c.req.parseBody();
    try {
      await updateProduct(c.get('ctx'), sku, readProductForm(f));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderOne(c, sku, { tone: 'bad', text: failureText(view(c), err) }, 400, draftOf(f));
    }
    return c.redirect(`/products/${encodeURIComponent(sku)}?done=saved`, 303);
  });
}
