import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { AppEnv } from '../api/env';
import { toProblem } from '../api/problem';
import { NotFoundError } from '../errors';
import { assetRoutes } from './assets';
import type { UiEnv } from './env';
import { csrfProtection, isHtmx, localeMiddleware, refuseNul, requireSession } from './middleware';
import { navItems, registerUiModule, uiModules } from './nav';
import { connectionRoutes } from './pages/connections';
import { customerRoutes } from './pages/customers';
import { dashboardRoutes } from './pages/dashboard';
import { renderError } from './pages/error';
import { eventRoutes } from './pages/events';
import { financeRoutes } from './pages/finance';
import { inboxRoutes } from './pages/inbox';
import { loginRoutes, logoutRoute } from './pages/login';
import { orderRoutes } from './pages/order';
import { payablesRoutes } from './pages/payables';
import { bankRoutes } from './pages/bank';
import { receivablesRoutes } from './pages/receivables';
import { purchasingRoutes } from './pages/purchasing';
import { statementRoutes } from './pages/statements';
import { stockRoutes } from './pages/stock';
import { orderSalesRoutes } from './pages/order-sales';
import { salesRoutes } from './pages/sales';
import { productRoutes } from './pages/products';
import { warehouseRoutes } from './pages/warehouses';
import { adminRoutes, profileRoutes } from './pages/admin';

let coreRegistered = false;
/** The screens of this module; stock and finance register theirs the same way (see nav.ts). */
function registerCore(): void {
  if (coreRegistered) return;
  coreRegistered = true;
  registerUiModule({ nav: { href: '/', label: 'nav.inbox', order: 10 }, routes: (ui) => { inboxRoutes(ui); orderRoutes(ui); } });
  registerUiModule({ nav: { href: '/dashboard', label: 'nav.dashboard', order: 20 }, routes: dashboardRoutes });
  registerUiModule({ nav: { href: '/stock', label: 'nav.stock', order: 30 }, routes: stockRoutes });
  registerUiModule({ nav: { href: '/sales', label: 'nav.sales', order: 35 }, routes: (ui) => { salesRoutes(ui); orderSalesRoutes(ui); } });
  registerUiModule({ nav: { href: '/products', label: 'ui.nav.products', order: 32 }, routes: productRoutes });
  registerUiModule({ nav: { href: '/warehouses', label: 'ui.nav.warehouses', order: 34 }, routes: warehouseRoutes });
  registerUiModule({ nav: { href: '/finance', label: 'nav.finance', order: 40 }, routes: financeRoutes });
  registerUiModule({ nav: { href: '/purchasing', label: 'nav.purchasing', order: 50 }, routes: purchasingRoutes });
  // Statements, receivables, budgets and rates live under /finance (the Finance nav entry).
  registerUiModule({ routes: statementRoutes });
  registerUiModule({ routes: payablesRoutes });
  registerUiModule({ routes: bankRoutes });
  registerUiModule({ routes: receivablesRoutes });
  registerUiModule({ nav: { href: '/customers', label: 'nav.customers', order: 25 }, routes: customerRoutes });
  registerUiModule({ nav: { href: '/connections', label: 'nav.connections', order: 80 }, routes: connectionRoutes });
  registerUiModule({ nav: { href: '/events', label: 'nav.events', order: 90 }, routes: eventRoutes });
  registerUiModule({ nav: { href: '/admin', label: 'nav.admin', order: 95, adminOnly: true }, routes: adminRoutes });
  registerUiModule({ routes: profileRoutes });
}

/** Paths the UI answers; everything else (API, webhooks, docs) never runs the UI middleware. */
function isUiPath(path: string): boolean {
  if (path === '/' || path === '/login' || path === '/logout' || path === '/profile' || path.startsWith('/ui/') || path.startsWith('/orders/')) return true;
  return navItems().some((n) => n.href !== '/' && (path === n.href || path.startsWith(`${n.href}/`)));
}

const only = (mw: MiddlewareHandler<UiEnv>, skip: (path: string) => boolean = () => false): MiddlewareHandler<UiEnv> =>
  async (c, next) => (isUiPath(c.req.path) && !skip(c.req.path) ? mw(c, next) : next());

const PUBLIC = (path: string) => path === '/login' || path.startsWith('/ui/assets/') || path.startsWith('/ui/locale/');

/** Mounts the web UI on the app: login, inbox, order detail, connections, dead letters, dashboard. */
export function mountUi(app: OpenAPIHono<AppEnv>): void {
  registerCore();
  const ui = new Hono<UiEnv>();
  assetRoutes(ui);
  ui.use('*', only(localeMiddleware(), (p) => p.startsWith('/ui/assets/')));
  loginRoutes(ui);
  ui.use('*', only(requireSession(), PUBLIC));
  ui.use('*', only(csrfProtection(), PUBLIC));
  ui.use('*', only(refuseNul(), (p) => p.startsWith('/ui/assets/')));
  logoutRoute(ui);
  for (const m of uiModules()) m.routes?.(ui);
  // A screen's address that no page answers (a mistyped or stale link) is a page, not the API's JSON.
  ui.get('*', (c, next) => {
    if (!isUiPath(c.req.path)) return next();
    throw new NotFoundError('page', c.req.path);
  });
  ui.onError((err, c) => renderError(c as Context<UiEnv>, err, toProblem(err), isHtmx(c)));
  app.route('/', ui as unknown as Hono<AppEnv>);
}
