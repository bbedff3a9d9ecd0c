import type { OpenAPIHono } from '@hono/zod-openapi';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { authenticate, type Principal } from '../auth/api-keys';
import type { Ctx } from '../context';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { BullQueue } from '../queue/bullmq';
import { resolveSession } from '../ui/session/sessions';
import type { AppEnv } from './env';

export const QUEUE_BOARD_PATH = '/admin/queues';
const SESSION_COOKIE = 'omnihub_session';

/** An admin, by bearer key (unscoped) or by UI session; anyone else is refused (browsers go to the login). */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = c.get('ctx');
    let p: Principal | null = null;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (bearer) p = await authenticate(ctx, bearer);
    else p = (await resolveSession(ctx, getCookie(c, SESSION_COOKIE)))?.principal ?? null;
    if (!p) {
      if (!bearer && c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html')) {
        return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
      }
      throw new UnauthorizedError();
    }
    if (p.role !== 'admin' || p.scopes) throw new ForbiddenError('The queue board is for admins.');
    c.set('principal', p);
    await next();
  };
}

/**
 * Bull Board at /admin/queues when the queue is BullMQ (Redis). In embedded mode the UI serves its
 * own page at the same address (src/ui/pages/admin.tsx).
 */
export function mountQueueBoard(app: OpenAPIHono<AppEnv>, ctx: Ctx): void {
  if (!(ctx.queue instanceof BullQueue)) return;
  const queue = ctx.queue;
  let board: Hono | undefined;
  const get = () => {
    if (board) return board;
    const adapter = new HonoAdapter(serveStatic);
    createBullBoard({ queues: queue.allQueues().map((q) => new BullMQAdapter(q)), serverAdapter: adapter as never });
    adapter.setBasePath(QUEUE_BOARD_PATH);
    board = new Hono().route(QUEUE_BOARD_PATH, adapter.registerPlugin());
    return board;
  };
  app.use(QUEUE_BOARD_PATH, requireAdmin());
  app.use(`${QUEUE_BOARD_PATH}/*`, requireAdmin());
  app.all(QUEUE_BOARD_PATH, (c) => get().fetch(c.req.raw));
  app.all(`${QUEUE_BOARD_PATH}/*`, (c) => get().fetch(c.req.raw));
}
