import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { UiEnv } from './env';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Static files of the UI, read once: our CSS and script, and htmx from node_modules (no CDN). */
const files: Record<string, { body: string; type: string }> = {
  'app.css': { body: readFileSync(path.join(here, 'assets/app.css'), 'utf8'), type: 'text/css; charset=utf-8' },
  'app.js': { body: readFileSync(path.join(here, 'assets/app.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
  'favicon.svg': { body: readFileSync(path.join(here, 'assets/favicon.svg'), 'utf8'), type: 'image/svg+xml' },
  'htmx.min.js': { body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
};

/** Changes when any asset changes, so URLs can be cached for a year. */
export const ASSET_VERSION = createHash('sha256')
  .update(Object.values(files).map((f) => f.body).join('\0'))
  .digest('hex')
  .slice(0, 10);

export function assetRoutes(ui: Hono<UiEnv>): void {
  ui.get('/ui/assets/:name', (c) => {
    const f = Object.hasOwn(files, c.req.param('name')) ? files[c.req.param('name')] : undefined;
    if (!f) return c.text('not found', 404);
    const immutable = c.req.query('v') === ASSET_VERSION;
    return c.body(f.body, 200, {
      'content-type': f.type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
}
