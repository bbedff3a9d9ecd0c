import { createHash } from 'node:crypto';
import type { Ctx } from '../context';
import { getCachedConnection } from '../connections/connection-cache';
import { openConfig } from '../connections/connection-config';
import { AppError, NotFoundError, UnauthorizedError } from '../errors';
import { kickDrain } from './kick-drain';

export interface WebhookDelivery {
  connectionId: string;
  headers: Record<string, string>;
  rawBody: Buffer;
  url: string;
}

/** Headers worth keeping with the raw event (the signature too, so a replay can be re-verified by hand). */
const KEEP_HEADER = /^(x-|content-type$|user-agent$)/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const configCache = new Map<string, { sealed: unknown; config: Record<string, unknown> }>();

/**
 * The webhook fast path: verify the signature on the raw bytes, store the raw event durably, answer.
 * Normalisation runs later in a worker. A redelivery (same delivery id) is answered as a duplicate.
 */
export async function receiveWebhook(ctx: Ctx, d: WebhookDelivery): Promise<{ eventId: number | null; duplicate: boolean }> {
  // Not a uuid: no such connection (and no database error, which would be a 500).
  if (!UUID.test(d.connectionId)) throw new NotFoundError('connection', d.connectionId);
  d = { ...d, connectionId: d.connectionId.toLowerCase() };
  const conn = await getCachedConnection(ctx, d.connectionId);
  if (!conn || conn.type === 'manual') throw new NotFoundError('connection', d.connectionId);
  if (conn.status === 'archived') throw new AppError('gone', 'This connection was archived.', { status: 410 });
  const connector = ctx.connectors(conn.type);
  if (!connector?.verifyWebhook || !connector.webhookEnvelope) {
    throw new AppError('webhooks_unsupported', `${conn.type} connections do not receive webhooks.`, { status: 404 });
  }
  let cached = configCache.get(d.connectionId);
  if (!cached || cached.sealed !== conn.config) {
    cached = { sealed: conn.config, config: openConfig(connector, conn.config, ctx.secrets) };
    configCache.set(d.connectionId, cached);
  }
  const req = { headers: d.headers, rawBody: d.rawBody, url: d.url };
  if (!connector.verifyWebhook(req, cached.config)) throw new UnauthorizedError('The webhook signature is missing or wrong.');
  const env = connector.webhookEnvelope(req);
  // Without a delivery id, identical bodies are the same delivery.
  const deliveryId = env.deliveryId || `sha256:${createHash('sha256').update(d.rawBody).digest('hex')}`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.headers)) if (KEEP_HEADER.test(k)) headers[k] = v.slice(0, 2000);
  const written = await ctx.rawEvents.write({
    connectionId: d.connectionId,
    deliveryId,
    path: 'webhook',
    topic: env.topic,
    headers,
    body: d.rawBody.toString('utf8'),
  });
  if (!written.duplicate) void kickDrain(ctx, 'webhook');
  return { eventId: written.id, duplicate: written.duplicate };
}
