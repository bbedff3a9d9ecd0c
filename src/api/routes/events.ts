import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { getRawEvent, ListEventsQuery, listRawEvents, replayRawEvent } from '../../inbox/raw-event-queries';
import { NotFoundError } from '../../errors';
import type { AppEnv } from '../env';
import { json, route } from '../openapi';

const IdParam = z.object({ id: z.string() });
function eventId(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new NotFoundError('event', text);
  return n;
}

export function eventRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'get', path: '/api/v1/events', tags: ['events'], summary: 'Raw inbound events; `status=failed` lists dead letters',
    request: { query: ListEventsQuery }, responses: { 200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() })) },
  }, async (c) => c.json(await listRawEvents(c.get('ctx'), ListEventsQuery.parse(c.req.query()))));

  route(app, {
    method: 'get', path: '/api/v1/events/{id}', tags: ['events'], summary: 'One raw event with its stored headers and body',
    request: { params: IdParam }, responses: { 200: json(z.record(z.string(), z.unknown())) },
  }, async (c) => c.json(await getRawEvent(c.get('ctx'), eventId(c.req.param('id')!))));

  route(app, {
    method: 'post', path: '/api/v1/events/{id}/replay', tags: ['events'], summary: 'Re-run normalisation from the stored payload',
    request: { params: IdParam }, responses: { 200: json(z.object({ event: z.record(z.string(), z.unknown()), orders: z.array(z.object({ id: z.string(), outcome: z.string() })) })) },
  }, async (c) => c.json(await replayRawEvent(c.get('ctx'), eventId(c.req.param('id')!))));
}
