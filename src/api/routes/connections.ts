import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  archiveConnection, createConnection, CreateConnectionInput, getConnection, listConnections, listSyncRuns, requestSync,
  updateConnection, UpdateConnectionInput,
} from '../../connections/manage-connections';
import { connectionHealth } from '../../connections/connection-health';
import type { AppEnv } from '../env';
import { body, json, route } from '../openapi';

const Connection = z.object({
  id: z.string().uuid(), type: z.string(), channel: z.string(), name: z.string(), status: z.string(),
  statusReason: z.string().nullable(), config: z.record(z.string(), z.unknown()), secretsSet: z.array(z.string()),
  webhookUrl: z.string(), supportsWebhooks: z.boolean(), supportsPull: z.boolean(), lastSyncAt: z.string().nullable(),
  createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'Connection' });
const IdParam = z.object({ id: z.string() });
const SyncInput = z.object({ kind: z.enum(['incremental', 'backfill']).optional(), since: z.string().datetime({ offset: true }).optional() });

export function connectionRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'post', path: '/api/v1/connections', tags: ['connections'], summary: 'Connect a channel account',
    description: 'Secret fields of `config` are encrypted at rest and never returned; `secretsSet` lists the ones stored.',
    request: body(CreateConnectionInput), responses: { 201: json(Connection, 'Created') },
  }, async (c) => c.json(await createConnection(c.get('ctx'), await c.req.json()), 201));

  route(app, {
    method: 'get', path: '/api/v1/connections', tags: ['connections'], summary: 'List connections',
    request: { query: z.object({ includeArchived: z.enum(['true', 'false']).optional() }) },
    responses: { 200: json(z.object({ items: z.array(Connection) })) },
  }, async (c) => c.json({ items: await listConnections(c.get('ctx'), { includeArchived: c.req.query('includeArchived') === 'true' }) }));

  // Before /{id}, which would otherwise take "health" for an id.
  route(app, {
    method: 'get', path: '/api/v1/connections/health', tags: ['connections'],
    summary: 'Health of every connection: last sync and lag, the newest and the active run (backfill progress), failures in 24 h, rate-limit state (paused, throttled, low, ok) with each rate budget, dead letters',
    responses: { 200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())) })) },
  }, async (c) => c.json(await connectionHealth(c.get('ctx'))));

  route(app, {
    method: 'get', path: '/api/v1/connections/{id}', tags: ['connections'], summary: 'One connection',
    request: { params: IdParam }, responses: { 200: json(Connection), 404: json(z.unknown(), 'Not found') },
  }, async (c) => c.json(await getConnection(c.get('ctx'), c.req.param('id')!)));

  route(app, {
    method: 'patch', path: '/api/v1/connections/{id}', tags: ['connections'], summary: 'Change name, status or config (secrets left out keep their value)',
    request: { params: IdParam, ...body(UpdateConnectionInput) }, responses: { 200: json(Connection) },
  }, async (c) => c.json(await updateConnection(c.get('ctx'), c.req.param('id')!, await c.req.json())));

  route(app, {
    method: 'delete', path: '/api/v1/connections/{id}', tags: ['connections'], summary: 'Archive a connection (its orders stay)',
    request: { params: IdParam }, responses: { 204: { description: 'Archived' } },
  }, async (c) => {
    await archiveConnection(c.get('ctx'), c.req.param('id')!);
    return c.body(null, 204);
  });

  route(app, {
    method: 'post', path: '/api/v1/connections/{id}/sync', tags: ['connections'], summary: 'Pull now (incremental, or a backfill since a date)',
    request: { params: IdParam, body: { content: { 'application/json': { schema: SyncInput } }, required: false } },
    responses: { 202: json(z.object({ syncRunId: z.string().uuid(), status: z.string() }), 'Queued') },
  }, async (c) => {
    const text = await c.req.text();
    const input = SyncInput.parse(text.trim() ? JSON.parse(text) : {});
    return c.json(await requestSync(c.get('ctx'), c.req.param('id')!, input), 202);
  });

  route(app, {
    method: 'get', path: '/api/v1/connections/{id}/sync-runs', tags: ['connections'], summary: 'Recent sync runs',
    request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())) })) },
  }, async (c) => c.json({ items: await listSyncRuns(c.get('ctx'), c.req.param('id')!) }));
}
