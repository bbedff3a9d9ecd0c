import type { Hono } from 'hono';
import type { MessageKey } from '../i18n/index';
import type { UiEnv } from './env';

/**
 * The extension point for screens that live in other modules (stock, finance): each registers its
 * nav entry and its routes here, and the shell (layout + auth + i18n + CSRF) serves them like its own.
 * @example registerUiModule({ nav: { href: '/stock', label: 'nav.stock', order: 30 }, routes: (ui) => ui.get('/stock', stockPage) })
 */
export interface NavItem {
  href: string;
  /** A catalogue key; add it to every language. */
  label: MessageKey;
  order: number;
  /** Shown to admins only (the pages check the role themselves too). */
  adminOnly?: boolean;
}

export interface UiModule {
  nav?: NavItem;
  routes?: (ui: Hono<UiEnv>) => void;
}

const modules: UiModule[] = [];

export function registerUiModule(m: UiModule): void {
  modules.push(m);
}

export function uiModules(): readonly UiModule[] {
  return modules;
}

export function navItems(): NavItem[] {
  return modules.flatMap((m) => (m.nav ? [m.nav] : [])).sort((a, b) => a.order - b.order);
}

/** The nav item a path belongs to: the longest href that prefixes it ("/" only for the inbox itself and orders). */
export function activeNav(path: string): string | undefined {
  if (path === '/' || path.startsWith('/orders')) return '/';
  return navItems()
    .map((n) => n.href)
    .filter((h) => h !== '/' && (path === h || path.startsWith(`${h}/`)))
    .sort((a, b) => b.length - a.length)[0];
}
