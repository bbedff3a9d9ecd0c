import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../api/env';

/** Mounts the web UI on the app. (The inbox screens grow here; until then `/` points at the API docs.) */
export function mountUi(app: OpenAPIHono<AppEnv>): void {
  app.get('/', (c) => c.redirect('/docs'));
}
