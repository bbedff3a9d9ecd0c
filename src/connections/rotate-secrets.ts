import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { isSealed } from './secret-box';
import { invalidateConnection } from './connection-cache';

export interface RotationResult {
  connections: number;
  values: number;
  subscriptions: number;
}

/**
 * Re-seals every secret sealed with an older key under the current one (connection configs and
 * webhook-subscriber secrets). Run it after every process has the new OMNIHUB_SECRET_KEY and the old
 * one in OMNIHUB_SECRET_KEY_PREVIOUS; then the old key can go. Each row is updated only if it is
 * still what was read (so a concurrent edit is not overwritten); running it twice changes nothing.
 */
export async function rotateSecrets(ctx: Ctx): Promise<RotationResult> {
  const out: RotationResult = { connections: 0, values: 0, subscriptions: 0 };
  const conns = await ctx.db.execute(sql`select id, config from connections`);
  for (const row of conns.rows as Array<{ id: string; config: Record<string, unknown> }>) {
    let changed = 0;
    const next: Record<string, unknown> = { ...row.config };
    for (const [k, v] of Object.entries(row.config)) {
      if (isSealed(v) && ctx.secrets.isStale(v)) {
        next[k] = ctx.secrets.seal(ctx.secrets.open(v));
        changed++;
      }
    }
    if (changed === 0) continue;
    const res = await ctx.db.execute(sql`
      update connections set config = ${JSON.stringify(next)}::jsonb, updated_at = now()
      where id = ${row.id} and config = ${JSON.stringify(row.config)}::jsonb returning id`);
    if (res.rows.length > 0) {
      out.connections++;
      out.values += changed;
      invalidateConnection(row.id);
    }
  }
  const subs = await ctx.db.execute(sql`select id, secret from webhook_subscriptions`);
  for (const row of subs.rows as Array<{ id: string; secret: unknown }>) {
    if (!isSealed(row.secret) || !ctx.secrets.isStale(row.secret)) continue;
    const res = await ctx.db.execute(sql`
      update webhook_subscriptions set secret = ${JSON.stringify(ctx.secrets.seal(ctx.secrets.open(row.secret)))}::jsonb
      where id = ${row.id} and secret = ${JSON.stringify(row.secret)}::jsonb returning id`);
    if (res.rows.length > 0) out.subscriptions++;
  }
  return out;
}
