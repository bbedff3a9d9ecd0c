import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Ctx } from '../context';
import { zodFieldErrors } from '../errors';
import { enforceRoles, requireKey } from './auth';
import type { AppEnv } from './env';
import { problem, sendProblem, toProblem } from './problem';
import { connectionRoutes } from './routes/connections';
import { distributorRoutes } from './routes/distributor';
import { eventRoutes } from './routes/events';
import { financeRoutes } from './routes/finance';
import { inventoryRoutes } from './routes/inventory';
import { keyRoutes } from './routes/keys';
import { orderRoutes } from './routes/orders';
import { systemRoutes } from './routes/system';
import { webhookRoutes } from './routes/webhooks';

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
  app.use('*', async (c, next) => {
    c.set('ctx', ctx);
    await next();
  });
  app.use('*', bodyLimit({
    maxSize: ctx.config.bodyLimitBytes,
    onError: (c) => sendProblem(c, problem(413, 'payload_too_large', `The request body is larger than ${ctx.config.bodyLimitBytes} bytes.`)),
  }));
  app.use('/api/v1/*', requireKey(), enforceRoles());

  app.onError((err, c) => {
    const p = toProblem(err);
    if (p.status >= 500) ctx.log.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'request failed');
    return sendProblem(c, p);
  });
  app.notFound((c) => sendProblem(c, problem(404, 'route_not_found', `No route for ${c.req.method} ${c.req.path}.`)));

  systemRoutes(app);
  connectionRoutes(app);
  distributorRoutes(app);
  orderRoutes(app);
  eventRoutes(app);
  keyRoutes(app);
  financeRoutes(app);
  inventoryRoutes(app);
  webhookRoutes(app);
  opts.extend?.(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An omnihub API key' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'omnihub', version: '0.1.0', description: 'Integration hub for omnichannel commerce: unified order inbox, inventory, reconciliation.' },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));
  return app;
}
