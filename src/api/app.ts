import { accountingRoutes } from './routes/accounting';
import { payablesRoutes } from './routes/payables';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { recordAudit } from '../audit/record-audit';
import { getConnection } from '../connections/manage-connections';
import type { Ctx } from '../context';
import { collectMetrics, HttpMetrics } from '../observability/collect-metrics';
import { zodFieldErrors } from '../errors';
import { actorOf } from '../auth/api-keys';
import { withLogScope } from '../logger';
import { enforceRoles, rateLimitPerKey, requireKey } from './auth';
import type { AppEnv } from './env';
import { problem, sendProblem, toProblem } from './problem';
import { connectionRoutes } from './routes/connections';
import { customerRoutes } from './routes/customers';
import { distributorRoutes } from './routes/distributor';
import { eventRoutes } from './routes/events';
import { financeRoutes } from './routes/finance';
import { inventoryRoutes } from './routes/inventory';
import { keyRoutes } from './routes/keys';
import { orderRoutes } from './routes/orders';
import { salesRoutes } from './routes/sales';
import { outboundRoutes } from './routes/outbound';
import { purchasingRoutes } from './routes/purchasing';
import { systemRoutes } from './routes/system';
import { userRoutes } from './routes/users';
import { mountQueueBoard } from './queue-board';
import { webhookRoutes } from './routes/webhooks';
import { NUL_MESSAGE, nulPaths, nulQueryFields } from './nul-characters';

const SWAGGER_DIST = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export interface AppOptions {
  /** Extra routes (the UI) mounted on the same app. */
  extend?: (app: OpenAPIHono<AppEnv>) => void;
}

/** The HTTP app: API under /api/v1 (bearer keys), webhooks, health, OpenAPI and docs. */
export function createApp(ctx: Ctx, opts: AppOptions = {}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures become a 400 problem that names each failing field.
    defaultHook: (result, c) => {
      if (!result.success) {
        return sendProblem(c, problem(400, 'validation_failed', 'The request is not valid.', { errors: zodFieldErrors(result.error.issues) }));
      }
    },
  });

  app.use('*', requestId());
  // Every log line written while this request runs carries its id (see withLogScope in src/logger.ts).
  app.use('*', async (c, next) => {
    c.set('ctx', ctx);
    const t0 = performance.now();
    await withLogScope({ requestId: c.get('requestId') }, async () => {
      await next();
      ctx.log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - t0) }, 'request');
    });
  });
  // Declared lengths are checked from the header alone: hono's bodyLimit reads `c.req.raw.body`, which makes
  // @hono/node-server build a full WHATWG Request (streams, AbortSignal) for every request — a third of the
  // webhook fast path's CPU. Chunked bodies (no content-length) still go through the streaming limit.
  const streamingLimit = bodyLimit({
    maxSize: ctx.config.bodyLimitBytes,
    onError: (c) => sendProblem(c, problem(413, 'payload_too_large', `The request body is larger than ${ctx.config.bodyLimitBytes} bytes.`)),
  });
  app.use('*', async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (/^\d+$/.test(declared) && Number(declared) > ctx.config.bodyLimitBytes) {
        return sendProblem(c, problem(413, 'payload_too_large', `The request body is larger than ${ctx.config.bodyLimitBytes} bytes.`));
      }
      if (/^\d+$/.test(declared)) return next();
    }
    return streamingLimit(c, next);
  });
  // A NUL character in a query parameter (`?actor=%00`) or a JSON string is a 400 naming the field
  // (src/api/nul-characters.ts). Webhooks are not under /api: a channel's body is stored byte for byte.
  app.use('/api/*', async (c, next) => {
    const bad = nulQueryFields(c.req.url);
    const method = c.req.method;
    if (bad.length === 0 && method !== 'GET' && method !== 'HEAD' && (c.req.header('content-type') ?? '').includes('json')) {
      const text = await c.req.text();
      if (/\\u0000/i.test(text)) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return next(); // not JSON: the route's own validation says so
        }
        nulPaths(body, '', bad);
      }
    }
    if (bad.length === 0) return next();
    return sendProblem(c, problem(400, 'validation_failed', 'The request is not valid.', { errors: bad.slice(0, 20).map((path) => ({ path, message: NUL_MESSAGE })) }));
  });
  const http = new HttpMetrics();
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    // The matched route pattern, not the raw path, so ids do not explode the label set.
    http.observe(c.req.method, c.req.routePath ?? 'unmatched', c.res.status, (performance.now() - t0) / 1000);
  });
  app.use('/api/v1/*', requireKey(), rateLimitPerKey(), enforceRoles());
  // Every mutating request goes to the audit log (channel webhooks are kept as raw events instead).
  app.use('*', async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || c.req.path.startsWith('/webhooks/')) return next();
    const details: Record<string, unknown> = {};
    const connMatch = /^\/api\/v1\/connections\/([0-9a-f-]{36})$/i.exec(c.req.path);
    if (connMatch && method === 'PATCH') details.before = await getConnection(c.get('ctx'), connMatch[1]!).catch(() => null);
    if (!c.req.path.startsWith('/login') && (c.req.header('content-type') ?? '').includes('json')) {
      details.body = await c.req.json().catch(() => undefined);
    }
    await next();
    if (connMatch && method === 'PATCH' && c.res.status < 300) details.after = await getConnection(c.get('ctx'), connMatch[1]!).catch(() => null);
    const principal = c.get('principal');
    await recordAudit(c.get('ctx'), {
      actor: c.get('ctx').actor ?? actorOf(principal), method, path: c.req.path, status: c.res.status,
      requestId: c.get('requestId'), details: Object.keys(details).length > 0 ? details : undefined,
    });
  });

  app.onError((err, c) => {
    const p = toProblem(err);
    if (p.status >= 500) ctx.log.error({ err, path: c.req.path }, 'request failed');
    return sendProblem(c, p);
  });
  app.notFound((c) => sendProblem(c, problem(404, 'route_not_found', `No route for ${c.req.method} ${c.req.path}.`)));

  app.get('/metrics', async (c) => c.text(await collectMetrics(ctx, http), 200, { 'content-type': 'text/plain; version=0.0.4' }));
  userRoutes(app);
  mountQueueBoard(app, ctx);
  systemRoutes(app);
  connectionRoutes(app);
  distributorRoutes(app);
  orderRoutes(app);
  eventRoutes(app);
  keyRoutes(app);
  financeRoutes(app);
  accountingRoutes(app);
  payablesRoutes(app);
  inventoryRoutes(app);
  webhookRoutes(app);
  outboundRoutes(app);
  salesRoutes(app);
  purchasingRoutes(app);
  customerRoutes(app);
  opts.extend?.(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An omnihub API key' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'omnihub', version: '0.1.0', description: 'Integration hub for omnichannel commerce: unified order inbox, inventory, reconciliation.' },
  });
  // Swagger UI's assets come from this package (swagger-ui-dist), not a CDN: the docs work offline.
  app.get('/docs', swaggerUI({ url: '/openapi.json', baseUrl: '/docs/assets' }));
  app.get('/docs/assets/swagger-ui-dist/:file{swagger-ui\\.css|swagger-ui-bundle\\.js}', async (c) => {
    const file = c.req.param('file');
    const body = await readFile(path.join(SWAGGER_DIST, file));
    return c.body(body, 200, {
      'content-type': file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    });
  });
  return app;
}
