import type { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { json, route } from '../openapi';

const READY_TIMEOUT_MS = 1500;

/** True when `p` resolves (to anything but false) within `ms`; false when it rejects or takes longer. */
async function answersWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then((v) => v !== false, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function systemRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, { method: 'get', path: '/health', tags: ['system'], summary: 'Liveness', responses: { 200: json(z.object({ status: z.literal('ok') })) } },
    (c) => c.json({ status: 'ok' }));

  route(app, {
    method: 'get', path: '/ready', tags: ['system'], summary: 'Readiness: the database and the queue answer',
    responses: { 200: json(z.object({ status: z.string(), database: z.boolean(), queue: z.boolean() })), 503: json(z.object({ status: z.string() }), 'Not ready') },
  }, async (c) => {
    const ctx = c.get('ctx');
    // Bounded: a database that accepts connections but never answers must give 503, not a hung probe.
    const [database, queue] = await Promise.all([
      answersWithin(ctx.db.execute(sql`select 1`), READY_TIMEOUT_MS),
      answersWithin(ctx.queue.ping(READY_TIMEOUT_MS), READY_TIMEOUT_MS),
    ]);
    const ok = database && queue;
    return c.json({ status: ok ? 'ready' : 'unavailable', database, queue }, ok ? 200 : 503);
  });

  route(app, {
    method: 'get', path: '/api/v1/connectors', tags: ['connections'], summary: 'Connector types with their config schemas (JSON Schema) and secret fields',
    responses: { 200: json(z.object({ items: z.array(z.object({ type: z.string(), channel: z.string(), label: z.string(), secretFields: z.array(z.string()), configSchema: z.unknown(), webhooks: z.boolean(), pull: z.boolean() })) })) },
  }, (c) => {
    const items = c.get('ctx').connectorList()
      .filter((k) => k.type !== 'manual')
      .map((k) => ({
        type: k.type,
        channel: k.channel,
        label: k.label,
        secretFields: [...k.secretFields],
        configSchema: z.toJSONSchema(k.configSchema, { io: 'input', unrepresentable: 'any' }),
        webhooks: !!k.verifyWebhook,
        pull: !!k.pullOrders,
      }));
    return c.json({ items });
  });
}

