import { inArray } from 'drizzle-orm';
import type { Ctx } from '../context';
import { apiKeys, users } from '../db/schema/index';

const ACTOR = /^(key|user):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * What the audit log and the timelines call the people behind `key:<id>` and `user:<id>` (see
 * `actorOf`): the key's name, the user's name (or email). Other actors (`system`, `allocator`,
 * `anonymous`) and ids that no longer exist are left out, so callers show the raw actor for them.
 */
export async function actorNames(ctx: Ctx, actors: Iterable<string | null | undefined>): Promise<Map<string, string>> {
  const keyIds = new Set<string>();
  const userIds = new Set<string>();
  for (const a of actors) {
    const m = a ? ACTOR.exec(a) : null;
    if (m) (m[1] === 'key' ? keyIds : userIds).add(m[2]!);
  }
  const out = new Map<string, string>();
  const [keys, people] = await Promise.all([
    keyIds.size > 0 ? ctx.db.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(inArray(apiKeys.id, [...keyIds])) : [],
    userIds.size > 0 ? ctx.db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, [...userIds])) : [],
  ]);
  for (const k of keys) out.set(`key:${k.id}`, k.name);
  for (const u of people) out.set(`user:${u.id}`, u.name.trim() || u.email);
  return out;
}
