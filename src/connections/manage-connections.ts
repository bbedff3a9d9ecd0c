import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { connections, syncRuns } from '../db/schema/index';
import { q } from '../db/transaction';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { invalidateConnection } from './connection-cache';
import { parseConfig, publicConfig, sealConfig, URL_FIELDS } from './connection-config';
import { assertEgressAllowed } from './egress-guard';

export const CreateConnectionInput = z.object({
  type: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  config: z.record(z.string(), z.unknown()).default({}),
});
export const UpdateConnectionInput = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['active', 'paused']).optional(),
  /** Merged into the stored config; secret fields left out keep their stored value. */
  config: z.record(z.string(), z.unknown()).optional(),
});

type Row = typeof connections.$inferSelect;

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  return r.data;
}

/** The connection as the API returns it: never a secret. */
export function presentConnection(ctx: Ctx, row: Row) {
  const connector = ctx.connectors(row.type);
  const { config, secretsSet } = publicConfig(connector, row.config);
  const path = `/webhooks/${row.id}`;
  return {
    id: row.id,
    type: row.type,
    channel: connector?.channel ?? row.type,
    name: row.name,
    status: row.status,
    statusReason: row.statusReason,
    config,
    secretsSet,
    webhookUrl: ctx.config.publicUrl ? `${ctx.config.publicUrl}${path}` : path,
    supportsWebhooks: !!connector?.verifyWebhook,
    supportsPull: !!connector?.pullOrders,
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ConnectionView = ReturnType<typeof presentConnection>;

async function checkEgress(ctx: Ctx, config: Record<string, unknown>): Promise<void> {
  for (const f of URL_FIELDS) {
    const v = config[f];
    if (typeof v === 'string') await assertEgressAllowed(v, `config.${f}`, ctx.config.allowedPrivateHosts);
  }
}

/** Keeps the repeatable poll job in step with the connection: scheduled while active, removed otherwise. */
export async function syncPollSchedule(ctx: Ctx, row: Row): Promise<void> {
  const connector = ctx.connectors(row.type);
  const every = Number(row.config.pollIntervalSeconds ?? 0);
  const key = `poll:${row.id}`;
  if (connector?.pullOrders && row.status === 'active' && every > 0) {
    await ctx.queue.schedule(key, 'connection.sync', { connectionId: row.id, kind: 'incremental' }, every * 1000);
  } else {
    await ctx.queue.unschedule(key);
  }
}

export async function createConnection(ctx: Ctx, input: unknown): Promise<ConnectionView> {
  const data = parse(CreateConnectionInput, input);
  const connector = ctx.connectors(data.type);
  if (!connector || data.type === 'manual') {
    throw new ValidationError([{ path: 'type', message: `unknown connector type ${data.type}` }]);
  }
  const config = parseConfig(connector, data.config);
  await checkEgress(ctx, config);
  const [row] = await q(ctx)
    .insert(connections)
    .values({ type: data.type, name: data.name, config: sealConfig(connector, config, ctx.secrets) })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await syncPollSchedule(ctx, row);
  return presentConnection(ctx, row);
}

export async function listConnections(ctx: Ctx, opts: { includeArchived?: boolean } = {}): Promise<ConnectionView[]> {
  const rows = await q(ctx)
    .select()
    .from(connections)
    .where(opts.includeArchived ? undefined : and(ne(connections.status, 'archived'), ne(connections.type, 'manual')))
    .orderBy(connections.createdAt);
  return rows.map((r) => presentConnection(ctx, r));
}

export async function getConnectionRow(ctx: Ctx, id: string): Promise<Row> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('connection', id);
  const [row] = await q(ctx).select().from(connections).where(eq(connections.id, id));
  if (!row) throw new NotFoundError('connection', id);
  return row;
}

export async function getConnection(ctx: Ctx, id: string): Promise<ConnectionView> {
  return presentConnection(ctx, await getConnectionRow(ctx, id));
}

export async function updateConnection(ctx: Ctx, id: string, input: unknown): Promise<ConnectionView> {
  const data = parse(UpdateConnectionInput, input);
  const row = await getConnectionRow(ctx, id);
  const connector = ctx.connectors(row.type);
  if (!connector) throw new ValidationError([{ path: 'type', message: `unknown connector type ${row.type}` }]);
  let stored = row.config;
  if (data.config) {
    // Secrets stay sealed unless a new value is given; the merged config is validated as a whole.
    const merged: Record<string, unknown> = { ...row.config, ...data.config };
    const plainForCheck: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(merged)) {
      plainForCheck[k] = connector.secretFields.includes(k) && typeof v === 'object' && v !== null ? 'x'.repeat(32) : v;
    }
    const checked = parseConfig(connector, plainForCheck);
    await checkEgress(ctx, checked);
    stored = {};
    for (const [k, v] of Object.entries(checked)) {
      const given = data.config[k];
      if (connector.secretFields.includes(k)) stored[k] = typeof given === 'string' ? ctx.secrets.seal(given) : row.config[k];
      else stored[k] = v;
    }
  }
  const [updated] = await q(ctx)
    .update(connections)
    .set({
      name: data.name ?? row.name,
      config: stored,
      status: data.status ?? row.status,
      statusReason: data.status === 'active' ? null : row.statusReason,
      updatedAt: new Date(),
    })
    .where(eq(connections.id, id))
    .returning();
  if (!updated) throw new NotFoundError('connection', id);
  invalidateConnection(id);
  await syncPollSchedule(ctx, updated);
  return presentConnection(ctx, updated);
}

/** Archives the connection: its orders stay, polling stops, webhooks answer 410. */
export async function archiveConnection(ctx: Ctx, id: string): Promise<void> {
  const row = await getConnectionRow(ctx, id);
  await q(ctx).update(connections).set({ status: 'archived', updatedAt: new Date() }).where(eq(connections.id, row.id));
  invalidateConnection(id);
  await ctx.queue.unschedule(`poll:${id}`);
}

/** Records a permanent failure on the connection (401, revoked app): syncing stops until someone fixes it. */
export async function markConnectionError(ctx: Ctx, id: string, reason: string): Promise<void> {
  await q(ctx).update(connections).set({ status: 'error', statusReason: reason.slice(0, 1000), updatedAt: new Date() }).where(eq(connections.id, id));
  invalidateConnection(id);
}

export async function requestSync(ctx: Ctx, id: string, input: { kind?: 'incremental' | 'backfill'; since?: string } = {}) {
  const row = await getConnectionRow(ctx, id);
  const connector = ctx.connectors(row.type);
  if (!connector?.pullOrders) throw new ValidationError([{ path: 'connectionId', message: `${row.type} connections cannot be pulled` }]);
  const kind = input.kind ?? 'incremental';
  const [run] = await q(ctx)
    .insert(syncRuns)
    .values({ connectionId: id, kind, status: 'queued', params: input.since ? { since: input.since } : {} })
    .returning();
  if (!run) throw new Error('insert returned no row');
  await ctx.queue.enqueue('connection.sync', { connectionId: id, syncRunId: run.id, kind, since: input.since }, { jobId: `sync-${run.id}` });
  return { syncRunId: run.id, status: run.status };
}

export async function listSyncRuns(ctx: Ctx, id: string, limit = 50) {
  await getConnectionRow(ctx, id);
  const rows = await q(ctx).select().from(syncRuns).where(eq(syncRuns.connectionId, id)).orderBy(desc(syncRuns.createdAt)).limit(limit);
  return rows.map((r) => ({
    id: r.id, kind: r.kind, status: r.status, ordersSeen: r.ordersSeen, pages: r.pages, error: r.error,
    startedAt: r.startedAt?.toISOString() ?? null, finishedAt: r.finishedAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString(),
  }));
}

/** The built-in connection that manual and offline orders belong to (created on first use). */
export async function manualConnectionId(ctx: Ctx): Promise<string> {
  const found = await q(ctx).select({ id: connections.id }).from(connections).where(eq(connections.type, 'manual')).limit(1);
  if (found[0]) return found[0].id;
  await q(ctx).execute(sql`
    insert into connections (id, type, name, config) values ('00000000-0000-4000-8000-000000000001', 'manual', 'Manual orders', '{}'::jsonb)
    on conflict (id) do nothing`);
  return '00000000-0000-4000-8000-000000000001';
}
