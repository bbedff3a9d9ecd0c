import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { createApiKey, CreateKeyInput, listApiKeys, revokeApiKey } from '../../auth/api-keys';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const Key = z.object({
  id: z.string().uuid(), name: z.string(), role: z.string(), scopes: z.array(z.string()).nullable(), prefix: z.string(), expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(), lastUsedAt: z.string().nullable(), createdAt: z.string(),
}).meta({ id: 'ApiKey' });

export function keyRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'post', path: '/api/v1/keys', tags: ['keys'], summary: 'Create an API key (shown once)', description: 'Optional `scopes` narrow the role to areas: orders, stock, finance, connections, each `:read` or `:write` (write includes read).',
    request: body(CreateKeyInput), responses: { 201: json(Key.extend({ key: z.string() }), 'Created') },
  }, async (c) => c.json(await createApiKey(c.get('ctx'), await c.req.json()), 201));

  route(app, {
    method: 'get', path: '/api/v1/keys', tags: ['keys'], summary: 'List API keys (never the keys themselves)',
    responses: { 200: json(z.object({ items: z.array(Key) })) },
  }, async (c) => c.json({ items: await listApiKeys(c.get('ctx')) }));

  route(app, {
    method: 'delete', path: '/api/v1/keys/{id}', tags: ['keys'], summary: 'Revoke an API key',
    request: { params: z.object({ id: z.string() }) }, responses: { 204: { description: 'Revoked' } },
  }, async (c) => {
    await revokeApiKey(c.get('ctx'), c.req.param('id')!);
    return c.body(null, 204);
  });
}
