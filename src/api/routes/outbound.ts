import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  createSubscription, CreateSubscriptionInput, deleteSubscription, enableSubscription, listDeliveries, listSubscriptions,
} from '../../outbound/subscriptions';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const Subscription = z.object({
  id: z.string().uuid(), url: z.string(), events: z.array(z.string()), status: z.string(), consecutiveFailures: z.number().int(),
  disabledReason: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'WebhookSubscription' });
const IdParam = z.object({ id: z.string() });

export function outboundRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'post', path: '/api/v1/webhook-subscriptions', tags: ['webhooks out'], summary: 'Subscribe a URL to hub events',
    description: 'Deliveries are POSTed as JSON `{id, type, createdAt, data}` and signed in `omnihub-signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the secret returned here once. Failed deliveries are retried with back-off for about a day; a subscriber whose deliveries keep failing is disabled.',
    request: body(CreateSubscriptionInput), responses: { 201: json(Subscription.extend({ secret: z.string() }), 'Created') },
  }, async (c) => c.json(await createSubscription(c.get('ctx'), await c.req.json()), 201));

  route(app, {
    method: 'get', path: '/api/v1/webhook-subscriptions', tags: ['webhooks out'], summary: 'Subscribers with their state',
    responses: { 200: json(z.object({ items: z.array(Subscription) })) },
  }, async (c) => c.json({ items: await listSubscriptions(c.get('ctx')) }));

  route(app, {
    method: 'delete', path: '/api/v1/webhook-subscriptions/{id}', tags: ['webhooks out'], summary: 'Remove a subscriber',
    request: { params: IdParam }, responses: { 204: { description: 'Removed' } },
  }, async (c) => {
    await deleteSubscription(c.get('ctx'), c.req.param('id')!);
    return c.body(null, 204);
  });

  route(app, {
    method: 'post', path: '/api/v1/webhook-subscriptions/{id}/enable', tags: ['webhooks out'], summary: 'Re-enable a disabled subscriber',
    request: { params: IdParam }, responses: { 200: json(Subscription) },
  }, async (c) => c.json(await enableSubscription(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'get', path: '/api/v1/webhook-subscriptions/{id}/deliveries', tags: ['webhooks out'], summary: 'Recent deliveries with each answer',
    request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())) })) },
  }, async (c) => c.json({ items: await listDeliveries(c.get('ctx'), c.req.param('id')!) }));
}
