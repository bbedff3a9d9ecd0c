import { inArray } from 'drizzle-orm';
import type { Ctx } from '../context';
import { connections } from '../db/schema/index';

const TTL_MS = 5000;
const cache = new Map<string, { at: number; type: string; config: Record<string, unknown>; status: string; name: string }>();

/** Connection rows change rarely and are read on every webhook: kept for a few seconds per process. */
export async function loadConnectionTypes(ctx: Ctx, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const missing: string[] = [];
  const now = Date.now();
  for (const id of ids) {
    const hit = cache.get(id);
    if (hit && now - hit.at < TTL_MS) out.set(id, hit.type);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const rows = await (ctx.tx ?? ctx.db).select().from(connections).where(inArray(connections.id, missing));
    for (const r of rows) {
      cache.set(r.id, { at: now, type: r.type, config: r.config, status: r.status, name: r.name });
      out.set(r.id, r.type);
    }
  }
  return out;
}

/** The cached row of one connection (type, stored config, status), or undefined when it does not exist. */
export async function getCachedConnection(ctx: Ctx, id: string) {
  await loadConnectionTypes(ctx, [id]);
  return cache.get(id);
}

export function invalidateConnection(id: string): void {
  cache.delete(id);
}
