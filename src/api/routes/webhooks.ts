import type { IncomingMessage } from 'node:http';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { receiveWebhook } from '../../inbox/receive-webhook';
import type { AppEnv } from '../env';
import { json, route } from '../openapi';

/**
 * The request's headers as a plain object with lower-case names. Under @hono/node-server they are read
 * from Node's own message: iterating `c.req.raw.headers` builds a WHATWG Headers object, validating every
 * name and value again, which was a tenth of the webhook fast path's CPU. Elsewhere (app.request in
 * tests, other runtimes) the standard Headers are used.
 */
function requestHeaders(c: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming?.headers && !(incoming as { stream?: unknown }).stream) {
    for (const [k, v] of Object.entries(incoming.headers)) {
      if (k.startsWith(':') || v === undefined) continue;
      headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    return headers;
  }
  c.req.raw.headers.forEach((v, k) => {
    headers[k.toLowerCase()] = v;
  });
  return headers;
}

export function webhookRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'post', path: '/webhooks/{connectionId}', tags: ['webhooks'],
    summary: 'Channel webhooks, in the platform\'s own format',
    description: 'The connection\'s connector verifies the signature on the raw bytes, the payload is stored durably, and the answer comes before processing. A redelivery is answered 200 with `duplicate: true`.',
    request: { params: z.object({ connectionId: z.string() }) },
    responses: {
      202: json(z.object({ received: z.literal(true), eventId: z.number().nullable(), duplicate: z.boolean() }), 'Stored'),
      200: json(z.object({ received: z.literal(true), eventId: z.number().nullable(), duplicate: z.boolean() }), 'Already received'),
      401: json(z.unknown(), 'Signature missing or wrong'),
      404: json(z.unknown(), 'Unknown connection'),
      413: json(z.unknown(), 'Body too large'),
      503: json(z.unknown(), 'Could not store durably; the channel should retry'),
    },
  }, async (c) => {
    const rawBody = Buffer.from(await c.req.arrayBuffer());
    const headers = requestHeaders(c);
    const ctx = c.get('ctx');
    const url = ctx.config.publicUrl ? `${ctx.config.publicUrl}${new URL(c.req.url).pathname}` : c.req.url;
    const r = await receiveWebhook(ctx, { connectionId: c.req.param('connectionId')!, headers, rawBody, url });
    return c.json({ received: true, eventId: r.eventId, duplicate: r.duplicate }, r.duplicate ? 200 : 202);
  });
}
